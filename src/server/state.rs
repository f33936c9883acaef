//! What every route shares: the server's state, the one way an SP is resolved, the one way a
//! scenario is chosen, and the one way a generated response is answered.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use actix_web::http::header;
use actix_web::HttpResponse;

use super::armory::{ArmRequest, Armory};
use super::error::ServeError;
use super::log::{clean, LogInfo};
use super::page::secure_html;
use super::sps::{RegisteredSp, SpRegistry};
use crate::clock::{Clock, IdSource, TimeAndIds};
use crate::keys::KeyStore;
use crate::pipeline::{generate, GenerateOptions, Generated};
use crate::saml::binding::{form_encode, is_http_url, with_query};
use crate::saml::{auto_post_form, IdpSettings, SpTarget, User};
use crate::scenario::{HttpMethod, ScenarioSet};

/// What every worker shares.
pub(super) struct Shared {
    pub base_url: String,
    pub idp_entity_id: String,
    pub default_scenario: String,
    pub scenarios: ScenarioSet,
    pub sps: SpRegistry,
    pub armory: Armory,
    pub time_and_ids: TimeAndIds,
    /// How many ID streams have been handed out: the next one's name.
    pub streams: AtomicU64,
}

/// Each worker's own key store: signing never waits on another worker's lock.
pub(super) type Keys = Mutex<KeyStore>;

impl Shared {
    /// The clock for one response.
    pub fn clock(&self) -> Clock {
        self.time_and_ids.clock()
    }

    /// The IDs for one response: with a seed, the next stream in request order.
    pub fn ids(&self) -> IdSource {
        let stream = self.streams.fetch_add(1, Ordering::SeqCst);
        self.time_and_ids.ids(Some(&format!("request-{stream}")))
    }

    /// The IdP as the SP sees it, with the SSO URL at `sso_path`.
    pub fn idp(&self, sso_path: &str) -> IdpSettings {
        IdpSettings { entity_id: self.idp_entity_id.clone(), sso_url: format!("{}{sso_path}", self.base_url) }
    }

    /// A configured SP, or the error that lists the known ones.
    pub fn known_sp(&self, entity_id: &str) -> Result<&RegisteredSp, ServeError> {
        self.sps.get(entity_id).ok_or_else(|| ServeError::UnknownSp {
            entity_id: entity_id.to_owned(),
            known: self.sps.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    /// The SP a message names, and where its response goes. A configured SP answers at the ACS
    /// URL asked for if its metadata lists it (else at its first); in open mode (no SP
    /// configured) any SP may log in at the URL it asks for. `no_acs` says what is missing then.
    pub fn resolve_sp(
        &self,
        entity_id: &str,
        asked_acs: Option<&str>,
        no_acs: &str,
    ) -> Result<(Option<&RegisteredSp>, String), ServeError> {
        let registered = if self.sps.is_open() { None } else { Some(self.known_sp(entity_id)?) };
        let acs_url = match (registered, asked_acs) {
            (Some(known), Some(url)) if !known.acs_urls.iter().any(|u| u == url) => {
                return Err(ServeError::AcsNotAllowed {
                    entity_id: entity_id.to_owned(),
                    acs_url: url.to_owned(),
                    allowed: known.acs_urls.join(", "),
                })
            }
            (_, Some(url)) => url.to_owned(),
            (Some(known), None) => known.acs_urls[0].clone(),
            (None, None) => {
                return Err(ServeError::BadRequest(format!("SP '{entity_id}' is not configured and {no_acs}")))
            }
        };
        deliverable(&acs_url)?;
        Ok((registered, acs_url))
    }

    /// Which scenario a login gets, the most specific first: the one chosen on the picker page,
    /// one armed for this SP, the one named in the path, the server's default.
    pub fn choose_scenario(&self, picked: Option<Picked>, armed: Option<ArmRequest>, path: Option<&str>) -> Choice {
        match (picked, armed, path) {
            (Some(p), _, _) => Choice { scenario: p.scenario, source: "picked", user: p.user },
            (None, Some(arm), _) => Choice { scenario: arm.scenario, source: "armed", user: arm.user },
            (None, None, Some(id)) => Choice { scenario: id.to_owned(), source: "path", user: None },
            (None, None, None) => Choice { scenario: self.default_scenario.clone(), source: "default", user: None },
        }
    }

    /// Generate scenario `scenario_id`'s message for `sp` (a login Response, or with
    /// `logout` the LogoutResponse to its SLO URL).
    pub fn respond(&self, keys: &Keys, scenario_id: &str, request: Respond) -> Result<Generated, ServeError> {
        let scenario = self.scenarios.get(scenario_id)?;
        let options = GenerateOptions {
            idp: self.idp("/sso"),
            sp: request.sp,
            user: request.user,
            in_response_to: request.in_response_to,
            relay_state: request.relay_state,
            sign_parts: None,
            encrypt: request.encrypt_to.is_some(),
            sp_encryption_cert: request.encrypt_to,
            canaries: Default::default(),
        };
        let (clock, mut ids) = (self.clock(), self.ids());
        let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
        let generate = if request.logout { crate::pipeline::logout_response } else { generate };
        Ok(generate(scenario, &options, &mut keys, &clock, &mut ids)?)
    }
}

/// Choices made on the picker page.
pub(super) struct Picked {
    pub scenario: String,
    pub user: Option<String>,
}

/// The scenario a login gets, why, and the user the choice names, if any.
pub(super) struct Choice {
    pub scenario: String,
    /// `picked`, `armed`, `path` or `default`, for the log line.
    pub source: &'static str,
    pub user: Option<String>,
}

/// What a response answers and where it goes.
pub(super) struct Respond {
    pub sp: SpTarget,
    pub user: User,
    pub in_response_to: Option<String>,
    pub relay_state: Option<String>,
    /// A LogoutResponse to the SP's SLO URL (in `sp.acs_url`) instead of a login Response.
    pub logout: bool,
    /// The SP's encryption certificate, when its assertions are encrypted.
    pub encrypt_to: Option<String>,
}

/// Only `http` and `https` URLs are deliverable ([`is_http_url`]).
pub(super) fn deliverable(url: &str) -> Result<(), ServeError> {
    if is_http_url(url) {
        return Ok(());
    }
    Err(ServeError::BadRequest(format!("'{}' is not an http or https URL, so no response is sent there", clean(url))))
}

/// Deliver the response as the scenario says: an auto-submitting form, or a GET redirect.
pub(super) fn deliver(generated: &Generated, info: LogInfo) -> Result<HttpResponse, ServeError> {
    deliverable(&generated.acs_url)?;
    let message = &generated.message;
    let mut response = match message.method {
        HttpMethod::Post => secure_html(auto_post_form(&generated.acs_url, &message.fields)),
        HttpMethod::Get => HttpResponse::Found()
            .insert_header((header::LOCATION, with_query(&generated.acs_url, &form_encode(&message.fields))))
            .finish(),
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    for (name, value) in
        [("x-mockidp-scenario", &generated.scenario), ("x-mockidp-response-id", &generated.response_id)]
    {
        if let Ok(value) = header::HeaderValue::from_str(value) {
            headers.insert(header::HeaderName::from_static(name), value);
        }
    }
    let info = if message.repeat > 1 {
        info.field("repeat", message.repeat.to_string()).note("(a browser delivers once; replay it from the test)")
    } else {
        info
    };
    response.extensions_mut().insert(info);
    Ok(response)
}

/// An XML document answer (metadata).
pub(super) fn xml_response(xml: String) -> HttpResponse {
    HttpResponse::Ok().content_type("application/samlmetadata+xml").body(xml)
}
