//! Driving an SP: SP-initiated login, delivery of each scenario's response, the Outcome,
//! judging it with the SP's profile, snapshots of outcomes, and reports (table, JSON, JUnit).
//!
//! The only module that speaks HTTP to an SP. It never decides what a response contains:
//! that is the pipeline's, from the scenario.

pub mod harness;
mod http;
mod outcome;
mod report;
mod run;
mod snapshot;

pub use http::{HttpError, LoginRequest};
pub use outcome::{Outcome, SnapshotStatus, BODY_EXCERPT};
pub use report::{json, junit, summary, table};
pub use run::{run, run_one, RunConfig, RunReport, GIVE_UP_AFTER};
pub use snapshot::{SnapshotConfig, SnapshotMode};
