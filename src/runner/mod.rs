//! Driving an SP: SP-initiated login, delivery of each scenario's response, the Outcome,
//! judging it with the SP's profile, snapshots of outcomes, and reports (table, JSON, JUnit).
//!
//! The only module that speaks HTTP to an SP. It never decides what a response contains:
//! that is the pipeline's, from the scenario.

pub mod cli;
pub mod harness;
mod http;
mod outcome;
mod report;
mod run;
mod snapshot;

pub use http::{HttpError, LoginRequest};
pub use outcome::{Outcome, SnapshotStatus, BODY_EXCERPT};
pub use report::{json, junit, summary, table};
pub use run::{run, run_one, RunConfig, RunReport, EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE};
pub use snapshot::{SnapshotConfig, SnapshotMode};

/// The exit codes of `mockidp run`, for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes of `mockidp run`: 0 every scenario passed (pass, pass-generic, known-gap, \
skipped); 1 a finding (the SP ACCEPTED a response it must reject), a mismatch (rejected for another reason, or a valid \
response rejected), a changed snapshot, or another per-scenario error; 2 bad flags or configuration (unknown profile or \
scenario, broken profile file); 3 the SP was unreachable (connection refused, timeout, TLS) and nothing else failed.";
