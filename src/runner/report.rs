//! Reports of a run: a table for people, JSON and JUnit XML (through `quick-junit`) for CI.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::outcome::SnapshotStatus;
use super::run::RunReport;
use crate::profile::Verdict;

/// The terminal table: one line per scenario, findings marked loudly, then a summary.
pub fn table(report: &RunReport) -> String {
    let width = report.outcomes.iter().map(|o| o.scenario.len()).max().unwrap_or(8).max(8);
    let verdict_width = 12;
    let mut out =
        format!("{:width$}  {:verdict_width$}  {:8}  {:28}  DETAIL\n", "SCENARIO", "VERDICT", "STATUS", "CODE");
    for o in &report.outcomes {
        let statuses = o.statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        let code = o.code.as_deref().map_or_else(|| "-".to_owned(), |c| shorten(c, 28));
        let marker = if o.verdict == Verdict::Accepted { "!! " } else { "" };
        let mut detail = o.detail.clone();
        match &o.snapshot {
            SnapshotStatus::Changed(diff) => {
                detail.push_str(&format!(
                    "\n{:width$}  snapshot changed (.snap.new written; --accept records it):\n",
                    ""
                ));
                for line in diff.lines() {
                    detail.push_str(&format!("{:width$}    {line}\n", ""));
                }
            }
            SnapshotStatus::Missing => {
                detail.push_str(" [snapshot missing: .snap.new written; snapshots are frozen in CI]")
            }
            SnapshotStatus::New => detail.push_str(" [new snapshot]"),
            SnapshotStatus::Accepted => detail.push_str(" [snapshot updated]"),
            _ => {}
        }
        out.push_str(&format!(
            "{:width$}  {:verdict_width$}  {:8}  {:28}  {marker}{}\n",
            o.scenario,
            o.verdict.name(),
            if statuses.is_empty() { "-".to_owned() } else { statuses },
            code,
            detail.trim_end()
        ));
    }
    out.push('\n');
    out.push_str(&summary(report));
    let findings: Vec<&str> =
        report.outcomes.iter().filter(|o| o.verdict == Verdict::Accepted).map(|o| o.scenario.as_str()).collect();
    if !findings.is_empty() {
        out.push_str(&format!(
            "\n!! SECURITY FINDINGS: the SP ACCEPTED {} response(s) it must reject: {}\n",
            findings.len(),
            findings.join(", ")
        ));
    }
    out
}

/// One line: how many of each verdict, and the exit code it leads to.
pub fn summary(report: &RunReport) -> String {
    let parts: Vec<String> = [
        Verdict::Pass,
        Verdict::PassGeneric,
        Verdict::KnownGap,
        Verdict::Mismatch,
        Verdict::Accepted,
        Verdict::Skipped,
        Verdict::Error,
    ]
    .into_iter()
    .map(|v| format!("{} {}", report.count(v), v.name()))
    .collect();
    let changed = report.outcomes.iter().filter(|o| matches!(o.snapshot, SnapshotStatus::Changed(_))).count();
    let missing: Vec<&str> =
        report.outcomes.iter().filter(|o| o.snapshot == SnapshotStatus::Missing).map(|o| o.scenario.as_str()).collect();
    let missing = match missing.len() {
        0 => String::new(),
        n => format!(", {n} missing ({})", missing.join(", ")),
    };
    format!(
        "{} scenarios against profile {}: {}; {changed} snapshot(s) changed{missing}; exit {}\n",
        report.outcomes.len(),
        report.profile,
        parts.join(", "),
        report.exit_code()
    )
}

/// The run as pretty JSON: the target, a summary, and every outcome.
pub fn json(report: &RunReport) -> String {
    let mut counts = serde_json::Map::new();
    for o in &report.outcomes {
        let entry = counts.entry(o.verdict.name().to_lowercase()).or_insert(serde_json::Value::from(0));
        *entry = serde_json::Value::from(entry.as_u64().unwrap_or(0) + 1);
    }
    let value = serde_json::json!({
        "profile": report.profile,
        "acs_url": report.acs_url,
        "login_url": report.login_url,
        "exit_code": report.exit_code(),
        "summary": counts,
        "outcomes": report.outcomes,
    });
    // Serializing a Value to a String cannot fail.
    serde_json::to_string_pretty(&value).expect("JSON values serialize")
}

/// The run as JUnit XML: one test suite (the profile), one test case per scenario.
pub fn junit(report: &RunReport) -> String {
    let mut suite = TestSuite::new(format!("mockidp {}", report.profile));
    for o in &report.outcomes {
        let mut status = match o.verdict {
            Verdict::Pass | Verdict::PassGeneric | Verdict::KnownGap => TestCaseStatus::success(),
            Verdict::Skipped => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(o.detail.clone());
                s
            }
            Verdict::Mismatch | Verdict::Accepted => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(o.detail.clone()).set_type(o.verdict.name());
                s
            }
            Verdict::Error => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(o.detail.clone()).set_type("error");
                s
            }
        };
        let snapshot_failure = match &o.snapshot {
            SnapshotStatus::Changed(diff) => Some(format!("snapshot changed:\n{diff}")),
            SnapshotStatus::Missing => Some("snapshot missing (snapshots are frozen in CI)".to_owned()),
            _ => None,
        };
        if let (Some(message), TestCaseStatus::Success { .. }) = (snapshot_failure, &status) {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(message).set_type("snapshot");
            status = s;
        }
        let mut case = TestCase::new(o.scenario.clone(), status);
        case.set_classname(format!("mockidp.{}", report.profile));
        case.set_time(Duration::from_millis(o.duration_ms));
        let mut out = format!("verdict: {}\n{}\n", o.verdict, o.detail);
        if !o.body_excerpt.is_empty() {
            out.push_str(&format!("answer: {}\n", o.body_excerpt));
        }
        case.set_system_out(out);
        suite.add_test_case(case);
    }
    let mut junit = Report::new("mockidp");
    junit.add_test_suite(suite);
    // Writing XML to a String cannot fail.
    junit.to_string().expect("JUnit XML serializes")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}...", text.chars().take(max - 3).collect::<String>())
    } else {
        text.to_owned()
    }
}
