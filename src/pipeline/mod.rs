//! The pipeline's generating half, one module per stage: [`build`] (the model and the scenario's
//! semantic edits), [`sign`] (assertions, then the Response, with [`encrypt`] between the two),
//! [`tamper`] (edits to the signed XML) and [`encode`] (the binding and its broken variants).
//! [`generate`] runs them, one call per response.

mod build;
mod document;
mod edit;
mod encode;
mod encrypt;
mod metadata;
mod sign;
mod tamper;

pub use document::Canaries;
pub use edit::PathEditError;
pub use encode::{encode_field, encode_message, EncodedMessage};
pub use encrypt::EncryptError;
pub use metadata::scenario_metadata;
pub use sign::{sign, sign_assertions, sign_response, AssertionsSigned, SignedResponse};
pub use tamper::{apply_tamper, apply_tamper_with, TamperError, EVIL_NAME_ID};

use crate::clock::{Clock, IdSource};
use crate::dsig::{DsigError, SignOptions};
use crate::keys::{certificate_public_key, KeyError, KeyStore};
use crate::saml::{IdpSettings, SpTarget, User};
use crate::scenario::{DeliveryChoices, EncryptChoices, Endpoint, Scenario, SignParts};

/// Everything a response depends on besides the scenario.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The IdP.
    pub idp: IdpSettings,
    /// The SP the response is for.
    pub sp: SpTarget,
    /// Who signs in.
    pub user: User,
    /// The AuthnRequest ID being answered, none for IdP-initiated; for a scenario delivered to the
    /// SLO endpoint, the LogoutRequest ID (and `sp.acs_url` is then the SP's SLO URL).
    pub in_response_to: Option<String>,
    /// RelayState to send back.
    pub relay_state: Option<String>,
    /// Overrides the scenario's choice of what to sign.
    pub sign_parts: Option<SignParts>,
    /// The SP's encryption certificate (base64 DER), from its metadata's `KeyDescriptor
    /// use="encryption"` (or one without `use`) or `--sp-encryption-cert`: what `[encrypt]`
    /// encrypts to unless it names a key set.
    pub sp_encryption_cert: Option<String>,
    /// Encrypt the assertions of every scenario, those without an `[encrypt]` table with its
    /// defaults (`--encrypt`, or an SP whose metadata has an encryption key).
    pub encrypt: bool,
    /// What `{canary-url}` and `{canary-file}` in a scenario's `[tamper.document]` stand for.
    pub canaries: Canaries,
}

/// Why a response could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The scenario's key set could not be loaded.
    #[error("scenario '{scenario}': {source}")]
    Key {
        /// The scenario.
        scenario: String,
        /// What went wrong.
        source: KeyError,
    },
    /// Signing failed.
    #[error("scenario '{scenario}': signing failed: {source}")]
    Sign {
        /// The scenario.
        scenario: String,
        /// What went wrong.
        source: DsigError,
    },
    /// A `[build]` path edit selected nothing.
    #[error("scenario '{scenario}': {source}")]
    Build {
        /// The scenario.
        scenario: String,
        /// What was missing.
        source: PathEditError,
    },
    /// Encryption failed.
    #[error("scenario '{scenario}': {source}")]
    Encrypt {
        /// The scenario.
        scenario: String,
        /// What went wrong.
        source: EncryptError,
    },
    /// A tamper edit found nothing to edit.
    #[error("scenario '{scenario}': {source}")]
    Tamper {
        /// The scenario.
        scenario: String,
        /// What was missing.
        source: TamperError,
    },
}

/// A generated response, at every stage the caller may want.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Generated {
    /// The scenario's id.
    pub scenario: String,
    /// The Response's ID.
    pub response_id: String,
    /// Where it goes.
    pub acs_url: String,
    /// The document text after signing and tampering.
    pub xml: String,
    /// The encoded message, as delivered.
    pub message: EncodedMessage,
}

impl Generated {
    /// The message's fields as a form body (or query string), as a browser sends them.
    pub fn form_body(&self) -> String {
        self.message.form_body()
    }

    /// The value of one of the message's fields, if present.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.message.field(name)
    }
}

/// Run build, sign, tamper and encode for one scenario: a login Response, or for a scenario
/// delivered to the SLO endpoint (`deliver.endpoint = "slo"`) its [`logout_response`].
pub fn generate(
    scenario: &Scenario,
    options: &GenerateOptions,
    keys: &mut KeyStore,
    clock: &Clock,
    ids: &mut IdSource,
) -> Result<Generated, GenerateError> {
    let kind = if scenario.file.deliver.endpoint == Endpoint::Slo { MessageKind::Logout } else { MessageKind::Login };
    run_stages(scenario, options, keys, clock, ids, kind)
}

/// Single Logout (saml-profiles 4.4): the scenario's LogoutResponse, built from its data as a login
/// response is. A LogoutResponse is a StatusResponseType (saml-core 3.7.2) as a Response is, so
/// the scenario's status, issuer, destination, InResponseTo and removal edits, its signing choices
/// and its tampering all apply unchanged; only the assertions are left out. That gives the broken
/// variants (wrong InResponseTo, a Responder status, unsigned, signed by the wrong key, ...)
/// without any logout-only code path. It answers `options.in_response_to` (the LogoutRequest's
/// ID), for the SP's SingleLogoutService given as `options.sp.acs_url`, encoded as the scenario
/// delivers (never as an artifact). The server answers LogoutRequests with it, for any scenario.
pub fn logout_response(
    scenario: &Scenario,
    options: &GenerateOptions,
    keys: &mut KeyStore,
    clock: &Clock,
    ids: &mut IdSource,
) -> Result<Generated, GenerateError> {
    run_stages(scenario, options, keys, clock, ids, MessageKind::Logout)
}

/// The two StatusResponseType messages the pipeline emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageKind {
    /// `samlp:Response`, to the ACS.
    Login,
    /// `samlp:LogoutResponse`, to the SingleLogoutService.
    Logout,
}

fn run_stages(
    scenario: &Scenario,
    options: &GenerateOptions,
    keys: &mut KeyStore,
    clock: &Clock,
    ids: &mut IdSource,
    kind: MessageKind,
) -> Result<Generated, GenerateError> {
    let file = &scenario.file;
    let (response, root) = build::build(file, options, kind, clock, ids)
        .map_err(|source| GenerateError::Build { scenario: scenario.id.clone(), source })?;

    let sign_options = SignOptions {
        signature: file.sign.algorithm,
        digest: file.sign.digest,
        key_info: file.sign.key_info,
        key_value: file.sign.key_value,
        reference: file.sign.reference,
        extra_transforms: file.sign.extra_transforms.clone(),
        ..SignOptions::default()
    };
    let parts = options.sign_parts.unwrap_or(file.sign.parts);
    let signing_failed = |source| GenerateError::Sign { scenario: scenario.id.clone(), source };
    let choices =
        file.encrypt.clone().or_else(|| (options.encrypt && kind == MessageKind::Login).then(EncryptChoices::default));
    let encryption = match &choices {
        Some(choices) => Some(encrypt::Encryption { choices, recipient: recipient(scenario, choices, options, keys)? }),
        None => None,
    };
    let encrypting_failed = |source| GenerateError::Encrypt { scenario: scenario.id.clone(), source };
    let mut root = root;
    if let Some(encryption) = &encryption {
        encrypt::encrypt_inner(&mut root, encryption, ids).map_err(encrypting_failed)?;
    }
    let key =
        keys.load(&file.sign.key).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
    let mut assertions = sign_assertions(root, parts, key, &sign_options).map_err(signing_failed)?;
    if let Some(encryption) = &encryption {
        assertions = encrypt::encrypt_assertions(assertions, encryption, ids).map_err(encrypting_failed)?;
    }
    let signed = sign_response(assertions, parts, key, &sign_options).map_err(signing_failed)?;
    let xml = apply_tamper_with(signed, &file.tamper, &options.canaries)
        .map_err(|source| GenerateError::Tamper { scenario: scenario.id.clone(), source })?;
    // A LogoutResponse goes by value, never as an artifact.
    let logout = kind == MessageKind::Logout;
    let choices = DeliveryChoices { artifact: file.deliver.artifact && !logout, ..file.deliver.clone() };
    let message = encode_message(&xml, &choices, options.relay_state.as_deref());
    Ok(Generated {
        scenario: scenario.id.clone(),
        response_id: response.id,
        acs_url: options.sp.acs_url.clone(),
        xml,
        message,
    })
}

/// The key `choices` encrypt to: the named key set's certificate, else the SP's.
fn recipient(
    scenario: &Scenario,
    choices: &EncryptChoices,
    options: &GenerateOptions,
    keys: &mut KeyStore,
) -> Result<rsa::RsaPublicKey, GenerateError> {
    let failed = |source| GenerateError::Encrypt { scenario: scenario.id.clone(), source };
    let (origin, certificate) = match &choices.key {
        Some(name) => {
            let set = keys.load(name).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
            (format!("key set '{name}'"), set.certificate_base64.clone())
        }
        None => {
            ("SP's encryption".to_owned(), options.sp_encryption_cert.clone().ok_or(failed(EncryptError::NoRecipient))?)
        }
    };
    certificate_public_key(&certificate).map_err(|message| failed(EncryptError::BadCertificate { origin, message }))
}
