//! Single Logout (saml-profiles 4.4): answering an SP's LogoutRequest with a LogoutResponse, built
//! from the scenario's data like a login response is. A LogoutResponse is a StatusResponseType
//! (saml-core 3.7.2) as a Response is, so the scenario's status, issuer, destination,
//! InResponseTo and removal edits, its signing choices and its tampering all apply unchanged;
//! only the assertions are left out. That gives the broken variants (wrong InResponseTo, a
//! Responder status, unsigned, signed by the wrong key, ...) without any logout-only code path.

use crate::clock::{Clock, IdSource};
use crate::dsig::SignOptions;
use crate::keys::KeyStore;
use crate::pipeline::{GenerateError, GenerateOptions, Generated};
use crate::saml::{build_response, sign_element};
use crate::scenario::{apply_build_edits, apply_tamper, encode_message, DeliveryChoices, Scenario};
use crate::xml::parse;

use super::request::RequestError;

/// What we use of a LogoutRequest (saml-core 3.7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    /// `ID`.
    pub id: String,
    /// `saml:Issuer`: the SP.
    pub issuer: Option<String>,
    /// `saml:NameID`: who logs out.
    pub name_id: Option<String>,
}

/// Parse a LogoutRequest document.
pub fn parse_logout_request(xml: &str) -> Result<LogoutRequest, RequestError> {
    let root = parse(xml)?;
    if root.local_name() != "LogoutRequest" {
        return Err(RequestError::WrongMessage { root: root.name.clone(), expected: "samlp:LogoutRequest" });
    }
    let id = root.get_attr("ID").filter(|id| !id.trim().is_empty()).ok_or(RequestError::NoId)?.to_owned();
    let text = |name: &str| root.find_child(name).map(|e| e.text_content().trim().to_owned()).filter(|t| !t.is_empty());
    Ok(LogoutRequest { id, issuer: text("Issuer"), name_id: text("NameID") })
}

/// The scenario's LogoutResponse, as [`crate::pipeline::generate`] makes a login response: to
/// `options.in_response_to` (the LogoutRequest's ID), for the SP's SingleLogoutService given as
/// `options.sp.acs_url`, encoded as the scenario delivers (never as an artifact).
pub fn logout_response(
    scenario: &Scenario,
    options: &GenerateOptions,
    keys: &mut KeyStore,
    clock: &Clock,
    ids: &mut IdSource,
) -> Result<Generated, GenerateError> {
    let file = &scenario.file;
    let mut response =
        build_response(&options.idp, &options.sp, &options.user, options.in_response_to.as_deref(), clock, ids);
    apply_build_edits(&mut response, &file.build, clock.now(), ids);
    response.assertions.clear();
    let mut root = response.to_element();
    root.name = "samlp:LogoutResponse".into();
    let key =
        keys.load(&file.sign.key).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
    let sign_options = SignOptions {
        signature: file.sign.algorithm,
        digest: file.sign.digest,
        key_info: file.sign.key_info,
        ..SignOptions::default()
    };
    let signed = sign_element(root, options.sign_parts.unwrap_or(file.sign.parts), key, &sign_options)
        .map_err(|source| GenerateError::Sign { scenario: scenario.id.clone(), source })?;
    let xml = apply_tamper(signed, &file.tamper);
    let choices = DeliveryChoices { artifact: false, ..file.deliver.clone() };
    Ok(Generated {
        scenario: scenario.id.clone(),
        response_id: response.id,
        acs_url: options.sp.acs_url.clone(),
        message: encode_message(&xml, &choices, options.relay_state.as_deref()),
        xml,
    })
}
