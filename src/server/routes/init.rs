//! IdP-initiated login (saml-profiles 4.1.5) at `/init` and `/s/{scenario}/init`: an unsolicited
//! response, no InResponseTo.

use actix_web::{web, HttpResponse};

use crate::saml::SpTarget;
use crate::server::error::ServeError;
use crate::server::log::LogInfo;
use crate::server::state::{deliver, Keys, Respond, Shared};
use crate::server::users::user_by_hint;

#[derive(serde::Deserialize)]
pub(in crate::server) struct InitQuery {
    sp: Option<String>,
    acs: Option<String>,
    relay_state: Option<String>,
    #[serde(alias = "RelayState")]
    relay_state_saml: Option<String>,
    user: Option<String>,
    /// The index page's scenario choice.
    scenario: Option<String>,
}

pub(in crate::server) async fn init(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    query: web::Query<InitQuery>,
) -> Result<HttpResponse, ServeError> {
    let scenario = match &query.scenario {
        Some(id) => Some(shared.scenarios.get(id)?.id.clone()),
        None => None,
    };
    idp_initiated(&shared, &keys, scenario.as_deref(), query.into_inner())
}

pub(in crate::server) async fn init_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    path: web::Path<String>,
    query: web::Query<InitQuery>,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    idp_initiated(&shared, &keys, Some(&scenario), query.into_inner())
}

fn idp_initiated(
    shared: &Shared,
    keys: &Keys,
    path_scenario: Option<&str>,
    query: InitQuery,
) -> Result<HttpResponse, ServeError> {
    let sp = query
        .sp
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ServeError::BadRequest("IdP-initiated login needs ?sp=ENTITY_ID".into()))?;
    let (registered, acs_url) = shared.resolve_sp(
        &sp,
        query.acs.as_deref(),
        "the request has no acs (hint: add &acs=ACS_URL, or --sp-metadata)",
    )?;
    let relay_state = query.relay_state.or(query.relay_state_saml);
    let armed = shared.armory.take(&sp, relay_state.as_deref(), query.user.as_deref());
    let choice = shared.choose_scenario(None, armed, path_scenario);
    let user = user_by_hint(choice.user.or(query.user).as_deref()).unwrap_or_default();
    let respond = Respond {
        sp: SpTarget { entity_id: sp.clone(), acs_url },
        user,
        in_response_to: None,
        relay_state,
        logout: false,
        encrypt_to: registered.and_then(|known| known.encrypt_to.clone()),
    };
    let generated = shared.respond(keys, &choice.scenario, respond)?;
    let info = LogInfo::new()
        .field("sp", &sp)
        .field("scenario", &generated.scenario)
        .field("chosen", choice.source)
        .field("response", &generated.response_id)
        .note("idp-initiated")
        .field("acs", &generated.acs_url);
    deliver(&generated, info)
}
