//! Loading scenarios: the built-in ones embedded at build time, plus a user's directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::file::{EncryptChoices, Expectation, ExpectedOutcome, ScenarioFile, SignChoices};
use crate::keys::KeyStore;
use crate::toml_file::{from_toml, key_line, read_toml_dir, DirProblem, NOT_A_FILE};

include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));

/// A loaded scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The id: the file stem, kebab-case.
    pub id: String,
    /// Where it came from: `built-in` or a path.
    pub origin: String,
    /// Its content.
    pub file: ScenarioFile,
    /// Where the file names key sets (`[sign] key`, `[metadata] trust`), to check them against
    /// the key sets there are.
    pub key_refs: Vec<KeyRef>,
}

/// A key set name in a scenario file, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    /// The dotted key: `sign.key` or `metadata.trust`.
    pub key: &'static str,
    /// The key set it names.
    pub name: String,
    /// 1-based line.
    pub line: usize,
}

impl Scenario {
    /// The scenario's `[[earlier-logins]]` as scenarios of their own (`ID-earlier-1`, ...): each a
    /// correct response with that login's build edits, signed by the first key set the scenario
    /// trusts, that the SP must accept. A runner delivers them in order, from the same client,
    /// before the scenario's own response.
    pub fn earlier_logins(&self) -> Vec<Scenario> {
        let sign = SignChoices {
            key: self.file.metadata.trust.first().cloned().unwrap_or_else(|| SignChoices::default().key),
            ..SignChoices::default()
        };
        self.file
            .earlier_logins
            .iter()
            .enumerate()
            .map(|(index, login)| Scenario {
                id: format!("{}-earlier-{}", self.id, index + 1),
                origin: self.origin.clone(),
                file: ScenarioFile {
                    summary: login.summary.clone(),
                    description: format!("Login {} before scenario '{}'.", index + 1, self.id),
                    tags: Vec::new(),
                    expect: Expectation { outcome: ExpectedOutcome::Accept, class: None, schema_invalid: false },
                    sp_requirements: Vec::new(),
                    build: login.build.clone(),
                    sign: sign.clone(),
                    // The same SP: encrypted for it when the scenario is, without the defects.
                    encrypt: self.file.encrypt.as_ref().map(|_| EncryptChoices::default()),
                    tamper: Default::default(),
                    deliver: Default::default(),
                    metadata: self.file.metadata.clone(),
                    earlier_logins: Vec::new(),
                    matrix: None,
                },
                key_refs: self.key_refs.clone(),
            })
            .collect()
    }

    /// Every key set the file names must exist among `known`; the error names file, line and key.
    pub fn check_keys(&self, known: &[String]) -> Result<(), ScenarioError> {
        match self.key_refs.iter().find(|r| !known.contains(&r.name)) {
            None => Ok(()),
            Some(missing) => Err(ScenarioError::Invalid {
                origin: self.origin.clone(),
                line: missing.line,
                key: missing.key.into(),
                message: format!(
                    "no key set named '{}' (known: {}) (hint: --keys DIR adds key sets)",
                    missing.name,
                    known.join(", ")
                ),
            }),
        }
    }
}

/// Why scenarios could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A scenario file is not valid.
    #[error("{origin}:{line}: {key}: {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// 1-based line of the problem (the key's line where known).
        line: usize,
        /// The key, as a dotted path (`sign.parts`), or `.` for the whole file.
        key: String,
        /// What is wrong, with a hint where one helps.
        message: String,
    },
    /// No scenario has that id.
    #[error("no scenario '{id}'{hint} (hint: `mockidp list` shows them all)")]
    Unknown {
        /// The id asked for.
        id: String,
        /// ", did you mean 'x'?" or nothing.
        hint: String,
    },
}

/// All scenarios, by id.
#[derive(Debug, Clone, Default)]
pub struct ScenarioSet {
    scenarios: BTreeMap<String, Scenario>,
}

impl ScenarioSet {
    /// The built-in scenarios, then those in `dir` (which override built-ins of the same id).
    pub fn load(dir: Option<&Path>) -> Result<Self, ScenarioError> {
        let mut set = ScenarioSet::default();
        for (file_name, text) in EMBEDDED_SCENARIOS {
            let id = file_name.trim_end_matches(".toml");
            set.insert(parse_scenario(id, &format!("scenarios/{file_name} (built-in)"), text)?);
        }
        if let Some(dir) = dir {
            for scenario in load_dir(dir)? {
                set.insert(scenario);
            }
        }
        Ok(set)
    }

    /// Only the scenario `id`: from `dir` if it is there, else built in. What a single
    /// `mockidp scenario ID` needs, without parsing the built-in library on the cold-start path;
    /// a user's directory is still read and checked whole, as every other command checks it.
    pub fn load_one(dir: Option<&Path>, id: &str) -> Result<Scenario, ScenarioError> {
        let mut from_dir = match dir {
            Some(dir) => load_dir(dir)?,
            None => Vec::new(),
        };
        if let Some(index) = from_dir.iter().position(|s| s.id == id) {
            return Ok(from_dir.swap_remove(index));
        }
        let file_name = format!("{id}.toml");
        match EMBEDDED_SCENARIOS.iter().find(|(name, _)| *name == file_name) {
            Some((name, text)) => parse_scenario(id, &format!("scenarios/{name} (built-in)"), text),
            None => Self::load(None)?.get(id).cloned(),
        }
    }

    /// [`ScenarioSet::load`], then every key set the scenarios name must be in `keys`: how every
    /// command that signs or serves reads a user's scenarios.
    pub fn load_with_keys(dir: Option<&Path>, keys: &KeyStore) -> Result<Self, ScenarioError> {
        let set = Self::load(dir)?;
        set.check_keys(&keys.names())?;
        Ok(set)
    }

    /// [`ScenarioSet::load_one`], with its key sets checked against `keys`.
    pub fn load_one_with_keys(dir: Option<&Path>, id: &str, keys: &KeyStore) -> Result<Scenario, ScenarioError> {
        let scenario = Self::load_one(dir, id)?;
        scenario.check_keys(&keys.names())?;
        Ok(scenario)
    }

    /// [`Scenario::check_keys`] for every scenario.
    pub fn check_keys(&self, known: &[String]) -> Result<(), ScenarioError> {
        self.iter().try_for_each(|scenario| scenario.check_keys(known))
    }

    fn insert(&mut self, scenario: Scenario) {
        self.scenarios.insert(scenario.id.clone(), scenario);
    }

    /// A scenario by id.
    pub fn get(&self, id: &str) -> Result<&Scenario, ScenarioError> {
        self.scenarios.get(id).ok_or_else(|| {
            let closest = self
                .scenarios
                .keys()
                .map(|known| (edit_distance(known, id), known))
                .min()
                .filter(|(distance, _)| *distance <= 3);
            ScenarioError::Unknown {
                id: id.to_owned(),
                hint: closest.map(|(_, k)| format!(", did you mean '{k}'?")).unwrap_or_default(),
            }
        })
    }

    /// All scenarios in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Scenario> {
        self.scenarios.values()
    }

    /// Only the scenarios with every one of these tags (all of them for none).
    pub fn with_tags(&self, tags: &[String]) -> ScenarioSet {
        let scenarios = self
            .scenarios
            .iter()
            .filter(|(_, s)| tags.iter().all(|tag| s.file.tags.contains(tag)))
            .map(|(id, s)| (id.clone(), s.clone()))
            .collect();
        ScenarioSet { scenarios }
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.scenarios.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.scenarios.is_empty()
    }
}

/// Every `*.toml` scenario in `dir`, in file-name order ([`read_toml_dir`]).
fn load_dir(dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let files = read_toml_dir(dir).map_err(|problem| match problem {
        DirProblem::Io(path, source) => ScenarioError::Io { path, source },
        DirProblem::NotAFile(path) => ScenarioError::Invalid {
            origin: path.display().to_string(),
            line: 1,
            key: ".".into(),
            message: NOT_A_FILE.into(),
        },
    })?;
    let mut scenarios = Vec::with_capacity(files.len());
    for (path, text) in files {
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        scenarios.push(parse_scenario(&id, &path.display().to_string(), &text)?);
    }
    Ok(scenarios)
}

/// The largest `padding-bytes` a scenario may ask for: far past any SP's body limit (Tomcat's
/// default is 2 MB), and small enough to generate in memory without harm.
pub const PADDING_LIMIT: usize = 16 * 1024 * 1024;

/// Parse one scenario file's text.
pub fn parse_scenario(id: &str, origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let invalid = |line: usize, key: &str, message: String| ScenarioError::Invalid {
        origin: origin.to_owned(),
        line,
        key: key.to_owned(),
        message,
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(invalid(1, ".", format!("the id '{id}' (the file name) must be kebab-case: a-z, 0-9 and '-'")));
    }
    let file: ScenarioFile = from_toml(text).map_err(|problem| {
        let hint = if problem.message.contains("unknown field") {
            " (hint: keys are kebab-case; see docs/scenarios.md for every key)"
        } else {
            ""
        };
        invalid(problem.line, &problem.key, format!("{}{hint}", problem.message))
    })?;
    match (file.expect.outcome, file.expect.class) {
        (ExpectedOutcome::Reject, None) => {
            return Err(invalid(
                key_line(text, "expect.outcome"),
                "expect.class",
                "a scenario that expects `reject` must name its failure class (hint: class = \"audience-mismatch\")"
                    .into(),
            ))
        }
        (ExpectedOutcome::Accept, Some(class)) => {
            return Err(invalid(
                key_line(text, "expect.class"),
                "expect.class",
                format!("a scenario that expects `accept` has no failure class, but names '{class}'"),
            ))
        }
        _ => {}
    }
    if let Some(bytes) = file.build.padding_bytes.filter(|&bytes| bytes > PADDING_LIMIT) {
        return Err(invalid(
            key_line(text, "build.padding-bytes"),
            "build.padding-bytes",
            format!("{bytes} bytes is more than the limit of {PADDING_LIMIT} (16 MiB)"),
        ));
    }
    if file.expect.schema_invalid && file.expect.outcome == ExpectedOutcome::Accept {
        return Err(invalid(
            key_line(text, "expect.schema-invalid"),
            "expect.schema-invalid",
            "a scenario that expects `accept` cannot break the schema".into(),
        ));
    }
    check_paths(&file).map_err(|(key, message)| invalid(key_line(text, &key), &key, message))?;
    let mut key_refs =
        vec![KeyRef { key: "sign.key", name: file.sign.key.clone(), line: table_key_line(text, "sign", "key") }];
    for name in &file.metadata.trust {
        key_refs.push(KeyRef {
            key: "metadata.trust",
            name: name.clone(),
            line: table_key_line(text, "metadata", "trust"),
        });
    }
    Ok(Scenario { id: id.to_owned(), origin: origin.to_owned(), file, key_refs })
}

/// 1-based line of `key = ...` inside `[table]`, or of `[table]`, or 1.
fn table_key_line(text: &str, table: &str, key: &str) -> usize {
    let header = format!("[{table}]");
    let mut in_table = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            if in_table.is_some() {
                break;
            }
            if line == header {
                in_table = Some(index + 1);
            }
            continue;
        }
        let written = line.split('=').next().unwrap_or("").trim().trim_matches('"');
        if in_table.is_some() && line.contains('=') && written == key {
            return index + 1;
        }
    }
    in_table.unwrap_or(1)
}

/// What each path edit can address, checked at load time so the error names the file and line:
/// `set` an attribute, `text` an element, `remove` either but not the root. Whether a path matches
/// anything is known only when the message is generated.
fn check_paths(file: &ScenarioFile) -> Result<(), (String, String)> {
    let stages = [
        ("build", &file.build.set, &file.build.text, file.build.removed_paths()),
        ("tamper", &file.tamper.set, &file.tamper.text, file.tamper.remove.iter().collect()),
    ];
    for (stage, set, text, remove) in stages {
        for path in set.keys() {
            if path.attribute().is_none() {
                return Err((
                    format!("{stage}.set"),
                    format!(
                        "\"{path}\" names an element, and `set` changes an attribute (hint: end the path in /@Name, or use `text` for an element's content)"
                    ),
                ));
            }
        }
        for path in text.keys() {
            if path.attribute().is_some() {
                return Err((
                    format!("{stage}.text"),
                    format!("\"{path}\" names an attribute, and `text` replaces an element's content (hint: use `set` for an attribute)"),
                ));
            }
        }
        for path in remove {
            if path.attribute().is_none() && path.depth() == 1 {
                return Err((
                    format!("{stage}.remove"),
                    format!("\"{path}\" is the root element, which cannot be removed"),
                ));
            }
        }
    }
    Ok(())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
