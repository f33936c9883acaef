//! `mockidp scenario ID`: one scenario's response, printed (or armed on a running server).

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use mockidp::pipeline::{generate, GenerateOptions};
use mockidp::saml::{auto_post_form, SpMetadata, SpTarget};
use mockidp::scenario::{ScenarioSet, SignParts};

use super::common::{certificate_file, sign_parts_parser, user, IdpArgs, SourceArgs, TimeArgs};

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

/// Flags of `mockidp scenario`.
#[derive(Args)]
pub(crate) struct ScenarioArgs {
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
    /// Encrypt the assertion (EncryptedAssertion, AES-256-GCM, RSA-OAEP) for the SP: to
    /// --sp-encryption-cert, else the encryption certificate of --sp-metadata.
    #[arg(long)]
    encrypt: bool,
    /// The SP's encryption certificate (PEM): what --encrypt and scenarios with an [encrypt]
    /// table encrypt to. Overrides the one in --sp-metadata.
    #[arg(long, value_name = "PEM")]
    sp_encryption_cert: Option<PathBuf>,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    sources: SourceArgs,
}

/// `mockidp scenario ID`.
pub(crate) fn scenario(args: ScenarioArgs, out: &mut impl Write) -> anyhow::Result<()> {
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
        writeln!(out, "{}", mockidp::server::arm_remote(server, &request)?)?;
        return Ok(());
    }
    let time_and_ids = args.time.time_and_ids()?;
    let clock = time_and_ids.clock();
    let mut ids = time_and_ids.ids(None);
    let metadata = args.sp_metadata.as_deref().map(SpMetadata::from_file).transpose()?;
    let mut sp = metadata.as_ref().map_or_else(SpTarget::default, |m| m.target.clone());
    let sp_encryption_cert = match &args.sp_encryption_cert {
        Some(path) => Some(certificate_file("--sp-encryption-cert", path)?),
        None => metadata.as_ref().and_then(|m| m.encryption_certificates.first().cloned()),
    };
    if let Some(entity_id) = args.sp_entity_id {
        sp.entity_id = entity_id;
    }
    if let Some(acs_url) = args.acs_url {
        sp.acs_url = acs_url;
    }
    let mut user = user(&args.name_id);
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

    let mut keys = args.sources.keys()?;
    let scenario = &ScenarioSet::load_one_with_keys(args.sources.scenarios.as_deref(), &args.id, &keys)?;
    let options = GenerateOptions {
        idp: args.idp.settings(),
        sp,
        user,
        in_response_to: args.in_response_to,
        relay_state: args.relay_state,
        sign_parts: args.sign,
        sp_encryption_cert,
        encrypt: args.encrypt,
        canaries: Default::default(),
    };
    let generated = generate(scenario, &options, &mut keys, &clock, &mut ids)?;
    let fields: Vec<(&str, &str)> = generated.message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let field_value = fields.first().map_or("", |(_, v)| *v);
    match args.format {
        OutputFormat::Xml => writeln!(out, "{}", generated.xml)?,
        OutputFormat::Base64 => writeln!(out, "{field_value}")?,
        OutputFormat::Html => write!(out, "{}", auto_post_form(&generated.acs_url, &fields))?,
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
            writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
        }
    }
    Ok(())
}
