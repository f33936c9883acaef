//! The `mockidp` command: parse flags into a validated request, call the library, print, exit.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, scenario_metadata, GenerateOptions};
use mockidp::saml::{auto_post_form, IdpMetadata, IdpSettings, SpMetadata, SpTarget, User};
use mockidp::scenario::{ScenarioSet, SignParts};

/// Exit code: success.
const EXIT_OK: u8 = 0;
/// Exit code: bad flags, a broken scenario or metadata file, an unknown scenario or key set.
const EXIT_USAGE: u8 = 2;

const EXIT_CODES: &str = "Exit codes: 0 success; 2 bad flags or input files (broken scenario file, unreadable \
SP metadata, unknown scenario or key set). `mockidp run` also exits 1 on findings or mismatches and 3 when the SP is \
unreachable (see `mockidp run --help`).";

#[derive(Parser)]
#[command(name = "mockidp", version, about = "A mock SAML 2.0 Identity Provider for negative testing of Service Providers",
    long_about = "A mock SAML 2.0 Identity Provider for negative testing. It generates deliberately broken SAMLResponses \
(expired certificate, skewed clock, wrong audience, signature wrapping, ...) from scenario files, so that a Service \
Provider's tests can prove it rejects each one with the right error.", after_help = EXIT_CODES)]
struct Cli {
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
    Run(mockidp::runner::cli::RunArgs),
    /// Show a profile's coverage: each documented error code and the scenarios that trigger it.
    Profile(mockidp::runner::cli::ProfileArgs),
    /// Run the mock IdP as a server that SPs and browsers log in at (SIGINT/SIGTERM stop it).
    Serve(mockidp::server::ServeArgs),
    /// Manage the test key sets.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
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

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// The XML document.
    Xml,
    /// Base64: the SAMLResponse form field's value.
    Base64,
    /// An auto-submitting HTML form that POSTs to the ACS URL.
    Html,
    /// JSON with all of the above.
    Json,
}

#[derive(Args)]
struct SourceArgs {
    /// A directory of extra scenario files (NAME.toml), which may override built-in ones.
    #[arg(long, global = true)]
    scenarios: Option<PathBuf>,
    /// A directory of extra key sets (NAME/key.pem + NAME/cert.pem), which may override built-in ones.
    #[arg(long, global = true)]
    keys: Option<PathBuf>,
}

#[derive(Args)]
struct IdpArgs {
    /// The IdP's entity ID (the Issuer).
    #[arg(long, default_value = mockidp::saml::DEFAULT_IDP_ENTITY_ID)]
    idp_entity_id: String,
    /// The IdP's SSO URL, as advertised in metadata.
    #[arg(long, default_value = mockidp::saml::DEFAULT_IDP_SSO_URL)]
    sso_url: String,
}

#[derive(Args)]
struct ScenarioArgs {
    /// The scenario id (`mockidp list` shows them).
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "xml")]
    format: OutputFormat,
    /// Read the SP's entity ID and ACS URL from its metadata file.
    #[arg(long)]
    sp_metadata: Option<PathBuf>,
    /// The SP's entity ID (the Audience); overrides --sp-metadata.
    #[arg(long)]
    sp_entity_id: Option<String>,
    /// The SP's ACS URL (Destination and Recipient); overrides --sp-metadata. For a scenario delivered
    /// to the SLO endpoint (`deliver.endpoint = "slo"`), the SP's SingleLogoutService URL.
    #[arg(long)]
    acs_url: Option<String>,
    /// The AuthnRequest ID being answered; without it the response is unsolicited. For an slo
    /// scenario, the ID of the LogoutRequest the LogoutResponse answers.
    #[arg(long)]
    in_response_to: Option<String>,
    /// RelayState to send back with the response (html and json formats).
    #[arg(long)]
    relay_state: Option<String>,
    /// Instead of printing, arm a running `mockidp serve` at this URL: the next login from the SP
    /// (--sp-entity-id or --sp-metadata; with --relay-state / --login-hint, only such a login) gets this scenario.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// With --server: only the login carrying this login_hint.
    #[arg(long, requires = "server")]
    login_hint: Option<String>,
    #[command(flatten)]
    idp: IdpArgs,
    /// The user's NameID.
    #[arg(long, default_value = "alice@example.com")]
    name_id: String,
    /// An attribute NAME=VALUE; repeat a name for several values. Replaces the default of that name.
    #[arg(long = "attr", value_name = "NAME=VALUE")]
    attributes: Vec<String>,
    /// What to sign; defaults to the scenario's choice (both, for `valid`).
    #[arg(long, value_parser = sign_parts_parser())]
    sign: Option<SignParts>,
    /// The current time, RFC 3339 (with --seed, output is byte-identical from run to run).
    #[arg(long)]
    now: Option<String>,
    /// Seed for IDs (with --now, output is byte-identical from run to run).
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    sources: SourceArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
    /// The Markdown catalog page (docs/scenarios.md).
    Markdown,
}

#[derive(Args)]
struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
    #[command(flatten)]
    sources: SourceArgs,
}

#[derive(Args)]
struct MetadataArgs {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("mockidp: error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Scenario(args) => scenario(args),
        Command::Run(args) => match mockidp::runner::cli::run_command(args)? {
            EXIT_OK => Ok(()),
            code => std::process::exit(code.into()),
        },
        Command::Profile(args) => mockidp::runner::cli::profile_command(args),
        Command::Serve(args) => Ok(mockidp::server::serve(args.into_config()?)?),
        Command::List(args) => {
            let set = ScenarioSet::load(args.sources.scenarios.as_deref())?;
            let text = match args.format {
                ListFormat::Table => mockidp::catalog::table(&set),
                ListFormat::Json => mockidp::catalog::json(&set),
                ListFormat::Markdown => mockidp::catalog::markdown(&set),
            };
            print!("{text}");
            Ok(())
        }
        Command::Metadata(args) => {
            let idp = IdpSettings { entity_id: args.idp.idp_entity_id, sso_url: args.idp.sso_url };
            let mut keys = KeyStore::new(args.sources.keys.as_deref());
            let text = match &args.scenario {
                Some(id) => {
                    let set = ScenarioSet::load(args.sources.scenarios.as_deref())?;
                    scenario_metadata(set.get(id)?, &idp, &mut keys)?
                }
                None => IdpMetadata::new(&idp, &keys.load(&args.key)?.certificate_base64).to_xml(),
            };
            println!("{text}");
            Ok(())
        }
        Command::Keys { command: KeysCommand::Generate { dir } } => {
            let written = mockidp::keys::generate_all(&dir)
                .with_context(|| format!("generating key sets in {}", dir.display()))?;
            eprintln!("wrote key sets {} to {}", written.join(", "), dir.display());
            Ok(())
        }
        Command::Keys { command: KeysCommand::List { keys } } => {
            for name in KeyStore::new(keys.as_deref()).names() {
                println!("{name}");
            }
            Ok(())
        }
    }
}

fn scenario(args: ScenarioArgs) -> anyhow::Result<()> {
    if let Some(server) = &args.server {
        let sp = match (&args.sp_entity_id, &args.sp_metadata) {
            (Some(entity_id), _) => entity_id.clone(),
            (None, Some(path)) => SpMetadata::from_file(path)?.target.entity_id,
            (None, None) => bail!("--server needs the SP: --sp-entity-id or --sp-metadata"),
        };
        let request = mockidp::server::ArmRequest {
            sp,
            scenario: args.id.clone(),
            relay_state: args.relay_state.clone(),
            login_hint: args.login_hint.clone(),
            user: None,
        };
        println!("{}", mockidp::server::arm_remote(server, &request)?);
        return Ok(());
    }
    let clock = match &args.now {
        Some(text) => Clock::parse_fixed(text)
            .with_context(|| format!("--now {text:?} is not an RFC 3339 time (hint: 2026-01-02T03:04:05Z)"))?,
        None => Clock::system(),
    };
    let mut ids = args.seed.map_or_else(IdSource::random, IdSource::seeded);
    let mut sp = match &args.sp_metadata {
        Some(path) => SpMetadata::from_file(path)?.target,
        None => SpTarget::default(),
    };
    if let Some(entity_id) = args.sp_entity_id {
        sp.entity_id = entity_id;
    }
    if let Some(acs_url) = args.acs_url {
        sp.acs_url = acs_url;
    }
    let mut user = User { name_id: args.name_id.clone(), ..User::default() };
    if let Some((_, values)) = user.attributes.iter_mut().find(|(name, _)| name == "email") {
        *values = vec![args.name_id.clone()];
    }
    let mut replaced: Vec<String> = Vec::new();
    for pair in &args.attributes {
        let Some((name, value)) = pair.split_once('=') else {
            bail!("--attr {pair:?} is not NAME=VALUE");
        };
        if !replaced.iter().any(|r| r == name) {
            user.attributes.retain(|(n, _)| n != name);
            user.attributes.push((name.to_owned(), Vec::new()));
            replaced.push(name.to_owned());
        }
        if let Some((_, values)) = user.attributes.iter_mut().find(|(n, _)| n == name) {
            values.push(value.to_owned());
        }
    }

    let scenario = &ScenarioSet::load_one(args.sources.scenarios.as_deref(), &args.id)?;
    let options = GenerateOptions {
        idp: IdpSettings { entity_id: args.idp.idp_entity_id, sso_url: args.idp.sso_url },
        sp,
        user,
        in_response_to: args.in_response_to,
        relay_state: args.relay_state,
        sign_parts: args.sign,
    };
    let mut keys = KeyStore::new(args.sources.keys.as_deref());
    let generated = generate(scenario, &options, &mut keys, &clock, &mut ids)?;
    let fields: Vec<(&str, &str)> = generated.message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let field_value = fields.first().map_or("", |(_, v)| *v);
    match args.format {
        OutputFormat::Xml => println!("{}", generated.xml),
        OutputFormat::Base64 => println!("{field_value}"),
        OutputFormat::Html => print!("{}", auto_post_form(&generated.acs_url, &fields)),
        OutputFormat::Json => {
            let json = serde_json::json!({
                "scenario": generated.scenario,
                "response_id": generated.response_id,
                "acs_url": generated.acs_url,
                "relay_state": options.relay_state,
                "xml": generated.xml,
                "base64": field_value,
                "html": auto_post_form(&generated.acs_url, &fields),
                "message": generated.message,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
    }
    Ok(())
}

/// `--sign`: the values `SignParts` names, listed in `--help`.
fn sign_parts_parser() -> impl clap::builder::TypedValueParser<Value = SignParts> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(SignParts::ALL.map(SignParts::name))
        .map(|name| name.parse::<SignParts>().expect("a possible value parses"))
}
