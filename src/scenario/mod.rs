//! Scenarios: named defects as data (one TOML file each), the failure-class vocabulary, and the
//! edits of each pipeline stage. Knows nothing of HTTP.

mod class;
mod edits;
mod encode;
mod file;
mod load;
mod offset;
mod tamper;

pub use class::FailureClass;
pub use edits::apply_build_edits;
pub use encode::{encode_field, encode_message, percent_encode, EncodedMessage};
pub use file::*;
pub use load::{parse_scenario, Scenario, ScenarioError, ScenarioSet};
pub use offset::Offset;
pub use tamper::apply_tamper;
