//! The command line, and nothing else: clap definitions, turned into the library's validated
//! configurations in one step, printing through [`output`], and the exit codes of
//! [`mockidp::exit_codes`]. The library knows nothing of clap.

mod command;
mod common;
mod list;
mod output;
mod run;
mod scenario;
mod serve;

pub(crate) use command::{clap_exit, error_exit, Cli};
