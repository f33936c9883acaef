//! Embeds the built-in key sets, scenarios and profiles, so the binary works from any directory.

use std::fmt::Write as _;
use std::path::Path;

/// Where the test SP apps are, each in a directory with its `profile.toml`.
const TEST_SPS: &str = "tests/sp";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");

    let mut keys = String::from("/// Key sets built into the binary: (name, key PEM, certificate PEM).\npub(crate) static EMBEDDED_KEYS: &[(&str, &str, &str)] = &[\n");
    for dir in sorted_entries(&root.join("keys")) {
        let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
        if key.is_file() && cert.is_file() {
            let name = dir.file_name().and_then(|n| n.to_str()).expect("key set directory names are UTF-8");
            writeln!(keys, "    ({name:?}, include_str!({:?}), include_str!({:?})),", key, cert).unwrap();
        }
    }
    keys.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("embedded_keys.rs"), keys).unwrap();

    let mut scenarios = String::from(
        "/// Built-in scenarios: (file name, TOML text).\npub(crate) static EMBEDDED_SCENARIOS: &[(&str, &str)] = &[\n",
    );
    for path in toml_files(&root.join("scenarios")) {
        let name = path.file_name().and_then(|n| n.to_str()).expect("file names are UTF-8");
        writeln!(scenarios, "    ({name:?}, include_str!({path:?})),").unwrap();
    }
    scenarios.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("embedded_scenarios.rs"), scenarios).unwrap();

    // profiles/NAME.toml, and the test SPs' profiles, which live beside their apps (with the app
    // config they describe) as tests/sp/NAME/profile.toml.
    let mut profiles = String::from(
        "/// Built-in profiles: (name, file in the repository, TOML text).\npub(crate) static EMBEDDED_PROFILES: &[(&str, &str, &str)] = &[\n",
    );
    let test_sp_profiles = sorted_entries(&root.join(TEST_SPS)).into_iter().map(|dir| dir.join("profile.toml"));
    for path in toml_files(&root.join("profiles")).into_iter().chain(test_sp_profiles.filter(|p| p.is_file())) {
        let stem = path.file_stem().and_then(|n| n.to_str()).expect("file names are UTF-8");
        let name = if stem == "profile" {
            path.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str())
        } else {
            Some(stem)
        };
        let name = name.expect("directory names are UTF-8");
        let relative = path.strip_prefix(root).expect("under the crate").display().to_string();
        writeln!(profiles, "    ({name:?}, {relative:?}, include_str!({path:?})),").unwrap();
    }
    profiles.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("embedded_profiles.rs"), profiles).unwrap();

    for dir in sorted_entries(&root.join(TEST_SPS)).into_iter().filter(|d| d.is_dir()) {
        // The file, not the directory: that would scan node_modules too.
        println!("cargo:rerun-if-changed={}", dir.join("profile.toml").display());
    }
    for folder in ["keys", "scenarios", "profiles"] {
        println!("cargo:rerun-if-changed={}", root.join(folder).display());
    }
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    entries
}

fn toml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    sorted_entries(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")).collect()
}
