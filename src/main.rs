//! The `mockidp` command: parse the flags, run the command, exit with its code. Everything else is
//! in [`cli`] (flags, printing) and the library.

use std::process::ExitCode;

use clap::Parser as _;

mod cli;

fn main() -> ExitCode {
    match cli::Cli::try_parse() {
        Ok(cli) => cli.execute().map_or_else(|error| cli::error_exit(&error), ExitCode::from),
        Err(error) => cli::clap_exit(&error),
    }
}
