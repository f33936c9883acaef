//! Path edits (`[build]` and `[tamper]` `set`, `text`, `remove`): errors at load time name the
//! file, line and key; a path that matches nothing fails generation with the scenario and key;
//! `[build]` edits are covered by the signatures and `[tamper]` edits break them. And no scenario
//! is a no-op: each generates something other than `valid` does.

#[path = "support/fixed.rs"]
mod fixed;

use mockidp::keys::KeyStore;
use mockidp::pipeline::{scenario_metadata, GenerateOptions};
use mockidp::scenario::{parse_scenario, Scenario, ScenarioSet};

const HEAD: &str = "summary = \"s\"\ndescription = \"d\"\n[expect]\noutcome = \"reject\"\nclass = \"schema-invalid\"\n";

fn scenario(body: &str) -> Result<Scenario, String> {
    parse_scenario("x", "my/x.toml", &format!("{HEAD}{body}")).map_err(|e| e.to_string())
}

fn generated(scenario: &Scenario) -> Result<mockidp::pipeline::Generated, String> {
    fixed::generate_fixed(scenario).map_err(|e| e.to_string())
}

#[test]
fn load_time_errors_name_file_line_and_key() {
    let cases = [
        ("[build]\nset = { \"Response//@ID\" = \"\" }\n", "my/x.toml:7: build.set", "empty step"),
        ("[build]\nset = { \"saml:Response/@ID\" = \"\" }\n", "my/x.toml:7: build.set", "matched by local name"),
        ("[build]\n\nset = { \"Response/Issuer\" = \"x\" }\n", "my/x.toml:8: build.set", "names an element"),
        ("[tamper]\ntext = { \"Response/@ID\" = \"x\" }\n", "my/x.toml:7: tamper.text", "names an attribute"),
        ("[build]\nremove = [\"Response\"]\n", "my/x.toml:7: build.remove", "the root element"),
        ("[build]\nremove = [\"no-such-part\"]\n", "my/x.toml:7: build.remove", "or a path from the root"),
        ("[tamper]\nremove = [\"Response/@\"]\n", "my/x.toml:7: tamper.remove", "not an XML local name"),
    ];
    for (body, location, message) in cases {
        let error = scenario(body).unwrap_err();
        assert!(error.starts_with(location) && error.contains(message), "{body:?}: {error}");
    }
    assert!(scenario("[build]\nremove = [\"conditions\", \"Response/Assertion/Subject/NameID/@Format\"]\n").is_ok());
}

#[test]
fn a_path_that_matches_nothing_fails_generation_with_the_scenario_and_key() {
    let cases = [
        (
            "[build]\nset = { \"Assertion/@ID\" = \"\" }\n",
            "scenario 'x': [build] set \"Assertion/@ID\": the root element is samlp:Response, not Assertion \
             (hint: a path starts at the root: Response/Assertion/@ID)",
        ),
        (
            "[build]\nremove = [\"Response/Assertion/Conditions/@Nope\"]\n",
            "scenario 'x': [build] remove \"Response/Assertion/Conditions/@Nope\": 1 element(s) \
             Response/Assertion/Conditions but none has the attribute Nope",
        ),
        (
            "[build]\nremove = [\"conditions\"]\ntext = { \"Response/Assertion/Conditions/Audience\" = \"\" }\n",
            "scenario 'x': [build] text \"Response/Assertion/Conditions/Audience\": no element \
             Response/Assertion/Conditions (the document has 1 matching Response/Assertion)",
        ),
        (
            "[tamper]\nremove = [\"Response/Extensions\"]\n",
            "scenario 'x': [tamper] remove \"Response/Extensions\": no element Response/Extensions \
             (the document has 1 matching Response)",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(generated(&scenario(body).unwrap()).unwrap_err(), expected, "{body:?}");
    }
}

#[test]
fn build_edits_are_signed_and_tamper_edits_break_the_signature() {
    let key = KeyStore::new(None).load("default").unwrap().private_key.to_public_key();
    let build = generated(
        &scenario(
            "[build]\nset = { \"Response/Assertion/Subject/NameID/@Format\" = \"urn:bad\" }\n\
             text = { \"Response/Assertion/Subject/NameID\" = \"  \\n  \" }\n\
             remove = [\"Response/Assertion/Conditions/@NotOnOrAfter\"]\n",
        )
        .unwrap(),
    )
    .unwrap();
    assert!(build.xml.contains("Format=\"urn:bad\">  \n  </saml:NameID>"), "{}", build.xml);
    assert!(!build.xml.contains("<saml:Conditions NotBefore=\"2026-01-02T03:04:05Z\" NotOnOrAfter"), "{}", build.xml);
    assert_eq!(mockidp::dsig::verify_all(&build.xml, &key).unwrap().len(), 2, "both signatures cover the edits");

    let tamper = generated(
        &scenario("[tamper]\nset = { \"Response/Assertion/Subject/NameID/@Format\" = \"urn:bad\" }\n").unwrap(),
    )
    .unwrap();
    assert!(tamper.xml.contains("Format=\"urn:bad\""), "{}", tamper.xml);
    assert!(mockidp::dsig::verify_all(&tamper.xml, &key).is_err(), "a tamper edit breaks the digests");

    let bare = generated(&scenario("[tamper]\nno-xml-declaration = true\n").unwrap()).unwrap();
    assert!(bare.xml.starts_with("<samlp:Response "), "{}", &bare.xml[..60]);
}

/// Everything a scenario makes, at a fixed clock and seed: the document, the delivery and the
/// metadata. With the same clock and seed, IDs and times are `valid`'s unless the scenario changes
/// them, so equal output means the scenario's edits did nothing.
fn output(scenario: &Scenario) -> String {
    let generated = generated(scenario).unwrap_or_else(|e| panic!("{e}"));
    let metadata = scenario_metadata(scenario, &GenerateOptions::default().idp, &mut KeyStore::new(None)).unwrap();
    let earlier: Vec<String> = scenario.earlier_logins().iter().map(generated_xml).collect();
    format!(
        "{}\n{:?} {:?} {} {:?}\n{metadata}\n{earlier:?}",
        generated.xml,
        generated.message.method,
        generated.message.fields,
        generated.message.repeat,
        generated.message.pre_encoded,
    )
}

fn generated_xml(scenario: &Scenario) -> String {
    generated(scenario).unwrap_or_else(|e| panic!("{e}")).xml
}

#[test]
fn every_scenario_generates_and_none_is_a_no_op() {
    let set = ScenarioSet::load(None).unwrap();
    let valid = output(set.get("valid").unwrap());
    let no_op = scenario("[build]\nset = { \"Response/@Version\" = \"2.0\" }\n").unwrap();
    assert_eq!(output(&no_op), valid, "the check sees an edit that changes nothing");
    // A scenario whose defect is on the SP's side (`sp-requirements`, e.g. "requires encrypted
    // assertions" for encryption-required-plain) may send valid's very bytes: that is its point.
    let same: Vec<&str> = set
        .iter()
        .filter(|s| s.id != "valid" && output(s) == valid)
        .filter(|s| s.file.sp_requirements.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    assert!(
        same.is_empty(),
        "these scenarios generate exactly what `valid` does (an edit that does nothing): {same:?}"
    );
}
