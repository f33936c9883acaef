//! `docs/scenarios.md` is generated: the catalog from the scenario files (`mockidp list --format
//! markdown`), then the gaps of the real SP libraries as `tests/scenarios_real_sp.rs` proves them
//! (from `tests/expectations/`). This fails when the page is out of date; regenerate it with
//! `UPDATE_DOCS=1 cargo test --test catalog`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

const LIBRARIES: [&str; 2] = ["python3-saml", "node-saml"];

struct Gap {
    short: String,
    why: String,
    outcome: String,
}

fn gaps_of(library: &str) -> (String, BTreeMap<String, Gap>) {
    let path = format!("{}/tests/expectations/{library}.toml", env!("CARGO_MANIFEST_DIR"));
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let version = value.get("version").and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let text = |gap: &toml::Value, key: &str| gap.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let gaps = value
        .get("gaps")
        .and_then(|g| g.as_table())
        .map(|table| {
            table
                .iter()
                .map(|(id, gap)| {
                    (
                        id.clone(),
                        Gap { short: text(gap, "short"), why: text(gap, "why"), outcome: text(gap, "outcome") },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (version, gaps)
}

fn gaps_section() -> String {
    let libraries: Vec<(&str, String, BTreeMap<String, Gap>)> = LIBRARIES
        .iter()
        .map(|library| {
            let (version, gaps) = gaps_of(library);
            (*library, version, gaps)
        })
        .collect();
    let mut out = String::from(
        "\n# Gaps in the real SP libraries\n\n\
Where a library does not check what a scenario breaks, `tests/scenarios_real_sp.rs` records it here \
instead of hiding it, and asserts that the library still behaves exactly so (a gap that closes fails \
the test). The libraries run as in `tests/sp/` with the app policy of `tests/expectations/sp-config.toml`.\n\n",
    );
    for (library, version, gaps) in &libraries {
        let _ = writeln!(out, "- {library} {version}: {} gaps", gaps.len());
    }
    out.push_str("\n| scenario |");
    for (library, _, _) in &libraries {
        let _ = write!(out, " {library} |");
    }
    out.push_str("\n| --- |");
    for _ in &libraries {
        out.push_str(" --- |");
    }
    out.push('\n');
    let mut ids: Vec<&String> = libraries.iter().flat_map(|(_, _, gaps)| gaps.keys()).collect();
    ids.sort();
    ids.dedup();
    for id in &ids {
        let _ = write!(out, "| [`{id}`](#{id}) |");
        for (_, _, gaps) in &libraries {
            match gaps.get(*id) {
                Some(gap) => {
                    let _ = write!(out, " gap: {} ({}) |", gap.short, gap.outcome);
                }
                None => out.push_str(" checked |"),
            }
        }
        out.push('\n');
    }
    for (library, _, gaps) in &libraries {
        let _ = write!(out, "\n## Why, in {library}\n\n");
        for (id, gap) in gaps {
            let _ = writeln!(out, "- `{id}`: {}", gap.why.trim());
        }
    }
    out
}

#[test]
fn scenario_catalog_page_is_current() {
    let set = mockidp::scenario::ScenarioSet::load(None).unwrap();
    let expected = mockidp::catalog::markdown(&set) + &gaps_section();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(actual == expected, "docs/scenarios.md is out of date (hint: UPDATE_DOCS=1 cargo test --test catalog)");
}

#[test]
fn every_built_in_scenario_parses_and_list_shows_it() {
    let set = mockidp::scenario::ScenarioSet::load(None).unwrap();
    let table = mockidp::catalog::table(&set);
    for scenario in set.iter() {
        assert!(table.contains(&scenario.id), "{} missing from the table", scenario.id);
        assert!(!scenario.file.summary.contains('\n'), "{}: the summary is one line", scenario.id);
    }
    let json: serde_json::Value = serde_json::from_str(&mockidp::catalog::json(&set)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), set.len());
}

#[test]
fn every_gap_names_a_scenario() {
    let set = mockidp::scenario::ScenarioSet::load(None).unwrap();
    for library in LIBRARIES {
        for id in gaps_of(library).1.keys() {
            assert!(set.get(id).is_ok(), "{library}: gap for unknown scenario {id}");
        }
    }
}
