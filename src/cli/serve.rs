//! The `serve` subcommand's flags, turned into a [`ServeConfig`] in one step.

use std::net::IpAddr;
use std::path::PathBuf;

use mockidp::server::{ConfigFile, ServeConfig, SpEntry};

use super::common::TimeArgs;

/// `mockidp serve` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the `listening on` line says which).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The scenario a login gets when neither arming nor the /s/{scenario}/ path picks one.
    #[arg(long)]
    scenario: Option<String>,
    /// An SP's metadata file (repeatable). With none (and no --config SPs), any SP may log in.
    #[arg(long = "sp-metadata", value_name = "FILE")]
    sp_metadata: Vec<PathBuf>,
    /// A TOML config file: default scenario, IdP entity ID, base URL, and `[[sp]]` tables.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The IdP's entity ID (the Issuer).
    #[arg(long)]
    idp_entity_id: Option<String>,
    /// The URL browsers and SPs reach this server at (default http://BIND:PORT).
    #[arg(long)]
    base_url: Option<String>,
    /// A directory of extra scenario files.
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// A directory of extra key sets.
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    #[command(flatten)]
    time: TimeArgs,
}

impl ServeArgs {
    /// The validated configuration: flags win over the config file.
    pub(crate) fn into_config(self) -> anyhow::Result<ServeConfig> {
        let file = match &self.config {
            Some(path) => Some((ConfigFile::load(path)?, path.clone())),
            None => None,
        };
        let mut sps: Vec<SpEntry> = Vec::new();
        if let Some((file, path)) = &file {
            sps.extend(file.sp_entries(path)?);
        }
        for path in &self.sp_metadata {
            sps.push(SpEntry::from_metadata_file(path)?);
        }
        let from_file = |pick: fn(&ConfigFile) -> Option<String>| file.as_ref().and_then(|(f, _)| pick(f));
        let defaults = ServeConfig::default();
        Ok(ServeConfig {
            bind: self.bind,
            port: self.port,
            base_url: self.base_url.or_else(|| from_file(|f| f.base_url.clone())),
            idp_entity_id: self
                .idp_entity_id
                .or_else(|| from_file(|f| f.idp_entity_id.clone()))
                .unwrap_or(defaults.idp_entity_id),
            default_scenario: self
                .scenario
                .or_else(|| from_file(|f| f.scenario.clone()))
                .unwrap_or(defaults.default_scenario),
            scenarios_dir: self.scenarios,
            keys_dir: self.keys,
            sps,
            workers: self.workers,
            time_and_ids: self.time.time_and_ids()?,
        })
    }
}
