//! Reading the project's TOML files (scenarios, profiles, server config) so that every error names
//! the key and the line, the way `serde_path_to_error` and toml's spans allow.

use serde::de::DeserializeOwned;

/// What is wrong with a TOML file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TomlProblem {
    /// 1-based line (the key's line where the parser gives no position).
    pub line: usize,
    /// The dotted key path (`sign.parts`, `code[3].message`), or `.` for the whole file.
    pub key: String,
    /// What the parser said.
    pub message: String,
}

/// Deserialize `text`, or say which key on which line is wrong.
pub(crate) fn from_toml<T: DeserializeOwned>(text: &str) -> Result<T, TomlProblem> {
    serde_path_to_error::deserialize(toml::Deserializer::new(text)).map_err(|error| {
        let key = error.path().to_string();
        let inner = error.into_inner();
        let line = inner.span().map(|span| line_of(text, span.start)).unwrap_or_else(|| key_line(text, &key));
        TomlProblem { line, key, message: inner.message().trim().to_owned() }
    })
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The line where the last segment of a dotted key is written, or 1.
pub(crate) fn key_line(text: &str, key: &str) -> usize {
    let last = key.rsplit('.').next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches('"');
            line.starts_with(last) && line.contains('=')
        })
        .map_or(1, |i| i + 1)
}
