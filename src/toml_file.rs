//! Reading the project's TOML files (scenarios, profiles, server config) so that every error names
//! the key and the line, the way `serde_path_to_error` and toml's spans allow.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Why a directory of TOML files could not be read.
#[derive(Debug)]
pub(crate) enum DirProblem {
    /// The directory or a file in it could not be read.
    Io(PathBuf, std::io::Error),
    /// A `*.toml` entry is not a regular file (reading a FIFO would block).
    NotAFile(PathBuf),
}

/// Every `*.toml` file in `dir`, in file-name order, with its text. The directory must exist and
/// each such entry must be a regular file: the one way every command reads a user's directory.
pub(crate) fn read_toml_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, DirProblem> {
    let entries = std::fs::read_dir(dir).map_err(|e| DirProblem::Io(dir.to_owned(), e))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(|e| DirProblem::Io(dir.to_owned(), e))?.path());
    }
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        if !path.is_file() {
            return Err(DirProblem::NotAFile(path));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| DirProblem::Io(path.clone(), e))?;
        files.push((path, text));
    }
    Ok(files)
}

/// What [`DirProblem::NotAFile`] says.
pub(crate) const NOT_A_FILE: &str = "not a regular file (a directory, FIFO, socket or device cannot be read as TOML)";

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
