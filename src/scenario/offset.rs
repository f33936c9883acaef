//! Time offsets written as human-readable strings in scenario files: `"-10m"`, `"+2h"`, `"-1h30m"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Duration;

/// A signed offset from "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(pub Duration);

impl Offset {
    /// Parse `[+-]` followed by one or more `<number><unit>` with units `s`, `m`, `h`, `d`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let hint = "(hint: write an offset from now such as \"-10m\", \"+2h\", \"-1h30m\" or \"0s\")";
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'-') => (-1, &text[1..]),
            Some(b'+') => (1, &text[1..]),
            _ => (1, text),
        };
        if rest.is_empty() {
            return Err(format!("empty offset {text:?} {hint}"));
        }
        let mut total = Duration::ZERO;
        let mut number = String::new();
        for c in rest.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().map_err(|_| format!("offset {text:?}: a unit without a number {hint}"))?;
            total += match c {
                's' => Duration::seconds(n),
                'm' => Duration::minutes(n),
                'h' => Duration::hours(n),
                'd' => Duration::days(n),
                other => return Err(format!("offset {text:?}: unknown unit '{other}' {hint}")),
            };
            number.clear();
        }
        if !number.is_empty() {
            return Err(format!("offset {text:?}: the number {number} has no unit {hint}"));
        }
        Ok(Offset(total * sign))
    }
}

impl std::fmt::Display for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.0.whole_seconds();
        let sign = if seconds < 0 { "-" } else { "+" };
        let s = seconds.abs();
        if s % 3600 == 0 && s != 0 {
            write!(f, "{sign}{}h", s / 3600)
        } else if s % 60 == 0 && s != 0 {
            write!(f, "{sign}{}m", s / 60)
        } else {
            write!(f, "{sign}{s}s")
        }
    }
}

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Offset::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Offset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_and_signed_offsets() {
        assert_eq!(Offset::parse("-10m").unwrap().0, Duration::minutes(-10));
        assert_eq!(Offset::parse("+2h").unwrap().0, Duration::hours(2));
        assert_eq!(Offset::parse("-1h30m").unwrap().0, Duration::minutes(-90));
        assert_eq!(Offset::parse("45s").unwrap().0, Duration::seconds(45));
        assert!(Offset::parse("-10").unwrap_err().contains("has no unit"));
        assert!(Offset::parse("10x").unwrap_err().contains("unknown unit"));
        assert!(Offset::parse("").is_err());
    }
}
