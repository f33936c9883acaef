//! Coverage: each documented code of a profile -> the scenarios that trigger it, or why none can.

use serde::Serialize;

use super::load::Profile;
use crate::scenario::{ExpectedOutcome, ScenarioSet};

/// One catalog entry's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    /// The documented code.
    pub code: String,
    /// Its documented message.
    pub message: String,
    /// Whether an IdP can trigger it.
    pub triggerable: bool,
    /// The scenarios whose expected codes include it (skipped ones left out).
    pub scenarios: Vec<String>,
    /// Why no IdP response can trigger it (for non-triggerable entries).
    pub reason: Option<String>,
}

impl CoverageRow {
    /// A triggerable code that no scenario triggers.
    pub fn is_uncovered(&self) -> bool {
        self.triggerable && self.scenarios.is_empty()
    }
}

impl Profile {
    /// The coverage of this profile's catalog by `scenarios`.
    pub fn coverage(&self, scenarios: &ScenarioSet) -> Vec<CoverageRow> {
        self.file
            .codes
            .iter()
            .map(|entry| {
                let triggering = scenarios
                    .iter()
                    .filter(|s| s.file.expect.outcome != ExpectedOutcome::Accept && self.skip_reason(&s.id).is_none())
                    .filter(|s| self.expected_codes(s).contains(&entry.code))
                    .map(|s| s.id.clone())
                    .collect();
                CoverageRow {
                    code: entry.code.clone(),
                    message: entry.message.clone(),
                    triggerable: entry.triggerable,
                    scenarios: triggering,
                    reason: entry.reason.clone(),
                }
            })
            .collect()
    }
}

/// The coverage table for people: code, message, then the scenarios or the reason.
pub fn coverage_table(profile: &Profile, rows: &[CoverageRow]) -> String {
    let mut out =
        format!("{} ({}): {}\nsource: {}\n\n", profile.name, profile.origin, profile.file.title, profile.file.source);
    let short = |text: &str, max: usize| {
        if text.chars().count() > max {
            format!("{}...", text.chars().take(max - 3).collect::<String>())
        } else {
            text.to_owned()
        }
    };
    let code_width = rows.iter().map(|r| short(&r.code, 48).chars().count()).max().unwrap_or(4).max(4);
    out.push_str(&format!("{:code_width$}  {:40}  TRIGGERED BY\n", "CODE", "MESSAGE"));
    for row in rows {
        let by = if !row.triggerable {
            format!("(not triggerable: {})", row.reason.as_deref().unwrap_or("-"))
        } else if row.scenarios.is_empty() {
            "!! NO SCENARIO".to_owned()
        } else {
            row.scenarios.join(", ")
        };
        out.push_str(&format!("{:code_width$}  {:40}  {by}\n", short(&row.code, 48), short(&row.message, 40)));
    }
    let triggerable = rows.iter().filter(|r| r.triggerable).count();
    let uncovered = rows.iter().filter(|r| r.is_uncovered()).count();
    out.push_str(&format!(
        "\n{} codes: {triggerable} triggerable by an IdP, {} covered, {uncovered} uncovered; {} not triggerable\n",
        rows.len(),
        triggerable - uncovered,
        rows.len() - triggerable
    ));
    out
}
