//! The command line as a user meets it: outputs, help, and clear errors (never a panic) for bad
//! flags and bad files.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mockidp")).args(args).output().unwrap()
}

fn stdout(args: &[&str]) -> String {
    let output = run(args);
    assert!(output.status.success(), "mockidp {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a command that must fail with exit code 2; returns its stderr.
fn usage_error(args: &[&str]) -> String {
    let output = run(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "mockidp {args:?} should fail with 2: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mockidp-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bare_command_prints_a_signed_response_for_the_default_sp() {
    let xml = stdout(&["scenario", "valid"]);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><samlp:Response "));
    assert!(xml.contains("Destination=\"https://sp.example.test/acs\""));
    assert!(xml.contains("<saml:Audience>https://sp.example.test/metadata</saml:Audience>"));
    assert_eq!(xml.matches("<ds:SignatureValue>").count(), 2);
}

#[test]
fn flags_shape_the_response() {
    let xml = stdout(&[
        "scenario",
        "valid",
        "--sp-entity-id",
        "urn:sp",
        "--acs-url",
        "https://sp/acs",
        "--in-response-to",
        "_req1",
        "--idp-entity-id",
        "urn:idp",
        "--name-id",
        "bob@example.org",
        "--attr",
        "role=admin",
        "--attr",
        "role=ops",
        "--attr",
        "dept=R&D",
        "--sign",
        "assertion",
    ]);
    assert!(xml.contains("InResponseTo=\"_req1\""));
    assert!(xml.contains("<saml:Issuer>urn:idp</saml:Issuer>"));
    assert!(xml.contains(">bob@example.org</saml:NameID>"));
    assert!(xml.contains("Recipient=\"https://sp/acs\""));
    assert!(xml.contains(">admin</saml:AttributeValue>") && xml.contains(">ops</saml:AttributeValue>"));
    assert!(xml.contains(">R&amp;D</saml:AttributeValue>"));
    assert!(!xml.contains(">member</saml:AttributeValue>"), "--attr role replaces the default roles");
    assert_eq!(xml.matches("<ds:Signature ").count(), 1);
}

#[test]
fn every_output_format() {
    let base64 = stdout(&["scenario", "valid", "--format", "base64", "--now", "2026-01-01T00:00:00Z", "--seed", "1"]);
    let xml = stdout(&["scenario", "valid", "--format", "xml", "--now", "2026-01-01T00:00:00Z", "--seed", "1"]);
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD.decode(base64.trim()).unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), xml.trim_end());

    let html = stdout(&["scenario", "valid", "--format", "html", "--relay-state", "r&s"]);
    assert!(html.contains("<form method=\"post\" action=\"https://sp.example.test/acs\">"));
    assert!(html.contains("name=\"SAMLResponse\""));
    assert!(html.contains("name=\"RelayState\" value=\"r&amp;s\""));
    assert!(html.contains("onload=\"document.forms[0].submit()\""));

    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["scenario", "valid", "--format", "json", "--relay-state", "rs"])).unwrap();
    for key in ["scenario", "response_id", "acs_url", "xml", "base64", "html", "relay_state"] {
        assert!(json.get(key).is_some(), "json output lacks {key}: {json}");
    }
}

#[test]
fn help_documents_commands_flags_and_exit_codes() {
    let help = stdout(&["--help"]);
    for word in ["scenario", "list", "metadata", "keys", "Exit codes"] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let help = stdout(&["scenario", "--help"]);
    for flag in [
        "--sp-entity-id",
        "--acs-url",
        "--in-response-to",
        "--idp-entity-id",
        "--name-id",
        "--attr",
        "--sign",
        "--format",
        "--now",
        "--seed",
        "--sp-metadata",
        "--scenarios",
    ] {
        assert!(help.contains(flag), "scenario --help lacks {flag}");
    }
}

#[test]
fn metadata_has_the_certificate_and_both_bindings() {
    let xml = stdout(&["metadata", "--idp-entity-id", "urn:idp", "--sso-url", "https://idp/sso"]);
    let cert = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem")).unwrap();
    let body: String = cert.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(xml.contains(&body), "metadata lacks the default certificate");
    assert!(xml.contains("entityID=\"urn:idp\""));
    assert!(xml.contains("HTTP-Redirect\" Location=\"https://idp/sso\""));
    assert!(xml.contains("HTTP-POST\" Location=\"https://idp/sso\""));
    assert!(xml.contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
}

#[test]
fn unknown_scenario_suggests_the_closest() {
    let stderr = usage_error(&["scenario", "vaild"]);
    assert!(stderr.contains("no scenario 'vaild', did you mean 'valid'?"), "{stderr}");
}

#[test]
fn broken_scenario_file_names_file_key_and_line() {
    let dir = temp_dir("broken");
    std::fs::write(
        dir.join("broken.toml"),
        "summary = \"x\"\ndescription = \"x\"\n[expect]\noutcome = \"reject\"\nclass = \"audience-mismatch\"\n[build]\nnot-before = \"+10\"\n",
    )
    .unwrap();
    let stderr = usage_error(&["scenario", "broken", "--scenarios", dir.to_str().unwrap()]);
    assert!(stderr.contains("broken.toml:7: build.not-before:"), "{stderr}");
    assert!(stderr.contains("has no unit"), "{stderr}");

    std::fs::write(dir.join("broken.toml"), "summary = \"x\"\ndescription = \"x\"\n[expect]\noutcome = \"reject\"\nclass = \"audience-mismatch\"\n[sign]\nkey-infos = false\n").unwrap();
    let stderr = usage_error(&["scenario", "broken", "--scenarios", dir.to_str().unwrap()]);
    assert!(stderr.contains("broken.toml:7: sign.key-infos") && stderr.contains("unknown field"), "{stderr}");

    std::fs::write(dir.join("broken.toml"), "summary = \"x\"\ndescription = \"x\"\n[expect]\noutcome = \"reject\"\n")
        .unwrap();
    let stderr = usage_error(&["scenario", "broken", "--scenarios", dir.to_str().unwrap()]);
    assert!(stderr.contains("must name its failure class"), "{stderr}");

    std::fs::write(dir.join("broken.toml"), "summary = \"x\"\n[expect\n").unwrap();
    let stderr = usage_error(&["scenario", "broken", "--scenarios", dir.to_str().unwrap()]);
    assert!(stderr.contains("broken.toml:2"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_flags_and_files_get_clear_errors() {
    let stderr = usage_error(&["scenario", "valid", "--now", "yesterday"]);
    assert!(stderr.contains("--now \"yesterday\": not an RFC 3339 time"), "{stderr}");
    let far = usage_error(&["scenario", "valid", "--now", "9999-12-31T23:59:00Z"]);
    assert!(far.contains("the year 9999 is outside 1000 to 8999"), "{far}");
    let stderr = usage_error(&["scenario", "valid", "--attr", "novalue"]);
    assert!(stderr.contains("--attr \"novalue\" is not NAME=VALUE"), "{stderr}");
    let stderr = usage_error(&["scenario", "valid", "--sp-metadata", "/nonexistent/sp.xml"]);
    assert!(stderr.contains("cannot read SP metadata /nonexistent/sp.xml"), "{stderr}");

    let dir = temp_dir("md");
    let broken = dir.join("broken.xml");
    std::fs::write(&broken, "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">").unwrap();
    let stderr = usage_error(&["scenario", "valid", "--sp-metadata", broken.to_str().unwrap()]);
    assert!(stderr.contains("is not well-formed XML"), "{stderr}");

    let idp = dir.join("idp.xml");
    std::fs::write(&idp, stdout(&["metadata"])).unwrap();
    let stderr = usage_error(&["scenario", "valid", "--sp-metadata", idp.to_str().unwrap()]);
    assert!(stderr.contains("no SPSSODescriptor (hint: this looks like IdP metadata"), "{stderr}");

    let stderr = usage_error(&["metadata", "--key", "nope"]);
    assert!(stderr.contains("no key set named 'nope'"), "{stderr}");
    // clap's own usage errors also exit with 2.
    usage_error(&["scenario", "valid", "--format", "yaml"]);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn sp_metadata_file_sets_entity_id_and_post_acs() {
    let dir = temp_dir("spmd");
    let path = dir.join("sp.xml");
    std::fs::write(
        &path,
        r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://app.example/saml">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://app.example/artifact" index="0"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://app.example/acs2" index="2"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://app.example/acs1" index="1"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"#,
    )
    .unwrap();
    let xml = stdout(&["scenario", "valid", "--sp-metadata", path.to_str().unwrap()]);
    assert!(xml.contains("<saml:Audience>https://app.example/saml</saml:Audience>"));
    assert!(xml.contains("Destination=\"https://app.example/acs1\""), "lowest-index POST endpoint");
    let xml = stdout(&["scenario", "valid", "--sp-metadata", path.to_str().unwrap(), "--acs-url", "https://x/acs"]);
    assert!(xml.contains("Destination=\"https://x/acs\""), "flags override metadata");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn every_scenario_works_from_the_cli_with_the_options_of_valid() {
    let list: serde_json::Value = serde_json::from_str(&stdout(&["list", "--format", "json"])).unwrap();
    let ids: Vec<String> = list.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    assert!(ids.len() >= 60, "{} scenarios", ids.len());
    for id in &ids {
        for format in ["xml", "base64", "html", "json"] {
            let output = run(&[
                "scenario",
                id,
                "--format",
                format,
                "--sp-entity-id",
                "urn:sp",
                "--acs-url",
                "https://sp/acs",
                "--in-response-to",
                "_req",
                "--idp-entity-id",
                "urn:idp",
                "--name-id",
                "bob@example.com",
                "--attr",
                "role=admin",
                "--relay-state",
                "rs",
                "--now",
                "2026-01-02T03:04:05Z",
                "--seed",
                "3",
                // For the [encrypt] scenarios; the others ignore it.
                "--sp-encryption-cert",
                concat!(env!("CARGO_MANIFEST_DIR"), "/keys/sp-encryption/cert.pem"),
            ]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "mockidp scenario {id} --format {format}: {stderr}");
            assert!(!output.stdout.is_empty(), "{id} {format}: empty output");
        }
    }
}

/// Spawns `mockidp ARGS` with stdout on a pipe; `read` bytes are read before the pipe is closed
/// (0: closed before the command writes anything, so its first write meets a closed pipe).
fn with_closed_stdout(args: &[&str], read: usize) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = vec![0u8; read];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_quietly_as_with_head() {
    for args in [
        &["list", "--format", "json"][..],
        &["list", "--format", "markdown"],
        &["scenario", "valid", "--format", "html"],
        &["metadata"],
        &["profile", "authio"],
        &["keys", "list"],
        &["--help"],
    ] {
        for read in [0, 10] {
            let output = with_closed_stdout(args, read);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "mockidp {args:?} (read {read}): {:?} {stderr}", output.status);
            assert!(stderr.is_empty(), "mockidp {args:?} (read {read}) wrote to stderr: {stderr}");
        }
    }
}

#[test]
fn a_full_stdout_is_an_error_with_exit_2() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [&["list", "--format", "json"][..], &["scenario", "valid"], &["metadata"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(args).stdout(full.try_clone().unwrap()).output();
        let output = output.unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "mockidp {args:?} > /dev/full: {stderr}");
        assert!(stderr.contains("mockidp: error: cannot write to stdout:"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn every_command_refuses_a_missing_directory_and_says_the_os_error_once() {
    let missing = temp_dir("missing-dirs").join("nope");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["list", "--keys", missing],
        vec!["list", "--scenarios", missing],
        vec!["scenario", "valid", "--keys", missing],
        vec!["scenario", "valid", "--scenarios", missing],
        vec!["metadata", "--keys", missing],
        vec!["keys", "list", "--keys", missing],
        vec!["serve", "--keys", missing],
        vec!["serve", "--scenarios", missing],
    ] {
        let stderr = usage_error(&args);
        assert!(stderr.contains(missing), "{args:?}: {stderr}");
        assert_eq!(stderr.matches("os error 2").count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn too_many_workers_is_an_error_not_a_panic() {
    let stderr = usage_error(&["serve", "--workers", "513"]);
    assert!(stderr.contains("more than 512"), "{stderr}");
}

#[test]
fn hostile_sp_metadata_is_refused_at_start() {
    let dir = temp_dir("hostile-metadata");
    let deep = dir.join("deep.xml");
    std::fs::write(&deep, format!("{}{}", "<a>".repeat(1_000_000), "</a>".repeat(1_000_000))).unwrap();
    let stderr = usage_error(&["serve", "--sp-metadata", deep.to_str().unwrap()]);
    assert!(stderr.contains("nest deeper than 256"), "{stderr}");

    let script = dir.join("script.xml");
    std::fs::write(
        &script,
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="javascript:alert(1)" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
    )
    .unwrap();
    let stderr = usage_error(&["serve", "--sp-metadata", script.to_str().unwrap()]);
    assert!(stderr.contains("not an http or https URL"), "{stderr}");
}
