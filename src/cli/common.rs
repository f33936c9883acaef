//! Flag groups several commands share: where scenarios and keys come from, the IdP's identity,
//! what to sign, and the user who signs in.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;
use mockidp::saml::{IdpSettings, User};
use mockidp::scenario::SignParts;

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
