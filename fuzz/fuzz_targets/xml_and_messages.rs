//! The XML layer and every other decoder of what SPs send, on arbitrary input: the parser,
//! exclusive c14n and serialization of whatever parses (with a round trip: what we write parses
//! back to the same tree), SP metadata, LogoutRequest, LogoutResponse and ArtifactResolve. Must
//! never panic, hang or allocate without bound (depth and attributes are bounded by the parser).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mockidp::saml::{parse_artifact_resolve, parse_logout_answer, parse_logout_request, SpMetadata};
use mockidp::xml::{exclusive_c14n, parse, to_string};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(root) = parse(text) {
        let _ = exclusive_c14n(&root, &[], &["#default", "saml"]);
        if root.child_elements().next().is_some() {
            let _ = exclusive_c14n(&root, &[0], &[]);
        }
        let written = to_string(&root);
        let reparsed = parse(&written).expect("what we write is well-formed");
        assert_eq!(to_string(&reparsed), written, "serialization round-trips");
    }
    let _ = SpMetadata::from_xml(text, "fuzz");
    let _ = parse_logout_request(text);
    let _ = parse_logout_answer(text);
    let _ = parse_artifact_resolve(text);
});
