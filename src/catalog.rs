//! The scenario catalog for people and programs: `mockidp list` and `docs/scenarios.md`.

use crate::scenario::{ExpectedOutcome, Scenario, ScenarioSet};

fn expectation(scenario: &Scenario) -> String {
    let expect = scenario.file.expect;
    let schema = if expect.schema_invalid { " or schema-invalid" } else { "" };
    match (expect.outcome, expect.class) {
        (ExpectedOutcome::Accept, _) => "accept".into(),
        (ExpectedOutcome::Reject, Some(class)) => format!("reject: {class}{schema}"),
        (ExpectedOutcome::Acceptable, Some(class)) => format!("acceptable (or reject: {class}{schema})"),
        (outcome, None) => format!("{outcome:?}").to_lowercase(),
    }
}

/// A plain-text table: id, expectation, summary.
pub fn table(set: &ScenarioSet) -> String {
    let id_width = set.iter().map(|s| s.id.len()).max().unwrap_or(2).max(2);
    let expect_width = set.iter().map(|s| expectation(s).len()).max().unwrap_or(6).max(6);
    let mut out = format!("{:id_width$}  {:expect_width$}  SUMMARY\n", "ID", "EXPECT");
    for s in set.iter() {
        out.push_str(&format!("{:id_width$}  {:expect_width$}  {}\n", s.id, expectation(s), s.file.summary));
    }
    out
}

/// JSON: an array of every scenario, with all its fields.
pub fn json(set: &ScenarioSet) -> String {
    let list: Vec<serde_json::Value> = set
        .iter()
        .map(|s| {
            let mut value = serde_json::to_value(&s.file).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("id".into(), s.id.clone().into());
                map.insert("origin".into(), s.origin.clone().into());
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
}

/// The Markdown catalog page, `docs/scenarios.md`.
pub fn markdown(set: &ScenarioSet) -> String {
    let mut out = String::from(
        "# Scenario catalog\n\n<!-- Generated: the catalog by `mockidp list --format markdown`, the gaps by tests/catalog.rs. Do not edit; regenerate with `UPDATE_DOCS=1 cargo test --test catalog`. -->\n\n",
    );
    out.push_str(&format!("{} scenarios. Each is one file in `scenarios/`, its id the file stem.\n\n", set.len()));
    out.push_str("| id | expect | summary |\n| --- | --- | --- |\n");
    for s in set.iter() {
        out.push_str(&format!("| [`{}`](#{}) | {} | {} |\n", s.id, s.id, expectation(s), s.file.summary));
    }
    for s in set.iter() {
        out.push_str(&format!("\n## {}\n\n{}\n\n", s.id, s.file.summary));
        out.push_str(&format!("- expect: {}\n", expectation(s)));
        if !s.file.tags.is_empty() {
            out.push_str(&format!("- tags: {}\n", s.file.tags.join(", ")));
        }
        if !s.file.sp_requirements.is_empty() {
            out.push_str(&format!("- needs on the SP side: {}\n", s.file.sp_requirements.join("; ")));
        }
        out.push_str(&format!("\n{}\n", s.file.description.trim()));
    }
    out
}
