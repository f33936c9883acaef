//! Time offsets written as human-readable strings in scenario files: `"-10m"`, `"+2h"`, `"-1h30m"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Duration;

/// A signed offset from "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(pub Duration);

impl Offset {
    /// Parse `[+-]` followed by one or more `<number><unit>` with units `ms`, `s`, `m`, `h`, `d`.
    /// A time with milliseconds is written with them (`03:04:04.750Z`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let hint = "(hint: write an offset from now such as \"-10m\", \"+2h\", \"-1h30m\", \"-250ms\" or \"0s\")";
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
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().map_err(|_| format!("offset {text:?}: a unit without a number {hint}"))?;
            total += match c {
                's' => Duration::seconds(n),
                'm' if chars.peek() == Some(&'s') => {
                    chars.next();
                    Duration::milliseconds(n)
                }
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
        let sign = if self.0.is_negative() { "-" } else { "+" };
        let s = seconds.abs();
        if self.0.subsec_milliseconds() != 0 {
            write!(f, "{sign}{}ms", self.0.whole_milliseconds().abs())
        } else if s % 3600 == 0 && s != 0 {
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
        assert_eq!(Offset::parse("-250ms").unwrap().0, Duration::milliseconds(-250));
        assert_eq!(Offset::parse("1m500ms").unwrap().0, Duration::milliseconds(60_500));
        assert_eq!(Offset::parse("-250ms").unwrap().to_string(), "-250ms");
        assert_eq!(Offset::parse("-10m").unwrap().to_string(), "-10m");
        assert!(Offset::parse("-10").unwrap_err().contains("has no unit"));
        assert!(Offset::parse("10x").unwrap_err().contains("unknown unit"));
        assert!(Offset::parse("").is_err());
    }
}
