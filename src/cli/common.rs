//! Flag groups several commands share: where scenarios and keys come from, the IdP's identity,
//! the injected clock and ID seed, what to sign, and the user who signs in.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;
use mockidp::clock::{Clock, TimeAndIds};
use mockidp::keys::KeyStore;
use mockidp::saml::{IdpSettings, User};
use mockidp::scenario::{ScenarioSet, SignParts};

/// `--scenarios DIR`, `--keys DIR`.
#[derive(Args)]
pub(crate) struct SourceArgs {
    /// A directory of extra scenario files (NAME.toml), which may override built-in ones.
    #[arg(long, global = true)]
    pub(crate) scenarios: Option<PathBuf>,
    /// A directory of extra key sets (NAME/key.pem + NAME/cert.pem), which may override built-in ones.
    #[arg(long, global = true)]
    pub(crate) keys: Option<PathBuf>,
}

impl SourceArgs {
    /// The key sets: built in, plus `--keys` (which must be a readable directory).
    pub(crate) fn keys(&self) -> anyhow::Result<KeyStore> {
        Ok(KeyStore::open(self.keys.as_deref())?)
    }

    /// Every scenario, their key sets checked against `keys`.
    pub(crate) fn scenarios(&self, keys: &KeyStore) -> anyhow::Result<ScenarioSet> {
        Ok(ScenarioSet::load_with_keys(self.scenarios.as_deref(), keys)?)
    }
}

/// The IdP's entity ID and SSO URL.
#[derive(Args)]
pub(crate) struct IdpArgs {
    /// The IdP's entity ID (the Issuer).
    #[arg(long, default_value = mockidp::saml::DEFAULT_IDP_ENTITY_ID)]
    pub(crate) idp_entity_id: String,
    /// The IdP's SSO URL, as advertised in metadata.
    #[arg(long, default_value = mockidp::saml::DEFAULT_IDP_SSO_URL)]
    pub(crate) sso_url: String,
}

impl IdpArgs {
    /// The IdP these flags describe.
    pub(crate) fn settings(self) -> IdpSettings {
        IdpSettings { entity_id: self.idp_entity_id, sso_url: self.sso_url }
    }
}

/// `--now`, `--seed`: the injected clock and ID seed.
#[derive(Debug, Args)]
pub(crate) struct TimeArgs {
    /// The current time, RFC 3339 (with --seed, output is byte-identical from run to run). A fixed
    /// time does not advance: every response carries it.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,
    /// Seed for IDs (with --now, output is byte-identical from run to run).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
}

impl TimeArgs {
    /// The validated clock and seed.
    pub(crate) fn time_and_ids(&self) -> anyhow::Result<TimeAndIds> {
        let now = match &self.now {
            Some(text) => Some(Clock::parse_fixed(text).with_context(|| format!("--now {text:?}"))?),
            None => None,
        };
        Ok(TimeAndIds { now, seed: self.seed })
    }
}

/// The default user, signed in as `name_id` (also their email attribute).
pub(crate) fn user(name_id: &str) -> User {
    let mut user = User { name_id: name_id.to_owned(), ..User::default() };
    if let Some((_, values)) = user.attributes.iter_mut().find(|(name, _)| name == "email") {
        *values = vec![name_id.to_owned()];
    }
    user
}

/// `--sign`: the values [`SignParts`] names, listed in `--help` (the library knows nothing of clap).
pub(crate) fn sign_parts_parser() -> impl TypedValueParser<Value = SignParts> {
    PossibleValuesParser::new(SignParts::ALL.map(SignParts::name))
        .map(|name| name.parse::<SignParts>().expect("a possible value parses"))
}

/// The certificate (base64 DER) in the PEM file `path` given with `flag`; it must hold an RSA key.
pub(crate) fn certificate_file(flag: &str, path: &std::path::Path) -> anyhow::Result<String> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("{flag} {}", path.display()))?;
    let body = mockidp::keys::pem_certificate_base64(&pem)
        .with_context(|| format!("{flag} {}: no PEM CERTIFICATE block", path.display()))?;
    mockidp::keys::certificate_public_key(&body)
        .map_err(|message| anyhow::anyhow!("{flag} {}: {message}", path.display()))?;
    Ok(body)
}
