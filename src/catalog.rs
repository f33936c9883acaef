//! The scenario catalog for people and programs: `mockidp list` and `docs/scenarios.md`.

use std::collections::BTreeMap;

use crate::scenario::{Defect, ExpectedOutcome, FailureClass, Scenario, ScenarioSet};

fn expectation(scenario: &Scenario) -> String {
    let expect = scenario.file.expect;
    let schema = if expect.schema_invalid { " or schema-invalid" } else { "" };
    match (expect.outcome, expect.class) {
        (ExpectedOutcome::Accept, _) => "accept".into(),
        (ExpectedOutcome::Reject, Some(class)) => format!("reject: {class}{schema}"),
        (ExpectedOutcome::Acceptable, Some(class)) => format!("acceptable (or reject: {class}{schema})"),
        (outcome, None) => format!("{outcome:?}").to_lowercase(),
    }
}

/// A plain-text table: id, expectation, summary.
pub fn table(set: &ScenarioSet) -> String {
    let id_width = set.iter().map(|s| s.id.len()).max().unwrap_or(2).max(2);
    let expect_width = set.iter().map(|s| expectation(s).len()).max().unwrap_or(6).max(6);
    let mut out = format!("{:id_width$}  {:expect_width$}  SUMMARY\n", "ID", "EXPECT");
    for s in set.iter() {
        out.push_str(&format!("{:id_width$}  {:expect_width$}  {}\n", s.id, expectation(s), s.file.summary));
    }
    out
}

/// JSON: an array of every scenario, with all its fields.
pub fn json(set: &ScenarioSet) -> String {
    let list: Vec<serde_json::Value> = set
        .iter()
        .map(|s| {
            let mut value = serde_json::to_value(&s.file).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("id".into(), s.id.clone().into());
                map.insert("origin".into(), s.origin.clone().into());
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
}

/// The Markdown catalog page, `docs/scenarios.md`.
pub fn markdown(set: &ScenarioSet) -> String {
    let mut out = String::from(
        "# Scenario catalog\n\n<!-- Generated: the catalog by `mockidp list --format markdown`, the gaps by tests/catalog.rs. Do not edit; regenerate with `UPDATE_DOCS=1 cargo test --test catalog`. -->\n\n",
    );
    out.push_str(&format!("{} scenarios. Each is one file in `scenarios/`, its id the file stem.\n\n", set.len()));
    out.push_str("| id | expect | summary |\n| --- | --- | --- |\n");
    for s in set.iter() {
        out.push_str(&format!("| [`{}`](#{}) | {} | {} |\n", s.id, s.id, expectation(s), s.file.summary));
    }
    out.push_str(PATH_EDITS);
    out.push_str(&matrix(set));
    out.push_str(&classes());
    out.push_str(&attacks(set));
    for s in set.iter() {
        out.push_str(&format!("\n## {}\n\n{}\n\n", s.id, s.file.summary));
        out.push_str(&format!("- expect: {}\n", expectation(s)));
        if !s.file.tags.is_empty() {
            out.push_str(&format!("- tags: {}\n", s.file.tags.join(", ")));
        }
        if !s.file.sp_requirements.is_empty() {
            out.push_str(&format!("- needs on the SP side: {}\n", s.file.sp_requirements.join("; ")));
        }
        out.push_str(&format!("\n{}\n", s.file.description.trim()));
    }
    out
}

/// The structural matrix: each field a scenario's `[matrix]` names, by what is done to it. Rows
/// in the order of the message (the Response's fields, then the assertion's, then the rest).
fn matrix(set: &ScenarioSet) -> String {
    let mut rows: BTreeMap<(u8, &str), BTreeMap<Defect, Vec<&Scenario>>> = BTreeMap::new();
    for s in set.iter() {
        if let Some(cell) = &s.file.matrix {
            let group = if cell.field.starts_with("Response") {
                0
            } else if cell.field.starts_with("Assertion") {
                1
            } else {
                2
            };
            rows.entry((group, cell.field.as_str())).or_default().entry(cell.defect).or_default().push(s);
        }
    }
    let mut out = String::from(
        "\n## The structural matrix\n\nEvery field of a response, missing, empty, malformed (not of its type) and wrong, \
each cell a scenario broken in that one way (`[matrix]` in its file); `valid` cells are variants every SP must \
accept, and so are those marked (valid); (acceptable) means the spec leaves it open. Fields are written as \
paths from the Response or the assertion. A blank cell has no scenario: the field's absence is `valid` itself \
(the Issuers' Format, NameQualifier), the schema's type takes any string (Version, an Issuer's value), or the \
defect does not apply.\n\n\
| field | missing | empty | malformed | wrong | valid variant |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for ((_, field), cells) in &rows {
        out.push_str(&format!("| `{field}` |"));
        for defect in Defect::ALL {
            let ids = cells.get(&defect).map(|ids| {
                ids.iter()
                    .map(|s| match s.file.expect.outcome {
                        ExpectedOutcome::Accept => format!("[`{0}`](#{0}) (valid)", s.id),
                        ExpectedOutcome::Acceptable => format!("[`{0}`](#{0}) (acceptable)", s.id),
                        ExpectedOutcome::Reject => format!("[`{0}`](#{0})", s.id),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            out.push_str(&format!(" {} |", ids.unwrap_or_default()));
        }
        out.push('\n');
    }
    out
}

/// The prefix of a tag naming a test SP version that falls for an attack (`accepted-by-samlify-2.9.1`).
pub const ACCEPTED_BY: &str = "accepted-by-";

/// The attack scenarios (tag `attack`), with the CVEs they are the form of (tags `cve-*`) and the
/// test SP versions that fall for them (tags `accepted-by-*`), all from the scenario files.
fn attacks(set: &ScenarioSet) -> String {
    let mut out = String::from(
        "\n## Attacks\n\nThe scenarios tagged `attack`: each is one known class of SAML signature or parser attack, \
its evil identity always the NameID `admin@evil.example`. CVEs are the scenario's `cve-*` tags (the form of that \
CVE); `valid-signature` means xmlsec1 verifies its signature (tests/xmlsec.rs holds every attack to that tag); \
\"falls for it\" lists the test SP versions the scenario's `accepted-by-*` tags name, which the positive-control tests \
hold to that (accepted as the attacker). python3-saml and node-saml must reject every attack (tests/scenarios_real_sp.rs; \
their documented gaps are under \"Gaps in the real SP libraries\").\n\n\
| attack | class | CVEs | valid signature | falls for it |\n| --- | --- | --- | --- | --- |\n",
    );
    for s in set.iter().filter(|s| s.file.tags.iter().any(|t| t == "attack")) {
        let tagged = |prefix: &str| -> String {
            let list: Vec<String> = s
                .file
                .tags
                .iter()
                .filter_map(|t| t.strip_prefix(prefix))
                .map(|rest| if prefix == "cve-" { format!("CVE-{rest}") } else { rest.to_owned() })
                .collect();
            list.join(", ")
        };
        let class = s.file.expect.class.map(|c| c.name().to_owned()).unwrap_or_default();
        let valid = if s.file.tags.iter().any(|t| t == "valid-signature") { "yes" } else { "" };
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {class} | {1} | {valid} | {2} |\n",
            s.id,
            tagged("cve-"),
            tagged(ACCEPTED_BY)
        ));
    }
    out
}

/// The failure classes, the closed vocabulary a scenario's expectation names.
fn classes() -> String {
    let mut out = String::from(
        "\n## Failure classes\n\nWhat a scenario expects the SP to report (`expect.class`), the vocabulary profiles map \
to each SP's own errors. A scenario with `expect.schema-invalid = true` breaks the SAML schema, so a schema \
error (`schema-invalid`) is a right reason as well as its class.\n\n| class | meaning |\n| --- | --- |\n",
    );
    for class in FailureClass::ALL {
        out.push_str(&format!("| `{}` | {} |\n", class.name(), class.doc()));
    }
    out
}

/// How `[build]` and `[tamper]` path edits address the message (src/xml/path.rs).
const PATH_EDITS: &str = r#"
## Path edits

Besides the named edits, `[build]` and `[tamper]` take edits addressed by a path on the message's XML:

```toml
[build]                                   # before signing: the signatures cover the result
set = { "Response/@ID" = "", "Response/Assertion/Subject/NameID/@Format" = "urn:bad" }
remove = ["Response/Assertion/Conditions/@NotOnOrAfter", "Response/Status/StatusCode"]
text = { "Response/Assertion/Subject/NameID" = "  \n  " }

[tamper]                                  # after signing: the digests no longer match
set = { "Response/Assertion/Subject/NameID/@Format" = "urn:bad" }
```

- **A path** is element steps separated by `/`, from the root: the first step names the root element
  (`Response`; `LogoutResponse` for a scenario delivered to the SLO endpoint), each next step a child
  element. It may end in one attribute step, `@Name`. A step may carry a 1-based position among the
  siblings of that name, `Attribute[2]`.
- **Names are local names**: no namespace prefix is written or compared (`NameID` matches
  `saml:NameID`, `@type` matches `xsi:type`); in a SAML message no two elements on a level share a local
  name across namespaces.
- **Every match is edited**, in document order: `Response/Assertion/@ID` edits each assertion, as the named
  edits do, so a second assertion is never left valid by accident. Positions (`Assertion[1]`) pick one.
- **A path that matches nothing is an error**, never a silent no-op: generating the scenario fails with its
  name, the key and how far the path got (`scenario 'x': [build] remove "Response/Assertion/Conditions/@Nope":
  1 element(s) Response/Assertion/Conditions but none has the attribute Nope`). A path's syntax is checked
  when the file is loaded, with file, line and key (`x.toml:7: build.set: path "Response//@ID": an empty
  step ...`).
- `set` takes attribute paths and sets the value, adding the attribute where it is absent; `text` takes
  element paths and replaces the element's content with the text; `remove` takes both (not the root).
  In `[build]`, `remove` also takes the named parts (`"conditions"`, `"response-issuer"`, ...): a name in
  kebab-case is a part, a path starts with the root's name.
- **When**: `[build]` path edits apply to the element tree after the model is serialized (and after
  `root-element`), before signing; `[tamper]` path edits apply to the signed tree before the other
  tamper edits. Within a stage: every `set`, then every `text`, then every `remove`.
- An element without an `ID` cannot be signed (saml-core 5.4.2), so a scenario that removes one signs the
  other part (`[sign] parts`). `tests/path_edits.rs` generates every built-in scenario and fails if any
  generates exactly what `valid` does.
"#;
