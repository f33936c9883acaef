//! Encrypted responses checked with xmlsec1 (the reference implementation of XML Encryption):
//! every data algorithm and key transport decrypts with the SP's key (`keys/sp-encryption`) to an
//! assertion whose signature verifies, the Response signature verifies around the ciphertext,
//! EncryptedID and EncryptedAttribute decrypt too, another key does not, and a fixed clock and
//! seed give the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, GenerateOptions};
use mockidp::scenario::{parse_scenario, EncryptChoices, Scenario, ScenarioSet};
use mockidp::xmlenc::{DataAlgorithm, KeyTransport};

const NOW: &str = "2026-01-02T03:04:05Z";
const IDP_CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem");
const SP_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/sp-encryption/key.pem");
const OTHER_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/untrusted/key.pem");

fn sp_certificate() -> String {
    KeyStore::new(None).load("sp-encryption").unwrap().certificate_base64.clone()
}

fn options() -> GenerateOptions {
    GenerateOptions {
        in_response_to: Some("_request-1".into()),
        sp_encryption_cert: Some(sp_certificate()),
        encrypt: true,
        ..GenerateOptions::default()
    }
}

fn valid_with(choices: EncryptChoices) -> Scenario {
    let set = ScenarioSet::load(None).unwrap();
    let mut scenario = set.get("valid").unwrap().clone();
    scenario.file.encrypt = Some(choices);
    scenario
}

fn generate_xml(scenario: &Scenario, seed: u64) -> String {
    let clock = Clock::parse_fixed(NOW).unwrap();
    generate(scenario, &options(), &mut KeyStore::new(None), &clock, &mut IdSource::seeded(seed)).unwrap().xml
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mockidp-xmlenc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// `xmlsec1 --decrypt` of the EncryptedData at `xpath`: the document with it replaced, or the log.
fn xmlsec_decrypt(path: &Path, key: &str, xpath: &str) -> Result<String, String> {
    let output = Command::new("xmlsec1")
        .args(["--decrypt", "--privkey-pem", key, "--node-xpath", xpath])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("xmlsec1 cannot run ({e}) (hint: run .ci/install-deps)"));
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn xmlsec_verify(path: &Path, signature_xpath: &str) -> Result<(), String> {
    let output = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem", IDP_CERT])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response"])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"])
        .args(["--node-xpath", signature_xpath])
        .arg(path)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The EncryptedKey of `xml` unwrapped by `openssl pkeyutl` with RSA-OAEP, SHA-256 and MGF1-SHA-256.
fn openssl_unwrap_oaep_sha256(xml: &str) -> Vec<u8> {
    use base64::Engine;
    let start = xml.find("<xenc:EncryptedKey>").unwrap();
    let value = &xml[start..];
    let value = &value[value.find("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len()..];
    let value = &value[..value.find('<').unwrap()];
    let wrapped = base64::engine::general_purpose::STANDARD.decode(value).unwrap();
    let path = temp_file("wrapped.bin", "");
    std::fs::write(&path, wrapped).unwrap();
    let output = Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-inkey", SP_KEY, "-pkeyopt", "rsa_padding_mode:oaep"])
        .args(["-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256", "-in"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "openssl: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

const ENCRYPTED_ASSERTION_DATA: &str =
    "/*[local-name()='Response']/*[local-name()='EncryptedAssertion']/*[local-name()='EncryptedData']";
const RESPONSE_SIGNATURE: &str = "/*[local-name()='Response']/*[local-name()='Signature']";
const ASSERTION_SIGNATURE: &str = "//*[local-name()='Assertion']/*[local-name()='Signature']";

#[test]
fn xmlsec1_decrypts_every_algorithm_and_the_signatures_verify() {
    let mut seed = 100;
    for data in DataAlgorithm::ALL {
        for key_transport in KeyTransport::ALL {
            seed += 1;
            let label = format!("{}+{}", data.name(), key_transport.name());
            let xml =
                generate_xml(&valid_with(EncryptChoices { data, key_transport, ..EncryptChoices::default() }), seed);
            assert!(xml.contains("<saml:EncryptedAssertion>") && !xml.contains("<saml:Assertion "), "{label}: {xml}");
            assert!(xml.contains(data.uri()) && xml.contains(key_transport.uri()), "{label}");
            let path = temp_file(&format!("{label}.xml"), &xml);
            if key_transport == KeyTransport::RsaOaep {
                // xmlsec1 1.2 (Debian bookworm) has no xmlenc11#rsa-oaep; openssl unwraps the key.
                let log = xmlsec_decrypt(&path, SP_KEY, ENCRYPTED_ASSERTION_DATA).unwrap_err();
                assert!(log.contains("href=http://www.w3.org/2009/xmlenc11#rsa-oaep"), "{label}: {log}");
                assert_eq!(openssl_unwrap_oaep_sha256(&xml).len(), data.key_len(), "{label}");
                continue;
            }
            xmlsec_verify(&path, RESPONSE_SIGNATURE).unwrap_or_else(|log| panic!("{label}: Response signature: {log}"));
            let decrypted = xmlsec_decrypt(&path, SP_KEY, ENCRYPTED_ASSERTION_DATA)
                .unwrap_or_else(|log| panic!("{label}: xmlsec1 --decrypt failed:\n{log}\n{xml}"));
            assert!(decrypted.contains(">alice@example.com</saml:NameID>"), "{label}: {decrypted}");
            // The decrypted assertion stands alone: its own signature verifies in place.
            let path = temp_file(&format!("{label}-decrypted.xml"), &decrypted);
            xmlsec_verify(&path, ASSERTION_SIGNATURE)
                .unwrap_or_else(|log| panic!("{label}: assertion signature: {log}"));
            assert!(
                xmlsec_decrypt(&temp_file(&format!("{label}.xml"), &xml), OTHER_KEY, ENCRYPTED_ASSERTION_DATA).is_err(),
                "{label}: decrypted with another key"
            );
        }
    }
}

#[test]
fn xmlsec1_decrypts_encrypted_id_and_attributes() {
    let choices = EncryptChoices { assertion: false, name_id: true, attributes: true, ..EncryptChoices::default() };
    let xml = generate_xml(&valid_with(choices), 7);
    assert!(xml.contains("<saml:EncryptedID>") && !xml.contains("<saml:NameID"), "{xml}");
    assert_eq!(
        xml.matches("<saml:EncryptedAttribute>").count(),
        xml.matches("<xenc:EncryptedData ").count() - 1,
        "{xml}"
    );
    let path = temp_file("inner.xml", &xml);
    xmlsec_verify(&path, ASSERTION_SIGNATURE)
        .unwrap_or_else(|log| panic!("assertion signature over EncryptedID: {log}"));
    let id = xmlsec_decrypt(&path, SP_KEY, "//*[local-name()='EncryptedID']/*[local-name()='EncryptedData']").unwrap();
    assert!(
        id.contains("<saml:NameID xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"")
            && id.contains(">alice@example.com<"),
        "{id}"
    );
    let attribute =
        xmlsec_decrypt(&path, SP_KEY, "(//*[local-name()='EncryptedAttribute'])[1]/*[local-name()='EncryptedData']")
            .unwrap();
    assert!(attribute.contains("<saml:Attribute xmlns:saml="), "{attribute}");
}

#[test]
fn encrypted_output_is_reproducible_and_seeded_ids_do_not_move() {
    let scenario = valid_with(EncryptChoices::default());
    assert_eq!(generate_xml(&scenario, 42), generate_xml(&scenario, 42));
    assert_ne!(generate_xml(&scenario, 42), generate_xml(&scenario, 43));
    let plain = ScenarioSet::load(None).unwrap().get("valid").unwrap().clone();
    let clock = Clock::parse_fixed(NOW).unwrap();
    let plain_options = GenerateOptions { in_response_to: Some("_request-1".into()), ..GenerateOptions::default() };
    let plain = generate(&plain, &plain_options, &mut KeyStore::new(None), &clock, &mut IdSource::seeded(42)).unwrap();
    let encrypted =
        generate(&scenario, &options(), &mut KeyStore::new(None), &clock, &mut IdSource::seeded(42)).unwrap();
    assert_eq!(plain.response_id, encrypted.response_id);
}

#[test]
fn encryption_without_a_certificate_says_how_to_give_one() {
    let scenario = parse_scenario(
        "x",
        "x.toml",
        "summary = \"x\"\ndescription = \"x\"\n[expect]\noutcome = \"accept\"\n[encrypt]\n",
    )
    .unwrap();
    let clock = Clock::parse_fixed(NOW).unwrap();
    let error =
        generate(&scenario, &GenerateOptions::default(), &mut KeyStore::new(None), &clock, &mut IdSource::seeded(1))
            .unwrap_err()
            .to_string();
    assert!(error.contains("no certificate to encrypt to") && error.contains("--sp-encryption-cert"), "{error}");
}
