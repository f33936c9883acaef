//! Embeds the built-in key sets, scenarios and profiles, so the binary works from any directory.

use std::fmt::Write as _;
use std::path::Path;

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

    for (folder, constant, file) in [
        ("scenarios", "EMBEDDED_SCENARIOS", "embedded_scenarios.rs"),
        ("profiles", "EMBEDDED_PROFILES", "embedded_profiles.rs"),
    ] {
        let mut code = format!(
            "/// Built-in {folder}: (file name, TOML text).\npub(crate) static {constant}: &[(&str, &str)] = &[\n"
        );
        for path in sorted_entries(&root.join(folder)) {
            if path.extension().is_some_and(|e| e == "toml") {
                let name = path.file_name().and_then(|n| n.to_str()).expect("file names are UTF-8");
                writeln!(code, "    ({name:?}, include_str!({path:?})),").unwrap();
            }
        }
        code.push_str("];\n");
        std::fs::write(Path::new(&out_dir).join(file), code).unwrap();
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
