//! The one log line each request gets. Values from requests (IDs, issuers, artifacts, paths) are
//! escaped and capped, so a request can neither forge log lines with a newline or NUL nor flood
//! the log with a megabyte of ID.

use std::fmt::Write as _;

/// The most characters of one value that reach the log.
pub const LOG_VALUE_LIMIT: usize = 200;

/// `text` with control characters escaped (`\n`, `\r`, `\t`, `\0`, others as `\u{..}`) and cut
/// at [`LOG_VALUE_LIMIT`] characters.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(LOG_VALUE_LIMIT + 16));
    for (count, c) in text.chars().enumerate() {
        if count == LOG_VALUE_LIMIT {
            let _ = write!(out, "...({} more chars)", text.chars().count() - count);
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Per-request facts for the log line, as `key=value` fields, each value [`clean`]ed.
#[derive(Debug, Clone, Default)]
pub struct LogInfo(String);

impl LogInfo {
    /// No facts yet.
    pub fn new() -> Self {
        LogInfo::default()
    }

    /// Add `key=value`.
    pub fn field(mut self, key: &str, value: impl AsRef<str>) -> Self {
        let _ = write!(self.0, " {key}={}", clean(value.as_ref()));
        self
    }

    /// Add a word of our own (`signed`, `idp-initiated`).
    pub fn note(mut self, word: &'static str) -> Self {
        self.0.push(' ');
        self.0.push_str(word);
        self
    }

    /// The fields, each preceded by a space.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_forge_lines() {
        assert_eq!(clean("_id\nGET /admin 200\0\u{1b}[31m"), "_id\\nGET /admin 200\\0\\u{1b}[31m");
        let info = LogInfo::new().field("in_response_to", "a\r\nb").note("signed");
        assert_eq!(info.as_str(), " in_response_to=a\\r\\nb signed");
    }

    #[test]
    fn long_values_are_capped() {
        let long = "x".repeat(10_000);
        let cleaned = clean(&long);
        assert!(cleaned.starts_with(&"x".repeat(LOG_VALUE_LIMIT)));
        assert!(cleaned.ends_with(&format!("...({} more chars)", 10_000 - LOG_VALUE_LIMIT)));
    }
}
