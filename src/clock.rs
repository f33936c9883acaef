//! The only place that reads the time or draws random numbers.
//!
//! Everything else takes a [`Clock`] and an [`IdSource`], so that a fixed `--now` and `--seed`
//! give byte-identical output (and snapshot tests work).

use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: OffsetDateTime,
}

impl Clock {
    /// The real time, read once.
    pub fn system() -> Self {
        Clock { now: OffsetDateTime::now_utc() }
    }

    /// A fixed instant.
    pub fn fixed(now: OffsetDateTime) -> Self {
        Clock { now }
    }

    /// Parse an RFC 3339 timestamp (`2026-01-02T03:04:05Z`) as a fixed clock.
    pub fn parse_fixed(text: &str) -> Result<Self, time::error::Parse> {
        Ok(Clock::fixed(OffsetDateTime::parse(text, &Rfc3339)?))
    }

    /// The instant this clock says it is, whole seconds (SAML times rarely carry fractions).
    pub fn now(&self) -> OffsetDateTime {
        self.now.replace_nanosecond(0).unwrap_or(self.now)
    }
}

/// Where message IDs come from: a seeded sequence or the operating system's randomness.
#[derive(Debug, Clone)]
pub struct IdSource {
    seed: Option<u64>,
    counter: u64,
}

impl IdSource {
    /// Random IDs.
    pub fn random() -> Self {
        IdSource { seed: None, counter: 0 }
    }

    /// A reproducible sequence of IDs.
    pub fn seeded(seed: u64) -> Self {
        IdSource { seed: Some(seed), counter: 0 }
    }

    /// The next 160-bit value as 40 hex digits.
    pub fn next_hex(&mut self) -> String {
        let mut bytes = [0u8; 20];
        match self.seed {
            Some(seed) => {
                let digest = Sha256::new()
                    .chain_update(b"mockidp-id")
                    .chain_update(seed.to_be_bytes())
                    .chain_update(self.counter.to_be_bytes())
                    .finalize();
                bytes.copy_from_slice(&digest[..20]);
            }
            None => {
                if getrandom::getrandom(&mut bytes).is_err() {
                    // Without OS randomness, uniqueness still matters more than secrecy for a mock.
                    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos() as u128;
                    let digest = Sha256::new()
                        .chain_update(nanos.to_be_bytes())
                        .chain_update(self.counter.to_be_bytes())
                        .finalize();
                    bytes.copy_from_slice(&digest[..20]);
                }
            }
        }
        self.counter += 1;
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The next xs:ID value (an NCName: it must not start with a digit, so it starts with `_`).
    pub fn next_id(&mut self) -> String {
        format!("_{}", self.next_hex())
    }
}

/// Format an instant as xs:dateTime in UTC, the form SAML uses (`2026-01-02T03:04:05Z`).
pub fn saml_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    // xs:dateTime allows fractional seconds; SAML times carry them only when a scenario asks
    // (an offset in ms), since `Clock::now` is whole seconds.
    let fraction = match t.millisecond() {
        0 => String::new(),
        ms => format!(".{ms:03}"),
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
