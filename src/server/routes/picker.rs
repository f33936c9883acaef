//! The pages for people: the index (scenarios, users, IdP-initiated login) at `/`, and the
//! picker at `/pick/sso` that lets a person choose the scenario and user of one SP-initiated login.

use actix_web::{web, HttpRequest, HttpResponse};

use super::sso::{check, login};
use crate::saml::binding::{find_pair, parse_pairs};
use crate::saml::Binding;
use crate::server::error::ServeError;
use crate::server::incoming::Incoming;
use crate::server::log::LogInfo;
use crate::server::page::{self, secure_html};
use crate::server::state::{Keys, Picked, Shared};
use crate::server::users::users;

pub(in crate::server) async fn index(shared: web::Data<Shared>) -> HttpResponse {
    let sps: Vec<&str> = shared.sps.iter().map(|s| s.entity_id.as_str()).collect();
    secure_html(page::index(&shared.base_url, &shared.scenarios, &users(), &sps, &shared.default_scenario))
}

/// SP-initiated login through the picker: check the AuthnRequest, then let a person choose.
pub(in crate::server) async fn pick_sso(
    shared: web::Data<Shared>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let incoming = Incoming::read(&request, &body)?;
    let checked = check(&shared, &incoming)?;
    let raw = match incoming.binding {
        Binding::Redirect => request.query_string().to_owned(),
        Binding::Post => String::from_utf8_lossy(&body).into_owned(),
    };
    let mut response = secure_html(page::pick(
        &shared.scenarios,
        &users(),
        &shared.default_scenario,
        &checked.sp,
        &raw,
        incoming.binding.name(),
    ));
    let info = LogInfo::new().field("sp", &checked.sp).note("picker").field("in_response_to", &checked.request_id);
    response.extensions_mut().insert(info);
    Ok(response)
}

/// The picker form's answer: the original request plus the person's choices.
pub(in crate::server) async fn pick_continue(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let form = parse_pairs(&String::from_utf8_lossy(&body));
    let field = |name: &str| find_pair(&form, name).map(|p| p.value.clone()).filter(|v| !v.is_empty());
    let raw =
        field("request").ok_or_else(|| ServeError::BadRequest("the picker form lost its `request` field".into()))?;
    let binding = match field("binding").as_deref() {
        Some("post") => Binding::Post,
        _ => Binding::Redirect,
    };
    let scenario = field("scenario").unwrap_or_else(|| shared.default_scenario.clone());
    shared.scenarios.get(&scenario)?;
    let incoming = Incoming { pairs: parse_pairs(&raw), binding, login_hint: None };
    login(&shared, &keys, incoming, None, Some(Picked { scenario, user: field("user") }))
}
