//! Single Logout (saml-profiles 4.4) at `/slo` and `/s/{scenario}/slo`: an SP's LogoutRequest
//! gets the scenario's LogoutResponse; an SP's LogoutResponse is acknowledged.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::saml::{
    decode_message, parse_logout_answer, parse_logout_request, verify_redirect_signature, Binding, RequestError,
    SpTarget, User,
};
use crate::server::error::ServeError;
use crate::server::incoming::Incoming;
use crate::server::log::LogInfo;
use crate::server::state::{deliver, deliverable, Keys, Respond, Shared};

pub(in crate::server) async fn slo(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    logout(&shared, &keys, Incoming::read(&request, &body)?, None)
}

pub(in crate::server) async fn slo_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    logout(&shared, &keys, Incoming::read(&request, &body)?, Some(&scenario))
}

fn logout(
    shared: &Shared,
    keys: &Keys,
    incoming: Incoming,
    path_scenario: Option<&str>,
) -> Result<HttpResponse, ServeError> {
    if let Some(answer) = incoming.value("SAMLResponse") {
        let answer = parse_logout_answer(&decode_message(&answer, incoming.binding)?)?;
        let id = answer.id.as_deref().unwrap_or("(no ID)");
        let status = answer.status.as_deref().unwrap_or("(no status)");
        let mut response = HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(format!("logged out: LogoutResponse {id}, status {status}\n"));
        response.extensions_mut().insert(LogInfo::new().field("logout_response", id).field("status", status));
        return Ok(response);
    }
    let saml_request = incoming.value("SAMLRequest").ok_or(RequestError::Missing)?;
    let request = parse_logout_request(&decode_message(&saml_request, incoming.binding)?)?;
    let sp = request.issuer.clone().ok_or_else(|| ServeError::BadRequest("the LogoutRequest has no Issuer".into()))?;
    let registered = shared.known_sp(&sp)?;
    let slo_url = registered.slo_url.clone().ok_or_else(|| {
        ServeError::BadRequest(format!(
            "SP '{sp}' has no SingleLogoutService in its metadata, so there is nowhere to send the LogoutResponse (hint: slo-url in --config)"
        ))
    })?;
    deliverable(&slo_url)?;
    let signed = match incoming.binding {
        Binding::Redirect if !registered.signing_keys.is_empty() => {
            verify_redirect_signature(&incoming.pairs, &registered.signing_keys)?
        }
        _ => false,
    };
    let choice = shared.choose_scenario(None, None, path_scenario);
    let respond = Respond {
        sp: SpTarget { entity_id: sp.clone(), acs_url: slo_url },
        user: User::default(),
        in_response_to: Some(request.id.clone()),
        relay_state: incoming.value("RelayState"),
        logout: true,
        encrypt_to: None,
    };
    let generated = shared.respond(keys, &choice.scenario, respond)?;
    let mut info = LogInfo::new()
        .field("sp", &sp)
        .field("scenario", &generated.scenario)
        .field("chosen", choice.source)
        .field("logout_response", &generated.response_id)
        .field("in_response_to", &request.id)
        .field("binding", incoming.binding.name());
    if signed {
        info = info.note("signed");
    }
    deliver(&generated, info.field("slo", &generated.acs_url))
}
