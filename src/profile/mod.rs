//! SP profiles: one SP's documented error catalog, how to read its answers, which code each
//! failure class should produce, and judging an answer against that. Knows nothing of HTTP
//! clients: answers come in as plain data.

mod coverage;
mod extract;
mod file;
mod judge;
mod load;

pub use coverage::{coverage_table, CoverageRow};
pub use extract::{Answer, Reading};
pub use file::*;
pub use judge::{glob_match, Judgement, Verdict};
pub use load::{parse_profile, Profile, ProfileError, ProfileSet};
