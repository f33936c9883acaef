//! A bounded property test over the SSO decoder on stable Rust (the cargo-fuzz target in `fuzz/`
//! needs nightly): random bytes, and random mutations of a real AuthnRequest at each layer (query,
//! base64, DEFLATE stream, XML). Nothing may panic, and what decodes must be an AuthnRequest.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use mockidp::saml::binding::{deflate, parse_pairs};
use mockidp::saml::{decode_authn_request, verify_redirect_signature, Binding};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_abc" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="http://sp/acs"><saml:Issuer>http://sp/metadata</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>"#;

fn mutate(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            bytes.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(4) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, rng.next() as u8),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

fn check(value: &str) {
    for binding in [Binding::Redirect, Binding::Post] {
        if let Ok(request) = decode_authn_request(value, binding) {
            assert!(!request.id.is_empty());
        }
    }
    let pairs = parse_pairs(value);
    let _ = verify_redirect_signature(&pairs, &[]);
}

#[test]
fn the_decoder_survives_random_and_mutated_input() {
    let mut rng = Rng(0x006d_6f63_6b69_6470);
    let mut decoded = 0;
    for round in 0..4000 {
        let value = match round % 4 {
            0 => {
                let length = rng.below(512);
                String::from_utf8_lossy(&(0..length).map(|_| rng.next() as u8).collect::<Vec<_>>()).into_owned()
            }
            1 => String::from_utf8_lossy(&mutate(&mut rng, BASE64.encode(deflate(REQUEST.as_bytes())).into_bytes()))
                .into_owned(),
            2 => BASE64.encode(mutate(&mut rng, deflate(REQUEST.as_bytes()))),
            _ => BASE64.encode(deflate(&mutate(&mut rng, REQUEST.as_bytes().to_vec()))),
        };
        check(&value);
        check(&format!("SAMLRequest={value}&RelayState=x&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature={value}"));
        if decode_authn_request(&value, Binding::Redirect).is_ok() {
            decoded += 1;
        }
    }
    assert!(decoded > 0, "some mutations (e.g. of attribute values) still decode");
}
