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

    /// Parse an RFC 3339 timestamp (`2026-01-02T03:04:05Z`) as a fixed clock. Years outside
    /// 1000 to 8999 are refused: every time in a response is now plus at most a century
    /// (scenario offsets are bounded), and that must stay inside the calendar.
    pub fn parse_fixed(text: &str) -> Result<Self, ClockError> {
        let now = OffsetDateTime::parse(text, &Rfc3339).map_err(ClockError::Syntax)?;
        if !(1000..=8999).contains(&now.year()) {
            return Err(ClockError::OutOfRange(now.year()));
        }
        Ok(Clock::fixed(now))
    }

    /// The instant this clock says it is, whole seconds (SAML times rarely carry fractions).
    pub fn now(&self) -> OffsetDateTime {
        self.now.replace_nanosecond(0).unwrap_or(self.now)
    }
}

/// Why a fixed time was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// Not RFC 3339.
    #[error("not an RFC 3339 time (hint: 2026-01-02T03:04:05Z): {0}")]
    Syntax(time::error::Parse),
    /// A year too near the ends of the calendar for times to be computed from it.
    #[error("the year {0} is outside 1000 to 8999")]
    OutOfRange(i32),
}

/// Where message IDs and other random bytes (XML Encryption's session keys and IVs) come from: a
/// seeded sequence or the operating system's randomness.
///
/// Seeded, the bytes are SHA-256 in counter mode over the seed: reproducible, and so **not
/// secret**, which is what a mock's `--seed` is for. IDs and random bytes count separately, so
/// encrypting a response does not change its IDs.
#[derive(Debug, Clone)]
pub struct IdSource {
    seed: Option<u64>,
    counter: u64,
    bytes_counter: u64,
}

impl IdSource {
    /// Random IDs.
    pub fn random() -> Self {
        IdSource { seed: None, counter: 0, bytes_counter: 0 }
    }

    /// A reproducible sequence of IDs.
    pub fn seeded(seed: u64) -> Self {
        IdSource { seed: Some(seed), counter: 0, bytes_counter: 0 }
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

    /// Fill `out` with random bytes: the OS's, or for a seeded source the next bytes of its
    /// sequence (for session keys, IVs and padding, so a fixed `--seed` gives the same ciphertext).
    pub fn fill_random(&mut self, out: &mut [u8]) {
        match self.seed {
            Some(seed) => {
                for chunk in out.chunks_mut(32) {
                    let block = Sha256::new()
                        .chain_update(b"mockidp-bytes")
                        .chain_update(seed.to_be_bytes())
                        .chain_update(self.bytes_counter.to_be_bytes())
                        .finalize();
                    chunk.copy_from_slice(&block[..chunk.len()]);
                    self.bytes_counter += 1;
                }
            }
            None => {
                if getrandom::getrandom(out).is_err() {
                    // Without OS randomness a session key must still differ per response.
                    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos() as u128;
                    for chunk in out.chunks_mut(32) {
                        let block = Sha256::new()
                            .chain_update(nanos.to_be_bytes())
                            .chain_update(self.bytes_counter.to_be_bytes())
                            .finalize();
                        chunk.copy_from_slice(&block[..chunk.len()]);
                        self.bytes_counter += 1;
                    }
                }
            }
        }
    }
}

/// The time and IDs of a command: the real ones, or a fixed `--now` and a `--seed`. With both
/// fixed, everything generated is byte-identical from run to run. A fixed clock does not advance:
/// every response of a long-running `run` or `serve` carries the same instant.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeAndIds {
    /// The fixed time (`--now`); `None` reads the real time for each response.
    pub now: Option<Clock>,
    /// The ID seed (`--seed`); `None` draws random IDs.
    pub seed: Option<u64>,
}

impl TimeAndIds {
    /// The clock for one response: the fixed one, else the real time, read now.
    pub fn clock(&self) -> Clock {
        self.now.unwrap_or_else(Clock::system)
    }

    /// The IDs for one stream of messages. `None` is the one sequence of a one-shot command
    /// (`mockidp scenario`); a named stream (a scenario of a run, the n-th request to the server)
    /// gets a sequence of its own that depends only on the seed and the name, so that work done in
    /// parallel gets the same IDs whatever order it runs in.
    pub fn ids(&self, stream: Option<&str>) -> IdSource {
        match (self.seed, stream) {
            (None, _) => IdSource::random(),
            (Some(seed), None) => IdSource::seeded(seed),
            (Some(seed), Some(name)) => {
                let digest = Sha256::new()
                    .chain_update(b"mockidp-stream")
                    .chain_update(seed.to_be_bytes())
                    .chain_update(name.as_bytes())
                    .finalize();
                let mut first = [0u8; 8];
                first.copy_from_slice(&digest[..8]);
                IdSource::seeded(u64::from_be_bytes(first))
            }
        }
    }
}

/// The RNG interface the `rsa` crate's encryption paddings (OAEP, PKCS#1 v1.5) draw from, over
/// [`IdSource::fill_random`]. `CryptoRng` is claimed so those APIs accept it; a seeded source is
/// reproducible by design (see [`IdSource`]), which suits a mock IdP and nothing else.
impl rand_core::RngCore for IdSource {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0u8; 4];
        self.fill_random(&mut bytes);
        u32::from_be_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_random(&mut bytes);
        u64::from_be_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.fill_random(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_random(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for IdSource {}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_streams_are_reproducible_and_distinct() {
        let fixed = TimeAndIds { now: None, seed: Some(7) };
        assert_eq!(fixed.ids(None).next_id(), IdSource::seeded(7).next_id(), "the one-shot sequence is unchanged");
        assert_eq!(fixed.ids(Some("a")).next_id(), fixed.ids(Some("a")).next_id());
        assert_ne!(fixed.ids(Some("a")).next_id(), fixed.ids(Some("b")).next_id());
        assert_ne!(fixed.ids(Some("a")).next_id(), fixed.ids(None).next_id());
        let random = TimeAndIds::default();
        assert_ne!(random.ids(Some("a")).next_id(), random.ids(Some("a")).next_id());
    }

    #[test]
    fn a_fixed_clock_does_not_advance() {
        let now = Clock::parse_fixed("2026-01-02T03:04:05Z").unwrap();
        let fixed = TimeAndIds { now: Some(now), seed: None };
        assert_eq!(fixed.clock().now(), now.now());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(saml_time(fixed.clock().now()), "2026-01-02T03:04:05Z");
    }
}
