//! The small API for a Rust SP's own tests: build scenario X for my SP, hand the form body to my
//! handler, judge (and snapshot) what my SP answered.
//!
//! ```no_run
//! use mockidp::runner::harness::{sp_under_test, TestIdp};
//! use mockidp::profile::Answer;
//!
//! let idp = TestIdp::new().unwrap();
//! let sp = sp_under_test("https://sp.example/metadata", "https://sp.example/acs");
//! let post = idp.response("wrong-audience", &sp, Some("_request-1")).unwrap();
//! // Hand `post.form_body()` to your ACS handler; turn its answer into an `Answer`.
//! let answer = Answer { status: 403, headers: vec![], body: r#"{"code":"audience_mismatch"}"#.into() };
//! let check = idp.check("authio", "wrong-audience", &answer).unwrap();
//! assert!(check.passed(), "{check}");
//! // With `insta` in your dev-dependencies: mockidp::assert_sp_outcome!(check);
//! ```

use std::path::Path;
use std::sync::Mutex;

use crate::clock::{Clock, IdSource};
use crate::keys::KeyStore;
use crate::pipeline::{generate, GenerateOptions, Generated};
use crate::profile::{Answer, Profile, ProfileSet, Reading, Verdict};
use crate::saml::{IdpSettings, SpTarget, User};
use crate::scenario::{Scenario, ScenarioSet};

use super::outcome::{expectation, Outcome, SnapshotStatus};

/// Why the harness could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// A scenario file problem, or an unknown scenario id.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// A profile file problem, or an unknown profile name.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A key set could not be loaded, or signing failed.
    #[error(transparent)]
    Generate(#[from] crate::pipeline::GenerateError),
    /// A key set could not be loaded.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
}

/// The SP a test is about: its entity ID (the Audience) and ACS URL (Destination, Recipient).
pub fn sp_under_test(entity_id: impl Into<String>, acs_url: impl Into<String>) -> SpTarget {
    SpTarget { entity_id: entity_id.into(), acs_url: acs_url.into() }
}

/// A mock IdP for in-process tests: the built-in (or a directory's) scenarios, key sets and
/// profiles, the system clock, random IDs.
#[derive(Debug)]
pub struct TestIdp {
    scenarios: ScenarioSet,
    profiles: ProfileSet,
    keys: Mutex<KeyStore>,
    /// The IdP's entity ID and SSO URL (what the SP must trust).
    pub idp: IdpSettings,
    /// Who signs in.
    pub user: User,
}

impl TestIdp {
    /// The built-in scenarios, profiles and key sets.
    pub fn new() -> Result<Self, HarnessError> {
        Self::with_dirs(None, None, None)
    }

    /// Built-ins plus a user's directories of scenarios, profiles and key sets.
    pub fn with_dirs(
        scenarios: Option<&Path>,
        profiles: Option<&Path>,
        keys: Option<&Path>,
    ) -> Result<Self, HarnessError> {
        let keys = KeyStore::open(keys)?;
        Ok(TestIdp {
            scenarios: ScenarioSet::load_with_keys(scenarios, &keys)?,
            profiles: ProfileSet::load(profiles)?,
            keys: Mutex::new(keys),
            idp: IdpSettings::default(),
            user: User::default(),
        })
    }

    /// The PEM certificate of a key set (`default` is the one a correctly configured SP trusts).
    pub fn certificate_pem(&self, key_set: &str) -> Result<String, HarnessError> {
        // Only poisoned if another test thread panicked while holding it; the store stays usable.
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        Ok(keys.load(key_set)?.certificate_pem.clone())
    }

    /// A scenario by id.
    pub fn scenario(&self, id: &str) -> Result<&Scenario, HarnessError> {
        Ok(self.scenarios.get(id)?)
    }

    /// A profile by name.
    pub fn profile(&self, name: &str) -> Result<&Profile, HarnessError> {
        Ok(self.profiles.get(name)?)
    }

    /// Scenario `id`'s response for `sp`, answering `in_response_to` (none: unsolicited), ready to
    /// hand to an ACS handler: [`Generated::form_body`] is what a browser would post.
    pub fn response(&self, id: &str, sp: &SpTarget, in_response_to: Option<&str>) -> Result<Generated, HarnessError> {
        let scenario = self.scenario(id)?;
        let options = GenerateOptions {
            idp: self.idp.clone(),
            sp: sp.clone(),
            user: self.user.clone(),
            in_response_to: in_response_to.map(str::to_owned),
            relay_state: None,
            sign_parts: None,
            canaries: Default::default(),
        };
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        Ok(generate(scenario, &options, &mut keys, &Clock::system(), &mut IdSource::random())?)
    }

    /// Judge `answer` (what the SP answered to scenario `id`) with profile `profile`.
    pub fn check(&self, profile: &str, id: &str, answer: &Answer) -> Result<Check, HarnessError> {
        let profile = self.profile(profile)?;
        let scenario = self.scenario(id)?;
        let reading = profile.read(answer);
        let judgement = profile.judge(scenario, &reading);
        let mut outcome =
            Outcome::without_answer(scenario, judgement.expected_codes, judgement.verdict, judgement.detail);
        outcome.statuses = vec![answer.status];
        outcome.accepted = Some(reading.accepted);
        outcome.code = reading.code.clone();
        outcome.code_found_in = reading.found_in.clone();
        outcome.snapshot = SnapshotStatus::None;
        Ok(Check { expected: expectation(scenario), reading, outcome })
    }
}

/// What a test gets back from [`TestIdp::check`].
#[derive(Debug, Clone)]
pub struct Check {
    /// What the scenario expects, in words.
    pub expected: String,
    /// What the profile read in the answer.
    pub reading: Reading,
    /// The outcome, with the verdict.
    pub outcome: Outcome,
}

impl Check {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.outcome.verdict
    }

    /// Whether the SP did right: pass, pass-generic or a documented gap.
    pub fn passed(&self) -> bool {
        matches!(self.verdict(), Verdict::Pass | Verdict::PassGeneric | Verdict::KnownGap)
    }

    /// The stable text to snapshot (no IDs, times or ports).
    pub fn snapshot_text(&self) -> String {
        self.outcome.snapshot_text()
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.outcome.scenario, self.outcome.verdict, self.outcome.detail)
    }
}

/// Assert that an SP did right by a scenario, then `insta`-snapshot its outcome. Needs `insta`
/// among the calling crate's dev-dependencies. Takes a [`Check`]; optionally an inline snapshot
/// (`assert_sp_outcome!(check, @"...")`).
#[macro_export]
macro_rules! assert_sp_outcome {
    ($check:expr) => {{
        let check: &$crate::runner::harness::Check = &$check;
        assert!(check.passed(), "the SP did wrong: {}", check);
        ::insta::assert_snapshot!(check.snapshot_text());
    }};
    ($check:expr, @$snapshot:literal) => {{
        let check: &$crate::runner::harness::Check = &$check;
        assert!(check.passed(), "the SP did wrong: {}", check);
        ::insta::assert_snapshot!(check.snapshot_text(), @$snapshot);
    }};
}
