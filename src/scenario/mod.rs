//! Scenarios: named defects as data (one TOML file each), the failure-class vocabulary, and
//! loading. Data only: the stages that apply a scenario's edits live in [`crate::pipeline`].
//! Knows nothing of HTTP.

mod class;
mod file;
mod load;
mod offset;

pub use class::FailureClass;
pub use file::*;
pub use load::{parse_scenario, KeyRef, Scenario, ScenarioError, ScenarioSet, PADDING_LIMIT};
pub use offset::Offset;
