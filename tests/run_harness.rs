//! The Rust test-suite API: build a scenario for an SP, hand the form body to a handler, judge
//! and snapshot the answer with `assert_sp_outcome!`.

use base64::Engine as _;
use mockidp::profile::{Answer, Verdict};
use mockidp::runner::harness::{sp_under_test, TestIdp};

/// A toy ACS handler in Servercore's style: `SAMLnnn` codes in an error page. Checks the
/// Destination only.
fn acs(form_body: &str) -> Answer {
    let field = form_body
        .split('&')
        .find_map(|pair| pair.strip_prefix("SAMLResponse="))
        .map(|v| v.replace("%2B", "+").replace("%2F", "/").replace("%3D", "="));
    let page = |status, text: &str| Answer { status, headers: Vec::new(), body: format!("<html><p>{text}</p></html>") };
    let Some(field) = field else { return page(400, "SAML201: saml_malformed_request") };
    let Ok(xml) = base64::engine::general_purpose::STANDARD.decode(field) else {
        return page(400, "SAML201: saml_malformed_request");
    };
    let xml = String::from_utf8_lossy(&xml);
    if !xml.contains("Destination=\"https://sp.example.test/acs\"") {
        return page(403, "SAML101: saml_response_invalid_destination");
    }
    page(200, "Welcome")
}

#[test]
fn a_rust_sp_rejects_a_wrong_destination() {
    let idp = TestIdp::new().unwrap();
    let sp = sp_under_test("https://sp.example.test/metadata", "https://sp.example.test/acs");
    let post = idp.response("wrong-destination", &sp, Some("_req-1")).unwrap();
    assert!(post.field("SAMLResponse").is_some());
    let check = idp.check("servercore", "wrong-destination", &acs(&post.form_body())).unwrap();
    mockidp::assert_sp_outcome!(check, @r"
    scenario: wrong-destination
    expected: reject: destination-mismatch
    expected-codes: [SAML101]
    statuses: [403]
    accepted: false
    code: SAML101
    verdict: pass
    ");
}

#[test]
fn a_rust_sp_accepts_the_valid_response_and_a_miss_is_a_finding() {
    let idp = TestIdp::new().unwrap();
    let sp = sp_under_test("https://sp.example.test/metadata", "https://sp.example.test/acs");
    let post = idp.response("valid", &sp, None).unwrap();
    let check = idp.check("servercore", "valid", &acs(&post.form_body())).unwrap();
    assert_eq!(check.verdict(), Verdict::Pass, "{check}");

    // This toy SP does not check the audience: the harness says so loudly.
    let post = idp.response("wrong-audience", &sp, None).unwrap();
    let check = idp.check("servercore", "wrong-audience", &acs(&post.form_body())).unwrap();
    assert_eq!(check.verdict(), Verdict::Accepted, "{check}");
    assert!(!check.passed());
    assert!(check.to_string().contains("ACCEPTED"), "{check}");
}

#[test]
fn the_certificate_to_trust_and_unknown_names() {
    let idp = TestIdp::new().unwrap();
    assert!(idp.certificate_pem("default").unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    let error = idp.response("no-such-scenario", &sp_under_test("a", "b"), None).unwrap_err();
    assert!(error.to_string().contains("no scenario 'no-such-scenario'"), "{error}");
    let error = idp.check("nope", "valid", &Answer::default()).unwrap_err();
    assert!(error.to_string().contains("no profile 'nope'"), "{error}");
}
