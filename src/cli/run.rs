//! The `mockidp run` and `mockidp profile` subcommands: raw flags, turned into a validated
//! [`RunConfig`] in one step, then run and reported.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use mockidp::keys::KeyStore;
use mockidp::profile::{coverage_table, glob_match, ProfileSet};
use mockidp::runner::{run, RunConfig, SnapshotConfig, SnapshotMode};
use mockidp::saml::IdpSettings;
use mockidp::scenario::{Scenario, ScenarioSet};

use super::common::{certificate_file, user, TimeArgs};

/// Flags of `mockidp run`.
#[derive(Debug, Args)]
#[command(after_help = mockidp::exit_codes::RUN_HELP)]
pub(crate) struct RunArgs {
    /// The SP's profile: a built-in one (authio, cisco-webex, servercore, zscaler-zpa, python3-saml,
    /// node-saml, generic) or NAME.toml in --profiles DIR.
    #[arg(long)]
    profile: String,
    /// The SP's Assertion Consumer Service URL.
    #[arg(long)]
    acs_url: String,
    /// Start each login here (SP-initiated): the SP's redirect or auto-POST to the IdP is decoded
    /// and answered. Without it, responses are delivered unsolicited.
    #[arg(long)]
    login_url: Option<String>,
    /// The SP's entity ID (the Audience). Default: the AuthnRequest's Issuer, else mockidp's default.
    #[arg(long)]
    sp_entity_id: Option<String>,
    /// Scenario ids or globs (`metadata-*`); repeatable. Default: every scenario.
    #[arg(long = "scenario", value_name = "ID|GLOB")]
    scenarios: Vec<String>,
    /// How many scenarios run at once (results keep scenario order).
    #[arg(long, default_value_t = 4)]
    jobs: usize,
    /// Where outcome snapshots go (insta format, one folder per profile).
    #[arg(long, default_value = "snapshots")]
    snapshots: PathBuf,
    /// Do not read or write snapshots.
    #[arg(long, conflicts_with = "accept")]
    no_snapshots: bool,
    /// Record changed snapshots instead of failing on them.
    #[arg(long)]
    accept: bool,
    /// Write a report: `--report json FILE` or `--report junit FILE`; repeatable.
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"], action = clap::ArgAction::Append)]
    report: Vec<String>,
    /// The SP was configured with the selected scenario's IdP metadata (`mockidp metadata --scenario
    /// ID`): run scenarios that need it (expired-cert, metadata-*) instead of skipping them.
    #[arg(long)]
    sp_uses_scenario_metadata: bool,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// The IdP's entity ID (the Issuer the SP trusts).
    #[arg(long, default_value = mockidp::saml::DEFAULT_IDP_ENTITY_ID)]
    idp_entity_id: String,
    /// The user's NameID (and email attribute).
    #[arg(long, default_value = "alice@example.com")]
    name_id: String,
    /// A directory of extra profiles (NAME.toml), which may override built-in ones.
    #[arg(long)]
    profiles: Option<PathBuf>,
    /// A directory of extra scenario files, which may override built-in ones (`--scenarios DIR`,
    /// as in the other commands, works too).
    #[arg(long, visible_alias = "scenarios")]
    scenarios_dir: Option<PathBuf>,
    /// The SP's encryption certificate (PEM), for an SP that decrypts assertions: the encryption
    /// scenarios encrypt to it (without it they are skipped).
    #[arg(long, value_name = "PEM")]
    sp_encryption_cert: Option<PathBuf>,
    /// A directory of extra key sets (NAME/key.pem + NAME/cert.pem).
    #[arg(long)]
    keys: Option<PathBuf>,
    #[command(flatten)]
    time: TimeArgs,
}

/// Flags of `mockidp profile`.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The profile's name; without it, the list of profiles.
    name: Option<String>,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// A directory of extra profiles (NAME.toml), which may override built-in ones.
    #[arg(long)]
    profiles: Option<PathBuf>,
    /// A directory of extra scenario files, which may override built-in ones (`--scenarios DIR`,
    /// as in the other commands, works too).
    #[arg(long, visible_alias = "scenarios")]
    scenarios_dir: Option<PathBuf>,
}

/// Where a report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReportTarget {
    /// JSON.
    Json(PathBuf),
    /// JUnit XML.
    Junit(PathBuf),
}

impl RunArgs {
    /// Check the flags and load the profile and scenarios: any error here is a usage error.
    pub(crate) fn into_config(self) -> anyhow::Result<(RunConfig, Vec<ReportTarget>)> {
        let profiles = ProfileSet::load(self.profiles.as_deref())?;
        let profile = profiles.get(&self.profile)?.clone();
        let set = ScenarioSet::load_with_keys(self.scenarios_dir.as_deref(), &KeyStore::open(self.keys.as_deref())?)?;
        let scenarios = select(&set, &self.scenarios)?;
        for (flag, url) in [("--acs-url", Some(&self.acs_url)), ("--login-url", self.login_url.as_ref())] {
            if let Some(url) = url {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("{flag} {url:?} is not an http(s) URL (hint: {flag} http://127.0.0.1:8080/...)");
                }
            }
        }
        if self.jobs == 0 {
            bail!("--jobs must be at least 1");
        }
        if self.timeout == 0 {
            bail!("--timeout must be at least 1 second");
        }
        let mut reports = Vec::new();
        for pair in self.report.chunks(2) {
            let file = PathBuf::from(&pair[1]);
            reports.push(match pair[0].as_str() {
                "json" => ReportTarget::Json(file),
                "junit" => ReportTarget::Junit(file),
                other => {
                    bail!("--report {other:?}: the format is `json` or `junit` (hint: --report junit results.xml)")
                }
            });
        }
        let time_and_ids = self.time.time_and_ids()?;
        let config = RunConfig {
            profile,
            scenarios,
            acs_url: self.acs_url,
            login_url: self.login_url,
            sp_entity_id: self.sp_entity_id,
            idp: IdpSettings { entity_id: self.idp_entity_id, ..IdpSettings::default() },
            user: user(&self.name_id),
            keys_dir: self.keys,
            jobs: self.jobs,
            timeout: Duration::from_secs(self.timeout),
            sp_uses_scenario_metadata: self.sp_uses_scenario_metadata,
            snapshots: (!self.no_snapshots)
                .then_some(SnapshotConfig { dir: self.snapshots, mode: SnapshotMode::from_env(self.accept) }),
            time_and_ids,
            sp_encryption_cert: match &self.sp_encryption_cert {
                Some(path) => Some(certificate_file("--sp-encryption-cert", path)?),
                None => None,
            },
        };
        Ok((config, reports))
    }
}

/// The scenarios named by ids and globs, in id order; all of them when none is named.
fn select(set: &ScenarioSet, patterns: &[String]) -> anyhow::Result<Vec<Scenario>> {
    if patterns.is_empty() {
        return Ok(set.iter().cloned().collect());
    }
    for pattern in patterns {
        if pattern.contains(['*', '?']) {
            if !set.iter().any(|s| glob_match(pattern, &s.id)) {
                bail!("--scenario {pattern:?} matches no scenario (hint: `mockidp list` shows them all)");
            }
        } else {
            set.get(pattern)?;
        }
    }
    Ok(set.iter().filter(|s| patterns.iter().any(|p| glob_match(p, &s.id))).cloned().collect())
}

/// `mockidp run`: run, print the table, write the reports; returns the exit code
/// ([`mockidp::exit_codes`]).
pub(crate) fn run_command(args: RunArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let (config, reports) = args.into_config()?;
    let report = run(&config);
    // The reports are written even when the table cannot be (stdout full).
    let printed = write!(out, "{}", mockidp::runner::table(&report)).and_then(|()| out.flush());
    for target in reports {
        let (path, text) = match &target {
            ReportTarget::Json(path) => (path, mockidp::runner::json(&report)),
            ReportTarget::Junit(path) => (path, mockidp::runner::junit(&report)),
        };
        std::fs::write(path, text).with_context(|| format!("writing the report {}", path.display()))?;
    }
    printed?;
    Ok(report.exit_code())
}

/// `mockidp profile [NAME]`: the coverage table of one profile, or the list of profiles.
pub(crate) fn profile_command(args: ProfileArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let profiles = ProfileSet::load(args.profiles.as_deref())?;
    let Some(name) = args.name else {
        for p in profiles.iter() {
            writeln!(out, "{:14}  {}  ({})", p.name, p.file.title, p.origin)?;
        }
        return Ok(());
    };
    let profile = profiles.get(&name)?;
    let scenarios = ScenarioSet::load(args.scenarios_dir.as_deref())?;
    let rows = profile.coverage(&scenarios);
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else {
        write!(out, "{}", coverage_table(profile, &rows))?;
    }
    Ok(())
}
