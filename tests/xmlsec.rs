//! Every signing mode verified by xmlsec1 (libxmlsec1, Debian package `xmlsec1`), the reference
//! implementation: each signature in the document on its own, and a tampered copy refused. Also
//! our own verifier agrees, and output is reproducible from `--now` and `--seed`.

use std::path::{Path, PathBuf};
use std::process::Command;

const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/default/cert.pem");
const NOW: &str = "2026-01-02T03:04:05Z";

fn mockidp(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mockidp")).args(args).output().unwrap();
    assert!(output.status.success(), "mockidp {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mockidp-xmlsec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Run `xmlsec1 --verify` on the signature selected by `signature_xpath`.
fn xmlsec_verify(path: &Path, signature_xpath: &str) -> (bool, String) {
    let output = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem", CERT])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response"])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"])
        .args(["--node-xpath", signature_xpath])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("xmlsec1 cannot run ({e}) (hint: run .ci/install-deps)"));
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

const RESPONSE_SIGNATURE: &str = "/*[local-name()='Response']/*[local-name()='Signature']";
const ASSERTION_SIGNATURE: &str = "//*[local-name()='Assertion']/*[local-name()='Signature']";

fn signatures_of(mode: &str) -> Vec<&'static str> {
    match mode {
        "assertion" => vec![ASSERTION_SIGNATURE],
        "response" => vec![RESPONSE_SIGNATURE],
        _ => vec![ASSERTION_SIGNATURE, RESPONSE_SIGNATURE],
    }
}

#[test]
fn xmlsec1_verifies_every_signature_in_every_mode() {
    for (mode, seed) in [("assertion", "1"), ("response", "2"), ("both", "3")] {
        let xml = mockidp(&["scenario", "valid", "--sign", mode, "--now", NOW, "--seed", seed]);
        let path = temp_file(&format!("{mode}.xml"), &xml);
        let count = xml.matches("<ds:Signature ").count();
        assert_eq!(count, signatures_of(mode).len(), "{mode}: number of signatures");
        for xpath in signatures_of(mode) {
            let (ok, log) = xmlsec_verify(&path, xpath);
            assert!(ok, "xmlsec1 rejected the {xpath} signature of a {mode}-signed response:\n{log}\n{xml}");
        }
    }
}

#[test]
fn xmlsec1_verifies_every_algorithm_we_offer() {
    let dir = std::env::temp_dir().join(format!("mockidp-xmlsec-alg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (algorithm, digest) in
        [("rsa-sha1", "sha1"), ("rsa-sha256", "sha256"), ("rsa-sha512", "sha512"), ("rsa-sha256", "sha512")]
    {
        std::fs::write(
            dir.join("alg.toml"),
            format!(
                "summary = \"x\"\ndescription = \"x\"\n[expect]\noutcome = \"accept\"\n[sign]\nalgorithm = \"{algorithm}\"\ndigest = \"{digest}\"\n"
            ),
        )
        .unwrap();
        let xml = mockidp(&["scenario", "alg", "--scenarios", dir.to_str().unwrap(), "--now", NOW, "--seed", "9"]);
        let path = temp_file(&format!("{algorithm}-{digest}.xml"), &xml);
        for xpath in [ASSERTION_SIGNATURE, RESPONSE_SIGNATURE] {
            let (ok, log) = xmlsec_verify(&path, xpath);
            assert!(ok, "xmlsec1 rejected {algorithm}/{digest} at {xpath}:\n{log}");
        }
    }
}

#[test]
fn xmlsec1_rejects_a_tampered_response() {
    let xml = mockidp(&["scenario", "valid", "--sign", "both", "--now", NOW, "--seed", "4"]);
    let tampered = xml.replacen(">alice@example.com<", ">mallory@example.com<", 1);
    let path = temp_file("tampered.xml", &tampered);
    for xpath in [ASSERTION_SIGNATURE, RESPONSE_SIGNATURE] {
        let (ok, log) = xmlsec_verify(&path, xpath);
        assert!(!ok, "xmlsec1 accepted a tampered response at {xpath}");
        assert!(log.contains("digest") || log.contains("Digest") || log.contains("failed"), "{log}");
    }
}

#[test]
fn our_verifier_agrees() {
    let xml = mockidp(&["scenario", "valid", "--sign", "both", "--now", NOW, "--seed", "5"]);
    let key = mockidp::keys::KeyStore::new(None).load("default").unwrap().private_key.to_public_key();
    let signed = mockidp::dsig::verify_all(&xml, &key).unwrap();
    assert_eq!(signed.len(), 2);
    let tampered = xml.replacen(">alice@example.com<", ">mallory@example.com<", 1);
    assert!(matches!(mockidp::dsig::verify_all(&tampered, &key), Err(mockidp::dsig::DsigError::DigestMismatch { .. })));
    let other = mockidp::keys::KeyStore::new(None).load("untrusted").unwrap().private_key.to_public_key();
    assert!(matches!(mockidp::dsig::verify_all(&xml, &other), Err(mockidp::dsig::DsigError::BadSignatureValue)));
}

#[test]
fn fixed_now_and_seed_give_identical_bytes() {
    for format in ["xml", "base64", "html", "json"] {
        let args = ["scenario", "valid", "--format", format, "--now", NOW, "--seed", "42"];
        assert_eq!(mockidp(&args), mockidp(&args), "format {format} is not reproducible");
    }
    let other_seed = mockidp(&["scenario", "valid", "--now", NOW, "--seed", "43"]);
    assert_ne!(other_seed, mockidp(&["scenario", "valid", "--now", NOW, "--seed", "42"]));
    // Without --now/--seed, IDs are fresh every time.
    assert_ne!(mockidp(&["scenario", "valid"]), mockidp(&["scenario", "valid"]));
}

/// Every attack scenario against xmlsec1, the reference verifier: those tagged `valid-signature`
/// keep a signature it verifies (the signed element, found by its ID, digests and verifies as
/// signed; that is what makes them an attack and not a broken signature), and the others it
/// refuses, as their descriptions say (a duplicated ID, a copy where XML-DSig has no room for
/// it, a changed digest). Only the signed element type's ID attribute is declared, as an SP that
/// knows what it asked to be signed would.
#[test]
fn xmlsec1_verifies_exactly_the_attacks_that_keep_a_valid_signature() {
    use mockidp::clock::{Clock, IdSource};
    use mockidp::pipeline::{generate, GenerateOptions};
    use mockidp::scenario::{ScenarioSet, SignParts};

    let set = ScenarioSet::load(None).unwrap();
    let mut wrong = Vec::new();
    let mut count = 0;
    for scenario in set.iter().filter(|s| s.file.tags.iter().any(|t| t == "attack")) {
        if scenario.file.sign.key != "default" || scenario.file.sign.parts == SignParts::None {
            continue;
        }
        count += 1;
        let options = GenerateOptions { in_response_to: Some("_request-1".into()), ..GenerateOptions::default() };
        let clock = Clock::parse_fixed(NOW).unwrap();
        let generated =
            generate(scenario, &options, &mut mockidp::keys::KeyStore::new(None), &clock, &mut IdSource::seeded(7))
                .unwrap();
        let path = temp_file(&format!("attack-{}.xml", scenario.id), &generated.xml);
        let element = match scenario.file.sign.parts {
            SignParts::Response => "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            _ => "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        };
        let output = Command::new("xmlsec1")
            .args(["--verify", "--pubkey-cert-pem", CERT, "--id-attr:ID", element])
            .args(["--node-xpath", "(//*[local-name()='Signature'])[1]"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("xmlsec1 cannot run ({e}) (hint: run .ci/install-deps)"));
        let verified = output.status.success();
        let meant = scenario.file.tags.iter().any(|t| t == "valid-signature");
        if verified != meant {
            let log = String::from_utf8_lossy(&output.stderr);
            wrong.push(format!("{}: xmlsec1 verified = {verified}, tag valid-signature = {meant}\n{log}", scenario.id));
        }
    }
    assert!(count >= 10, "only {count} attack scenarios signed by the default key");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
