//! Judging: what an SP's reading means for a scenario, under a profile. Pure data in, verdict out.

use serde::{Deserialize, Serialize};

use super::extract::Reading;
use super::file::{Gap, GapAnswer, RightReason, Stage};
use super::load::Profile;
use crate::scenario::{ExpectedOutcome, FailureClass, Scenario};

/// The verdict on one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// As expected: rejected with an expected code, or accepted where that is right.
    Pass,
    /// Rejected, but the SP does not say why, and the profile allows that.
    PassGeneric,
    /// Accepted (or rejected for another reason), as a gap of the profile documents: this SP
    /// does not check it.
    KnownGap,
    /// Rejected for another reason than expected, or a valid response rejected.
    Mismatch,
    /// Accepted when it should have been rejected: a security finding.
    Accepted,
    /// Not run, for the reason given.
    Skipped,
    /// No verdict: the SP could not be reached, timed out, or the run could not be set up.
    Error,
}

impl Verdict {
    /// The kebab-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::PassGeneric => "pass-generic",
            Verdict::KnownGap => "known-gap",
            Verdict::Mismatch => "mismatch",
            Verdict::Accepted => "ACCEPTED",
            Verdict::Skipped => "skipped",
            Verdict::Error => "error",
        }
    }

    /// Whether this verdict fails a run (a finding or a mismatch).
    pub fn is_failure(self) -> bool {
        matches!(self, Verdict::Mismatch | Verdict::Accepted)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A verdict with what was expected and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The codes that would have been the right reason (empty when none is mapped).
    pub expected_codes: Vec<String>,
    /// One line for people.
    pub detail: String,
}

impl Profile {
    /// The right reasons for `scenario` on this SP: its override, else its class's mapping, and
    /// for a scenario whose response breaks the schema (`expect.schema-invalid`) the mapping of
    /// `schema-invalid` as well.
    pub fn expected_reasons(&self, scenario: &Scenario) -> Vec<RightReason> {
        if let Some(o) = self.file.overrides.iter().find(|o| o.scenario == scenario.id) {
            return o.codes.clone();
        }
        let expect = scenario.file.expect;
        let schema = expect.schema_invalid.then_some(FailureClass::SchemaInvalid);
        expect
            .class
            .into_iter()
            .chain(schema)
            .flat_map(|class| self.file.classes.get(&class).cloned().unwrap_or_default())
            .collect()
    }

    /// The codes that are the right reason for `scenario` on this SP (those of
    /// [`Profile::expected_reasons`], each once).
    pub fn expected_codes(&self, scenario: &Scenario) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for reason in self.expected_reasons(scenario) {
            if !codes.contains(&reason.code) {
                codes.push(reason.code);
            }
        }
        codes
    }

    /// Why `scenario` is not run against this SP, if it is in the skip list.
    pub fn skip_reason(&self, scenario: &str) -> Option<&str> {
        self.file.skips.iter().find(|s| glob_match(&s.scenario, scenario)).map(|s| s.reason.as_str())
    }

    /// The documented gap of this SP for `scenario`: one for the scenario, else for its class.
    pub fn gap(&self, scenario: &Scenario) -> Option<&Gap> {
        let class = scenario.file.expect.class;
        let gaps = &self.file.gaps;
        gaps.iter()
            .find(|g| g.scenario.as_deref() == Some(scenario.id.as_str()))
            .or_else(|| gaps.iter().find(|g| g.class.is_some() && g.class == class))
    }

    /// Why accepting `scenario` is a documented gap of this SP, if it is one.
    pub fn gap_reason(&self, scenario: &Scenario) -> Option<&str> {
        self.gap(scenario).map(|g| g.reason.as_str())
    }

    /// Judge what the SP did with `scenario`'s response.
    pub fn judge(&self, scenario: &Scenario, reading: &Reading) -> Judgement {
        let reasons = self.expected_reasons(scenario);
        let expected_codes = self.expected_codes(scenario);
        let class = scenario.file.expect.class.map_or_else(|| "-".to_owned(), |c| c.to_string());
        let judgement = |verdict, detail: String| Judgement { verdict, expected_codes: expected_codes.clone(), detail };
        let outcome = scenario.file.expect.outcome;
        let expected = || reasons.iter().map(describe_reason).collect::<Vec<_>>().join(" or ");
        let right_reason = !reading.accepted && reasons.iter().any(|r| reason_shown(r, reading));
        if let Some(gap) = self.gap(scenario).filter(|g| g.answer.is_some()) {
            let right = match outcome {
                ExpectedOutcome::Accept => reading.accepted,
                ExpectedOutcome::Acceptable => reading.accepted || right_reason,
                ExpectedOutcome::Reject => right_reason,
            };
            return judgement_of_exact_gap(gap, reading, right, &judgement);
        }
        if reading.accepted {
            return match outcome {
                ExpectedOutcome::Accept => judgement(Verdict::Pass, "accepted".into()),
                ExpectedOutcome::Acceptable => {
                    judgement(Verdict::Pass, "accepted (acceptable: the spec leaves it open)".into())
                }
                ExpectedOutcome::Reject => match self.gap_reason(scenario) {
                    Some(reason) => judgement(Verdict::KnownGap, format!("accepted; known gap: {reason}")),
                    None => judgement(
                        Verdict::Accepted,
                        format!("the SP ACCEPTED a response it must reject ({class}): a security finding"),
                    ),
                },
            };
        }
        let seen = reading.code.as_deref();
        if outcome == ExpectedOutcome::Accept {
            return judgement(
                Verdict::Mismatch,
                format!("a valid response was rejected (code {})", seen.unwrap_or("not visible")),
            );
        }
        match seen {
            Some(code) if right_reason => judgement(Verdict::Pass, format!("rejected with {code}")),
            Some(code) if reasons.is_empty() => {
                judgement(Verdict::PassGeneric, format!("rejected with {code}; the profile maps no code to {class}"))
            }
            Some(code) => judgement(
                Verdict::Mismatch,
                format!(
                    "rejected with {code}{}{}, expected {} ({class})",
                    if reading.known { "" } else { " (not in the catalog)" },
                    shown(reading),
                    expected()
                ),
            ),
            None if reasons.is_empty() || self.file.answer.allow_generic => {
                judgement(Verdict::PassGeneric, "rejected; the SP does not say why".into())
            }
            None => judgement(
                Verdict::Mismatch,
                format!("rejected, but no code is visible{}; expected {} ({class})", shown(reading), expected()),
            ),
        }
    }
}

/// Whether the reading shows `reason`: its code, with its text, stage and status where given.
fn reason_shown(reason: &RightReason, reading: &Reading) -> bool {
    reading.code.as_deref() == Some(reason.code.as_str())
        && reason.says.as_deref().is_none_or(|text| reading.says(text))
        && reason.stage.is_none_or(|stage| stage == reading.stage)
        && reason.status.is_none_or(|status| status == reading.status)
}

/// A gap with a recorded answer holds only while the SP answers exactly so: answering as the
/// scenario expects (the gap closed) or answering otherwise is a mismatch, which asks for the
/// profile to be corrected.
fn judgement_of_exact_gap(
    gap: &Gap,
    reading: &Reading,
    right: bool,
    judgement: &dyn Fn(Verdict, String) -> Judgement,
) -> Judgement {
    let what = if reading.accepted {
        "accepted".to_owned()
    } else {
        format!("rejected with {}{}", reading.code.as_deref().unwrap_or("no visible code"), shown(reading))
    };
    let as_recorded = match gap.answer {
        Some(GapAnswer::Accepted) => reading.accepted,
        _ => !reading.accepted && (gap.says.is_empty() || gap.says.iter().any(|text| reading.says(text))),
    };
    if right {
        judgement(Verdict::Mismatch, format!("{what}: the documented gap closed (remove it from the profile)"))
    } else if as_recorded {
        judgement(Verdict::KnownGap, format!("{what}; known gap: {}", gap.reason))
    } else {
        let recorded = gap.answer.map_or_else(String::new, |a| a.to_string());
        let says = if gap.says.is_empty() { String::new() } else { format!(" saying one of {:?}", gap.says) };
        judgement(Verdict::Mismatch, format!("{what}, not as the documented gap records ({recorded}{says})"))
    }
}

/// A right reason in words: `E101 saying "..." at stage metadata (HTTP 400)`.
fn describe_reason(reason: &RightReason) -> String {
    let mut text = reason.code.clone();
    if let Some(says) = &reason.says {
        text.push_str(&format!(" saying {says:?}"));
    }
    if let Some(stage) = reason.stage {
        text.push_str(&format!(" at stage {}", stage.name()));
    }
    if let Some(status) = reason.status {
        text.push_str(&format!(" (HTTP {status})"));
    }
    text
}

/// What the reading shows besides its code, for details: the stage (unless `response`) and the
/// SP's error text.
fn shown(reading: &Reading) -> String {
    let stage =
        if reading.stage == Stage::Response { String::new() } else { format!(" at stage {}", reading.stage.name()) };
    let reason = reading.reason.as_deref().map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
    let reason = reason.filter(|r| !r.is_empty()).map(|r| format!(": {r}")).unwrap_or_default();
    format!("{stage}{reason}")
}

/// `*` (any run) and `?` (one character) glob matching, for scenario selection.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("metadata-*", "metadata-malformed"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a*d", "abc"));
        assert!(glob_match("valid", "valid"));
    }
}
