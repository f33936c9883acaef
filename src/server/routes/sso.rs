//! SP-initiated login (saml-profiles 4.1.4): an AuthnRequest by HTTP-Redirect or HTTP-POST at
//! `/sso` or `/s/{scenario}/sso`, answered with the chosen scenario's response.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::saml::{
    decode_message, parse_authn_request, verify_enveloped_signature, verify_redirect_signature, Binding, RequestError,
    SpTarget,
};
use crate::server::error::ServeError;
use crate::server::incoming::Incoming;
use crate::server::log::LogInfo;
use crate::server::state::{deliver, Keys, Picked, Respond, Shared};
use crate::server::users::user_by_hint;

pub(in crate::server) async fn sso(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    login(&shared, &keys, Incoming::read(&request, &body)?, None, None)
}

pub(in crate::server) async fn sso_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    login(&shared, &keys, Incoming::read(&request, &body)?, Some(&scenario), None)
}

/// The AuthnRequest after checking: who asked, where the response goes.
pub(in crate::server) struct Checked {
    pub request_id: String,
    pub sp: String,
    pub acs_url: String,
    pub relay_state: Option<String>,
    pub login_hint: Option<String>,
    pub signed: bool,
    /// Where the SP's assertions are encrypted to, if it asks for that.
    pub encrypt_to: Option<String>,
}

/// Decode and check the AuthnRequest: a known SP (unless open), an allowed ACS URL, and the
/// signature the SP's metadata promises.
pub(in crate::server) fn check(shared: &Shared, incoming: &Incoming) -> Result<Checked, ServeError> {
    let saml_request = incoming.value("SAMLRequest").ok_or(RequestError::Missing)?;
    let xml = decode_message(&saml_request, incoming.binding)?;
    let request = parse_authn_request(&xml)?;
    let sp = request.issuer.clone().ok_or_else(|| {
        ServeError::BadRequest("the AuthnRequest has no Issuer, so the SP is unknown (saml-profiles 4.1.4.1)".into())
    })?;
    let (registered, acs_url) = shared.resolve_sp(
        &sp,
        request.acs_url.as_deref(),
        "the AuthnRequest names no AssertionConsumerServiceURL (hint: --sp-metadata)",
    )?;
    let mut signed = false;
    if let Some(known) = registered.filter(|k| !k.signing_keys.is_empty()) {
        signed = match incoming.binding {
            Binding::Redirect => verify_redirect_signature(&incoming.pairs, &known.signing_keys)?,
            Binding::Post if request.has_xml_signature => {
                verify_enveloped_signature(&xml, &known.signing_keys)?;
                true
            }
            Binding::Post => false,
        };
    }
    if registered.is_some_and(|k| k.authn_requests_signed) && !signed {
        return Err(ServeError::Unsigned(sp));
    }
    Ok(Checked {
        request_id: request.id,
        sp,
        acs_url,
        relay_state: incoming.value("RelayState"),
        login_hint: incoming.login_hint.clone().or(request.subject_hint),
        signed,
        encrypt_to: registered.and_then(|known| known.encrypt_to.clone()),
    })
}

/// Answer a checked AuthnRequest with the chosen scenario's response.
pub(in crate::server) fn login(
    shared: &Shared,
    keys: &Keys,
    incoming: Incoming,
    path_scenario: Option<&str>,
    picked: Option<Picked>,
) -> Result<HttpResponse, ServeError> {
    let checked = check(shared, &incoming)?;
    let armed = match picked {
        None => shared.armory.take(&checked.sp, checked.relay_state.as_deref(), checked.login_hint.as_deref()),
        Some(_) => None,
    };
    let choice = shared.choose_scenario(picked, armed, path_scenario);
    let user = user_by_hint(choice.user.as_deref())
        .or_else(|| user_by_hint(checked.login_hint.as_deref()))
        .unwrap_or_default();
    let respond = Respond {
        sp: SpTarget { entity_id: checked.sp.clone(), acs_url: checked.acs_url.clone() },
        user,
        in_response_to: Some(checked.request_id.clone()),
        relay_state: checked.relay_state.clone(),
        logout: false,
        encrypt_to: checked.encrypt_to.clone(),
    };
    let generated = shared.respond(keys, &choice.scenario, respond)?;
    let mut info = LogInfo::new()
        .field("sp", &checked.sp)
        .field("scenario", &generated.scenario)
        .field("chosen", choice.source)
        .field("response", &generated.response_id)
        .field("in_response_to", &checked.request_id)
        .field("binding", incoming.binding.name());
    if checked.signed {
        info = info.note("signed");
    }
    if checked.encrypt_to.is_some() {
        info = info.note("encrypted");
    }
    deliver(&generated, info.field("acs", &generated.acs_url))
}
