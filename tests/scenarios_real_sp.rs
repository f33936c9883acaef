//! Every scenario, on both real SP libraries (python3-saml and @node-saml/node-saml, `tests/sp/`),
//! judged by outcome AND reason.
//!
//! For each scenario in the loaded [`ScenarioSet`] (a new file is covered without touching this
//! test) and each library, the test:
//! 1. uploads the scenario's IdP metadata to the app's `/idp-metadata` (can the library configure
//!    the IdP from it?); a refusal there is the outcome, for the metadata scenarios;
//! 2. delivers the scenario's earlier logins, if any, which must be accepted;
//! 3. starts an SP-initiated login (not for IdP-initiated scenarios), generates the response with
//!    the library (real clock) for that AuthnRequest, and delivers it as its `EncodedMessage`
//!    says (POST fields or GET query, `repeat` times; all but the last must be accepted);
//!    A scenario delivered to the SLO endpoint (`deliver.endpoint = "slo"`) is a LogoutResponse
//!    instead: the test starts an SP-initiated logout (`GET /logout`), delivers first the VALID
//!    LogoutResponse for it (the scenario without its build, sign and tamper edits), which must be
//!    accepted, then the scenario's for a second logout, to `/slo`;
//! 4. judges the last answer with the library's profile (`tests/sp/<library>/profile.toml`, the
//!    built-in profile of that name), as `mockidp run` does: the product's own reading and judge.
//!
//! The apps run with their profile's `sp-config` (the app policy of `tests/sp/app-policy.json`
//! included). Every outcome must be `pass` or `known-gap`: a gap in a profile records the
//! library's exact answer, so a gap that closes, or an answer that changes, is a `mismatch` and
//! fails the test, as does anything else. The test prints the whole table.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, scenario_metadata, GenerateOptions};
use mockidp::profile::{Answer, Judgement, Profile, ProfileSet, Reading, Stage, Verdict};
use mockidp::saml::binding::form_encode;
use mockidp::saml::{IdpSettings, SpTarget};
use mockidp::scenario::{BuildEdits, Endpoint, HttpMethod, Scenario, ScenarioSet, SignChoices, TamperEdits};
use serde_json::Value;
use support::sp::{SpAnswer, SpApp, SpConfig, SpKind};

/// How many scenarios run at once (each app serves requests concurrently).
const WORKERS: usize = 8;

/// What a scenario's play ended with.
#[derive(Debug, Clone)]
enum Observed {
    /// The answer to judge: the metadata upload's refusal, or the last delivery's answer.
    Answer(SpAnswer),
    /// The scenario could not be played (an earlier login or delivery refused, a generation error).
    Broken(String),
}

/// The app's answer as the profile reads it.
fn answer_of(answer: &SpAnswer) -> Answer {
    Answer { status: answer.status, headers: Vec::new(), body: answer.body.clone() }
}

/// The verdict, and the stage for a pass that is not the library's own refusal of the response.
fn label(judgement: &Judgement, reading: Option<&Reading>, gap: Option<&str>) -> String {
    match (judgement.verdict, reading.map(|r| (r.accepted, r.stage))) {
        (Verdict::Pass, Some((false, stage))) if stage != Stage::Response => format!("pass ({})", stage.name()),
        (Verdict::KnownGap, _) => format!("known-gap({})", gap.unwrap_or("-")),
        (verdict, _) => verdict.name().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Playing a scenario.

/// The key sets the SP trusts.
type Trust = Vec<String>;

fn trust_of(scenario: &Scenario) -> Trust {
    scenario.file.metadata.trust.clone()
}

/// How an app is set up: the key sets it trusts, and whether it takes encrypted assertions (for
/// the scenarios with an `[encrypt]` table: it has the `sp-encryption` key pair and, where the
/// library can, requires encryption). One app is started per library and distinct setup.
type Setup = (Trust, bool);

fn setup_of(scenario: &Scenario) -> Setup {
    (trust_of(scenario), scenario.file.encrypt.is_some())
}

/// The key set whose certificate responses are encrypted to, and whose key the apps decrypt with.
const SP_ENCRYPTION_KEY: &str = "sp-encryption";

fn start_app(kind: SpKind, (trust, encrypting): &Setup) -> SpApp {
    assert_eq!(trust.len(), 1, "the SP apps take one IdP certificate; trust {trust:?} needs more");
    let mut keys = KeyStore::new(None);
    let pem = keys.load(&trust[0]).unwrap_or_else(|e| panic!("{e}")).certificate_pem.clone();
    let mut config = SpConfig::new(pem).with_profile_config(kind);
    if *encrypting {
        config = support::sp::with_encryption(config, keys.load(SP_ENCRYPTION_KEY).unwrap_or_else(|e| panic!("{e}")));
    }
    SpApp::start(kind, config)
}

static DEVICE: AtomicUsize = AtomicUsize::new(0);

/// Deliver one generated response for a fresh SP-initiated login (or none, IdP-initiated);
/// `Ok(answers)` of every delivery, in order.
fn deliver(app: &SpApp, scenario: &Scenario, device: &str, keys: &mut KeyStore) -> Result<Vec<SpAnswer>, String> {
    if scenario.file.deliver.endpoint == Endpoint::Slo {
        return deliver_logout_response(app, scenario, keys);
    }
    let login = if scenario.file.deliver.idp_initiated { None } else { Some(app.login()) };
    let options = GenerateOptions {
        idp: IdpSettings::default(),
        sp: SpTarget { entity_id: app.entity_id(), acs_url: app.acs_url() },
        in_response_to: login.as_ref().map(|l| l.request_id.clone()),
        sp_encryption_cert: Some(
            KeyStore::new(None).load(SP_ENCRYPTION_KEY).expect("built in").certificate_base64.clone(),
        ),
        ..GenerateOptions::default()
    };
    let generated = generate(scenario, &options, keys, &Clock::system(), &mut IdSource::random())
        .map_err(|e| format!("generating: {e}"))?;
    let cookie = match login.as_ref().and_then(|l| l.cookie.as_deref()) {
        Some(request) => format!("{request}; sp_device={device}"),
        None => format!("sp_device={device}"),
    };
    let message = &generated.message;
    let fields: Vec<(&str, &str)> = message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut answers = Vec::new();
    for _ in 0..message.repeat {
        answers.push(match message.method {
            HttpMethod::Post => app.post_acs_fields(&fields, Some(&cookie)),
            HttpMethod::Get => app.get_acs_with_cookie(&form_encode(&fields), Some(&cookie)),
        });
    }
    Ok(answers)
}

/// Start an SP-initiated logout, generate the scenario's LogoutResponse for that LogoutRequest (to
/// the SP's SLO URL) and deliver it to `/slo` as its `EncodedMessage` says.
fn deliver_logout_response(app: &SpApp, scenario: &Scenario, keys: &mut KeyStore) -> Result<Vec<SpAnswer>, String> {
    let logout = app.logout();
    let options = GenerateOptions {
        idp: IdpSettings::default(),
        sp: SpTarget { entity_id: app.entity_id(), acs_url: app.slo_url() },
        in_response_to: Some(logout.request_id.clone()),
        ..GenerateOptions::default()
    };
    let generated = generate(scenario, &options, keys, &Clock::system(), &mut IdSource::random())
        .map_err(|e| format!("generating: {e}"))?;
    if !generated.xml.contains("LogoutResponse") {
        return Err(format!("an slo scenario generated no LogoutResponse: {}", generated.xml));
    }
    let cookie = logout.cookie.as_deref();
    let message = &generated.message;
    let fields: Vec<(&str, &str)> = message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut answers = Vec::new();
    for _ in 0..message.repeat {
        answers.push(match message.method {
            HttpMethod::Post => app.post_slo(&fields, cookie),
            HttpMethod::Get => app.get_slo(&form_encode(&fields), cookie),
        });
    }
    Ok(answers)
}

/// The valid counterpart of an slo scenario: its delivery and trust, without its build, sign and
/// tamper edits (signed by the key set the SP trusts).
fn valid_logout(scenario: &Scenario) -> Scenario {
    let mut valid = scenario.clone();
    valid.id = format!("{}-valid", scenario.id);
    valid.file.build = BuildEdits::default();
    valid.file.sign = SignChoices { key: trust_of(scenario)[0].clone(), ..SignChoices::default() };
    valid.file.tamper = TamperEdits::default();
    valid
}

fn play(app: &SpApp, scenario: &Scenario) -> Observed {
    let mut keys = KeyStore::new(None);
    let metadata = match scenario_metadata(scenario, &IdpSettings::default(), &mut keys) {
        Ok(text) => text,
        Err(e) => return Observed::Broken(format!("metadata: {e}")),
    };
    let upload = app.post_metadata(&metadata);
    if !upload.accepted() {
        return Observed::Answer(upload);
    }
    let device = format!("{}-{}", scenario.id, DEVICE.fetch_add(1, Ordering::SeqCst));
    for (index, earlier) in scenario.earlier_logins().iter().enumerate() {
        match deliver(app, earlier, &device, &mut keys) {
            Ok(answers) => {
                if let Some(refused) = answers.iter().find(|a| !a.accepted()) {
                    return Observed::Broken(format!("earlier login {} was refused: {refused}", index + 1));
                }
            }
            Err(e) => return Observed::Broken(e),
        }
    }
    if scenario.file.deliver.endpoint == Endpoint::Slo {
        // The rejection must be for the scenario's own reason: the same delivery, valid, passes.
        match deliver(app, &valid_logout(scenario), &device, &mut keys) {
            Ok(answers) => {
                if let Some(refused) = answers.iter().find(|a| !a.accepted()) {
                    return Observed::Broken(format!("the valid LogoutResponse was refused: {refused}"));
                }
            }
            Err(e) => return Observed::Broken(e),
        }
    }
    let mut answers = match deliver(app, scenario, &device, &mut keys) {
        Ok(answers) => answers,
        Err(e) => return Observed::Broken(e),
    };
    let last = answers.pop().expect("at least one delivery");
    if let Some(refused) = answers.iter().position(|a| !a.accepted()) {
        return Observed::Broken(format!(
            "delivery {} of {} was refused: {}",
            refused + 1,
            answers.len() + 1,
            answers[refused]
        ));
    }
    Observed::Answer(last)
}

/// `POST /idp-metadata`, which the apps answer like `/acs`.
trait PostMetadata {
    fn post_metadata(&self, xml: &str) -> SpAnswer;
}

impl PostMetadata for SpApp {
    fn post_metadata(&self, xml: &str) -> SpAnswer {
        let url = format!("{}/idp-metadata", self.base_url);
        let result = ureq::post(&url).set("Content-Type", "application/samlmetadata+xml").send_string(xml);
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{url}: {e}"),
        };
        let status = response.status();
        let body = response.into_string().unwrap_or_else(|e| panic!("{url}: {e}"));
        SpAnswer { status, json: serde_json::from_str(&body).unwrap_or(Value::Null), body }
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn every_scenario_on_real_sps_fails_for_its_own_reason() {
    for kind in SpKind::ALL {
        if let Err(why) = kind.available() {
            panic!("{kind} SP app cannot run here: {why} (hint: run .ci/install-deps)");
        }
    }
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let profiles = ProfileSet::load(None).expect("built-in profiles load");
    let libraries: Vec<(SpKind, &Profile)> = SpKind::ALL
        .iter()
        .map(|&kind| (kind, profiles.get(kind.library()).unwrap_or_else(|e| panic!("{e}"))))
        .collect();

    // One app per (library, setup), started in parallel.
    let trusts: BTreeSet<Setup> = set.iter().map(setup_of).collect();
    let apps: BTreeMap<(usize, Setup), SpApp> = std::thread::scope(|s| {
        let handles: Vec<_> = libraries
            .iter()
            .enumerate()
            .flat_map(|(index, (kind, _))| {
                trusts.iter().map(move |trust| s.spawn(move || ((index, trust.clone()), start_app(*kind, trust))))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("an SP app started")).collect()
    });

    // Every (scenario, library), on a few workers.
    let jobs: Vec<(&Scenario, usize)> =
        set.iter().flat_map(|scenario| (0..libraries.len()).map(move |index| (scenario, index))).collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<(String, usize), (String, Judgement)>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                while let Some(&(scenario, index)) = jobs.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let profile = libraries[index].1;
                    let app = &apps[&(index, setup_of(scenario))];
                    let (label, judgement) = match play(app, scenario) {
                        Observed::Answer(answer) => {
                            let reading = profile.read(&answer_of(&answer));
                            let judgement = profile.judge(scenario, &reading);
                            let gap = profile.gap(scenario).and_then(|g| g.short.as_deref());
                            (label(&judgement, Some(&reading), gap), judgement)
                        }
                        Observed::Broken(why) => {
                            let judgement =
                                Judgement { verdict: Verdict::Error, expected_codes: Vec::new(), detail: why };
                            (label(&judgement, None, None), judgement)
                        }
                    };
                    results.lock().unwrap().insert((scenario.id.clone(), index), (label, judgement));
                }
            });
        }
    });
    let results = results.into_inner().unwrap();

    // The table, the details of every outcome, and the counts.
    let id_width = set.iter().map(|s| s.id.len()).max().unwrap_or(8);
    let cell_width = results.values().map(|(label, _)| label.len()).max().unwrap_or(12);
    let mut table = format!("\n{:id_width$}", "scenario");
    for (kind, _) in &libraries {
        table.push_str(&format!("  {:cell_width$}", kind.library()));
    }
    table = table.trim_end().to_owned() + "\n";
    let mut details = String::new();
    let mut counts: Vec<BTreeMap<Verdict, usize>> = vec![BTreeMap::new(); libraries.len()];
    let mut failures = 0;
    for scenario in set.iter() {
        let mut cells = Vec::new();
        for (index, (kind, _)) in libraries.iter().enumerate() {
            let (label, judgement) = &results[&(scenario.id.clone(), index)];
            *counts[index].entry(judgement.verdict).or_default() += 1;
            let fails = !matches!(judgement.verdict, Verdict::Pass | Verdict::KnownGap);
            failures += usize::from(fails);
            let mark = if fails { "!! " } else { "" };
            details
                .push_str(&format!("  {mark}{} / {kind}: {}: {}\n", scenario.id, judgement.verdict, judgement.detail));
            cells.push(label.clone());
        }
        let row: String = cells.iter().map(|cell| format!("  {cell:cell_width$}")).collect();
        table.push_str(&format!("{:id_width$}{}\n", scenario.id, row.trim_end()));
    }
    table.push_str(&format!("\n{} scenarios\n", set.len()));
    for (index, (kind, profile)) in libraries.iter().enumerate() {
        let counted: Vec<String> = counts[index].iter().map(|(verdict, n)| format!("{verdict} {n}")).collect();
        table.push_str(&format!("{kind} ({}): {}\n", profile.file.title, counted.join(", ")));
    }
    println!("{table}\ndetails:\n{details}");
    assert_eq!(
        failures, 0,
        "{failures} outcome(s) are neither the right reason nor a documented gap as its profile records it (!! above)"
    );
}
