//! One insta snapshot per scenario of the generated response, with a fixed clock and seed, so any
//! change to what mockidp emits is reviewed (`cargo insta review`). CI runs with INSTA_UPDATE=no.

use std::path::Path;

#[path = "support/fixed.rs"]
mod fixed;

use mockidp::keys::KeyStore;
use mockidp::pipeline::scenario_metadata;
use mockidp::scenario::ScenarioSet;

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/scenarios"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn every_scenario_response() {
    let set = ScenarioSet::load(None).unwrap();
    insta::glob!("../scenarios", "*.toml", |path| {
        let id = path.file_stem().unwrap().to_str().unwrap();
        let scenario = set.get(id).unwrap();
        let options = fixed::options();
        let generated = fixed::generate_fixed(scenario).unwrap();
        let metadata = scenario_metadata(scenario, &options.idp, &mut KeyStore::new(None)).unwrap();
        let snapshot = format!(
            "{}\n\n--- delivery ---\n{}\n\n--- metadata ---\n{}",
            abbreviated(&generated.xml),
            serde_json::to_string_pretty(&serde_json::json!({
                "method": generated.message.method,
                "fields": generated.message.fields.iter().map(|(k, v)| (k, if v.len() > 120 { format!("{}... ({} chars)", &v[..120], v.len()) } else { v.clone() })).collect::<Vec<_>>(),
                "pre_encoded": generated.message.pre_encoded,
                "repeat": generated.message.repeat,
            }))
            .unwrap(),
            metadata
        );
        let mut settings = settings();
        settings.set_snapshot_suffix(id);
        settings.bind(|| insta::assert_snapshot!("response", snapshot));
    });
}

/// Very large responses (oversized-response) keep their head and tail, and their size.
fn abbreviated(xml: &str) -> String {
    const LIMIT: usize = 16 * 1024;
    if xml.len() <= LIMIT {
        return xml.to_owned();
    }
    let head = xml.char_indices().take_while(|(i, _)| *i < 4096).last().map_or(0, |(i, c)| i + c.len_utf8());
    let tail_start = xml.char_indices().find(|(i, _)| *i >= xml.len() - 2048).map_or(xml.len(), |(i, _)| i);
    format!(
        "{}\n[... {} bytes omitted, {} bytes in all ...]\n{}",
        &xml[..head],
        tail_start - head,
        xml.len(),
        &xml[tail_start..]
    )
}
