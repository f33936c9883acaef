//! Time offsets written as human-readable strings in scenario files: `"-10m"`, `"+2h"`, `"-1h30m"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Duration;

/// A signed offset from "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(pub Duration);

impl Offset {
    /// The largest offset either way: a century, far past any certificate or session lifetime,
    /// and far from the ends of the calendar, so `now + offset` cannot overflow.
    pub const LIMIT: Duration = Duration::days(36_525);

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
            if number.is_empty() {
                return Err(format!("offset {text:?}: a unit without a number {hint}"));
            }
            let unit_millis: i64 = match c {
                's' => 1_000,
                'm' if chars.peek() == Some(&'s') => {
                    chars.next();
                    1
                }
                'm' => 60_000,
                'h' => 3_600_000,
                'd' => 86_400_000,
                other => return Err(format!("offset {text:?}: unknown unit '{other}' {hint}")),
            };
            // Checked all the way: a huge number is an error, never an overflow.
            let millis = number.parse::<i64>().ok().and_then(|n| n.checked_mul(unit_millis));
            total = match millis.and_then(|ms| total.checked_add(Duration::milliseconds(ms))) {
                Some(sum) if sum.abs() <= Self::LIMIT => sum,
                _ => return Err(format!("offset {text:?} is more than {} days from now", Self::LIMIT.whole_days())),
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

    #[test]
    fn huge_offsets_are_errors_not_overflows() {
        for text in ["+1000000000h", "-99999999999999999999d", "+9223372036854775807s", "+36526d"] {
            assert!(Offset::parse(text).unwrap_err().contains("more than 36525 days"), "{text}");
        }
        assert_eq!(Offset::parse("-36525d").unwrap().0, -Offset::LIMIT);
    }
}
