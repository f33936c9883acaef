//! `mockidp list`, `mockidp metadata` and `mockidp keys`: what is built in, printed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use mockidp::keys::KeyStore;
use mockidp::pipeline::scenario_metadata;
use mockidp::saml::IdpMetadata;

use super::common::{IdpArgs, SourceArgs};

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
    /// The Markdown catalog page (docs/scenarios.md).
    Markdown,
}

/// Flags of `mockidp list`.
#[derive(Args)]
pub(crate) struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
    /// Only scenarios with this tag (`attack`, `xsw`, `cve-2025-47949`, ...); repeat it for
    /// scenarios with every one of the tags.
    #[arg(long)]
    tag: Vec<String>,
    #[command(flatten)]
    sources: SourceArgs,
}

/// Flags of `mockidp metadata`.
#[derive(Args)]
pub(crate) struct MetadataArgs {
    #[command(flatten)]
    idp: IdpArgs,
    /// The metadata that goes with a scenario (the certificates it makes the SP trust, or broken metadata).
    #[arg(long)]
    scenario: Option<String>,
    /// The key set whose certificate is published (without --scenario).
    #[arg(long, default_value = "default")]
    key: String,
    #[command(flatten)]
    sources: SourceArgs,
}

/// `mockidp keys ...`.
#[derive(Subcommand)]
pub(crate) enum KeysCommand {
    /// Generate the standard key sets (default, expired, not-yet-valid, untrusted, rotated, weak-1024).
    Generate {
        /// Where to write them (one directory per key set).
        #[arg(long, default_value = "keys")]
        dir: PathBuf,
    },
    /// List the key sets available (embedded, plus --keys DIR).
    List {
        /// A directory of extra key sets (NAME/key.pem + NAME/cert.pem).
        #[arg(long)]
        keys: Option<PathBuf>,
    },
}

/// `mockidp list`.
pub(crate) fn list(args: ListArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let set = args.sources.scenarios(&args.sources.keys()?)?.with_tags(&args.tag);
    let text = match args.format {
        ListFormat::Table => mockidp::catalog::table(&set),
        ListFormat::Json => mockidp::catalog::json(&set),
        ListFormat::Markdown => mockidp::catalog::markdown(&set),
    };
    write!(out, "{text}")?;
    Ok(())
}

/// `mockidp metadata`.
pub(crate) fn metadata(args: MetadataArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let idp = args.idp.settings();
    let mut keys = args.sources.keys()?;
    let text = match &args.scenario {
        Some(id) => {
            let set = args.sources.scenarios(&keys)?;
            scenario_metadata(set.get(id)?, &idp, &mut keys)?
        }
        None => IdpMetadata::new(&idp, &keys.load(&args.key)?.certificate_base64).to_xml(),
    };
    writeln!(out, "{text}")?;
    Ok(())
}

/// `mockidp keys generate|list`.
pub(crate) fn keys(command: KeysCommand, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        KeysCommand::Generate { dir } => {
            let written = mockidp::keys::generate_all(&dir)
                .with_context(|| format!("generating key sets in {}", dir.display()))?;
            eprintln!("wrote key sets {} to {}", written.join(", "), dir.display());
        }
        KeysCommand::List { keys } => {
            for name in KeyStore::open(keys.as_deref())?.names() {
                writeln!(out, "{name}")?;
            }
        }
    }
    Ok(())
}
