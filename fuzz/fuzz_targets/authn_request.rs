//! The SSO endpoint's decoder on arbitrary input: the query or form body as it arrives, the
//! SAMLRequest value under both bindings, and the XML itself. Must never panic, hang or allocate
//! without bound (inflating stops at INFLATE_LIMIT; DTDs are refused).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mockidp::saml::binding::parse_pairs;
use mockidp::saml::{decode_authn_request, parse_authn_request, verify_redirect_signature, Binding};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let pairs = parse_pairs(&text);
    let _ = verify_redirect_signature(&pairs, &[]);
    for pair in &pairs {
        let _ = decode_authn_request(&pair.value, Binding::Redirect);
        let _ = decode_authn_request(&pair.value, Binding::Post);
    }
    let _ = decode_authn_request(&text, Binding::Redirect);
    let _ = parse_authn_request(&text);
});
