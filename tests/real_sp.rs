//! The foundation's proof: `mockidp scenario valid --format base64` is accepted by real SP
//! libraries (python3-saml, @node-saml/node-saml) in every signing mode, driven over HTTP through an
//! SP-initiated login; and a copy tampered with after signing is rejected for a signature reason.

mod support;

use std::process::Command;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use support::sp::{SpApp, SpConfig, SpKind};

const MODES: [&str; 3] = ["assertion", "response", "both"];

fn default_cert() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem")).unwrap()
}

/// An SP configured as a user would for this signing mode.
fn start_sp(kind: SpKind, mode: &str) -> SpApp {
    if let Err(why) = kind.available() {
        panic!("{kind} SP app cannot run here: {why} (hint: run .ci/install-deps)");
    }
    let config = SpConfig::new(default_cert())
        .want_assertions_signed(mode != "response")
        .want_messages_signed(mode != "assertion");
    SpApp::start(kind, config)
}

fn mockidp(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(args).output().unwrap();
    assert!(output.status.success(), "mockidp {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Log in at the SP and answer its AuthnRequest with `mockidp scenario valid`.
fn valid_response_for(app: &SpApp, mode: &str) -> (String, Option<String>) {
    let login = app.login();
    let acs_url = app.acs_url();
    let entity_id = app.entity_id();
    let encoded = mockidp(&[
        "scenario",
        "valid",
        "--format",
        "base64",
        "--sign",
        mode,
        "--sp-entity-id",
        &entity_id,
        "--acs-url",
        &acs_url,
        "--in-response-to",
        &login.request_id,
    ]);
    (encoded, login.cookie)
}

/// Change the NameID's text after signing: what an attacker would do.
fn tamper(encoded: &str) -> String {
    let xml = String::from_utf8(BASE64.decode(encoded).unwrap()).unwrap();
    let tampered = xml.replacen(">alice@example.com</saml:NameID>", ">mallory@example.com</saml:NameID>", 1);
    assert_ne!(xml, tampered, "the NameID to tamper with is in the response");
    BASE64.encode(tampered)
}

fn accepts_valid_in_every_mode(kind: SpKind) {
    for mode in MODES {
        let app = start_sp(kind, mode);
        let (encoded, cookie) = valid_response_for(&app, mode);
        let answer = app.post_acs(&encoded, cookie.as_deref());
        assert!(answer.accepted(), "{kind}, signed {mode}: the valid response was rejected: {answer}");
        assert_eq!(answer.name_id().as_deref(), Some("alice@example.com"), "{kind}, signed {mode}");
        assert_eq!(answer.attribute("role"), vec!["member", "staff"], "{kind}, signed {mode}: multi-valued attribute");
    }
}

fn rejects_tampered_in_every_mode(kind: SpKind, signature_reason: &[&str]) {
    for mode in MODES {
        let app = start_sp(kind, mode);
        let (encoded, cookie) = valid_response_for(&app, mode);
        let answer = app.post_acs(&tamper(&encoded), cookie.as_deref());
        assert!(!answer.accepted(), "{kind}, signed {mode}: a tampered response was accepted: {answer}");
        let reason = answer.reason();
        assert!(
            signature_reason.iter().any(|r| reason.contains(r)),
            "{kind}, signed {mode}: rejected, but not for a signature reason: {reason}"
        );
    }
}

#[test]
fn python3_saml_accepts_the_valid_response_in_every_signing_mode() {
    accepts_valid_in_every_mode(SpKind::Python3Saml);
}

#[test]
fn node_saml_accepts_the_valid_response_in_every_signing_mode() {
    accepts_valid_in_every_mode(SpKind::NodeSaml);
}

#[test]
fn python3_saml_rejects_a_tampered_response_for_its_signature() {
    rejects_tampered_in_every_mode(SpKind::Python3Saml, &["Signature validation failed"]);
}

#[test]
fn node_saml_rejects_a_tampered_response_for_its_signature() {
    rejects_tampered_in_every_mode(SpKind::NodeSaml, &["Invalid document signature", "Invalid signature"]);
}

#[test]
fn sp_metadata_gives_the_target() {
    let app = start_sp(SpKind::Python3Saml, "both");
    let dir = std::env::temp_dir().join(format!("mockidp-sp-md-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sp.xml");
    std::fs::write(&path, app.metadata()).unwrap();
    let login = app.login();
    let encoded = mockidp(&[
        "scenario",
        "valid",
        "--format",
        "base64",
        "--sp-metadata",
        path.to_str().unwrap(),
        "--in-response-to",
        &login.request_id,
    ]);
    let answer = app.post_acs(&encoded, login.cookie.as_deref());
    assert!(answer.accepted(), "a response built from the SP's own metadata was rejected: {answer}");
    std::fs::remove_dir_all(dir).ok();
}
