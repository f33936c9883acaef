//! `docs/scenarios.md` is generated from the scenario files; this fails when it is out of date.

#[test]
fn scenario_catalog_page_is_current() {
    let set = mockidp::scenario::ScenarioSet::load(None).unwrap();
    let expected = mockidp::catalog::markdown(&set);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md");
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/scenarios.md is out of date (hint: cargo run -q -- list --format markdown > docs/scenarios.md)"
    );
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
