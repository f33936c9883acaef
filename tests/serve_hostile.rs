//! `mockidp serve` against requests built to crash or stall it: deep nesting on every route that
//! parses XML and thousands of attributes. Each gets a clear 4xx quickly, and the server stays up
//! and answers a normal request afterwards. (Issue 9's full corpus grows here.)

mod support;

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use mockidp::saml::binding::{percent_encode, Binding};
use support::server::Server;

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

fn deep_request(root: &str, depth: usize) -> String {
    format!(
        "<samlp:{root} xmlns:samlp=\"{SAMLP}\" ID=\"_deep\" Version=\"2.0\">{}{}</samlp:{root}>",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    )
}

fn many_attributes(count: usize) -> String {
    let attributes: String = (0..count).map(|i| format!(" a{i}=\"v\"")).collect();
    format!("<samlp:AuthnRequest xmlns:samlp=\"{SAMLP}\" ID=\"_many\" Version=\"2.0\"{attributes}/>")
}

fn assert_refused(what: &str, status: u16, body: &str, elapsed: Duration) {
    assert_eq!(status, 400, "{what}: {body}");
    assert!(elapsed < Duration::from_secs(2), "{what}: took {elapsed:?}");
}

#[test]
fn deep_nesting_and_many_attributes_are_refused_without_harm() {
    let server = Server::start(&[]);
    let redirect = |xml: &str| percent_encode(&Binding::Redirect.encode(xml));
    let cases = [
        ("GET /sso, 32,000 deep", format!("/sso?SAMLRequest={}", redirect(&deep_request("AuthnRequest", 32_000)))),
        (
            "GET /pick/sso, 32,000 deep",
            format!("/pick/sso?SAMLRequest={}", redirect(&deep_request("AuthnRequest", 32_000))),
        ),
        ("GET /slo, 32,000 deep", format!("/slo?SAMLRequest={}", redirect(&deep_request("LogoutRequest", 32_000)))),
        ("GET /sso, 12,000 attributes", format!("/sso?SAMLRequest={}", redirect(&many_attributes(12_000)))),
    ];
    for (what, path) in &cases {
        let start = Instant::now();
        let reply = server.get(path);
        assert_refused(what, reply.status, &reply.body, start.elapsed());
        assert!(reply.body.contains("nest deeper than") || reply.body.contains("attributes"), "{what}: {}", reply.body);
    }

    let post = format!("SAMLRequest={}", percent_encode(&BASE64.encode(deep_request("AuthnRequest", 5_000))));
    let start = Instant::now();
    let reply = server.post("/sso", "application/x-www-form-urlencoded", post.as_bytes());
    assert_refused("POST /sso, 5,000 deep", reply.status, &reply.body, start.elapsed());

    let soap = format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>{}</soap:Body></soap:Envelope>",
        deep_request("ArtifactResolve", 16_000)
    );
    let start = Instant::now();
    let reply = server.post("/artifact", "text/xml", soap.as_bytes());
    assert_refused("POST /artifact, 16,000 deep", reply.status, &reply.body, start.elapsed());

    assert_eq!(server.get("/healthz").status, 200, "the server is still up");
}
