//! Loading profiles: the built-in ones embedded at build time (`profiles/*.toml` and the test
//! SPs' `tests/sp/NAME/profile.toml`), plus a user's directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use super::file::{GapAnswer, ProfileFile};
use crate::toml_file::{from_toml, key_line, read_toml_dir, DirProblem, NOT_A_FILE};

include!(concat!(env!("OUT_DIR"), "/embedded_profiles.rs"));

/// A loaded, checked profile with its regexes compiled.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The name: the file stem, kebab-case (`authio`).
    pub name: String,
    /// Where it came from: `profiles/NAME.toml (built-in)` or a path.
    pub origin: String,
    /// Its content.
    pub file: ProfileFile,
    pub(crate) compiled: Compiled,
}

/// The profile's regexes, compiled once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compiled {
    pub(crate) accepted_body: Option<Regex>,
    pub(crate) accepted_location: Option<Regex>,
    pub(crate) rejected_body: Option<Regex>,
    pub(crate) code_body: Vec<Regex>,
    /// Per catalog entry (same index): its patterns.
    pub(crate) entry_patterns: Vec<Vec<Regex>>,
}

/// Why a profile could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A profile file is not valid.
    #[error("{origin}:{line}: {key}: {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// 1-based line of the problem (the key's line where known).
        line: usize,
        /// The key, as a dotted path (`answer.code-body-regex[0]`).
        key: String,
        /// What is wrong, with a hint where one helps.
        message: String,
    },
    /// No profile has that name.
    #[error("no profile '{name}' (known: {known}) (hint: `--profiles DIR` adds your own NAME.toml files)")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
}

/// All profiles, by name.
#[derive(Debug, Clone, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
}

impl ProfileSet {
    /// The built-in profiles, then those in `dir` (which override built-ins of the same name).
    pub fn load(dir: Option<&Path>) -> Result<Self, ProfileError> {
        let mut set = ProfileSet::default();
        for (name, file, text) in EMBEDDED_PROFILES {
            set.insert(parse_profile(name, &format!("{file} (built-in)"), text)?);
        }
        if let Some(dir) = dir {
            let files = read_toml_dir(dir).map_err(|problem| match problem {
                DirProblem::Io(path, source) => ProfileError::Io { path, source },
                DirProblem::NotAFile(path) => ProfileError::Invalid {
                    origin: path.display().to_string(),
                    line: 1,
                    key: ".".into(),
                    message: NOT_A_FILE.into(),
                },
            })?;
            for (path, text) in files {
                let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                set.insert(parse_profile(&name, &path.display().to_string(), &text)?);
            }
        }
        Ok(set)
    }

    fn insert(&mut self, profile: Profile) {
        self.profiles.insert(profile.name.clone(), profile);
    }

    /// A profile by name.
    pub fn get(&self, name: &str) -> Result<&Profile, ProfileError> {
        self.profiles.get(name).ok_or_else(|| ProfileError::Unknown {
            name: name.to_owned(),
            known: self.profiles.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// All profiles in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }
}

/// Parse and check one profile file's text.
pub fn parse_profile(name: &str, origin: &str, text: &str) -> Result<Profile, ProfileError> {
    let invalid = |line: usize, key: &str, message: String| ProfileError::Invalid {
        origin: origin.to_owned(),
        line,
        key: key.to_owned(),
        message,
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(invalid(1, ".", format!("the name '{name}' (the file name) must be kebab-case: a-z, 0-9 and '-'")));
    }
    let file: ProfileFile = from_toml(text).map_err(|problem| {
        let hint = if problem.message.contains("unknown field") {
            " (hint: keys are kebab-case; src/profile/file.rs documents every key)"
        } else if problem.message.contains("unknown variant") && problem.key.starts_with("classes") {
            " (hint: `mockidp list` and docs/scenarios.md name the failure classes)"
        } else {
            ""
        };
        invalid(problem.line, &problem.key, format!("{}{hint}", problem.message))
    })?;

    let known = |code: &str| file.codes.iter().any(|e| e.code == code);
    for (i, entry) in file.codes.iter().enumerate() {
        if !entry.triggerable && entry.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(invalid(
                value_line(text, &entry.code),
                &format!("code[{i}].reason"),
                format!(
                    "'{}' is not triggerable, so it needs a reason (hint: reason = \"SP-side configuration\")",
                    entry.code
                ),
            ));
        }
    }
    for (class, reasons) in &file.classes {
        if let Some(code) = reasons.iter().map(|r| &r.code).find(|c| !known(c)) {
            return Err(invalid(
                key_line(text, class.name()),
                &format!("classes.{class}"),
                format!("'{code}' is not a code of this profile's catalog (hint: add a [[code]] entry, or fix the spelling)"),
            ));
        }
    }
    for (i, item) in file.overrides.iter().enumerate() {
        if let Some(code) = item.codes.iter().map(|r| &r.code).find(|c| !known(c)) {
            return Err(invalid(
                value_line(text, &item.scenario),
                &format!("override[{i}].codes"),
                format!("'{code}' is not a code of this profile's catalog"),
            ));
        }
    }
    for (i, gap) in file.gaps.iter().enumerate() {
        if gap.scenario.is_none() == gap.class.is_none() {
            return Err(invalid(
                value_line(text, &gap.reason),
                &format!("gap[{i}]"),
                "a gap names exactly one of `scenario` or `class`".into(),
            ));
        }
        if !gap.says.is_empty() && gap.answer != Some(GapAnswer::Rejected) {
            return Err(invalid(
                value_line(text, &gap.says[0]),
                &format!("gap[{i}].says"),
                "`says` is the text of a rejection (hint: answer = \"rejected\")".into(),
            ));
        }
    }

    let regex = |key: &str, pattern: &str| {
        Regex::new(pattern).map_err(|e| invalid(value_line(text, pattern), key, format!("not a valid regex: {e}")))
    };
    let answer = &file.answer;
    let mut compiled = Compiled {
        accepted_body: answer
            .accepted_body_regex
            .as_deref()
            .map(|p| regex("answer.accepted-body-regex", p))
            .transpose()?,
        accepted_location: answer
            .accepted_location_regex
            .as_deref()
            .map(|p| regex("answer.accepted-location-regex", p))
            .transpose()?,
        rejected_body: answer
            .rejected_body_regex
            .as_deref()
            .map(|p| regex("answer.rejected-body-regex", p))
            .transpose()?,
        ..Compiled::default()
    };
    for (i, pattern) in answer.code_body_regex.iter().enumerate() {
        let key = format!("answer.code-body-regex[{i}]");
        let re = regex(&key, pattern)?;
        if !re.capture_names().any(|n| n == Some("code")) {
            return Err(invalid(
                value_line(text, pattern),
                &key,
                "the regex has no group named `code` (hint: (?P<code>SAML\\d{3}))".into(),
            ));
        }
        compiled.code_body.push(re);
    }
    let pointers = answer.code_json_pointer.iter().map(|p| ("answer.code-json-pointer", p));
    let pointers = pointers
        .chain(answer.reason_json_pointer.iter().map(|p| ("answer.reason-json-pointer", p)))
        .chain(answer.stage_json_pointer.iter().map(|p| ("answer.stage-json-pointer", p)));
    for (key, pointer) in pointers {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(invalid(
                value_line(text, pointer),
                key,
                format!("'{pointer}' is not a JSON pointer (hint: \"/{pointer}\")"),
            ));
        }
    }
    for (i, entry) in file.codes.iter().enumerate() {
        let patterns =
            entry.patterns.iter().map(|p| regex(&format!("code[{i}].patterns"), p)).collect::<Result<Vec<_>, _>>()?;
        compiled.entry_patterns.push(patterns);
    }
    Ok(Profile { name: name.to_owned(), origin: origin.to_owned(), file, compiled })
}

/// The first line that contains `value`, or 1.
fn value_line(text: &str, value: &str) -> usize {
    let needle = value.lines().next().unwrap_or(value);
    text.lines().position(|line| !needle.is_empty() && line.contains(needle)).map_or(1, |i| i + 1)
}
