//! Running scenarios against an SP: log in, generate, deliver, read, judge, snapshot.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::http::{Browser, HttpError};
use super::outcome::{excerpt, Outcome, SnapshotStatus};
use super::snapshot::{self, SnapshotConfig};
use crate::clock::{IdSource, TimeAndIds};
use crate::exit_codes::{FINDINGS, SUCCESS, UNREACHABLE};
use crate::keys::KeyStore;
use crate::pipeline::{generate, GenerateOptions};
use crate::profile::{Answer, Profile, Verdict};
use crate::saml::{IdpSettings, SpTarget, User};
use crate::scenario::{Endpoint, MetadataChoices, Scenario};

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The SP's profile.
    pub profile: Profile,
    /// The scenarios to run, in report order.
    pub scenarios: Vec<Scenario>,
    /// The SP's ACS URL (an AuthnRequest's AssertionConsumerServiceURL takes precedence).
    pub acs_url: String,
    /// Where an SP-initiated login starts; without it responses are delivered unsolicited.
    pub login_url: Option<String>,
    /// The SP's entity ID (the Audience); without it, the AuthnRequest's Issuer, else
    /// mockidp's default.
    pub sp_entity_id: Option<String>,
    /// The IdP the SP trusts.
    pub idp: IdpSettings,
    /// Who signs in.
    pub user: User,
    /// A directory of extra key sets.
    pub keys_dir: Option<PathBuf>,
    /// How many scenarios run at once.
    pub jobs: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Where outcome snapshots go, if anywhere.
    pub snapshots: Option<SnapshotConfig>,
    /// The SP was configured with the selected scenarios' own IdP metadata
    /// (`mockidp metadata --scenario ID`), so scenarios that need it are run, not skipped.
    pub sp_uses_scenario_metadata: bool,
    /// The clock and ID seed of every response (`--now`, `--seed`); each scenario gets its own ID
    /// stream, so a seeded run sends the same bytes whatever `jobs` is.
    pub time_and_ids: TimeAndIds,
}

/// A whole run's outcomes, in scenario order.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The profile's name.
    pub profile: String,
    /// The ACS URL given.
    pub acs_url: String,
    /// The login URL, if SP-initiated.
    pub login_url: Option<String>,
    /// One per scenario.
    pub outcomes: Vec<Outcome>,
}

impl RunReport {
    /// How many outcomes have this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.outcomes.iter().filter(|o| o.verdict == verdict).count()
    }

    /// The documented exit code for this run ([`crate::exit_codes`]): findings first, then unreachable.
    pub fn exit_code(&self) -> u8 {
        if self.outcomes.iter().any(Outcome::fails) {
            FINDINGS
        } else if self.outcomes.iter().any(|o| o.verdict == Verdict::Error && o.unreachable) {
            UNREACHABLE
        } else if self.outcomes.iter().any(|o| o.verdict == Verdict::Error) {
            FINDINGS
        } else {
            SUCCESS
        }
    }
}

/// Why a scenario cannot be judged against an SP with one fixed configuration: it needs the SP
/// to trust other metadata than the default.
fn needs_other_metadata(scenario: &Scenario) -> Option<String> {
    let metadata = &scenario.file.metadata;
    if *metadata == MetadataChoices::default() {
        return None;
    }
    Some(format!(
        "needs the SP to load this scenario's IdP metadata (`mockidp metadata --scenario {}`); configure the SP with it \
and run this scenario alone with --sp-uses-scenario-metadata",
        scenario.id
    ))
}

/// Why a scenario delivered to the SP's SingleLogoutService (`deliver.endpoint = "slo"`) is not
/// run: it answers a LogoutRequest of an SP-initiated logout, which `mockidp run` does not start.
fn needs_logout(scenario: &Scenario) -> Option<String> {
    (scenario.file.deliver.endpoint == Endpoint::Slo).then(|| {
        format!(
            "a LogoutResponse for the SP's SingleLogoutService: needs an SP-initiated logout, which `mockidp run` does not \
start; point the SP's IdP SLO URL at `mockidp serve` (/s/{}/slo), or generate it with `mockidp scenario {} \
--acs-url SP_SLO_URL --in-response-to LOGOUT_REQUEST_ID`",
            scenario.id, scenario.id
        )
    })
}

/// How many scenarios in a row may find the SP unreachable (or silent past the timeout) before
/// the run gives up on the rest: a hung SP costs `GIVE_UP_AFTER × timeout`, not
/// `scenarios × timeout / jobs`.
pub const GIVE_UP_AFTER: usize = 3;

/// Run every scenario of `config` (`jobs` at a time); results come back in scenario order. After
/// [`GIVE_UP_AFTER`] unreachable outcomes in a row, the scenarios not yet started are reported
/// as not run (unreachable, so the run exits 3 unless something else failed).
pub fn run(config: &RunConfig) -> RunReport {
    let next = AtomicUsize::new(0);
    let unreachable_in_a_row = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; config.scenarios.len()]);
    let jobs = config.jobs.clamp(1, config.scenarios.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut keys = KeyStore::new(config.keys_dir.as_deref());
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(scenario) = config.scenarios.get(index) else { break };
                    let outcome = if unreachable_in_a_row.load(Ordering::SeqCst) >= GIVE_UP_AFTER {
                        given_up(config, scenario)
                    } else {
                        let outcome = run_one(config, scenario, &mut keys);
                        if outcome.unreachable {
                            unreachable_in_a_row.fetch_add(1, Ordering::SeqCst);
                        } else if outcome.verdict != Verdict::Skipped {
                            unreachable_in_a_row.store(0, Ordering::SeqCst);
                        }
                        outcome
                    };
                    // A poisoned lock means another worker panicked; its panic is re-raised by scope.
                    results.lock().expect("no worker panicked")[index] = Some(outcome);
                }
            });
        }
    });
    let outcomes = results.into_inner().expect("no worker panicked").into_iter().flatten().collect();
    RunReport {
        profile: config.profile.name.clone(),
        acs_url: config.acs_url.clone(),
        login_url: config.login_url.clone(),
        outcomes,
    }
}

/// The outcome of a scenario the run did not start because the SP stopped answering.
fn given_up(config: &RunConfig, scenario: &Scenario) -> Outcome {
    let detail = format!(
        "not run: the SP failed to answer {GIVE_UP_AFTER} scenarios in a row (timeout {} s), so the run gave up",
        config.timeout.as_secs()
    );
    let mut outcome =
        Outcome::without_answer(scenario, config.profile.expected_codes(scenario), Verdict::Error, detail);
    outcome.unreachable = true;
    outcome
}

/// One scenario, start to finish.
pub fn run_one(config: &RunConfig, scenario: &Scenario, keys: &mut KeyStore) -> Outcome {
    let started = Instant::now();
    let profile = &config.profile;
    let expected_codes = profile.expected_codes(scenario);
    let skip = profile
        .skip_reason(&scenario.id)
        .map(str::to_owned)
        .or_else(|| if config.sp_uses_scenario_metadata { None } else { needs_other_metadata(scenario) })
        .or_else(|| needs_logout(scenario));
    let mut outcome = match skip {
        Some(reason) => Outcome::without_answer(scenario, expected_codes, Verdict::Skipped, reason),
        None => deliver_and_judge(config, scenario, keys, expected_codes),
    };
    outcome.duration_ms = started.elapsed().as_millis() as u64;
    if let (Some(snapshots), false) = (&config.snapshots, outcome.verdict == Verdict::Error) {
        outcome.snapshot = match snapshot::check(snapshots, &profile.name, &scenario.id, &outcome.snapshot_text()) {
            Ok(status) => status,
            Err(e) => {
                outcome.verdict = Verdict::Error;
                outcome.detail = format!("cannot write the snapshot in {}: {e}", snapshots.dir.display());
                SnapshotStatus::None
            }
        };
    }
    outcome
}

/// What one login gave: the statuses of its deliveries and the last answer.
struct Delivered {
    statuses: Vec<u16>,
    answer: Answer,
    login: Option<String>,
}

/// Log in (when SP-initiated), generate `scenario`'s response for that login, deliver it.
fn login_and_deliver(
    config: &RunConfig,
    browser: &Browser,
    scenario: &Scenario,
    keys: &mut KeyStore,
    ids: &mut IdSource,
) -> Result<Delivered, (HttpError, Vec<u16>, Option<String>)> {
    let mut sp = SpTarget {
        entity_id: config.sp_entity_id.clone().unwrap_or_else(|| SpTarget::default().entity_id),
        acs_url: config.acs_url.clone(),
    };
    let (in_response_to, relay_state, login) = match &config.login_url {
        Some(url) => match browser.login(url) {
            Ok(request) => {
                if let Some(acs) = request.acs_url {
                    sp.acs_url = acs;
                }
                if let (None, Some(issuer)) = (&config.sp_entity_id, request.issuer) {
                    sp.entity_id = issuer;
                }
                (Some(request.request_id), request.relay_state, Some(format!("sp-initiated ({})", request.binding)))
            }
            Err(e) => return Err((e, Vec::new(), Some("sp-initiated (failed)".into()))),
        },
        None => (None, None, None),
    };
    let options = GenerateOptions {
        idp: config.idp.clone(),
        sp: sp.clone(),
        user: config.user.clone(),
        in_response_to,
        relay_state,
        sign_parts: None,
        canaries: Default::default(),
    };
    let generated = generate(scenario, &options, keys, &config.time_and_ids.clock(), ids).map_err(|e| {
        (HttpError::Unexpected(format!("cannot generate the response: {e}")), Vec::new(), login.clone())
    })?;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..generated.message.repeat.max(1) {
        match browser.deliver(&sp.acs_url, &generated.message) {
            Ok(answer) => {
                statuses.push(answer.status);
                last = Some(answer);
            }
            Err(e) => return Err((e, statuses, login)),
        }
    }
    let answer = last.expect("repeat is at least 1, so there was a delivery");
    Ok(Delivered { statuses, answer, login })
}

fn deliver_and_judge(
    config: &RunConfig,
    scenario: &Scenario,
    keys: &mut KeyStore,
    expected_codes: Vec<String>,
) -> Outcome {
    let error = |e: HttpError, statuses: Vec<u16>, login: Option<String>| {
        let mut outcome = Outcome::without_answer(scenario, expected_codes.clone(), Verdict::Error, e.to_string());
        outcome.unreachable = e.is_unreachable();
        outcome.statuses = statuses;
        outcome.login = login;
        outcome
    };
    // One browser (one cookie jar) for the scenario's earlier logins and its own.
    let browser = Browser::new(config.timeout);
    let mut ids = config.time_and_ids.ids(Some(&scenario.id));
    let mut earlier_statuses = Vec::new();
    for earlier in scenario.earlier_logins() {
        match login_and_deliver(config, &browser, &earlier, keys, &mut ids) {
            Ok(delivered) if config.profile.read(&delivered.answer).accepted => {
                earlier_statuses.extend(delivered.statuses)
            }
            Ok(delivered) => {
                let mut statuses = earlier_statuses;
                statuses.extend(delivered.statuses);
                let why = HttpError::Unexpected(format!(
                    "the earlier login '{}' ({}) that sets the scenario up was rejected: {}",
                    earlier.id,
                    earlier.file.summary,
                    excerpt(&delivered.answer.body)
                ));
                return error(why, statuses, delivered.login);
            }
            Err((e, statuses, login)) => return error(e, [earlier_statuses, statuses].concat(), login),
        }
    }
    let delivered = match login_and_deliver(config, &browser, scenario, keys, &mut ids) {
        Ok(d) => d,
        Err((e, statuses, login)) => return error(e, [earlier_statuses, statuses].concat(), login),
    };
    let reading = config.profile.read(&delivered.answer);
    let judgement = config.profile.judge(scenario, &reading);
    let mut outcome = Outcome::without_answer(scenario, judgement.expected_codes, judgement.verdict, judgement.detail);
    outcome.statuses = [earlier_statuses, delivered.statuses].concat();
    outcome.accepted = Some(reading.accepted);
    outcome.code = reading.code;
    outcome.code_found_in = reading.found_in;
    outcome.location = delivered.answer.location().map(str::to_owned);
    outcome.body_excerpt = excerpt(&delivered.answer.body);
    outcome.login = delivered.login;
    outcome
}
