//! End to end in a real browser: headless Chromium (Debian's, driven by playwright-core from
//! `tests/browser/`) logs in at a python3-saml SP whose SSO URL is mockidp's picker, chooses a
//! scenario and a user there, and lands on the SP's answer. `.ci/install-deps` installs both.

mod support;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use support::server::Server;
use support::sp::{SpApp, SpConfig, SpKind};

fn browser_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser"))
}

/// Log in through the picker; the SP's answer as JSON.
fn browser_login(app: &SpApp, scenario: &str, user: &str) -> serde_json::Value {
    let mut child = Command::new("node")
        .arg(browser_dir().join("picker.js"))
        .args([
            "--login",
            &format!("{}/login?relay_state=%2Fhome", app.base_url),
            "--scenario",
            scenario,
            "--user",
            user,
        ])
        .current_dir(browser_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(child.wait().unwrap().success(), "picker.js failed: {stderr}");
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(line["picker"].as_str().unwrap().contains("/pick/sso?SAMLRequest="), "{line}");
    serde_json::from_str(line["body"].as_str().unwrap()).unwrap_or_else(|_| panic!("the SP's answer is JSON: {line}"))
}

#[test]
fn a_person_picks_scenarios_in_chromium() {
    let chromium = std::env::var("MOCKIDP_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "{chromium} is missing (hint: run .ci/install-deps)");
    assert!(
        browser_dir().join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run `npm ci` in tests/browser (or .ci/install-deps)"
    );
    if let Err(why) = SpKind::Python3Saml.available() {
        panic!("python3-saml SP app cannot run here: {why} (hint: run .ci/install-deps)");
    }
    let server = Server::start(&[]);
    let cert = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem")).unwrap();
    let app = SpApp::start(SpKind::Python3Saml, SpConfig::new(cert).idp_sso_url(format!("{}/pick/sso", server.url)));

    let accepted = browser_login(&app, "valid", "bob");
    assert_eq!(accepted["accepted"], true, "{accepted}");
    assert_eq!(accepted["name_id"], "bob@example.com", "{accepted}");
    assert_eq!(accepted["relay_state"], "/home", "{accepted}");

    let rejected = browser_login(&app, "wrong-audience", "alice");
    assert_eq!(rejected["accepted"], false, "{rejected}");
    assert_eq!(rejected["code"], "WRONG_AUDIENCE", "{rejected}");
}
