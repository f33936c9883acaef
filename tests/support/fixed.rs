//! The fixed clock, seed and options of the byte-for-byte tests (scenario snapshots, the no-op
//! check): with them, a scenario's output changes only when its edits or the code do.

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, GenerateError, GenerateOptions, Generated};
use mockidp::scenario::Scenario;

/// The fixed "now".
pub const NOW: &str = "2026-01-02T03:04:05Z";

/// Options for the default SP, answering `_request-1`; `[encrypt]` scenarios encrypt to the
/// test SPs' key (keys/sp-encryption).
pub fn options() -> GenerateOptions {
    let sp_encryption_cert = KeyStore::new(None).load("sp-encryption").unwrap().certificate_base64.clone();
    GenerateOptions {
        in_response_to: Some("_request-1".into()),
        sp_encryption_cert: Some(sp_encryption_cert),
        ..GenerateOptions::default()
    }
}

/// `scenario`'s response at the fixed clock and seed 7.
pub fn generate_fixed(scenario: &Scenario) -> Result<Generated, GenerateError> {
    let clock = Clock::parse_fixed(NOW).unwrap();
    generate(scenario, &options(), &mut KeyStore::new(None), &clock, &mut IdSource::seeded(7))
}
