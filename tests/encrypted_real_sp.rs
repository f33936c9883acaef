//! Encrypted valid responses on both real SP libraries (tests/sp/): for every data algorithm and
//! key transport each library decrypts, the app (with the `sp-encryption` key pair, python3-saml
//! requiring encryption) accepts the login; and what each does with the others, recorded.

mod support;

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, GenerateOptions};
use mockidp::saml::SpTarget;
use mockidp::scenario::{EncryptChoices, ScenarioSet};
use mockidp::xmlenc::{DataAlgorithm, KeyTransport};
use support::sp::{with_encryption, SpAnswer, SpApp, SpConfig, SpKind};

fn start(kind: SpKind) -> SpApp {
    let mut keys = KeyStore::new(None);
    let idp = keys.load("default").unwrap().certificate_pem.clone();
    let config = with_encryption(SpConfig::new(idp).with_profile_config(kind), keys.load("sp-encryption").unwrap());
    SpApp::start(kind, config)
}

fn login_with(app: &SpApp, choices: EncryptChoices) -> SpAnswer {
    let mut scenario = ScenarioSet::load(None).unwrap().get("valid").unwrap().clone();
    scenario.file.encrypt = Some(choices);
    let login = app.login();
    let options = GenerateOptions {
        sp: SpTarget { entity_id: app.entity_id(), acs_url: app.acs_url() },
        in_response_to: Some(login.request_id.clone()),
        sp_encryption_cert: Some(KeyStore::new(None).load("sp-encryption").unwrap().certificate_base64.clone()),
        ..GenerateOptions::default()
    };
    let generated =
        generate(&scenario, &options, &mut KeyStore::new(None), &Clock::system(), &mut IdSource::random()).unwrap();
    assert!(generated.xml.contains("EncryptedAssertion") || !choices_encrypt_assertion(&scenario.file.encrypt));
    let fields: Vec<(&str, &str)> = generated.message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_acs_fields(&fields, login.cookie.as_deref())
}

fn choices_encrypt_assertion(choices: &Option<EncryptChoices>) -> bool {
    choices.as_ref().is_some_and(|c| c.assertion)
}

/// Whether `kind` decrypts this key transport. Neither XML Encryption layer (xmlsec1 1.2,
/// xml-encryption 3) knows xmlenc11#rsa-oaep; node (since the CVE-2023-46809 fix) refuses RSA
/// PKCS#1 v1.5 decryption, so node-saml cannot read RSA-1_5, and python3-saml can (the
/// `rsa-1_5-key-transport` scenario's gap).
fn decrypts(kind: SpKind, key_transport: KeyTransport) -> bool {
    match key_transport {
        KeyTransport::RsaOaepMgf1p => true,
        KeyTransport::RsaOaep => false,
        KeyTransport::Rsa15 => kind == SpKind::Python3Saml,
    }
}

#[test]
fn both_libraries_accept_every_encryption_they_support() {
    let mut table = String::new();
    for kind in SpKind::ALL {
        if let Err(why) = kind.available() {
            panic!("{kind} SP app cannot run here: {why} (hint: run .ci/install-deps)");
        }
        let app = start(kind);
        for data in DataAlgorithm::ALL {
            for key_transport in KeyTransport::ALL {
                let answer = login_with(&app, EncryptChoices { data, key_transport, ..EncryptChoices::default() });
                let label = format!("{kind} {}+{}", data.name(), key_transport.name());
                table.push_str(&format!(
                    "{label}: {}\n",
                    if answer.accepted() { "accepted".into() } else { answer.reason() }
                ));
                if decrypts(kind, key_transport) {
                    assert!(answer.accepted(), "{label}: {answer}\n{}", app.stderr_output());
                    assert_eq!(answer.name_id().as_deref(), Some("alice@example.com"), "{label}");
                } else {
                    assert!(!answer.accepted(), "{label} decrypted, which the library could not before: {answer}");
                }
            }
        }
        // EncryptedID inside the encrypted assertion (both log in; what NameID they see differs).
        let answer = login_with(&app, EncryptChoices { name_id: true, ..EncryptChoices::default() });
        table.push_str(&format!(
            "{kind} EncryptedID: {}\n",
            if answer.accepted() { "accepted".into() } else { answer.reason() }
        ));
        assert!(answer.accepted(), "{kind} EncryptedID: {answer}");
        // node-saml 5 decrypts EncryptedID only in LogoutRequests: a login's profile has no nameID.
        let expected = if kind == SpKind::NodeSaml { None } else { Some("alice@example.com") };
        assert_eq!(answer.name_id().as_deref(), expected, "{kind} EncryptedID");
    }
    println!("{table}");
}
