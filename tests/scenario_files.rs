//! A user's scenario (and profile) directory is checked the same way whichever command reads it: a missing
//! directory, a broken file, a FIFO and an absurd size are errors that name file, line and key.

use std::path::PathBuf;

use mockidp::scenario::{ScenarioError, ScenarioSet, PADDING_LIMIT};

/// A fresh, empty directory under the target dir (removed first if an earlier run left it).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scenario-files-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const VALID: &str = "summary = \"mine\"\ndescription = \"mine\"\n[expect]\noutcome = \"accept\"\n";

#[test]
fn a_missing_directory_is_an_error_for_one_scenario_and_for_all() {
    let missing = scratch("missing").join("nope");
    for result in
        [ScenarioSet::load_one(Some(&missing), "valid").map(|_| ()), ScenarioSet::load(Some(&missing)).map(|_| ())]
    {
        match result {
            Err(ScenarioError::Io { path, .. }) => assert_eq!(path, missing),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn one_scenario_checks_the_whole_directory_as_list_does() {
    let dir = scratch("broken");
    std::fs::write(dir.join("mine.toml"), VALID).unwrap();
    std::fs::write(dir.join("zz-broken.toml"), "summary = \"x\"\nnot toml at all\n").unwrap();
    let one = ScenarioSet::load_one(Some(&dir), "mine").unwrap_err().to_string();
    let all = ScenarioSet::load(Some(&dir)).unwrap_err().to_string();
    assert_eq!(one, all);
    assert!(one.contains("zz-broken.toml:2"), "{one}");
    std::fs::remove_file(dir.join("zz-broken.toml")).unwrap();
    assert_eq!(ScenarioSet::load_one(Some(&dir), "mine").unwrap().file.summary, "mine");
}

#[test]
fn a_fifo_named_like_a_scenario_is_refused_without_blocking() {
    let dir = scratch("fifo");
    let fifo = dir.join("x.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let error = ScenarioSet::load(Some(&dir)).unwrap_err().to_string();
    assert!(error.contains("x.toml") && error.contains("not a regular file"), "{error}");
    // Profiles are read the same way.
    let error = mockidp::profile::ProfileSet::load(Some(&dir)).unwrap_err().to_string();
    assert!(error.contains("x.toml") && error.contains("not a regular file"), "{error}");
}

#[test]
fn padding_is_bounded_with_file_line_and_key() {
    let dir = scratch("padding");
    let text = format!("{VALID}[build]\npadding-bytes = 4000000000\n");
    std::fs::write(dir.join("huge.toml"), text).unwrap();
    let error = ScenarioSet::load(Some(&dir)).unwrap_err().to_string();
    assert!(error.contains("huge.toml:6: build.padding-bytes"), "{error}");
    assert!(error.contains(&PADDING_LIMIT.to_string()), "{error}");
}

#[test]
fn an_unknown_key_set_is_named_with_file_line_and_key() {
    use mockidp::keys::KeyStore;
    let dir = scratch("keys");
    let text = format!("{VALID}[sign]\nkey-info = true\nkey = \"no-such-keys\"\n");
    std::fs::write(dir.join("mine.toml"), text).unwrap();
    let keys = KeyStore::open(None).unwrap();
    for error in [
        ScenarioSet::load_with_keys(Some(&dir), &keys).unwrap_err(),
        ScenarioSet::load_one_with_keys(Some(&dir), "mine", &keys).unwrap_err(),
    ] {
        let text = error.to_string();
        assert!(text.contains("mine.toml:7: sign.key: no key set named 'no-such-keys'"), "{text}");
    }
    let trust = format!("{VALID}[metadata]\ntrust = [\"default\", \"nope\"]\n");
    std::fs::write(dir.join("mine.toml"), trust).unwrap();
    let text = ScenarioSet::load_with_keys(Some(&dir), &keys).unwrap_err().to_string();
    assert!(text.contains("mine.toml:6: metadata.trust: no key set named 'nope'"), "{text}");
    // The built-in scenarios name only key sets that exist.
    ScenarioSet::load_with_keys(None, &keys).unwrap();
    assert!(KeyStore::open(Some(&dir.join("missing"))).is_err());
}
