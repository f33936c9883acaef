//! `docs/scenarios.md` is generated: the catalog from the scenario files (`mockidp list --format
//! markdown`), then the gaps of the real SP libraries from their profiles
//! (`tests/sp/<library>/profile.toml`), which `tests/scenarios_real_sp.rs` holds them to. This
//! fails when the page is out of date; regenerate it with `UPDATE_DOCS=1 cargo test --test catalog`.

use std::fmt::Write as _;

use mockidp::profile::{Gap, GapAnswer, Profile, ProfileSet};
use mockidp::scenario::{Scenario, ScenarioSet};

const LIBRARIES: [&str; 2] = ["python3-saml", "node-saml"];

/// Each scenario that is a gap of `profile`, with the gap.
fn gaps_of<'a>(profile: &'a Profile, set: &'a ScenarioSet) -> Vec<(&'a Scenario, &'a Gap)> {
    set.iter().filter_map(|scenario| profile.gap(scenario).map(|gap| (scenario, gap))).collect()
}

fn gaps_section(set: &ScenarioSet, profiles: &ProfileSet) -> String {
    let libraries: Vec<(&Profile, Vec<(&Scenario, &Gap)>)> = LIBRARIES
        .iter()
        .map(|name| {
            let profile = profiles.get(name).unwrap();
            (profile, gaps_of(profile, set))
        })
        .collect();
    let mut out = String::from(
        "\n# Gaps in the real SP libraries\n\n\
Where a library does not check what a scenario breaks, its profile records it (with the library's exact \
answer) and this list is made from the profiles; `tests/scenarios_real_sp.rs` asserts that the library still \
behaves exactly so (a gap that closes fails the test). The libraries run as in `tests/sp/`, configured as \
their profiles' `sp-config` says, with the app policy of `tests/sp/app-policy.json`.\n\n",
    );
    for (profile, gaps) in &libraries {
        let _ = writeln!(out, "- {}: {}: {} gaps", profile.name, profile.file.title, gaps.len());
    }
    out.push_str("\n| scenario |");
    for (profile, _) in &libraries {
        let _ = write!(out, " {} |", profile.name);
    }
    out.push_str("\n| --- |");
    for _ in &libraries {
        out.push_str(" --- |");
    }
    out.push('\n');
    for scenario in set.iter().filter(|s| libraries.iter().any(|(p, _)| p.gap(s).is_some())) {
        let _ = write!(out, "| [`{0}`](#{0}) |", scenario.id);
        for (profile, _) in &libraries {
            match profile.gap(scenario) {
                Some(gap) => {
                    let answer = gap.answer.unwrap_or(GapAnswer::Accepted);
                    let _ = write!(out, " gap: {} ({answer}) |", gap.short.as_deref().unwrap_or(&gap.reason));
                }
                None => out.push_str(" checked |"),
            }
        }
        out.push('\n');
    }
    for (profile, gaps) in &libraries {
        let _ = write!(out, "\n## Why, in {}\n\n", profile.name);
        for (scenario, gap) in gaps {
            let _ = writeln!(out, "- `{}`: {}", scenario.id, gap.reason.trim());
        }
    }
    out
}

#[test]
fn scenario_catalog_page_is_current() {
    let set = ScenarioSet::load(None).unwrap();
    let profiles = ProfileSet::load(None).unwrap();
    let expected = mockidp::catalog::markdown(&set) + &gaps_section(&set, &profiles);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(actual == expected, "docs/scenarios.md is out of date (hint: UPDATE_DOCS=1 cargo test --test catalog)");
}

#[test]
fn every_built_in_scenario_parses_and_list_shows_it() {
    let set = ScenarioSet::load(None).unwrap();
    let table = mockidp::catalog::table(&set);
    for scenario in set.iter() {
        assert!(table.contains(&scenario.id), "{} missing from the table", scenario.id);
        assert!(!scenario.file.summary.contains('\n'), "{}: the summary is one line", scenario.id);
    }
    let json: serde_json::Value = serde_json::from_str(&mockidp::catalog::json(&set)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), set.len());
}
