//! `mockidp serve` against requests built to crash or stall it: deep nesting on every route that
//! parses XML and thousands of attributes. Each gets a clear 4xx quickly, and the server stays up
//! and answers a normal request afterwards. (Issue 9's full corpus grows here.)

mod support;

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use mockidp::saml::binding::{percent_encode, Binding};
use support::rng::Rng;
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

/// One hostile SAML message body (before the binding's encoding), of kind `kind`.
fn hostile_xml(rng: &mut Rng, kind: usize) -> Vec<u8> {
    let valid = authn_request("_corpus", "https://sp.example/acs");
    match kind {
        0 => rng.bytes(2_000),
        1 => format!("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}", valid.replace("_corpus", "&x;"))
            .into_bytes(),
        2 => {
            let mut entities = String::from("<!ENTITY a \"lol\">");
            for level in 1..10 {
                let previous = (b'a' + level - 1) as char;
                let name = (b'a' + level) as char;
                entities.push_str(&format!("<!ENTITY {name} \"{}\">", format!("&{previous};").repeat(10)));
            }
            format!("<!DOCTYPE r [{entities}]><r>&j;</r>").into_bytes()
        }
        3 => deep_request("AuthnRequest", 1_000 + rng.below(50_000)).into_bytes(),
        4 => many_attributes(300 + rng.below(20_000)).into_bytes(),
        5 => {
            let mut bytes = valid.into_bytes();
            let at = rng.below(bytes.len());
            bytes[at] = 0xff;
            bytes
        }
        6 => valid.replace("_corpus", "_co\0rpus").into_bytes(),
        _ => {
            // A real request with a few random bytes changed, inserted or cut.
            let mut bytes = valid.into_bytes();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] = rng.next() as u8,
                    1 => bytes.insert(at, rng.next() as u8),
                    _ => bytes.truncate(at.max(1)),
                }
            }
            bytes
        }
    }
}

/// Base64 (and for the Redirect binding, DEFLATE) of `bytes`, or a broken encoding of them.
fn hostile_value(rng: &mut Rng, bytes: &[u8], redirect: bool) -> String {
    match rng.below(10) {
        0 => "!!not base64!!".repeat(1 + rng.below(10)),
        1 => BASE64.encode(rng.bytes(500)),
        _ if redirect => BASE64.encode(mockidp::saml::binding::deflate(bytes)),
        _ => BASE64.encode(bytes),
    }
}

#[test]
fn a_corpus_of_bad_input_on_every_route_gets_no_5xx_and_leaves_the_server_working() {
    let server = Server::start(&[]);
    // No pooled connections: the server closes one after refusing an oversized body.
    let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(10)).max_idle_connections(0).build();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let rss_before = server.rss_kib();
    let get_routes = ["/sso", "/s/valid/sso", "/pick/sso", "/slo", "/s/valid/slo", "/init", "/s/valid/init"];
    let post_routes = ["/sso", "/s/valid/sso", "/pick/sso", "/pick/continue", "/slo", "/artifact", "/api/arm"];
    let mut slowest = Duration::ZERO;
    let mut statuses = std::collections::BTreeMap::new();
    const REQUESTS: usize = 1_200;
    for round in 0..REQUESTS {
        let kind = rng.below(9);
        let xml = hostile_xml(&mut rng, kind);
        let started = Instant::now();
        let mut oversized = false;
        let request = if round % 2 == 0 {
            let route = get_routes[rng.below(get_routes.len())];
            let value = hostile_value(&mut rng, &xml, true);
            let query = match rng.below(8) {
                0 => format!("SAMLRequest={}&SigAlg=x&Signature={}", percent_encode(&value), percent_encode("%%%")),
                1 => format!("sp={}&acs={}&user=%00%ff", percent_encode(&value), percent_encode("javascript:x")),
                2 => format!("SAMLResponse={}", percent_encode(&value)),
                3 => format!("SAMLRequest={}", "A".repeat(20_000 + rng.below(100_000))),
                4 => "%ff%fe%00=%zz&&==&SAMLRequest".to_owned(),
                _ => format!("SAMLRequest={}&RelayState={}", percent_encode(&value), percent_encode("x\ny\0z")),
            };
            agent.get(&format!("{}{route}?{query}", server.url)).call()
        } else {
            let route = post_routes[rng.below(post_routes.len())];
            let value = hostile_value(&mut rng, &xml, false);
            let (content_type, body): (&str, Vec<u8>) = match (route, rng.below(6)) {
                ("/artifact", _) => ("text/xml", xml.clone()),
                ("/api/arm", 0) => {
                    ("application/json", b"{\"sp\": \"x\", \"scenario\": \"valid\", \"user\": 7}".to_vec())
                }
                ("/api/arm", _) => ("application/json", rng.bytes(3_000)),
                (_, 0) => ("application/x-www-form-urlencoded", rng.bytes(5_000)),
                (_, 1) => ("application/x-www-form-urlencoded", vec![b'a'; 300 * 1024]),
                (_, 2) => (
                    "application/x-www-form-urlencoded",
                    format!("request={}&binding=post", percent_encode(&value)).into_bytes(),
                ),
                _ => (
                    "application/x-www-form-urlencoded",
                    format!("SAMLRequest={}", percent_encode(&value)).into_bytes(),
                ),
            };
            oversized = body.len() > 256 * 1024;
            agent.post(&format!("{}{route}", server.url)).set("Content-Type", content_type).send_bytes(&body)
        };
        let status = match request {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response.status(),
            // On a body past its limit the server answers 413 and closes before reading it all,
            // which the client may see as a reset: an answer too, for an oversized body only.
            Err(ureq::Error::Transport(error)) if oversized => {
                assert!(
                    server.get("/healthz").status == 200,
                    "round {round} (kind {kind}): {error}, and the server is gone"
                );
                0
            }
            Err(error) => panic!("round {round} (kind {kind}): {error}"),
        };
        slowest = slowest.max(started.elapsed());
        *statuses.entry(status).or_insert(0usize) += 1;
        assert!(status < 500, "round {round} (kind {kind}): {status}");
    }
    assert!(slowest < Duration::from_secs(3), "the slowest answer took {slowest:?}");
    eprintln!("{REQUESTS} hostile requests: statuses {statuses:?}, slowest {slowest:?}");

    // Still alive, still correct, and not grown.
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.post("/api/arm", "application/json", b"").status, 400);
    agent.delete(&format!("{}/api/arm", server.url)).call().unwrap();
    let login = server.get(&format!(
        "/sso?SAMLRequest={}",
        percent_encode(&Binding::Redirect.encode(&authn_request("_after", "https://sp.example/acs")))
    ));
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.body.contains("name=\"SAMLResponse\""));
    let grown = server.rss_kib().saturating_sub(rss_before);
    assert!(grown < 64 * 1024, "resident memory grew by {grown} KiB");
}
