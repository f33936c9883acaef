//! Positive controls for the attack scenarios: each CVE's vulnerable library version, installed
//! side by side with its fixed version in `tests/sp/vulnerable/` (`.ci/install-deps`), falls for
//! the scenarios tagged with that CVE, and the fixed version does not; and every attack fools
//! exactly the pinned versions its `accepted-by-*` tags name.
//!
//! For every target in [`TARGETS`]:
//! - the valid response is accepted by both versions (so a refusal below is about the attack);
//! - every scenario tagged with the CVE (`cve-2017-11429`, ...) is ACCEPTED by the vulnerable
//!   version, logged in as the attacker's identity (the NameID [`EVIL_NAME_ID`], or for comment
//!   injection in the role attribute the text before the comment), which shows the scenario
//!   really is the attack;
//! - and is not accepted as the attacker by the fixed version: refused, or logged in with exactly
//!   what the IdP signed (samlify 2.13.1 reads only the signed Response of an XSW2 document and logs
//!   in its user; saml2-js 4.0.4 reads a commented value whole), which is what a correct SP does.
//!
//! A CVE whose fixed version cannot be installed here says so in [`Target::fixed`] and is proven on
//! the vulnerable side only. The test prints the table (scenario × version → outcome).

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, Canaries, GenerateOptions, Generated, EVIL_NAME_ID};
use mockidp::saml::{IdpSettings, SpTarget};
use mockidp::scenario::{Scenario, ScenarioSet};
use support::sp::{Pinned, SpAnswer, SpApp, SpConfig, SpKind};

/// One CVE and the library versions that show it.
struct Target {
    /// The scenario tag (`cve-YYYY-NNNNN`).
    cve: &'static str,
    /// The version that falls for it.
    vulnerable: Pinned,
    /// The version that fixes it; `Err` says why it is not here.
    fixed: Result<Pinned, &'static str>,
}

const TARGETS: &[Target] = &[
    Target { cve: "cve-2025-47949", vulnerable: Pinned::Samlify2_9_1, fixed: Ok(Pinned::Samlify2_13_1) },
    Target { cve: "cve-2017-11429", vulnerable: Pinned::Saml2Js1_12_3, fixed: Ok(Pinned::Saml2Js4_0_4) },
    Target { cve: "cve-2025-25291", vulnerable: Pinned::RubySaml1_13_0, fixed: Err(RUBY_SAML_1_18_MISSING) },
    Target { cve: "cve-2025-25292", vulnerable: Pinned::RubySaml1_13_0, fixed: Err(RUBY_SAML_1_18_MISSING) },
    Target { cve: "cve-2022-39299", vulnerable: Pinned::PassportSaml3_2_1, fixed: Ok(Pinned::PassportSaml3_2_2) },
    // xml-crypto's DigestValue comment: saml2-js 1.12.3 verifies with xml-crypto 0.10.1, 4.0.4 with
    // 6.3.2 (fixed in 6.0.1; samlify 2.9.1's 3.2.1 is a fixed release too, and is not fooled).
    Target { cve: "cve-2025-29775", vulnerable: Pinned::Saml2Js1_12_3, fixed: Ok(Pinned::Saml2Js4_0_4) },
];

/// Why ruby-saml's fix (1.18.0) is not among the pinned versions.
const RUBY_SAML_1_18_MISSING: &str =
    "ruby-saml 1.18.0 is not installable here: rubygems.org is unreachable and Debian bookworm does not package it \
(its guard is checked instead: the_ruby_saml_fix_guard_refuses_what_1_13_0_falls_for)";

/// The user the IdP signs for in every scenario (the attacker's own account).
const SIGNED_USER: &str = "alice@example.com";
/// Whom a comment cut short logs in: the victim, a user of the SP's organization.
const COMMENT_VICTIM: &str = "admin@example.com";

/// The whole NameID the comment-injection scenario signs (a vulnerable SP reads `COMMENT_VICTIM`).
const COMMENT_INJECTED_NAME_ID: &str = "admin@example.com.evil.example";
/// The whole role the comment-injection attribute scenario signs (a vulnerable SP reads `staff`).
const COMMENT_INJECTED_ROLE: &str = "staff.evil.example";

fn start(pinned: Pinned) -> SpApp {
    let kind = SpKind::Pinned(pinned);
    if let Err(why) = kind.available() {
        panic!("{kind}: {why} (run .ci/install-deps)");
    }
    let mut keys = KeyStore::new(None);
    let pem = keys.load("default").unwrap_or_else(|e| panic!("{e}")).certificate_pem.clone();
    SpApp::start(kind, SpConfig::new(pem))
}

/// Generate the scenario for this app and POST it.
fn deliver(app: &SpApp, scenario: &Scenario) -> SpAnswer {
    deliver_with(app, scenario, Canaries::default())
}

fn deliver_with(app: &SpApp, scenario: &Scenario, canaries: Canaries) -> SpAnswer {
    let generated = generate_for(app.entity_id(), app.acs_url(), scenario, canaries);
    let fields: Vec<(&str, &str)> = generated.message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_acs_fields(&fields, None)
}

/// The scenario's message for this SP (IdP-initiated: no AuthnRequest; real clock).
fn generate_for(entity_id: String, acs_url: String, scenario: &Scenario, canaries: Canaries) -> Generated {
    let mut keys = KeyStore::new(None);
    // The pinned apps hold no decryption key: an encrypted attack is generated (to the test SPs'
    // key) and refused by them, which the tags then say.
    let sp_encryption = keys.load("sp-encryption").unwrap_or_else(|e| panic!("{e}")).certificate_base64.clone();
    let options = GenerateOptions {
        idp: IdpSettings::default(),
        sp: SpTarget { entity_id, acs_url },
        in_response_to: None,
        canaries,
        sp_encryption_cert: Some(sp_encryption),
        ..GenerateOptions::default()
    };
    generate(scenario, &options, &mut keys, &Clock::system(), &mut IdSource::random())
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.id))
}

/// How one version answered one scenario, for the table.
fn outcome(answer: &SpAnswer) -> String {
    if answer.accepted() {
        let role = answer.attribute("role").join(", ");
        format!("accepted as {} (role {role})", answer.name_id().unwrap_or_else(|| "(no NameID)".into()))
    } else {
        format!("rejected: {}", answer.reason())
    }
}

fn scenarios_tagged(set: &ScenarioSet, tag: &str) -> Vec<Scenario> {
    set.iter().filter(|s| s.file.tags.iter().any(|t| t == tag)).cloned().collect()
}

/// Whether the answer is a login as the attacker wants it: the evil NameID, the victim a comment
/// cut the signed NameID down to, or (comment injection in the role attribute) the role `staff`
/// alone.
fn logged_in_as_attacker(answer: &SpAnswer) -> bool {
    let name_id = answer.name_id();
    answer.accepted()
        && (name_id.as_deref() == Some(EVIL_NAME_ID)
            || name_id.as_deref() == Some(COMMENT_VICTIM)
            || answer.attribute("role") == ["staff"])
}

/// Whether the answer is a login with exactly what the IdP signed: the signed user with the signed
/// role values, or the whole commented value. A fixed version may do this (it reads only the signed
/// element, whole) instead of refusing; an application then finds no such user or role.
fn logged_in_with_the_signed_values(answer: &SpAnswer) -> bool {
    let name_id = answer.name_id();
    let role = answer.attribute("role");
    answer.accepted()
        && (name_id.as_deref() == Some(SIGNED_USER) && (role == ["member", "staff"] || role == [COMMENT_INJECTED_ROLE])
            || name_id.as_deref() == Some(COMMENT_INJECTED_NAME_ID))
}

#[test]
fn every_pinned_version_accepts_the_valid_response() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let valid = set.get("valid").expect("the valid scenario").clone();
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for pinned in Pinned::ALL {
            let (valid, failures) = (&valid, &failures);
            scope.spawn(move || {
                let app = start(pinned);
                let answer = deliver(&app, valid);
                if !(answer.accepted() && answer.name_id().as_deref() == Some("alice@example.com")) {
                    failures.lock().unwrap().push(format!("{}: {answer}\n{}", pinned.package(), app.stderr_output()));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "the valid response must be accepted by every version:\n{}", failures.join("\n"));
}

#[test]
fn each_cve_is_reproduced_on_its_vulnerable_version_and_refused_by_the_fix() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let mut table = vec!["| scenario | CVE | version | outcome |".to_string(), "| --- | --- | --- | --- |".to_string()];
    let mut failures = Vec::new();
    for target in TARGETS {
        let scenarios = scenarios_tagged(&set, target.cve);
        if scenarios.is_empty() {
            failures.push(format!("{}: no scenario is tagged with it", target.cve));
            continue;
        }
        let vulnerable = start(target.vulnerable);
        let fixed = target.fixed.map(start);
        for scenario in &scenarios {
            let answer = deliver(&vulnerable, scenario);
            table.push(format!(
                "| {} | {} | {} | {} |",
                scenario.id,
                target.cve,
                target.vulnerable.package(),
                outcome(&answer)
            ));
            if !logged_in_as_attacker(&answer) {
                failures.push(format!(
                    "{} on {} (vulnerable to {}): must log the attacker in, got {answer}",
                    scenario.id,
                    target.vulnerable.package(),
                    target.cve
                ));
            }
            match &fixed {
                Ok(app) => {
                    let answer = deliver(app, scenario);
                    table.push(format!("| {} | {} | {} | {} |", scenario.id, target.cve, app.kind, outcome(&answer)));
                    if logged_in_as_attacker(&answer) || answer.accepted() && !logged_in_with_the_signed_values(&answer)
                    {
                        failures.push(format!(
                            "{} on {} (fixed): must not log the attacker in, got {answer}",
                            scenario.id, app.kind
                        ));
                    }
                }
                Err(why) => {
                    table.push(format!("| {} | {} | (fixed version) | not installed: {why} |", scenario.id, target.cve))
                }
            }
        }
    }
    println!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An HTTP canary on 127.0.0.1: counts every connection, and answers with the canary text.
fn start_canary_server(token: &str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the canary");
    let url = format!("http://{}/mockidp-canary.dtd", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let (counter, body) = (Arc::clone(&hits), token.to_owned());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let reply = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, hits)
}

/// Issue 10, group 7: no SP in tests/sp/ fetches an external entity or DTD, or reads a local file
/// into its answer, for any `xml-entity` scenario: the canary server sees no connection, and no
/// answer carries the canary text.
#[test]
fn no_sp_fetches_or_echoes_an_external_entity() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let scenarios: Vec<Scenario> = set
        .iter()
        .filter(|s| s.file.expect.class == Some(mockidp::scenario::FailureClass::XmlEntity))
        .cloned()
        .collect();
    assert!(
        scenarios.len() >= 4,
        "the xml-entity scenarios: {:?}",
        scenarios.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    let token = format!("mockidp-canary-{}-{}", std::process::id(), scenarios.len());
    let dir = std::env::temp_dir().join(format!("mockidp-canary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("canary.txt");
    std::fs::write(&file, &token).unwrap();
    let (url, hits) = start_canary_server(&token);
    let canaries = Canaries { url, file: file.display().to_string() };

    let mut keys = KeyStore::new(None);
    let pem = keys.load("default").unwrap_or_else(|e| panic!("{e}")).certificate_pem.clone();
    let kinds: Vec<SpKind> = SpKind::ALL.into_iter().chain(Pinned::ALL.into_iter().map(SpKind::Pinned)).collect();
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for kind in kinds {
            let (scenarios, failures, canaries, token, pem) = (&scenarios, &failures, &canaries, &token, &pem);
            scope.spawn(move || {
                let config = match kind {
                    SpKind::Pinned(_) => SpConfig::new(pem.clone()),
                    _ => SpConfig::new(pem.clone()).with_profile_config(kind),
                };
                let app = SpApp::start(kind, config);
                for scenario in scenarios {
                    let answer = deliver_with(&app, scenario, canaries.clone());
                    if answer.body.contains(token.as_str()) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{} on {kind}: the answer echoes the canary: {answer}", scenario.id));
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    let mut failures = failures.into_inner().unwrap();
    let fetched = hits.load(Ordering::SeqCst);
    if fetched != 0 {
        failures.push(format!("the canary URL {} was fetched {fetched} time(s)", canaries.url));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `accepted-by-*` tags are the truth: every attack scenario logs the attacker in on exactly
/// the pinned versions its tags name, and is refused (or read only as signed) by every other one.
/// This is what the "falls for it" column of docs/scenarios.md shows.
#[test]
fn every_attack_fools_exactly_the_versions_its_accepted_by_tags_name() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let attacks = scenarios_tagged(&set, "attack");
    let failures = Mutex::new(Vec::new());
    let fooled = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for pinned in Pinned::ALL {
            let (attacks, failures, fooled) = (&attacks, &failures, &fooled);
            scope.spawn(move || {
                let app = start(pinned);
                let tag = format!("{}{}", mockidp::catalog::ACCEPTED_BY, pinned.package());
                for scenario in attacks {
                    let answer = deliver(&app, scenario);
                    let tagged = scenario.file.tags.contains(&tag);
                    let as_attacker = logged_in_as_attacker(&answer);
                    if as_attacker {
                        fooled.lock().unwrap().push(format!("{} | {}", scenario.id, pinned.package()));
                    }
                    if as_attacker != tagged {
                        let want = if tagged { "log the attacker in" } else { "not log the attacker in" };
                        failures.lock().unwrap().push(format!(
                            "{} on {}: the tag {tag} says it must {want}; got {}",
                            scenario.id,
                            pinned.package(),
                            outcome(&answer)
                        ));
                    }
                }
            });
        }
    });
    let mut fooled = fooled.into_inner().unwrap();
    fooled.sort();
    println!("attack | fooled version\n{}", fooled.join("\n"));
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// ruby-saml 1.18.0 itself is out of reach here, but its fix for CVE-2025-25291 and CVE-2025-25292
/// is a guard in front of the old code (`safe_load_xml`: no DOCTYPE, no libxml2 error), which
/// tests/sp/vulnerable/ruby-saml-fix-guard.rb applies with the same Nokogiri as 1.13.0: it must let
/// the valid response through and refuse every scenario tagged with those CVEs.
#[test]
fn the_ruby_saml_fix_guard_refuses_what_1_13_0_falls_for() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let guard = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sp/vulnerable/ruby-saml-fix-guard.rb");
    let judge = |scenario: &Scenario| {
        let generated = generate_for(
            "https://sp.example.test/metadata".into(),
            "https://sp.example.test/acs".into(),
            scenario,
            Canaries::default(),
        );
        let mut child = std::process::Command::new("ruby")
            .arg(guard)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("ruby runs (.ci/install-deps)");
        child.stdin.take().unwrap().write_all(generated.xml.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        (output.status.success(), String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let valid = set.get("valid").expect("the valid scenario");
    let (passed, said) = judge(valid);
    assert!(passed, "the guard must let the valid response through: {said}");
    let mut judged = 0;
    for cve in ["cve-2025-25291", "cve-2025-25292"] {
        for scenario in scenarios_tagged(&set, cve) {
            let (passed, said) = judge(&scenario);
            println!("{} ({cve}): {said}", scenario.id);
            assert!(!passed, "{} ({cve}): the 1.18.0 guard must refuse it, said {said}", scenario.id);
            judged += 1;
        }
    }
    assert!(judged >= 2, "a scenario for each ruby-saml CVE");
}
