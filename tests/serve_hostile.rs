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

fn authn_request(id: &str, acs: &str) -> String {
    format!(
        "<samlp:AuthnRequest xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" \
Version=\"2.0\" AssertionConsumerServiceURL=\"{acs}\"><saml:Issuer>https://sp.example</saml:Issuer></samlp:AuthnRequest>"
    )
}

#[test]
fn only_http_urls_are_delivered_to() {
    let server = Server::start(&[]);
    for acs in
        ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>", "JavaScript:x", "ftp://x/acs"]
    {
        let escaped = acs.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
        let sso = server.get(&format!(
            "/sso?SAMLRequest={}",
            percent_encode(&Binding::Redirect.encode(&authn_request("_js", &escaped)))
        ));
        assert_eq!(sso.status, 400, "{acs}: {}", sso.body);
        assert!(sso.body.contains("not an http or https URL"), "{}", sso.body);
        let init = server.get(&format!("/init?sp=https%3A%2F%2Fsp.example&acs={}", percent_encode(acs)));
        assert_eq!(init.status, 400, "{acs}: {}", init.body);
    }
    let good = server.get(&format!(
        "/sso?SAMLRequest={}",
        percent_encode(&Binding::Redirect.encode(&authn_request("_ok", "https://sp.example/acs")))
    ));
    assert_eq!(good.status, 200, "{}", good.body);
}

#[test]
fn html_pages_carry_security_headers() {
    let server = Server::start(&[]);
    let login = format!(
        "/sso?SAMLRequest={}",
        percent_encode(&Binding::Redirect.encode(&authn_request("_ok", "https://sp.example/acs")))
    );
    for path in ["/".to_owned(), login] {
        let response = ureq::get(&format!("{}{path}", server.url)).call().unwrap();
        let csp = response.header("content-security-policy").unwrap_or_default().to_owned();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), "{path}: {csp}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{path}");
    }
}

#[test]
fn request_values_cannot_forge_or_flood_log_lines() {
    let server = Server::start(&[]);
    let forged = "_id&#10;GET /admin 200 forged&#13;";
    let long = format!("_{}", "x".repeat(100_000));
    for id in [forged, long.as_str()] {
        let reply = server.get(&format!(
            "/sso?SAMLRequest={}",
            percent_encode(&Binding::Redirect.encode(&authn_request(id, "https://sp.example/acs")))
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    server.get("/no/such\npath%0Aforged%00");
    let start = Instant::now();
    while !server.log.lock().unwrap().contains("more chars)") && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.log.lock().unwrap().clone();
    assert!(!log.lines().any(|line| line.starts_with("GET /admin")), "{log}");
    assert!(log.contains("in_response_to=_id\\nGET /admin 200 forged\\r"), "{log}");
    assert!(log.lines().all(|line| line.len() < 4_000), "a line is not capped");
    assert!(log.contains("more chars)"), "{log}");
}

#[test]
fn binding_every_interface_warns_and_advertises_a_reachable_url() {
    let server = Server::start(&["--bind", "0.0.0.0"]);
    let metadata = server.get("/metadata");
    assert_eq!(metadata.status, 200);
    assert!(metadata.body.contains("Location=\"http://127.0.0.1:"), "{}", metadata.body);
    assert!(!metadata.body.contains("0.0.0.0"), "{}", metadata.body);
    let warned = || server.log.lock().unwrap().contains("warning: listening on every interface (0.0.0.0)");
    let start = Instant::now();
    while !warned() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(warned(), "{}", server.log.lock().unwrap());
}
