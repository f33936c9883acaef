//! End to end: `mockidp run` against the real SP apps (python3-saml, node-saml), SP-initiated
//! through their `/login`, over every scenario, with their profiles (the apps configured as their
//! profiles' `sp-config` says). Checks the verdicts, the
//! snapshots (recorded, matched, a changed one failing with a diff, `--accept`), and the JSON and
//! JUnit reports (the JUnit parsed back with quick-junit).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
use serde_json::Value;
use support::sp::{SpApp, SpConfig, SpKind};

fn default_cert() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem")).unwrap()
}

fn start(kind: SpKind) -> SpApp {
    if let Err(why) = kind.available() {
        panic!("{kind} SP app cannot run here: {why} (hint: run .ci/install-deps)");
    }
    SpApp::start(kind, SpConfig::new(default_cert()).with_profile_config(kind))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mockidp-run-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `mockidp run` with the environment the test runs in (snapshots frozen in CI).
fn mockidp_run(app: &SpApp, snapshots: &Path, extra: &[&str]) -> Output {
    mockidp_run_with(app, snapshots, extra, None)
}

/// `mockidp run` with `CI` and `INSTA_UPDATE` as given (`None`: inherited, `Some([])`: unset).
fn mockidp_run_with(app: &SpApp, snapshots: &Path, extra: &[&str], env: Option<&[(&str, &str)]>) -> Output {
    let (acs, login) = (app.acs_url(), format!("{}/login", app.base_url));
    let mut args =
        vec!["run", "--profile", app.kind.library(), "--acs-url", &acs, "--login-url", &login, "--jobs", "6"];
    let snapshots = snapshots.to_str().unwrap();
    args.extend(["--snapshots", snapshots]);
    args.extend(extra);
    let mut command = Command::new(env!("CARGO_BIN_EXE_mockidp"));
    command.args(&args);
    if let Some(env) = env {
        command.env_remove("CI").env_remove("INSTA_UPDATE").envs(env.iter().copied());
    }
    command.output().unwrap()
}

fn scenario_ids() -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(["list", "--format", "json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    list.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run_every_scenario(kind: SpKind, must_pass_with_code: &[(&str, &str)]) {
    let app = start(kind);
    let dir = temp_dir(kind.library());
    let (json_path, junit_path) = (dir.join("report.json"), dir.join("report.xml"));
    let snapshots = dir.join("snapshots");
    // Start from the snapshots checked in under snapshots/PROFILE: a changed outcome fails here.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(kind.library());
    std::fs::create_dir_all(snapshots.join(kind.library())).unwrap();
    for entry in std::fs::read_dir(&committed).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|e| e == "snap") {
            std::fs::copy(entry.path(), snapshots.join(kind.library()).join(entry.file_name())).unwrap();
        }
    }
    let output = mockidp_run(
        &app,
        &snapshots,
        &["--report", "json", json_path.to_str().unwrap(), "--report", "junit", junit_path.to_str().unwrap()],
    );
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{kind}: mockidp run failed\n{stdout}\n{}\n(hint: if the change is intended, re-record the checked-in snapshots: \
start the SP app and run `mockidp run --profile {} --acs-url URL/acs --login-url URL/login --snapshots snapshots --accept`)",
        text(&output.stderr),
        kind.library()
    );

    // The JSON report: every scenario, in id order, none accepted wrongly, none mismatched.
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(report["profile"], kind.library());
    assert_eq!(report["exit_code"], 0);
    let outcomes = report["outcomes"].as_array().unwrap();
    let ids: Vec<&str> = outcomes.iter().map(|o| o["scenario"].as_str().unwrap()).collect();
    assert_eq!(ids, scenario_ids(), "{kind}: one outcome per scenario, in id order");
    let verdict =
        |id: &str| outcomes.iter().find(|o| o["scenario"] == id).unwrap()["verdict"].as_str().unwrap().to_owned();
    for o in outcomes {
        let v = o["verdict"].as_str().unwrap();
        assert!(["pass", "pass-generic", "known-gap", "skipped"].contains(&v), "{kind}: {o:#}");
        if v != "skipped" {
            assert_eq!(o["login"], "sp-initiated (redirect)", "{kind}: {o:#}");
        }
    }
    assert_eq!(verdict("valid"), "pass");
    for (id, code) in must_pass_with_code {
        let o = outcomes.iter().find(|o| o["scenario"] == *id).unwrap();
        assert_eq!((o["verdict"].as_str(), o["code"].as_str()), (Some("pass"), Some(*code)), "{kind}: {o:#}");
    }
    let replay = outcomes.iter().find(|o| o["scenario"] == "replay").unwrap();
    assert_eq!(replay["statuses"].as_array().unwrap().len(), 2, "a replay is delivered twice");
    assert_eq!(verdict("expired-cert"), "skipped", "needs other metadata than the SP was started with");
    assert_eq!(verdict("logout-response-mismatch"), "skipped", "a LogoutResponse needs an SP-initiated logout");
    assert!(stdout.contains("scenarios against profile"), "{stdout}");

    // The JUnit report, parsed back.
    let junit = Report::deserialize_from_str(&std::fs::read_to_string(&junit_path).unwrap()).unwrap();
    assert_eq!(junit.test_suites.len(), 1);
    let suite = &junit.test_suites[0];
    assert_eq!(suite.test_cases.len(), outcomes.len());
    let skipped = outcomes.iter().filter(|o| o["verdict"] == "skipped").count();
    let junit_skipped = suite.test_cases.iter().filter(|c| matches!(c.status, TestCaseStatus::Skipped { .. })).count();
    assert_eq!(junit_skipped, skipped);
    assert!(
        suite.test_cases.iter().all(|c| !matches!(c.status, TestCaseStatus::NonSuccess { .. })),
        "{kind}: no failures"
    );

    // Snapshots: one per scenario, recorded on the first run, matched on the second.
    let folder = snapshots.join(kind.library());
    for id in &ids {
        let snap = std::fs::read_to_string(folder.join(format!("{id}.snap"))).unwrap();
        assert!(snap.starts_with("---\nsource: ") && snap.contains(&format!("scenario: {id}\n")), "{snap}");
    }
    let again = mockidp_run(&app, &snapshots, &["--scenario", "wrong-*", "--scenario", "valid"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    assert!(!text(&again.stdout).contains("[new snapshot]"), "{}", text(&again.stdout));

    // A changed outcome fails the run with a diff and a .snap.new beside the old snapshot...
    let path = folder.join("valid.snap");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replace("accepted: true", "accepted: false")).unwrap();
    let changed = mockidp_run(&app, &snapshots, &["--scenario", "valid"]);
    let changed_out = text(&changed.stdout);
    assert_eq!(changed.status.code(), Some(1), "{changed_out}");
    assert!(changed_out.contains("-accepted: false") && changed_out.contains("+accepted: true"), "{changed_out}");
    assert!(folder.join("valid.snap.new").is_file());
    // ... and --accept records it.
    let accepted = mockidp_run(&app, &snapshots, &["--scenario", "valid", "--accept"]);
    assert_eq!(accepted.status.code(), Some(0), "{}", text(&accepted.stdout));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    assert!(!folder.join("valid.snap.new").exists());

    // Snapshots fail closed: with none committed, CI (or INSTA_UPDATE=no) fails the run, names the
    // missing ones and writes them as .snap.new only; locally they are recorded.
    let picked = ["--scenario", "valid", "--scenario", "wrong-audience"];
    for (mode, env) in [("ci", [("CI", "true")]), ("insta-no", [("INSTA_UPDATE", "no")])] {
        let empty = dir.join(format!("empty-{mode}"));
        let frozen = mockidp_run_with(&app, &empty, &picked, Some(&env));
        let out = text(&frozen.stdout);
        assert_eq!(frozen.status.code(), Some(1), "{mode}: {out}");
        assert!(out.contains("2 missing (valid, wrong-audience)"), "{mode}: {out}");
        let folder = empty.join(kind.library());
        for id in ["valid", "wrong-audience"] {
            assert!(folder.join(format!("{id}.snap.new")).is_file(), "{mode}: {id}.snap.new");
            assert!(!folder.join(format!("{id}.snap")).exists(), "{mode}: nothing recorded");
        }
    }
    let local_dir = dir.join("empty-local");
    let local = mockidp_run_with(&app, &local_dir, &picked, Some(&[]));
    assert_eq!(local.status.code(), Some(0), "{}", text(&local.stdout));
    assert!(text(&local.stdout).contains("[new snapshot]"), "{}", text(&local.stdout));
    assert!(local_dir.join(kind.library()).join("valid.snap").is_file());
    // CI=false is not CI.
    let not_ci = mockidp_run_with(&app, &dir.join("empty-not-ci"), &picked, Some(&[("CI", "false")]));
    assert_eq!(not_ci.status.code(), Some(0), "{}", text(&not_ci.stdout));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn run_against_python3_saml() {
    run_every_scenario(
        SpKind::Python3Saml,
        &[
            ("wrong-audience", "WRONG_AUDIENCE"),
            ("tampered-after-signing", "INVALID_SIGNATURE"),
            ("wrong-signing-key", "INVALID_SIGNATURE"),
            ("in-response-to-mismatch", "WRONG_INRESPONSETO"),
            ("assertion-expired", "ASSERTION_EXPIRED"),
            ("wrong-destination", "WRONG_DESTINATION"),
            ("base64-invalid", "BASE64_INVALID"),
        ],
    );
}

#[test]
fn run_against_node_saml() {
    run_every_scenario(
        SpKind::NodeSaml,
        &[
            ("wrong-audience", "audience-mismatch"),
            ("tampered-after-signing", "invalid-document-signature"),
            ("assertion-expired", "assertion-expired"),
            ("no-audience-restriction", "no-audience-restriction"),
        ],
    );
}

/// A finding is loud: the generic profile against an SP that accepts what it must reject.
#[test]
fn a_finding_fails_the_run_loudly() {
    let app = start(SpKind::NodeSaml);
    let dir = temp_dir("finding");
    let junit = dir.join("r.xml");
    let (acs, login) = (app.acs_url(), format!("{}/login", app.base_url));
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(["run", "--profile", "generic", "--acs-url", &acs, "--login-url", &login, "--no-snapshots"])
        .args(["--scenario", "wrong-destination", "--scenario", "valid", "--report", "junit", junit.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("!! SECURITY FINDINGS") && stdout.contains("wrong-destination"), "{stdout}");
    let report = Report::deserialize_from_str(&std::fs::read_to_string(&junit).unwrap()).unwrap();
    let case = report.test_suites[0].test_cases.iter().find(|c| c.name.as_str() == "wrong-destination").unwrap();
    match &case.status {
        TestCaseStatus::NonSuccess { kind: NonSuccessKind::Failure, ty, .. } => {
            assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("ACCEPTED"))
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A scenario that needs other metadata is skipped in a normal run, and runs against an SP
/// configured with that scenario's metadata (here: trusting the expired certificate).
#[test]
fn scenario_metadata_scenarios_run_when_the_sp_loads_them() {
    let expired = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/expired/cert.pem")).unwrap();
    let kind = SpKind::Python3Saml;
    kind.available().unwrap();
    let app = SpApp::start(kind, SpConfig::new(expired).with_profile_config(kind));
    let (acs, login) = (app.acs_url(), format!("{}/login", app.base_url));
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mockidp"))
            .args(["run", "--profile", "python3-saml", "--acs-url", &acs, "--login-url", &login, "--no-snapshots"])
            .args(["--scenario", "expired-cert"])
            .args(extra)
            .output()
            .unwrap()
    };
    let skipped = run(&[]);
    assert_eq!(skipped.status.code(), Some(0));
    assert!(text(&skipped.stdout).contains("skipped") && text(&skipped.stdout).contains("--sp-uses-scenario-metadata"));
    let ran = run(&["--sp-uses-scenario-metadata"]);
    let out = text(&ran.stdout);
    assert_eq!(ran.status.code(), Some(0), "{out}");
    assert!(out.lines().any(|l| l.starts_with("expired-cert") && l.contains(" pass ") && l.contains("200")), "{out}");
}

#[test]
fn encryption_scenarios_run_when_the_sp_encryption_certificate_is_given() {
    let kind = SpKind::Python3Saml;
    kind.available().unwrap();
    let mut keys = mockidp::keys::KeyStore::new(None);
    let key = keys.load("sp-encryption").unwrap();
    let app =
        SpApp::start(kind, support::sp::with_encryption(SpConfig::new(default_cert()).with_profile_config(kind), key));
    let (acs, login) = (app.acs_url(), format!("{}/login", app.base_url));
    let cert = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/sp-encryption/cert.pem");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mockidp"))
            .args(["run", "--profile", "python3-saml", "--acs-url", &acs, "--login-url", &login, "--no-snapshots"])
            .args(["--scenario", "encrypted-*", "--scenario", "encryption-*"])
            .args(extra)
            .output()
            .unwrap()
    };
    let skipped = run(&[]);
    let out = text(&skipped.stdout);
    assert_eq!(skipped.status.code(), Some(0), "{out}");
    assert!(out.contains("skipped") && out.contains("--sp-encryption-cert"), "{out}");
    let ran = run(&["--sp-encryption-cert", cert]);
    let out = text(&ran.stdout);
    assert_eq!(ran.status.code(), Some(0), "{out}{}", text(&ran.stderr));
    assert!(!out.contains(" skipped "), "every encryption scenario ran:\n{out}");
    assert!(out.lines().any(|l| l.starts_with("encrypted-to-unknown-key") && l.contains(" pass ")), "{out}");
}
