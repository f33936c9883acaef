//! `mockidp serve` as a user's SP test suite meets it: the real binary on port 0, real SP apps
//! (python3-saml, node-saml) whose SSO URL points at it, and logins driven as a browser would:
//! GET the SP's /login, follow the redirect to our /sso, read the auto-submitting form, POST it to
//! the SP's ACS with the SP's cookie.

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use mockidp::saml::binding::{deflate, form_encode, percent_encode};
use support::server::{Reply, Server};
use support::sp::{SpAnswer, SpApp, SpConfig, SpKind};

fn default_cert() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem")).unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// The auto-submitting form: its action and hidden fields.
fn parse_form(html: &str) -> (String, Vec<(String, String)>) {
    let form_start = html.find("<form").expect("a form");
    let form_tag = &html[form_start..form_start + html[form_start..].find('>').unwrap()];
    let action = attribute(form_tag, "action").expect("form action");
    let mut fields = Vec::new();
    let mut rest = &html[form_start..];
    while let Some(at) = rest.find("<input") {
        let tag = &rest[at..at + rest[at..].find('>').unwrap()];
        if attribute(tag, "type").as_deref() == Some("hidden") {
            fields.push((attribute(tag, "name").unwrap(), attribute(tag, "value").unwrap_or_default()));
        }
        rest = &rest[at + 6..];
    }
    (action, fields)
}

fn sp_available(kind: SpKind) {
    if let Err(why) = kind.available() {
        panic!("{kind} SP app cannot run here: {why} (hint: run .ci/install-deps)");
    }
}

fn start_sp(kind: SpKind, sso_url: &str) -> SpApp {
    sp_available(kind);
    SpApp::start(kind, SpConfig::new(default_cert()).idp_sso_url(sso_url))
}

/// What one browser login ended in.
struct Outcome {
    scenario: String,
    response_id: String,
    answer: SpAnswer,
}

/// A browser's SP-initiated login: SP /login, follow to our SSO URL, deliver what we answer.
fn browser_login(server: &Server, app: &SpApp, relay_state: Option<&str>) -> Outcome {
    let login = match relay_state {
        Some(rs) => app.login_with_relay_state(rs),
        None => app.login(),
    };
    assert!(login.location.starts_with(&server.url), "the SP redirects to mockidp: {}", login.location);
    let idp = server.get_url(&login.location);
    let scenario = idp.scenario.clone().unwrap_or_default();
    let response_id = idp.response_id.clone().unwrap_or_default();
    let answer = match idp.status {
        200 => {
            let (action, fields) = parse_form(&idp.body);
            assert_eq!(action, app.acs_url());
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_acs_fields(&fields, login.cookie.as_deref())
        }
        302 => {
            let location = idp.location.unwrap();
            let (_, query) = location.split_once('?').unwrap();
            app.get_acs_with_cookie(query, login.cookie.as_deref())
        }
        status => panic!("mockidp answered {status}: {}", idp.body),
    };
    Outcome { scenario, response_id, answer }
}

#[test]
fn valid_logs_in_at_both_sps() {
    let server = Server::start(&[]);
    for kind in SpKind::ALL {
        let app = start_sp(kind, &format!("{}/sso", server.url));
        let outcome = browser_login(&server, &app, Some("/after-login"));
        assert_eq!(outcome.scenario, "valid");
        assert!(outcome.answer.accepted(), "{kind}: {}", outcome.answer);
        assert_eq!(outcome.answer.name_id().as_deref(), Some("alice@example.com"));
        assert_eq!(outcome.answer.str_field("relay_state").as_deref(), Some("/after-login"), "{kind}");
    }
    let log = server.log.lock().unwrap().clone();
    assert!(
        log.contains("GET /sso 200 sp=http://127.0.0.1:") && log.contains("scenario=valid chosen=default response=_"),
        "{log}"
    );
}

#[test]
fn scenario_paths_get_each_sps_error() {
    let server = Server::start(&[]);
    let python = start_sp(SpKind::Python3Saml, &format!("{}/s/wrong-audience/sso", server.url));
    let outcome = browser_login(&server, &python, None);
    assert_eq!(outcome.scenario, "wrong-audience");
    assert!(!outcome.answer.accepted());
    assert_eq!(outcome.answer.code().as_deref(), Some("WRONG_AUDIENCE"), "{}", outcome.answer);

    let node = start_sp(SpKind::NodeSaml, &format!("{}/s/tampered-after-signing/sso", server.url));
    let outcome = browser_login(&server, &node, None);
    assert!(!outcome.answer.accepted());
    assert!(outcome.answer.reason().contains("signature"), "{}", outcome.answer);

    // The broken delivery: a GET redirect to the ACS instead of a POST form.
    let python = start_sp(SpKind::Python3Saml, &format!("{}/s/get-instead-of-post/sso", server.url));
    let outcome = browser_login(&server, &python, None);
    assert!(!outcome.answer.accepted(), "{}", outcome.answer);
    assert!(outcome.answer.reason().contains("Only supported HTTP_POST Binding"), "{}", outcome.answer);

    // An artifact instead of the message: the SP finds no SAMLResponse to process.
    let python = start_sp(SpKind::Python3Saml, &format!("{}/s/artifact-unresolvable/sso", server.url));
    let outcome = browser_login(&server, &python, None);
    assert_eq!(outcome.scenario, "artifact-unresolvable");
    assert!(!outcome.answer.accepted(), "{}", outcome.answer);
}

#[test]
fn arming_is_one_shot_and_per_sp_and_works_from_the_cli() {
    let server = Server::start(&[]);
    let python = start_sp(SpKind::Python3Saml, &format!("{}/sso", server.url));
    let node = start_sp(SpKind::NodeSaml, &format!("{}/sso", server.url));
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(["scenario", "wrong-audience", "--server", &server.url, "--sp-entity-id", &python.entity_id()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // The node app's login is not the armed SP's: it gets the default.
    assert!(browser_login(&server, &node, None).answer.accepted());
    let armed = browser_login(&server, &python, None);
    assert_eq!(armed.scenario, "wrong-audience");
    assert_eq!(armed.answer.code().as_deref(), Some("WRONG_AUDIENCE"), "{}", armed.answer);
    // One-shot: the next login is the default again.
    let next = browser_login(&server, &python, None);
    assert_eq!(next.scenario, "valid");
    assert!(next.answer.accepted(), "{}", next.answer);
}

#[test]
fn concurrent_armed_logins_do_not_cross_talk() {
    let server = Arc::new(Server::start(&[]));
    let apps: Vec<Arc<SpApp>> =
        SpKind::ALL.iter().map(|kind| Arc::new(start_sp(*kind, &format!("{}/sso", server.url)))).collect();
    let scenarios = ["valid", "wrong-audience", "tampered-after-signing", "assertion-expired"];
    let mut jobs = Vec::new();
    for round in 0..3 {
        for (a, app) in apps.iter().enumerate() {
            for (s, scenario) in scenarios.iter().enumerate() {
                let relay_state = format!("job-{round}-{a}-{s}");
                let armed = server.arm(serde_json::json!({
                    "sp": app.entity_id(), "scenario": scenario, "relay_state": relay_state,
                }));
                assert_eq!(armed.status, 200, "{}", armed.body);
                jobs.push((Arc::clone(app), relay_state, *scenario));
            }
        }
    }
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|(app, relay_state, scenario)| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                let outcome = browser_login(&server, &app, Some(&relay_state));
                assert_eq!(outcome.scenario, scenario, "{relay_state}");
                assert_eq!(
                    outcome.answer.accepted(),
                    scenario == "valid",
                    "{relay_state} {scenario}: {}",
                    outcome.answer
                );
                if outcome.answer.accepted() {
                    assert_eq!(outcome.answer.str_field("relay_state").as_deref(), Some(relay_state.as_str()));
                }
                outcome.response_id
            })
        })
        .collect();
    let mut response_ids: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let count = response_ids.len();
    response_ids.sort();
    response_ids.dedup();
    assert_eq!(response_ids.len(), count, "every login got its own response");
    assert_eq!(server.get("/api/arm").body, "{\"waiting\":0}");
}

#[test]
fn idp_initiated_login_and_the_picker() {
    let server = Server::start(&[]);
    let app = start_sp(SpKind::Python3Saml, &format!("{}/pick/sso", server.url));

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(index.body.contains("wrong-audience") && index.body.contains("bob@example.com"));

    // IdP-initiated: python3-saml accepts unsolicited responses.
    let init = server.get(&format!(
        "/s/valid/init?sp={}&acs={}&user=bob",
        percent_encode(&app.entity_id()),
        percent_encode(&app.acs_url())
    ));
    assert_eq!(init.status, 200, "{}", init.body);
    let (_, fields) = parse_form(&init.body);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = app.post_acs_fields(&fields, None);
    assert!(answer.accepted(), "{answer}");
    assert_eq!(answer.name_id().as_deref(), Some("bob@example.com"));

    // SP-initiated through the picker: choose a scenario and a user, as a person would.
    let login = app.login();
    let page = server.get_url(&login.location);
    assert_eq!(page.status, 200, "{}", page.body);
    let (action, hidden) = parse_form(&page.body);
    assert_eq!(action, "/pick/continue");
    let mut form = hidden.clone();
    form.push(("scenario".into(), "wrong-audience".into()));
    form.push(("user".into(), "carol".into()));
    let chosen = server.post(&action, "application/x-www-form-urlencoded", form_encode(&form).as_bytes());
    assert_eq!(chosen.scenario.as_deref(), Some("wrong-audience"), "{}", chosen.body);
    let (_, fields) = parse_form(&chosen.body);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = app.post_acs_fields(&fields, login.cookie.as_deref());
    assert_eq!(answer.code().as_deref(), Some("WRONG_AUDIENCE"), "{answer}");
}

#[test]
fn metadata_endpoints() {
    let server = Server::start(&[]);
    let metadata = server.get("/metadata");
    assert_eq!(metadata.status, 200);
    let default_body: String = default_cert().lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(metadata.body.contains(&default_body));
    assert!(metadata.body.contains(&format!("Location=\"{}/sso\"", server.url)));
    let expired = server.get("/s/expired-cert/metadata");
    assert_eq!(expired.status, 200);
    assert!(!expired.body.contains(&default_body), "expired-cert makes the SP trust another certificate");
    assert!(expired.body.contains(&format!("Location=\"{}/s/expired-cert/sso\"", server.url)));
    assert_eq!(server.get("/s/no-such-scenario/metadata").status, 404);
}

fn deflate_base64(data: &[u8]) -> String {
    BASE64.encode(deflate(data))
}

fn authn_request(issuer: &str, acs: &str) -> String {
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="{acs}"><saml:Issuer>{issuer}</saml:Issuer></samlp:AuthnRequest>"#
    )
}

#[test]
fn bad_input_gets_a_clear_4xx_and_the_server_stays_small() {
    let server = Server::start(&[]);
    let rss_before = server.rss_kib();
    let redirect = |value: &str| server.get(&format!("/sso?SAMLRequest={}", percent_encode(value)));
    let cases: Vec<(&str, Reply, u16, &str)> = vec![
        ("no SAMLRequest", server.get("/sso"), 400, "no SAMLRequest"),
        ("invalid base64", redirect("%%%not base64%%%"), 400, "not valid base64"),
        ("broken deflate", redirect(&BASE64.encode(b"\xff\xfe\xfd not deflate")), 400, "not valid DEFLATE"),
        ("deflate bomb", redirect(&deflate_base64(&vec![b'<'; 8 << 20])), 413, "inflates to more than"),
        (
            "entity expansion",
            redirect(&deflate_base64(
                format!(
                    "<!DOCTYPE a [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y \"&x;&x;&x;&x;&x;&x;&x;&x;\">]>{}",
                    authn_request("&y;", "http://sp/acs")
                )
                .as_bytes(),
            )),
            400,
            "not acceptable XML",
        ),
        (
            "not an AuthnRequest",
            redirect(&deflate_base64(
                b"<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_1\"/>",
            )),
            400,
            "not a samlp:AuthnRequest",
        ),
        (
            "no ACS URL, SP unknown",
            redirect(&deflate_base64(
                authn_request("http://sp", "").replace(" AssertionConsumerServiceURL=\"\"", "").as_bytes(),
            )),
            400,
            "no AssertionConsumerServiceURL",
        ),
        (
            "POST with bad base64",
            server.post("/sso", "application/x-www-form-urlencoded", b"SAMLRequest=%%%"),
            400,
            "base64",
        ),
        ("huge body", server.post("/sso", "application/x-www-form-urlencoded", &vec![b'a'; 8 << 20]), 413, ""),
        ("unknown scenario", server.get("/s/nope/sso?SAMLRequest=x"), 404, "no scenario 'nope'"),
        ("arm an unknown scenario", server.arm(serde_json::json!({"sp": "x", "scenario": "nope"})), 404, "no scenario"),
        ("arm garbage", server.post("/api/arm", "application/json", b"{\"sp\":"), 400, "bad arm request"),
        ("init without sp", server.get("/init"), 400, "needs ?sp="),
    ];
    for (what, reply, status, message) in cases {
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        assert!(reply.body.contains(message), "{what}: {}", reply.body);
    }
    // The same hostile requests a hundred times more: memory stays put.
    for _ in 0..100 {
        assert_eq!(redirect(&deflate_base64(&vec![b'<'; 4 << 20])).status, 413);
    }
    assert_eq!(server.get("/healthz").body, "ok");
    let rss_after = server.rss_kib();
    assert!(rss_after < rss_before + 64 * 1024, "RSS grew from {rss_before} KiB to {rss_after} KiB");
}

fn write_sp_metadata(dir: &std::path::Path, entity_id: &str, acs: &str, cert_pem: Option<&str>) -> std::path::PathBuf {
    let key_descriptor = cert_pem
        .map(|pem| {
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            format!(r#"<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#)
        })
        .unwrap_or_default();
    let xml = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}"><md:SPSSODescriptor AuthnRequestsSigned="{}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{key_descriptor}<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{entity_id}/slo"/><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
        cert_pem.is_some()
    );
    let path = dir.join(format!("{}.xml", entity_id.replace(|c: char| !c.is_ascii_alphanumeric(), "_")));
    std::fs::write(&path, xml).unwrap();
    path
}

/// The query of a signed HTTP-Redirect AuthnRequest (saml-bindings 3.4.4.1).
fn signed_query(xml: &str, key_set: &str) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let mut query = format!(
        "SAMLRequest={}&RelayState={}&SigAlg={}",
        percent_encode(&deflate_base64(xml.as_bytes())),
        percent_encode("state 1"),
        percent_encode("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );
    let mut keys = mockidp::keys::KeyStore::new(None);
    let key = keys.load(key_set).unwrap().private_key.clone();
    let signature = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key).sign(query.as_bytes());
    query.push_str(&format!("&Signature={}", percent_encode(&BASE64.encode(signature.to_bytes()))));
    query
}

#[test]
fn configured_sps_are_checked_and_their_signatures_verified() {
    let dir = std::env::temp_dir().join(format!("mockidp-serve-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let signer_cert = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/rotated/cert.pem")).unwrap();
    let signing = write_sp_metadata(&dir, "https://signing.sp", "https://signing.sp/acs", Some(&signer_cert));
    let plain = write_sp_metadata(&dir, "https://plain.sp", "https://plain.sp/acs", None);
    let server = Server::start(&["--sp-metadata", signing.to_str().unwrap(), "--sp-metadata", plain.to_str().unwrap()]);

    let request = authn_request("https://signing.sp", "https://signing.sp/acs");
    let good = server.get(&format!("/sso?{}", signed_query(&request, "rotated")));
    assert_eq!(good.status, 200, "{}", good.body);
    let (action, fields) = parse_form(&good.body);
    assert_eq!(action, "https://signing.sp/acs");
    assert!(fields.contains(&("RelayState".into(), "state 1".into())));

    let wrong_key = server.get(&format!("/sso?{}", signed_query(&request, "default")));
    assert_eq!(wrong_key.status, 403, "{}", wrong_key.body);
    assert!(wrong_key.body.contains("does not verify"), "{}", wrong_key.body);

    let query = signed_query(&request, "rotated");
    let tampered = query.replacen("RelayState=state%201", "RelayState=state%202", 1);
    assert_ne!(tampered, query, "the RelayState was changed");
    assert_eq!(server.get(&format!("/sso?{tampered}")).status, 403);

    let unsigned = server.get(&format!("/sso?SAMLRequest={}", percent_encode(&deflate_base64(request.as_bytes()))));
    assert_eq!(unsigned.status, 403, "{}", unsigned.body);
    assert!(unsigned.body.contains("AuthnRequestsSigned"), "{}", unsigned.body);

    let plain_request = authn_request("https://plain.sp", "https://plain.sp/acs");
    let post = server.post(
        "/sso",
        "application/x-www-form-urlencoded",
        format!("SAMLRequest={}", percent_encode(&BASE64.encode(&plain_request))).as_bytes(),
    );
    assert_eq!(post.status, 200, "HTTP-POST binding: {}", post.body);

    let other_acs = authn_request("https://plain.sp", "https://evil.example/acs");
    let reply = server.get(&format!("/sso?SAMLRequest={}", percent_encode(&deflate_base64(other_acs.as_bytes()))));
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("is not one of SP"), "{}", reply.body);

    let stranger = authn_request("https://stranger.sp", "https://stranger.sp/acs");
    let reply = server.get(&format!("/sso?SAMLRequest={}", percent_encode(&deflate_base64(stranger.as_bytes()))));
    assert_eq!(reply.status, 404);
    assert!(reply.body.contains("unknown SP 'https://stranger.sp'"), "{}", reply.body);
    assert_eq!(server.arm(serde_json::json!({"sp": "https://stranger.sp", "scenario": "valid"})).status, 404);

    let _ = std::fs::remove_dir_all(&dir);
}

fn logout_request(issuer: &str) -> String {
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_logout1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID>alice@example.com</saml:NameID></samlp:LogoutRequest>"#
    )
}

/// The LogoutResponse in the form mockidp answered a LogoutRequest with.
fn logout_answer(server: &Server, path: &str) -> (String, String) {
    let query = format!(
        "SAMLRequest={}&RelayState=bye",
        percent_encode(&deflate_base64(logout_request("https://plain.sp").as_bytes()))
    );
    let reply = server.get(&format!("{path}?{query}"));
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    let (action, fields) = parse_form(&reply.body);
    assert!(fields.contains(&("RelayState".into(), "bye".into())));
    let encoded = &fields.iter().find(|(k, _)| k == "SAMLResponse").unwrap().1;
    (action, String::from_utf8(BASE64.decode(encoded).unwrap()).unwrap())
}

#[test]
fn single_logout_and_artifact_resolution() {
    let dir = std::env::temp_dir().join(format!("mockidp-serve-slo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = write_sp_metadata(&dir, "https://plain.sp", "https://plain.sp/acs", None);
    let server = Server::start(&["--sp-metadata", plain.to_str().unwrap()]);
    let idp_key = mockidp::keys::KeyStore::new(None).load("default").unwrap().private_key.to_public_key();

    let (action, xml) = logout_answer(&server, "/slo");
    assert_eq!(action, "https://plain.sp/slo");
    assert!(xml.contains("<samlp:LogoutResponse") && xml.contains("InResponseTo=\"_logout1\""), "{xml}");
    assert!(xml.contains("status:Success") && !xml.contains("Assertion"), "{xml}");
    assert!(mockidp::dsig::verify_all(&xml, &idp_key).is_ok(), "the valid LogoutResponse is signed by the IdP");

    // The broken variants come from the scenario's data, as for logins.
    let (_, xml) = logout_answer(&server, "/s/status-responder/slo");
    assert!(xml.contains("status:Responder"), "{xml}");
    let (_, xml) = logout_answer(&server, "/s/in-response-to-mismatch/slo");
    assert!(!xml.contains("InResponseTo=\"_logout1\""), "{xml}");
    let (_, xml) = logout_answer(&server, "/s/wrong-signing-key/slo");
    assert!(mockidp::dsig::verify_all(&xml, &idp_key).is_err(), "{xml}");

    // An SP's LogoutResponse is acknowledged; a stranger's LogoutRequest is refused.
    let sp_answer = r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#;
    let reply = server.post(
        "/slo",
        "application/x-www-form-urlencoded",
        format!("SAMLResponse={}", percent_encode(&BASE64.encode(sp_answer))).as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("logged out"));
    let stranger = server.get(&format!(
        "/slo?SAMLRequest={}",
        percent_encode(&deflate_base64(logout_request("https://x.sp").as_bytes()))
    ));
    assert_eq!(stranger.status, 404, "{}", stranger.body);

    let soap = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><samlp:ArtifactResolve xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_ar1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><samlp:Artifact>AAQAAA==</samlp:Artifact></samlp:ArtifactResolve></soap:Body></soap:Envelope>"#;
    let reply = server.post("/artifact", "text/xml", soap.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("ArtifactResponse") && reply.body.contains("InResponseTo=\"_ar1\""), "{}", reply.body);
    assert!(!reply.body.contains("<samlp:Response"), "no message: the artifact cannot be resolved");
    assert_eq!(server.post("/artifact", "text/xml", b"<!DOCTYPE x><x/>").status, 400);

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let mut server = Server::start(&[]);
    assert_eq!(server.get("/healthz").body, "ok");
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signed_post_request(xml: &str, key_set: &str) -> String {
    let mut root = mockidp::xml::parse(xml).unwrap();
    let mut keys = mockidp::keys::KeyStore::new(None);
    mockidp::dsig::sign_enveloped(&mut root, &[], keys.load(key_set).unwrap(), &mockidp::dsig::SignOptions::default())
        .unwrap();
    format!("SAMLRequest={}", percent_encode(&BASE64.encode(mockidp::xml::to_document(&root))))
}

#[test]
fn config_file_post_signatures_and_login_hints() {
    let dir = std::env::temp_dir().join(format!("mockidp-serve-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/rotated/cert.pem"), dir.join("sp-signing.pem")).unwrap();
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        r#"scenario = "wrong-audience"

[[sp]]
entity-id = "https://configured.sp"
acs-urls = ["https://configured.sp/acs", "https://configured.sp/other-acs"]
signing-certs = ["sp-signing.pem"]
"#,
    )
    .unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);

    // HTTP-POST binding with an enveloped XML signature, checked against the configured cert.
    let request = authn_request("https://configured.sp", "https://configured.sp/other-acs");
    let good =
        server.post("/sso", "application/x-www-form-urlencoded", signed_post_request(&request, "rotated").as_bytes());
    assert_eq!(good.status, 200, "{}", good.body);
    assert_eq!(good.scenario.as_deref(), Some("wrong-audience"), "the config file's default scenario");
    assert_eq!(parse_form(&good.body).0, "https://configured.sp/other-acs");
    let bad =
        server.post("/sso", "application/x-www-form-urlencoded", signed_post_request(&request, "default").as_bytes());
    assert_eq!(bad.status, 403, "{}", bad.body);

    // Arming by login_hint: only the login carrying that hint gets the scenario, and bob signs in.
    let armed =
        server.arm(serde_json::json!({"sp": "https://configured.sp", "scenario": "valid", "login_hint": "bob"}));
    assert_eq!(armed.status, 200, "{}", armed.body);
    let plain = server.get(&format!("/sso?SAMLRequest={}", percent_encode(&deflate_base64(request.as_bytes()))));
    assert_eq!(plain.scenario.as_deref(), Some("wrong-audience"));
    let hinted =
        server.get(&format!("/sso?SAMLRequest={}&login_hint=bob", percent_encode(&deflate_base64(request.as_bytes()))));
    assert_eq!(hinted.scenario.as_deref(), Some("valid"));
    let (_, fields) = parse_form(&hinted.body);
    let xml = String::from_utf8(BASE64.decode(&fields[0].1).unwrap()).unwrap();
    assert!(xml.contains(">bob@example.com</saml:NameID>"), "{xml}");

    let bad_config = dir.join("bad.toml");
    std::fs::write(&bad_config, "[[sp]]\nentity-id = \"x\"\nacs-url = \"typo\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(["serve", "--config", bad_config.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml") && stderr.contains("acs-url"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The certificate(s) a scenario's metadata tells the SP to trust, as PEM.
fn trusted_pem(metadata: &str) -> String {
    let start = metadata.find("<ds:X509Certificate>").expect("a certificate") + "<ds:X509Certificate>".len();
    let end = start + metadata[start..].find("</ds:X509Certificate>").unwrap();
    let body = &metadata[start..end];
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

#[test]
fn an_sp_trusting_the_scenario_metadata_sees_a_good_signature() {
    let server = Server::start(&[]);
    let metadata = server.get("/s/expired-cert/metadata").body;
    sp_available(SpKind::Python3Saml);
    let config = SpConfig::new(trusted_pem(&metadata)).idp_sso_url(format!("{}/s/expired-cert/sso", server.url));
    let app = SpApp::start(SpKind::Python3Saml, config);
    let outcome = browser_login(&server, &app, None);
    assert_eq!(outcome.scenario, "expired-cert");
    // `acceptable`: python3-saml does not check certificate validity, but the signature must verify.
    assert_ne!(outcome.answer.code().as_deref(), Some("INVALID_SIGNATURE"), "{}", outcome.answer);
}

/// The bodies of the same requests, in the same order: SP-initiated logins (two of them, so the
/// second's IDs come from the next stream), an IdP-initiated one, a logout and an artifact.
fn answers_to_the_same_requests(server: &Server) -> Vec<String> {
    let login = format!(
        "/sso?SAMLRequest={}&RelayState=rs",
        percent_encode(&deflate_base64(authn_request("https://plain.sp", "https://plain.sp/acs").as_bytes()))
    );
    let soap = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><samlp:ArtifactResolve xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_ar1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><samlp:Artifact>AAQAAA==</samlp:Artifact></samlp:ArtifactResolve></soap:Body></soap:Envelope>"#;
    let replies = [
        server.get(&login),
        server.get(&login),
        server.get("/s/wrong-audience/init?sp=https://plain.sp&acs=https://plain.sp/acs"),
        server.get(&format!(
            "/slo?SAMLRequest={}",
            percent_encode(&deflate_base64(logout_request("https://plain.sp").as_bytes()))
        )),
        server.post("/artifact", "text/xml", soap.as_bytes()),
    ];
    replies
        .into_iter()
        .map(|reply| {
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply.body
        })
        .collect()
}

/// The SAMLResponse of a login's auto-submitting form, decoded.
fn saml_response(html: &str) -> String {
    let (_, fields) = parse_form(html);
    let encoded = &fields.iter().find(|(k, _)| k == "SAMLResponse").expect("a SAMLResponse field").1;
    String::from_utf8(BASE64.decode(encoded).unwrap()).unwrap()
}

#[test]
fn with_now_and_seed_the_server_answers_byte_identically() {
    let dir = std::env::temp_dir().join(format!("mockidp-serve-seeded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = write_sp_metadata(&dir, "https://plain.sp", "https://plain.sp/acs", None);
    let args = [
        "--sp-metadata",
        plain.to_str().unwrap(),
        "--base-url",
        "http://idp.test:8080",
        "--now",
        "2026-01-02T03:04:05Z",
        "--seed",
        "42",
    ];
    let first = answers_to_the_same_requests(&Server::start(&args));
    let second = answers_to_the_same_requests(&Server::start(&args));
    assert_eq!(first, second, "the same requests get byte-identical answers");

    let (one, two) = (saml_response(&first[0]), saml_response(&first[1]));
    assert!(one.contains("IssueInstant=\"2026-01-02T03:04:05Z\""), "{one}");
    assert_ne!(one, two, "each login gets IDs of its own");
    let instants = |xml: &str| xml.matches("IssueInstant=\"2026-01-02T03:04:05Z\"").count();
    assert_eq!(instants(&one), instants(&two), "a fixed clock does not advance");
    assert!(first[3].contains("SAMLResponse") && first[4].contains("IssueInstant=\"2026-01-02T03:04:05Z\""));

    // Without them, every server (and every login) is fresh.
    let unseeded = answers_to_the_same_requests(&Server::start(&args[..4]));
    assert_ne!(saml_response(&unseeded[0]), one);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_sp_whose_metadata_asks_for_encryption_gets_encrypted_assertions() {
    // The SP must know the IdP's SSO URL before the IdP can read the SP's metadata: pick the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut keys = mockidp::keys::KeyStore::new(None);
    let key = keys.load("sp-encryption").unwrap();
    for kind in SpKind::ALL {
        sp_available(kind);
        let config = SpConfig::new(default_cert()).idp_sso_url(format!("http://127.0.0.1:{port}/sso"));
        let app = SpApp::start(kind, support::sp::with_encryption(config, key));
        let metadata = app.metadata();
        assert!(metadata.contains("use=\"encryption\""), "{kind} asks for encryption: {metadata}");
        let dir = std::env::temp_dir().join(format!("mockidp-serve-encrypt-{}-{}", kind.library(), std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sp.xml");
        std::fs::write(&path, &metadata).unwrap();
        let server = Server::start_at(port, &["--sp-metadata", path.to_str().unwrap()]);
        let login = app.login();
        let idp = server.get_url(&login.location);
        assert_eq!(idp.status, 200, "{}", idp.body);
        let (_, fields) = parse_form(&idp.body);
        let response = fields.iter().find(|(k, _)| k == "SAMLResponse").map(|(_, v)| v.clone()).unwrap();
        let xml = String::from_utf8(BASE64.decode(&response).unwrap()).unwrap();
        assert!(xml.contains("EncryptedAssertion") && !xml.contains("<saml:Assertion"), "{xml}");
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let answer = app.post_acs_fields(&fields, login.cookie.as_deref());
        assert!(answer.accepted(), "{kind}: {answer}");
        drop(server);
    }
}
