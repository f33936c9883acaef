//! The SP profiles: every built-in one loads; the four documented catalogs are transcribed whole
//! and every code an IdP can trigger has a scenario; each SP's extractor reads its codes from a
//! realistic answer in that SP's style; judging; and errors in broken profile files.

use std::process::Command;

use mockidp::profile::{parse_profile, Answer, ProfileError, ProfileSet, RightReason, Verdict};
use mockidp::scenario::{parse_scenario, FailureClass, ScenarioSet};

/// The profiles transcribed from `shared/catalogs/`.
const DOCUMENTED: [&str; 4] = ["authio", "cisco-webex", "servercore", "zscaler-zpa"];

/// Triggerable codes that no scenario covers yet, each with why. Keep this list empty when you can.
const KNOWN_UNCOVERED: &[(&str, &str, &str)] = &[];

fn profiles() -> ProfileSet {
    ProfileSet::load(None).expect("the built-in profiles load")
}

fn answer(status: u16, body: &str) -> Answer {
    Answer { status, headers: vec![("Content-Type".into(), "text/html".into())], body: body.into() }
}

fn code_of(profile: &str, answer: &Answer) -> Option<String> {
    let set = profiles();
    let reading = set.get(profile).unwrap().read(answer);
    assert!(!reading.accepted, "{profile}: an error answer read as accepted: {answer:?}");
    reading.code
}

#[test]
fn every_built_in_profile_loads() {
    let set = profiles();
    let names: Vec<&str> = set.iter().map(|p| p.name.as_str()).collect();
    for name in DOCUMENTED.iter().chain(&["python3-saml", "node-saml", "generic"]) {
        assert!(names.contains(name), "missing profile {name} in {names:?}");
    }
}

#[test]
fn the_catalogs_are_transcribed_whole() {
    let set = profiles();
    let codes =
        |name: &str| -> Vec<String> { set.get(name).unwrap().file.codes.iter().map(|c| c.code.clone()).collect() };
    assert_eq!(codes("cisco-webex"), (1..=32).map(|n| n.to_string()).collect::<Vec<_>>(), "WebEx documents codes 1-32");
    assert_eq!(codes("authio").len(), 23, "authio's catalog has 23 codes");
    assert!(
        codes("authio").iter().all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')),
        "snake_case"
    );
    assert_eq!(
        codes("servercore"),
        [
            "SAML001", "SAML002", "SAML100", "SAML101", "SAML102", "SAML103", "SAML104", "SAML105", "SAML106",
            "SAML107", "SAML108", "SAML109", "SAML200", "SAML201"
        ]
    );
    assert_eq!(codes("zscaler-zpa").len(), 43, "ZPA's table has 43 rows");
    let cisco = set.get("cisco-webex").unwrap();
    assert_eq!(cisco.file.codes[22].message, "Invalid digital signature");
    assert_eq!(cisco.file.codes[27].message, "InResponseTo does not match the request ID");
}

#[test]
fn every_idp_triggerable_code_has_a_scenario() {
    let set = profiles();
    let scenarios = ScenarioSet::load(None).unwrap();
    let mut uncovered = Vec::new();
    for name in DOCUMENTED {
        let profile = set.get(name).unwrap();
        for row in profile.coverage(&scenarios) {
            if !row.triggerable {
                assert!(row.reason.as_deref().is_some_and(|r| !r.is_empty()), "{name} {}: no reason", row.code);
            }
            if row.is_uncovered() && !KNOWN_UNCOVERED.iter().any(|(p, c, _)| *p == name && *c == row.code) {
                uncovered.push(format!("{name}: {} ({})", row.code, row.message));
            }
        }
    }
    assert!(uncovered.is_empty(), "IdP-triggerable codes without a scenario:\n{}", uncovered.join("\n"));
    for (name, code, why) in KNOWN_UNCOVERED {
        let row = set.get(name).unwrap().coverage(&scenarios).into_iter().find(|r| r.code == *code).unwrap();
        assert!(
            row.is_uncovered(),
            "{name} {code} is covered now ({:?}): remove it from KNOWN_UNCOVERED ({why})",
            row.scenarios
        );
    }
}

#[test]
fn authio_codes_come_from_its_json_code_field() {
    let json = Answer {
        status: 403,
        headers: vec![("Content-Type".into(), "application/json".into()), ("X-Request-Id".into(), "req_1".into())],
        body: r#"{"error":{"technical":"AudienceRestriction failed","message":"Your IdP-side SP entity ID is wrong."},"code":"audience_mismatch"}"#.into(),
    };
    assert_eq!(code_of("authio", &json).as_deref(), Some("audience_mismatch"));
    let nested = answer(
        400,
        r#"{"error":{"code":"base64_decode_failed","message":"We couldn't base64-decode the SAMLResponse form field."}}"#,
    );
    assert_eq!(code_of("authio", &nested).as_deref(), Some("base64_decode_failed"));
    let page = answer(
        403,
        r#"<div class="sso-error" data-code="replay_detected"><p>We've already processed this exact SAMLResponse once.</p></div>"#,
    );
    assert_eq!(code_of("authio", &page).as_deref(), Some("replay_detected"));
    let technical_only = answer(403, "<p>SSO failed: ResponseID already received</p>");
    assert_eq!(code_of("authio", &technical_only).as_deref(), Some("replay_detected"));
}

#[test]
fn cisco_webex_codes_come_from_the_redirect_or_the_page() {
    let redirect = Answer {
        status: 302,
        headers: vec![(
            "Location".into(),
            "https://acme.webex.example/dispatcher/SSOError.do?siteurl=acme&errorCode=23".into(),
        )],
        body: String::new(),
    };
    let set = profiles();
    let reading = set.get("cisco-webex").unwrap().read(&redirect);
    assert_eq!(reading.code.as_deref(), Some("23"), "{reading:?}");
    assert!(reading.known);
    let page = answer(200, "<h1>SSO Redirection Failed</h1><p>X.509 certificate has expired. Contact your administrator for further support.</p><p>Error code: 15</p>");
    let reading = set.get("cisco-webex").unwrap().read(&page);
    assert!(!reading.accepted, "a 200 error page is not a login");
    assert_eq!(reading.code.as_deref(), Some("15"));
    let message_only = answer(
        403,
        "<p>InResponseTo does not match the request ID. Contact your administrator for further support.</p>",
    );
    assert_eq!(code_of("cisco-webex", &message_only).as_deref(), Some("28"));
}

#[test]
fn servercore_codes_come_from_the_error_page() {
    assert_eq!(
        code_of(
            "servercore",
            &answer(401, "<h2>Authentication error</h2><p>SAML104: saml_response_invalid_signature</p>")
        )
        .as_deref(),
        Some("SAML104")
    );
    assert_eq!(
        code_of(
            "servercore",
            &answer(400, r#"{"error":{"code":"SAML102","message":"saml_response_invalid_in_response_to"}}"#)
        )
        .as_deref(),
        Some("SAML102")
    );
    assert_eq!(code_of("servercore", &answer(403, "error: saml_response_user_not_found")).as_deref(), Some("SAML107"));
}

#[test]
fn zscaler_messages_are_the_identifiers() {
    let issue_time = answer(
        200,
        "<div class=\"error\">The response issue time is either too old or with date in the future. IdP Issue Time: 1767225600s Accepted Range: 1767229080s to 1767229320s</div>",
    );
    let set = profiles();
    let zpa = set.get("zscaler-zpa").unwrap();
    let reading = zpa.read(&issue_time);
    assert!(!reading.accepted);
    assert!(reading.code.as_deref().unwrap().starts_with("The response issue time is either too old"), "{reading:?}");
    let unsolicited = answer(200, "<p>The IdP originated SSO is not supported.</p>");
    assert_eq!(code_of("zscaler-zpa", &unsolicited).as_deref(), Some("The IdP originated SSO is not supported."));
    // The user and admin messages differ only in "IDP." / "IdP.": each is its own entry.
    let user = answer(403, "ZPA SP was not able to validate the SAML response. Please check the IdP configuration on both ZPA and your IDP.");
    assert!(code_of("zscaler-zpa", &user).unwrap().ends_with("your IDP."));
    let apostrophe = answer(
        403,
        "The ZPA authentication service doesn&#39;t support the OneTimeUse condition in the SAML assertion.",
    );
    assert_eq!(code_of("zscaler-zpa", &apostrophe), None, "the catalog writes a typographic apostrophe");
    let typographic =
        answer(403, "The ZPA authentication service doesn’t support the OneTimeUse condition in the SAML assertion.");
    assert!(code_of("zscaler-zpa", &typographic).unwrap().contains("OneTimeUse"));
}

#[test]
fn the_test_sp_profiles_read_their_json() {
    let py = answer(
        403,
        r#"{"accepted": false, "code": "WRONG_AUDIENCE", "errors": ["invalid_response"], "reason": "http://127.0.0.1:1/metadata is not a valid audience for this Response"}"#,
    );
    assert_eq!(code_of("python3-saml", &py).as_deref(), Some("WRONG_AUDIENCE"));
    let raised = answer(
        400,
        r#"{"accepted": false, "code": null, "errors": ["exception"], "reason": "binascii.Error: Incorrect padding"}"#,
    );
    assert_eq!(code_of("python3-saml", &raised).as_deref(), Some("BASE64_INVALID"));
    let node = answer(
        403,
        r#"{"accepted":false,"errors":["Error"],"reason":"SAML assertion audience mismatch. Expected: a Received: b"}"#,
    );
    assert_eq!(code_of("node-saml", &node).as_deref(), Some("audience-mismatch"));
    let set = profiles();
    let ok = answer(200, r#"{"accepted": true, "name_id": "alice@example.com"}"#);
    assert!(set.get("python3-saml").unwrap().read(&ok).accepted);
    assert!(set.get("node-saml").unwrap().read(&ok).accepted);
}

#[test]
fn generic_tells_accepted_from_rejected() {
    let set = profiles();
    let generic = set.get("generic").unwrap();
    assert!(generic.read(&answer(302, "")).accepted);
    let rejected = generic.read(&answer(403, "Forbidden"));
    assert!(!rejected.accepted);
    let scenario = parse_scenario(
        "x",
        "x",
        "summary = \"s\"\ndescription = \"d\"\n[expect]\noutcome = \"reject\"\nclass = \"audience-mismatch\"\n",
    )
    .unwrap();
    assert_eq!(generic.judge(&scenario, &rejected).verdict, Verdict::PassGeneric);
    assert_eq!(generic.judge(&scenario, &generic.read(&answer(200, "welcome"))).verdict, Verdict::Accepted);
}

#[test]
fn judging_keeps_the_verdicts_apart() {
    let set = profiles();
    let authio = set.get("authio").unwrap();
    let reject = |class: &str| {
        parse_scenario(
            "s",
            "s",
            &format!("summary = \"s\"\ndescription = \"d\"\n[expect]\noutcome = \"reject\"\nclass = \"{class}\"\n"),
        )
        .unwrap()
    };
    let coded = |code: &str| answer(403, &format!(r#"{{"code":"{code}"}}"#));
    let audience = reject("audience-mismatch");
    assert_eq!(authio.judge(&audience, &authio.read(&coded("audience_mismatch"))).verdict, Verdict::Pass);
    let wrong = authio.judge(&audience, &authio.read(&coded("signature_verification_failed")));
    assert_eq!(wrong.verdict, Verdict::Mismatch);
    assert!(wrong.detail.contains("expected audience_mismatch"), "{}", wrong.detail);
    let silent = authio.judge(&audience, &authio.read(&answer(403, "Forbidden")));
    assert_eq!(silent.verdict, Verdict::Mismatch, "authio always says why: a silent 403 is not its answer");
    let finding = authio.judge(&audience, &authio.read(&answer(200, "welcome, alice")));
    assert_eq!(finding.verdict, Verdict::Accepted);
    let node = set.get("node-saml").unwrap();
    let scenarios = ScenarioSet::load(None).unwrap();
    let destination = scenarios.get("wrong-destination").unwrap();
    let gap = node.judge(destination, &node.read(&answer(200, r#"{"accepted":true}"#)));
    assert_eq!(gap.verdict, Verdict::KnownGap);
    assert!(gap.detail.contains("never compares the Response Destination"), "{}", gap.detail);
}

/// A test SP's answer: its JSON, as the apps in tests/sp/ write it.
fn json_answer(status: u16, json: serde_json::Value) -> Answer {
    Answer { status, headers: vec![("Content-Type".into(), "application/json".into())], body: json.to_string() }
}

fn refusal(reason: &str) -> Answer {
    json_answer(403, serde_json::json!({"accepted": false, "errors": ["Error"], "reason": reason}))
}

#[test]
fn a_rejection_for_another_reason_is_a_mismatch() {
    let (set, scenarios) = (profiles(), ScenarioSet::load(None).unwrap());
    let node = set.get("node-saml").unwrap();
    let audience = scenarios.get("wrong-audience").unwrap();
    let judge = |answer: &Answer| node.judge(audience, &node.read(answer));
    assert_eq!(judge(&refusal("SAML assertion audience mismatch. Expected: a Received: b")).verdict, Verdict::Pass);
    for wrong in [refusal("Invalid document signature"), refusal("something nobody mapped")] {
        assert_eq!(judge(&wrong).verdict, Verdict::Mismatch, "{wrong:?}");
    }
    assert_eq!(judge(&json_answer(200, serde_json::json!({"accepted": true}))).verdict, Verdict::Accepted);
}

#[test]
fn a_right_reason_can_need_its_text_and_stage() {
    let (set, scenarios) = (profiles(), ScenarioSet::load(None).unwrap());
    let python = set.get("python3-saml").unwrap();
    let status = |reason: &str| {
        json_answer(403, serde_json::json!({"accepted": false, "code": "STATUS_CODE_IS_NOT_SUCCESS", "reason": reason}))
    };
    let responder = scenarios.get("status-responder").unwrap();
    let judged = |scenario, answer: &Answer| python.judge(scenario, &python.read(answer));
    let was_responder = status("The status code of the Response was not Success, was Responder");
    assert_eq!(judged(responder, &was_responder).verdict, Verdict::Pass);
    let was_requester = status("The status code of the Response was not Success, was Requester");
    let wrong = judged(responder, &was_requester);
    assert_eq!(wrong.verdict, Verdict::Mismatch, "the code alone is not the right reason");
    assert!(wrong.detail.contains(r#"saying "was Responder""#), "{}", wrong.detail);

    // XMLSyntaxError is the right reason for broken metadata only when the metadata upload says it.
    let broken_metadata = scenarios.get("metadata-malformed").unwrap();
    let syntax = |stage: &str| {
        json_answer(
            403,
            serde_json::json!({"accepted": false, "code": null, "stage": stage,
            "reason": "lxml.etree.XMLSyntaxError: Premature end of data"}),
        )
    };
    assert_eq!(judged(broken_metadata, &syntax("metadata")).verdict, Verdict::Pass);
    assert_eq!(judged(broken_metadata, &syntax("logout")).verdict, Verdict::Mismatch);
}

#[test]
fn an_exact_gap_holds_only_as_recorded_and_a_closed_gap_fails() {
    let (set, scenarios) = (profiles(), ScenarioSet::load(None).unwrap());
    let node = set.get("node-saml").unwrap();
    let judged = |id: &str, answer: &Answer| node.judge(scenarios.get(id).unwrap(), &node.read(answer));
    // Recorded: accepted. Rejected instead, for another reason: not as recorded.
    let elsewise = judged("wrong-destination", &refusal("Invalid signature"));
    assert_eq!(elsewise.verdict, Verdict::Mismatch);
    assert!(elsewise.detail.contains("not as the documented gap records (accepted)"), "{}", elsewise.detail);
    // Recorded: rejected with an XML error. Another text: not as recorded.
    assert_eq!(judged("base64-invalid", &refusal("Not a valid XML document")).verdict, Verdict::KnownGap);
    assert_eq!(judged("base64-invalid", &refusal("Invalid document signature")).verdict, Verdict::Mismatch);

    // The library starts checking: the gap closed, and judging says so.
    let mut fixed = node.clone();
    fixed.file.classes.insert(FailureClass::DestinationMismatch, vec![RightReason::code("invalid-signature")]);
    let closed = fixed.judge(scenarios.get("wrong-destination").unwrap(), &fixed.read(&refusal("Invalid signature")));
    assert_eq!(closed.verdict, Verdict::Mismatch);
    assert!(closed.detail.contains("the documented gap closed"), "{}", closed.detail);
    // A valid response the gap records as refused, accepted one day: closed too.
    let accepted = json_answer(200, serde_json::json!({"accepted": true}));
    let unsigned_response = judged("response-unsigned-assertion-signed", &accepted);
    assert!(unsigned_response.detail.contains("the documented gap closed"), "{}", unsigned_response.detail);
}

#[test]
fn built_in_profiles_name_only_existing_scenarios() {
    let scenarios = ScenarioSet::load(None).unwrap();
    for profile in profiles().iter() {
        let named = profile.file.gaps.iter().filter_map(|g| g.scenario.as_deref());
        let named = named.chain(profile.file.overrides.iter().map(|o| o.scenario.as_str()));
        for id in named {
            assert!(scenarios.get(id).is_ok(), "{}: no scenario {id}", profile.origin);
        }
    }
}

#[test]
fn the_test_sp_profiles_live_beside_their_apps() {
    let set = profiles();
    for name in ["python3-saml", "node-saml"] {
        let profile = set.get(name).unwrap();
        assert_eq!(profile.origin, format!("tests/sp/{name}/profile.toml (built-in)"));
        let policy = profile.file.sp_config.get("app_policy_file").and_then(|v| v.as_str());
        assert_eq!(policy, Some("../app-policy.json"), "{name}: the shared app policy");
    }
    assert!(!std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/python3-saml.toml")).exists());
}

fn invalid(text: &str) -> (usize, String, String) {
    match parse_profile("broken", "profiles/broken.toml", text) {
        Err(ProfileError::Invalid { origin, line, key, message }) => {
            assert_eq!(origin, "profiles/broken.toml");
            (line, key, message)
        }
        other => panic!("expected an invalid-profile error, got {other:?}"),
    }
}

const HEAD: &str = "title = \"t\"\nsource = \"s\"\n[answer]\nmatch-messages = true\n";

#[test]
fn broken_profiles_name_the_file_key_and_line() {
    let (line, key, message) = invalid(&format!("{HEAD}code-jsonpointer = [\"/code\"]\n"));
    assert_eq!((line, key.as_str()), (5, "answer.code-jsonpointer"), "{message}");
    assert!(message.contains("unknown field `code-jsonpointer`") && message.contains("hint:"), "{message}");

    let (line, key, message) =
        invalid(&format!("{HEAD}[[code]]\ncode = \"E1\"\nmessage = \"m\"\ntriggerable = false\n"));
    assert_eq!((line, key.as_str()), (6, "code[0].reason"), "{message}");

    let (line, key, message) = invalid(&format!(
        "{HEAD}[[code]]\ncode = \"E1\"\nmessage = \"m\"\ntriggerable = true\n[classes]\naudience-mismatch = [\"E2\"]\n"
    ));
    assert_eq!((line, key.as_str()), (10, "classes.audience-mismatch"), "{message}");
    assert!(message.contains("'E2' is not a code"), "{message}");

    let (_, key, message) = invalid(&format!("{HEAD}[classes]\naudience-mismatched = []\n"));
    assert!(key.starts_with("classes"), "{key}");
    assert!(message.contains("unknown variant"), "{message}");

    let (line, key, message) = invalid(&format!(
        "{HEAD}[[code]]\ncode = \"E1\"\nmessage = \"m\"\ntriggerable = true\n[classes]\naudience-mismatch = [{{ code = \"E1\", stage = \"acs\" }}]\n"
    ));
    assert_eq!(line, 10, "{key}: {message}");
    assert!(key.starts_with("classes.") && key.ends_with("[0].stage"), "{key}");
    assert!(message.contains("unknown variant `acs`"), "{message}");

    let (_, key, message) =
        invalid(&format!("{HEAD}[[gap]]\nscenario = \"replay\"\nreason = \"r\"\nsays = [\"no cache\"]\n"));
    assert_eq!(key, "gap[0].says");
    assert!(message.contains("answer = \"rejected\""), "{message}");

    let (_, key, message) = invalid("title = \"t\"\nsource = \"s\"\n[answer]\ncode-body-regex = ['SAML\\d+']\n");
    assert_eq!(key, "answer.code-body-regex[0]");
    assert!(message.contains("no group named `code`"), "{message}");
}

#[test]
fn mockidp_profile_prints_the_coverage_table() {
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(["profile", "servercore"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let line = |code: &str| {
        text.lines().find(|l| l.starts_with(code)).unwrap_or_else(|| panic!("no {code} in\n{text}")).to_owned()
    };
    assert!(line("SAML104").contains("tampered-after-signing"), "{text}");
    assert!(line("SAML001").contains("not triggerable"), "{text}");
    assert!(text.contains("12 triggerable by an IdP, 12 covered, 0 uncovered"), "{text}");

    let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(["profile", "nope"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no profile 'nope'") && stderr.contains("authio"), "{stderr}");
}

#[test]
fn the_documented_profile_example_parses() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/profiles.md")).unwrap();
    let start = doc.find("```toml\n").unwrap() + "```toml\n".len();
    let text = &doc[start..start + doc[start..].find("```").unwrap()];
    let profile = parse_profile("mine", "docs/profiles.md", text).unwrap_or_else(|e| panic!("{e}"));
    let page = answer(403, r#"{"error":{"code":"E101"}}"#);
    assert_eq!(profile.read(&page).code.as_deref(), Some("E101"));
}
