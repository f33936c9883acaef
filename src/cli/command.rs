//! The top of the command line: the subcommands, and running the one given.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mockidp::exit_codes::{SUCCESS, USAGE};

use super::list::{KeysCommand, ListArgs, MetadataArgs};
use super::output::Output;
use super::run::{ProfileArgs, RunArgs};
use super::scenario::ScenarioArgs;
use super::serve::ServeArgs;

/// `mockidp`.
#[derive(Parser)]
#[command(name = "mockidp", version, about = "A mock SAML 2.0 Identity Provider for negative testing of Service Providers",
    long_about = "A mock SAML 2.0 Identity Provider for negative testing. It generates deliberately broken SAMLResponses \
(expired certificate, skewed clock, wrong audience, signature wrapping, ...) from scenario files, so that a Service \
Provider's tests can prove it rejects each one with the right error.", after_help = mockidp::exit_codes::HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a fresh response for one scenario (`valid` is the correct one).
    Scenario(ScenarioArgs),
    /// List the scenarios.
    List(ListArgs),
    /// Print the IdP's metadata (EntityDescriptor with IDPSSODescriptor).
    Metadata(MetadataArgs),
    /// Run every scenario against an SP and judge its answers with the SP's profile.
    Run(RunArgs),
    /// Show a profile's coverage: each documented error code and the scenarios that trigger it.
    Profile(ProfileArgs),
    /// Run the mock IdP as a server that SPs and browsers log in at (SIGINT/SIGTERM stop it).
    Serve(ServeArgs),
    /// Manage the test key sets.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

impl Cli {
    /// Run the command; its exit code ([`mockidp::exit_codes`]).
    pub(crate) fn execute(self) -> anyhow::Result<u8> {
        let out = &mut Output::stdout();
        let code = match self.command {
            Command::Scenario(args) => super::scenario::scenario(args, out).map(|()| SUCCESS)?,
            Command::List(args) => super::list::list(args, out).map(|()| SUCCESS)?,
            Command::Metadata(args) => super::list::metadata(args, out).map(|()| SUCCESS)?,
            Command::Keys { command } => super::list::keys(command, out).map(|()| SUCCESS)?,
            Command::Profile(args) => super::run::profile_command(args, out).map(|()| SUCCESS)?,
            Command::Run(args) => super::run::run_command(args, out)?,
            Command::Serve(args) => mockidp::server::serve(args.into_config()?).map(|()| SUCCESS)?,
        };
        out.flush()?;
        Ok(code)
    }
}

/// When clap did not get a command: help and version (on stdout, success) or a usage error (on
/// stderr, exit 2).
pub(crate) fn clap_exit(error: &clap::Error) -> ExitCode {
    // Nothing is left to tell if even this cannot be printed (`mockidp --help | true`).
    let _ = error.print();
    ExitCode::from(if error.use_stderr() { USAGE } else { SUCCESS })
}

/// An error of the command: its chain on stderr, exit 2.
pub(crate) fn error_exit(error: &anyhow::Error) -> ExitCode {
    // A closed stderr leaves only the exit code to tell.
    let _ = writeln!(std::io::stderr(), "mockidp: error: {}", error_chain(error));
    ExitCode::from(USAGE)
}

/// The error and its causes, `: `-separated, leaving out a cause its parent already says (many
/// of our errors print their source, as an OS error is best read in place).
fn error_chain(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}
