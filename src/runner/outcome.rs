//! Outcomes: what an SP did with one scenario's response, and the verdict on it.

use serde::Serialize;

use crate::profile::Verdict;
use crate::scenario::{ExpectedOutcome, Scenario};

/// The characters of the SP's answer kept in an outcome (enough to read an error page).
pub const BODY_EXCERPT: usize = 500;

/// What happened to one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The scenario's id.
    pub scenario: String,
    /// What the scenario expects: `accept`, `reject: CLASS`, `acceptable: CLASS`.
    pub expected: String,
    /// The codes that would be the right reason on this SP.
    pub expected_codes: Vec<String>,
    /// The HTTP status of each delivery, in order (two for a replay).
    pub statuses: Vec<u16>,
    /// Whether the SP accepted the (last) delivery.
    pub accepted: Option<bool>,
    /// The code the SP reported, as the profile reads it.
    pub code: Option<String>,
    /// Where the code was found.
    pub code_found_in: Option<String>,
    /// The Location of the last answer, if it redirected.
    pub location: Option<String>,
    /// The start of the last answer's body.
    pub body_excerpt: String,
    /// Whether the login was SP-initiated (and by which binding the AuthnRequest came).
    pub login: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// One line for people: why this verdict.
    pub detail: String,
    /// What the snapshot comparison found.
    pub snapshot: SnapshotStatus,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Whether an error was the SP being unreachable (connection refused, timeout, TLS).
    #[serde(skip)]
    pub unreachable: bool,
}

/// The result of comparing an outcome with its stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "diff")]
pub enum SnapshotStatus {
    /// Snapshots are off, or the verdict is an error (nothing stable to record).
    None,
    /// Same as the stored snapshot.
    Matched,
    /// No snapshot was stored; this one was recorded.
    New,
    /// No snapshot was stored and snapshots are frozen (CI): written as `.snap.new`, a failure.
    Missing,
    /// Differs from the stored snapshot (the diff); written beside it as `.snap.new`.
    Changed(String),
    /// Differed, and `--accept` recorded the new one.
    Accepted,
}

impl Outcome {
    /// An outcome with no answer (skipped, or an error before or during delivery).
    pub(crate) fn without_answer(
        scenario: &Scenario,
        expected_codes: Vec<String>,
        verdict: Verdict,
        detail: String,
    ) -> Self {
        Outcome {
            scenario: scenario.id.clone(),
            expected: expectation(scenario),
            expected_codes,
            statuses: Vec::new(),
            accepted: None,
            code: None,
            code_found_in: None,
            location: None,
            body_excerpt: String::new(),
            login: None,
            verdict,
            detail,
            snapshot: SnapshotStatus::None,
            duration_ms: 0,
            unreachable: false,
        }
    }

    /// Whether this outcome fails the run: a finding, a mismatch, or a changed or missing snapshot.
    pub fn fails(&self) -> bool {
        self.verdict.is_failure() || matches!(self.snapshot, SnapshotStatus::Changed(_) | SnapshotStatus::Missing)
    }

    /// The stable part of the outcome, as snapshot content: nothing that changes from run to
    /// run (ports, IDs, times, body text).
    pub fn snapshot_text(&self) -> String {
        let statuses: Vec<String> = self.statuses.iter().map(u16::to_string).collect();
        let mut text = format!("scenario: {}\nexpected: {}\n", self.scenario, self.expected);
        if !self.expected_codes.is_empty() {
            text.push_str(&format!("expected-codes: [{}]\n", self.expected_codes.join(", ")));
        }
        if self.verdict == Verdict::Skipped {
            text.push_str(&format!("verdict: skipped\nreason: {}\n", self.detail));
            return text;
        }
        text.push_str(&format!("statuses: [{}]\n", statuses.join(", ")));
        text.push_str(&format!("accepted: {}\n", self.accepted.map_or("-".to_owned(), |a| a.to_string())));
        text.push_str(&format!("code: {}\n", self.code.as_deref().unwrap_or("-")));
        text.push_str(&format!("verdict: {}\n", self.verdict));
        text
    }
}

/// The scenario's expectation in words.
pub(crate) fn expectation(scenario: &Scenario) -> String {
    let expect = scenario.file.expect;
    match (expect.outcome, expect.class) {
        (ExpectedOutcome::Accept, _) => "accept".into(),
        (ExpectedOutcome::Reject, Some(class)) => format!("reject: {class}"),
        (ExpectedOutcome::Acceptable, Some(class)) => format!("acceptable: {class}"),
        (ExpectedOutcome::Reject, None) => "reject".into(),
        (ExpectedOutcome::Acceptable, None) => "acceptable".into(),
    }
}

/// The first `BODY_EXCERPT` characters, on one line.
pub(crate) fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > BODY_EXCERPT {
        format!("{}...", one_line.chars().take(BODY_EXCERPT).collect::<String>())
    } else {
        one_line
    }
}
