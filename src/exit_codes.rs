//! The exit codes of the `mockidp` command, in one table. They are part of the library's API
//! because a run's code is: [`crate::runner::RunReport::exit_code`] computes it and the JSON
//! report carries it (`exit_code`).
//!
//! | code | constant | meaning |
//! | --- | --- | --- |
//! | 0 | [`SUCCESS`] | the command did what it was asked; for `run`, every scenario passed (pass, pass-generic, known-gap, skipped). A reader that closes the pipe early (`mockidp list \| head`) is a success too. |
//! | 1 | [`FINDINGS`] | `run` only: a finding (the SP accepted a response it must reject), a mismatch, a changed (in CI also a missing) snapshot, or another per-scenario error |
//! | 2 | [`USAGE`] | bad flags or input (a broken scenario, profile or config file, unreadable SP metadata, an unknown scenario, profile or key set), a server that cannot start, or output that cannot be written (`> /dev/full`) |
//! | 3 | [`UNREACHABLE`] | `run` only: the SP could not be reached (connection refused, timeout, TLS) and nothing else failed |
//!
//! Nothing else may exit with another code: the binary maps every outcome through this table.

/// Success; for `mockidp run`, every scenario passed (or was skipped, or is a documented gap).
pub const SUCCESS: u8 = 0;
/// `mockidp run`: a finding (a response accepted that must be rejected), a mismatch, or a changed
/// (in CI also a missing) snapshot.
pub const FINDINGS: u8 = 1;
/// Bad flags or input (files, unknown names), a server that cannot start, or unwritable output.
pub const USAGE: u8 = 2;
/// `mockidp run`: the SP could not be reached for some scenario, and nothing else failed.
pub const UNREACHABLE: u8 = 3;

/// The table for `mockidp --help`.
pub const HELP: &str = "Exit codes: 0 success (also when a reader closes the pipe early, as `| head` does); 2 bad \
flags or input files (broken scenario file, unreadable SP metadata, unknown scenario or key set), a server that cannot \
start, or output that cannot be written. `mockidp run` also exits 1 on findings or mismatches and 3 when the SP is \
unreachable (see `mockidp run --help`).";

/// The table for `mockidp run --help`.
pub const RUN_HELP: &str = "Exit codes of `mockidp run`: 0 every scenario passed (pass, pass-generic, known-gap, \
skipped); 1 a finding (the SP ACCEPTED a response it must reject), a mismatch (rejected for another reason, or a valid \
response rejected), a changed snapshot, or another per-scenario error; 2 bad flags or configuration (unknown profile or \
scenario, broken profile file); 3 the SP was unreachable (connection refused, timeout, TLS) and nothing else failed. \
A closed stdout does not change the code: the table is dropped, the reports are still written.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_texts_name_every_code() {
        for code in [SUCCESS, USAGE, FINDINGS, UNREACHABLE] {
            assert!(HELP.contains(&format!(" {code} ")), "HELP lacks {code}");
            assert!(RUN_HELP.contains(&format!(" {code} ")), "RUN_HELP lacks {code}");
        }
    }
}
