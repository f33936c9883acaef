//! Smoke tests of the real SP apps in tests/sp/ (python3-saml and node-saml):
//! they start, serve metadata, start a login, and reject garbage with JSON.
//! Needs the packages that .ci/install-deps installs.

mod support;

use support::sp::{SpApp, SpConfig, SpKind};

fn throwaway_cert_pem() -> String {
    rcgen::generate_simple_self_signed(vec!["idp.mockidp.test".to_string()])
        .expect("self-signed certificate")
        .cert
        .pem()
}

fn start(kind: SpKind) -> SpApp {
    if let Err(why) = kind.available() {
        panic!("{kind} SP app cannot run here: {why}");
    }
    SpApp::start(kind, SpConfig::new(throwaway_cert_pem()))
}

fn smoke(kind: SpKind) {
    let app = start(kind);
    assert!(app.base_url.starts_with("http://127.0.0.1:"), "{}", app.base_url);
    assert!(app.healthy(), "{kind}: /healthz");

    let metadata = app.metadata();
    assert!(metadata.contains("EntityDescriptor"), "{kind}: {metadata}");
    assert!(metadata.contains(&app.acs_url()), "{kind}: ACS URL missing: {metadata}");
    assert!(metadata.contains(&app.entity_id()), "{kind}: entity ID missing: {metadata}");

    let login = app.login();
    assert!(!login.request_id.is_empty());
    assert!(login.saml_request_xml.contains("AuthnRequest"), "{}", login.saml_request_xml);
    assert!(login.saml_request_xml.contains(&app.entity_id()), "{}", login.saml_request_xml);
    assert!(login.location.starts_with("https://idp.mockidp.test/sso?"), "{}", login.location);
    assert_eq!(login.relay_state, None);
    assert_eq!(login.cookie.as_deref(), Some(format!("sp_request_id={}", login.request_id).as_str()));

    let with_rs = app.login_with_relay_state("back to /x?y=1&z=2");
    assert_eq!(with_rs.relay_state.as_deref(), Some("back to /x?y=1&z=2"));
    assert_ne!(with_rs.request_id, login.request_id);

    // Garbage in every shape: never accepted, always a JSON answer.
    let garbage = [
        app.post_acs("garbage", None),
        app.post_acs("PHNhbWxwOlJlc3BvbnNlLz4=", login.cookie.as_deref()), // "<samlp:Response/>"
        app.post_acs("", None),
        app.post_acs_form("not=a&saml=response", "application/x-www-form-urlencoded", None),
        app.post_acs_form("{\"SAMLResponse\":\"x\"}", "application/json", None),
        app.get_acs("SAMLResponse=abc"),
        app.get_acs(""),
    ];
    for answer in &garbage {
        assert!(!answer.accepted(), "{kind}: accepted garbage: {answer}");
        assert!(answer.status == 400 || answer.status == 403, "{kind}: unexpected status: {answer}");
        assert_eq!(answer.json["accepted"], false, "{kind}: {answer}");
        assert_eq!(answer.json["library"], kind.library(), "{kind}: {answer}");
        assert!(!answer.reason().is_empty(), "{kind}: no reason: {answer}");
        assert!(!answer.errors().is_empty(), "{kind}: no errors: {answer}");
    }

    assert!(app.stderr_output().trim().is_empty(), "{kind}: {}", app.stderr_output());
}

#[test]
fn python3_saml_app_smoke() {
    smoke(SpKind::Python3Saml);
}

#[test]
fn node_saml_app_smoke() {
    smoke(SpKind::NodeSaml);
}

#[test]
fn apps_honour_sp_entity_id() {
    for kind in SpKind::ALL {
        let app = SpApp::start(kind, SpConfig::new(throwaway_cert_pem()).sp_entity_id("urn:test:sp"));
        assert_eq!(app.entity_id(), "urn:test:sp");
        assert!(app.metadata().contains("entityID=\"urn:test:sp\""), "{kind}");
        let login = app.login();
        assert!(login.saml_request_xml.contains("urn:test:sp"), "{kind}: {}", login.saml_request_xml);
    }
}

#[test]
fn app_that_cannot_start_reports_stderr() {
    let result =
        std::panic::catch_unwind(|| SpApp::start_json(SpKind::Python3Saml, serde_json::json!({ "strict": true })));
    let err = result.err().expect("a config without a certificate must not start");
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(msg.contains("idp_cert_pem"), "{msg}");
}
