//! The pipeline's generating half: build, sign, tamper, encode. One call per response.

use crate::clock::{Clock, IdSource};
use crate::dsig::{DsigError, SignOptions};
use crate::keys::{KeyError, KeyStore};
use crate::saml::{build_response, sign_element, IdpMetadata, IdpSettings, SignParts, SpTarget, User};
use crate::scenario::{
    apply_build_edits, apply_tamper, encode_message, DeliveryChoices, EncodedMessage, Endpoint, Scenario,
};
use crate::xml::{to_document, Element};

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
enum MessageKind {
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
    let logout = kind == MessageKind::Logout;
    // saml-profiles 4.1.5: an IdP-initiated response answers no request.
    let answers = if file.deliver.idp_initiated && !logout { None } else { options.in_response_to.as_deref() };
    let mut response = build_response(&options.idp, &options.sp, &options.user, answers, clock, ids);
    apply_build_edits(&mut response, &file.build, clock.now(), ids);
    if logout {
        response.assertions.clear();
    }
    let mut root = response.to_element();
    match (kind, &file.build.root_element) {
        (MessageKind::Logout, _) => root.name = "samlp:LogoutResponse".into(),
        (MessageKind::Login, Some(name)) => root.name = name.clone(),
        (MessageKind::Login, None) => {}
    }

    let key =
        keys.load(&file.sign.key).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
    let sign_options = SignOptions {
        signature: file.sign.algorithm,
        digest: file.sign.digest,
        key_info: file.sign.key_info,
        ..SignOptions::default()
    };
    let parts = options.sign_parts.unwrap_or(file.sign.parts);
    let signed = sign_element(root, parts, key, &sign_options)
        .map_err(|source| GenerateError::Sign { scenario: scenario.id.clone(), source })?;
    let xml = apply_tamper(signed, &file.tamper);
    // A LogoutResponse goes by value, never as an artifact.
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

/// The IdP metadata that goes with a scenario: the certificates it tells the SP to trust, broken
/// as the scenario says.
pub fn scenario_metadata(scenario: &Scenario, idp: &IdpSettings, keys: &mut KeyStore) -> Result<String, GenerateError> {
    let choices = &scenario.file.metadata;
    let mut certificates = Vec::new();
    for name in &choices.trust {
        let key = keys.load(name).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
        certificates.push(key.certificate_base64.clone());
    }
    let mut metadata = IdpMetadata::new(idp, "");
    metadata.signing_certificates = certificates.iter().map(String::as_str).collect();
    if choices.no_signing_cert {
        metadata.signing_certificates.clear();
    }
    if choices.no_sso_binding {
        metadata.sso_bindings.clear();
    }
    let mut root = metadata.to_element();
    if choices.no_idp_descriptor {
        root.remove_children("IDPSSODescriptor");
        root = root.child(Element::new("md:Organization").child(
            Element::new("md:OrganizationName").attr("xml:lang", "en").text("mockidp (IdP descriptor left out)"),
        ));
    }
    let mut text = to_document(&root);
    if choices.malformed {
        // Cut inside the descriptor: not well-formed, as a truncated download would be.
        text.truncate(text.len() / 2);
    }
    Ok(text)
}
