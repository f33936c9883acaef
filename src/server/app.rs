//! The actix-web application: routes, the login flow, and starting the server.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::dev::Service as _;
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use super::arm::{ArmRequest, Armory};
use super::config::{ConfigError, ServeConfig};
use super::error::ServeError;
use super::page;
use super::sps::SpRegistry;
use super::users::{user_by_hint, users};
use crate::clock::{Clock, IdSource, TimeAndIds};
use crate::keys::{KeyError, KeyStore};
use crate::pipeline::{generate, logout_response, scenario_metadata, GenerateOptions, Generated};
use crate::saml::binding::{find_pair, form_encode, parse_pairs, with_query, RawPair};
use crate::saml::{
    auto_post_form, decode_message, parse_artifact_resolve, parse_authn_request, parse_logout_answer,
    parse_logout_request, verify_enveloped_signature, verify_redirect_signature, Binding, IdpMetadata, IdpSettings,
    RequestError, SpTarget, User,
};
use crate::scenario::{HttpMethod, ScenarioError, ScenarioSet};

/// The largest request body accepted (a POST AuthnRequest or an arm): far above any real one.
const BODY_LIMIT: usize = 256 * 1024;
/// The largest JSON body accepted by `/api/arm`.
const JSON_LIMIT: usize = 16 * 1024;
/// How long a graceful shutdown waits for requests in flight, in seconds.
const SHUTDOWN_TIMEOUT: u64 = 5;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The scenarios could not be loaded, or the default scenario does not exist.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The default key set is missing.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Binding or running failed.
    #[error("cannot listen on {address}")]
    Io {
        /// The address.
        address: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// What every worker shares.
struct Shared {
    base_url: String,
    idp_entity_id: String,
    default_scenario: String,
    scenarios: ScenarioSet,
    sps: SpRegistry,
    armory: Armory,
    time_and_ids: TimeAndIds,
    /// How many ID streams have been handed out: the next one's name.
    streams: AtomicU64,
}

impl Shared {
    /// The clock for one response.
    fn clock(&self) -> Clock {
        self.time_and_ids.clock()
    }

    /// The IDs for one response: with a seed, the next stream in request order.
    fn ids(&self) -> IdSource {
        let stream = self.streams.fetch_add(1, Ordering::SeqCst);
        self.time_and_ids.ids(Some(&format!("request-{stream}")))
    }

    fn idp(&self, sso_path: &str) -> IdpSettings {
        IdpSettings { entity_id: self.idp_entity_id.clone(), sso_url: format!("{}{sso_path}", self.base_url) }
    }
}

/// Each worker's own key store: signing never waits on another worker's lock.
type Keys = Mutex<KeyStore>;

/// Per-request facts for the one log line the request gets.
#[derive(Clone)]
struct LogInfo(String);

/// Start the server and serve until SIGINT or SIGTERM. Prints `listening on URL` on stdout once
/// it accepts connections.
pub fn serve(config: ServeConfig) -> Result<(), StartError> {
    let scenarios = ScenarioSet::load(config.scenarios_dir.as_deref())?;
    scenarios.get(&config.default_scenario)?;
    KeyStore::new(config.keys_dir.as_deref()).load("default")?;
    let sps = SpRegistry::from_entries(&config.sps)?;
    let address = SocketAddr::new(config.bind, config.port);
    let io = |source| StartError::Io { address: address.to_string(), source };

    actix_web::rt::System::new().block_on(async move {
        // The base URL depends on the port actually bound, so the state is filled in after binding.
        let shared_cell: Arc<std::sync::OnceLock<Arc<Shared>>> = Arc::new(std::sync::OnceLock::new());
        let cell = Arc::clone(&shared_cell);
        let keys_dir = config.keys_dir.clone();
        let mut server = HttpServer::new(move || {
            // Set before `run`, which is what starts the workers that call this factory.
            let shared = Arc::clone(cell.get().expect("state is set before the workers start"));
            let keys: Keys = Mutex::new(KeyStore::new(keys_dir.as_deref()));
            App::new()
                .app_data(web::Data::from(shared))
                .app_data(web::Data::new(keys))
                .app_data(web::PayloadConfig::new(BODY_LIMIT))
                .app_data(web::JsonConfig::default().limit(JSON_LIMIT).error_handler(bad_json))
                .wrap_fn(|request, service| {
                    let method = request.method().clone();
                    let path = request.path().to_owned();
                    let call = service.call(request);
                    async move {
                        let response = call.await?;
                        let status = response.status().as_u16();
                        let info = response.response().extensions().get::<LogInfo>().map(|i| i.0.clone());
                        let error = response.response().error().map(|e| format!(" error=\"{e}\""));
                        let info = info.map(|i| format!(" {i}")).unwrap_or_default();
                        eprintln!("{method} {path} {status}{info}{}", error.unwrap_or_default());
                        Ok(response)
                    }
                })
                .route("/healthz", web::get().to(|| async { "ok" }))
                .route("/", web::get().to(picker))
                .route("/metadata", web::get().to(metadata))
                .route("/s/{scenario}/metadata", web::get().to(per_scenario_metadata))
                .service(web::resource("/sso").route(web::get().to(sso)).route(web::post().to(sso)))
                .service(
                    web::resource("/s/{scenario}/sso")
                        .route(web::get().to(sso_scenario))
                        .route(web::post().to(sso_scenario)),
                )
                .service(web::resource("/pick/sso").route(web::get().to(pick_sso)).route(web::post().to(pick_sso)))
                .route("/pick/continue", web::post().to(pick_continue))
                .service(web::resource("/slo").route(web::get().to(slo)).route(web::post().to(slo)))
                .service(
                    web::resource("/s/{scenario}/slo")
                        .route(web::get().to(slo_scenario))
                        .route(web::post().to(slo_scenario)),
                )
                .route("/artifact", web::post().to(artifact_resolve))
                .route("/init", web::get().to(init))
                .route("/s/{scenario}/init", web::get().to(init_scenario))
                .service(
                    web::resource("/api/arm")
                        .route(web::post().to(arm))
                        .route(web::delete().to(disarm))
                        .route(web::get().to(armed)),
                )
                .default_service(web::to(|request: HttpRequest| async move {
                    HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body(format!(
                        "mockidp: no endpoint {} {} (hint: GET / lists them)\n",
                        request.method(),
                        request.path()
                    ))
                }))
        })
        .shutdown_timeout(SHUTDOWN_TIMEOUT);
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        let server = server.bind(address).map_err(io)?;
        let bound = server.addrs().first().copied().unwrap_or(address);
        let base_url =
            config.base_url.clone().unwrap_or_else(|| format!("http://{bound}")).trim_end_matches('/').to_owned();
        let shared = Shared {
            base_url: base_url.clone(),
            idp_entity_id: config.idp_entity_id.clone(),
            default_scenario: config.default_scenario.clone(),
            scenarios,
            sps,
            armory: Armory::default(),
            time_and_ids: config.time_and_ids,
            streams: AtomicU64::new(0),
        };
        let _ = shared_cell.set(Arc::new(shared));
        let running = server.run();
        println!("listening on http://{bound}");
        let _ = std::io::stdout().flush();
        eprintln!(
            "mockidp serve: base URL {base_url}, default scenario '{}', {} SP(s) configured{}",
            config.default_scenario,
            config.sps.len(),
            if config.sps.is_empty() { " (any SP may log in)" } else { "" }
        );
        running.await.map_err(io)
    })
}

/// `/api/arm` bodies that are not an [`ArmRequest`]: a 400 that shows the expected shape.
fn bad_json(error: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = format!("mockidp: bad arm request: {error} (hint: {{\"sp\": ENTITY_ID, \"scenario\": ID}})\n");
    let response = HttpResponse::BadRequest().content_type("text/plain; charset=utf-8").body(message);
    actix_web::error::InternalError::from_response(error, response).into()
}

async fn metadata(shared: web::Data<Shared>, keys: web::Data<Keys>) -> Result<HttpResponse, ServeError> {
    let idp = shared.idp("/sso");
    let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
    let certificate = keys
        .load("default")
        .map_err(|source| crate::pipeline::GenerateError::Key { scenario: "(metadata)".into(), source })?
        .certificate_base64
        .clone();
    Ok(xml_response(IdpMetadata::new(&idp, &certificate).to_xml()))
}

async fn per_scenario_metadata(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    path: web::Path<String>,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?;
    let idp = shared.idp(&format!("/s/{}/sso", scenario.id));
    let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
    Ok(xml_response(scenario_metadata(scenario, &idp, &mut keys)?))
}

fn xml_response(xml: String) -> HttpResponse {
    HttpResponse::Ok().content_type("application/samlmetadata+xml").body(xml)
}

/// The request's SAML parameters: the query for HTTP-Redirect, the form body for HTTP-POST.
struct Incoming {
    pairs: Vec<RawPair>,
    binding: Binding,
    /// `login_hint` from the query string, whatever the binding.
    login_hint: Option<String>,
}

impl Incoming {
    fn read(request: &HttpRequest, body: &[u8]) -> Result<Self, ServeError> {
        let query = parse_pairs(request.query_string());
        let login_hint = find_pair(&query, "login_hint").map(|p| p.value.clone());
        if request.method() == actix_web::http::Method::POST {
            let body = std::str::from_utf8(body).map_err(|_| {
                ServeError::BadRequest("the form body is not UTF-8 (hint: application/x-www-form-urlencoded)".into())
            })?;
            let pairs = parse_pairs(body);
            if find_pair(&pairs, "SAMLRequest").is_some() || find_pair(&pairs, "SAMLResponse").is_some() {
                return Ok(Incoming { pairs, binding: Binding::Post, login_hint });
            }
        }
        Ok(Incoming { pairs: query, binding: Binding::Redirect, login_hint })
    }
}

/// Choices made on the picker page.
struct Picked {
    scenario: String,
    user: Option<String>,
}

async fn sso(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let incoming = Incoming::read(&request, &body)?;
    login(&shared, &keys, incoming, None, None)
}

async fn sso_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    let incoming = Incoming::read(&request, &body)?;
    login(&shared, &keys, incoming, Some(&scenario), None)
}

/// The AuthnRequest after checking: who asked, where the response goes.
struct Checked {
    request_id: String,
    sp: String,
    acs_url: String,
    relay_state: Option<String>,
    login_hint: Option<String>,
    signed: bool,
}

fn check(shared: &Shared, incoming: &Incoming) -> Result<Checked, ServeError> {
    let saml_request = find_pair(&incoming.pairs, "SAMLRequest").ok_or(RequestError::Missing)?;
    let xml = decode_message(&saml_request.value, incoming.binding)?;
    let request = parse_authn_request(&xml)?;
    let sp = request.issuer.clone().ok_or_else(|| {
        ServeError::BadRequest("the AuthnRequest has no Issuer, so the SP is unknown (saml-profiles 4.1.4.1)".into())
    })?;
    let registered = if shared.sps.is_open() {
        None
    } else {
        Some(shared.sps.get(&sp).ok_or_else(|| ServeError::UnknownSp {
            entity_id: sp.clone(),
            known: shared.sps.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>().join(", "),
        })?)
    };
    let acs_url = match (registered, &request.acs_url) {
        (Some(known), Some(url)) if known.acs_urls.contains(url) => url.clone(),
        (Some(known), Some(url)) => {
            return Err(ServeError::AcsNotAllowed { entity_id: sp, acs_url: url.clone(), allowed: known.acs_urls.join(", ") })
        }
        (Some(known), None) => known.acs_urls[0].clone(),
        (None, Some(url)) => url.clone(),
        (None, None) => {
            return Err(ServeError::BadRequest(format!(
                "the AuthnRequest names no AssertionConsumerServiceURL and SP '{sp}' is not configured (hint: --sp-metadata)"
            )))
        }
    };
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
        relay_state: find_pair(&incoming.pairs, "RelayState").map(|p| p.value.clone()),
        login_hint: incoming.login_hint.clone().or(request.subject_hint),
        signed,
    })
}

fn login(
    shared: &Shared,
    keys: &Keys,
    incoming: Incoming,
    path_scenario: Option<&str>,
    picked: Option<Picked>,
) -> Result<HttpResponse, ServeError> {
    let checked = check(shared, &incoming)?;
    let armed = if picked.is_none() {
        shared.armory.take(&checked.sp, checked.relay_state.as_deref(), checked.login_hint.as_deref())
    } else {
        None
    };
    let (scenario, source, user) = match (&picked, &armed, path_scenario) {
        (Some(p), _, _) => (p.scenario.clone(), "picked", p.user.clone()),
        (None, Some(arm), _) => (arm.scenario.clone(), "armed", arm.user.clone()),
        (None, None, Some(id)) => (id.to_owned(), "path", None),
        (None, None, None) => (shared.default_scenario.clone(), "default", None),
    };
    let user =
        user_by_hint(user.as_deref()).or_else(|| user_by_hint(checked.login_hint.as_deref())).unwrap_or_default();
    let generated = respond(
        shared,
        keys,
        &scenario,
        SpTarget { entity_id: checked.sp.clone(), acs_url: checked.acs_url.clone() },
        user,
        Some(checked.request_id.clone()),
        checked.relay_state.clone(),
    )?;
    let info = format!(
        "sp={} scenario={} ({source}) response={} in_response_to={} binding={}{} acs={}",
        checked.sp,
        generated.scenario,
        generated.response_id,
        checked.request_id,
        incoming.binding.name(),
        if checked.signed { " signed" } else { "" },
        generated.acs_url
    );
    Ok(deliver(&generated, info))
}

fn respond(
    shared: &Shared,
    keys: &Keys,
    scenario_id: &str,
    sp: SpTarget,
    user: User,
    in_response_to: Option<String>,
    relay_state: Option<String>,
) -> Result<Generated, ServeError> {
    let scenario = shared.scenarios.get(scenario_id)?;
    let options = GenerateOptions { idp: shared.idp("/sso"), sp, user, in_response_to, relay_state, sign_parts: None };
    let clock = shared.clock();
    let mut ids = shared.ids();
    let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
    Ok(generate(scenario, &options, &mut keys, &clock, &mut ids)?)
}

/// Deliver the response as the scenario says: an auto-submitting form, or a GET redirect.
fn deliver(generated: &Generated, info: String) -> HttpResponse {
    let message = &generated.message;
    let mut response = match message.method {
        HttpMethod::Post => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(auto_post_form(&generated.acs_url, &message.fields)),
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
        format!("{info} repeat={} (a browser delivers once; replay it from the test)", message.repeat)
    } else {
        info
    };
    response.extensions_mut().insert(LogInfo(info));
    response
}

#[derive(serde::Deserialize)]
struct InitQuery {
    sp: Option<String>,
    acs: Option<String>,
    relay_state: Option<String>,
    #[serde(alias = "RelayState")]
    relay_state_saml: Option<String>,
    user: Option<String>,
    /// The picker page's scenario choice.
    scenario: Option<String>,
}

async fn init(
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

async fn init_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    path: web::Path<String>,
    query: web::Query<InitQuery>,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    idp_initiated(&shared, &keys, Some(&scenario), query.into_inner())
}

/// IdP-initiated login (saml-profiles 4.1.5): an unsolicited response, no InResponseTo.
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
    let acs_url = match (shared.sps.is_open(), shared.sps.get(&sp), query.acs) {
        (false, None, _) => {
            return Err(ServeError::UnknownSp {
                entity_id: sp,
                known: shared.sps.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>().join(", "),
            })
        }
        (_, Some(known), Some(url)) if !known.acs_urls.contains(&url) => {
            return Err(ServeError::AcsNotAllowed {
                entity_id: sp.clone(),
                acs_url: url,
                allowed: known.acs_urls.join(", "),
            })
        }
        (_, _, Some(url)) => url,
        (_, Some(known), None) => known.acs_urls[0].clone(),
        (true, None, None) => {
            return Err(ServeError::BadRequest(format!(
                "SP '{sp}' is not configured: add &acs=ACS_URL (or --sp-metadata)"
            )))
        }
    };
    let relay_state = query.relay_state.or(query.relay_state_saml);
    let armed = shared.armory.take(&sp, relay_state.as_deref(), query.user.as_deref());
    let (scenario, source, user) = match (armed, path_scenario) {
        (Some(arm), _) => (arm.scenario, "armed", arm.user.or(query.user)),
        (None, Some(id)) => (id.to_owned(), "path", query.user),
        (None, None) => (shared.default_scenario.clone(), "default", query.user),
    };
    let user = user_by_hint(user.as_deref()).unwrap_or_default();
    let generated =
        respond(shared, keys, &scenario, SpTarget { entity_id: sp.clone(), acs_url }, user, None, relay_state)?;
    let info = format!(
        "sp={sp} scenario={} ({source}) response={} idp-initiated acs={}",
        generated.scenario, generated.response_id, generated.acs_url
    );
    Ok(deliver(&generated, info))
}

async fn arm(shared: web::Data<Shared>, body: web::Json<ArmRequest>) -> Result<HttpResponse, ServeError> {
    let request = body.into_inner();
    shared.scenarios.get(&request.scenario)?;
    if !shared.sps.is_open() && shared.sps.get(&request.sp).is_none() {
        return Err(ServeError::UnknownSp {
            entity_id: request.sp,
            known: shared.sps.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>().join(", "),
        });
    }
    let info = format!("armed sp={} scenario={}", request.sp, request.scenario);
    let waiting = shared.armory.arm(request.clone()).map_err(ServeError::TooManyArms)?;
    let mut response = HttpResponse::Ok().json(serde_json::json!({ "armed": request, "waiting": waiting }));
    response.extensions_mut().insert(LogInfo(info));
    Ok(response)
}

async fn disarm(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "cleared": shared.armory.clear() }))
}

async fn armed(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "waiting": shared.armory.len() }))
}

async fn picker(shared: web::Data<Shared>) -> HttpResponse {
    let sps: Vec<&str> = shared.sps.iter().map(|s| s.entity_id.as_str()).collect();
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page::index(
        &shared.base_url,
        &shared.scenarios,
        &users(),
        &sps,
        &shared.default_scenario,
    ))
}

/// SP-initiated login through the picker: check the AuthnRequest, then let a person choose.
async fn pick_sso(
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
    let mut response = HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page::pick(
        &shared.scenarios,
        &users(),
        &shared.default_scenario,
        &checked.sp,
        &raw,
        incoming.binding.name(),
    ));
    response
        .extensions_mut()
        .insert(LogInfo(format!("sp={} picker in_response_to={}", checked.sp, checked.request_id)));
    Ok(response)
}

/// The picker form's answer: the original request plus the person's choices.
async fn pick_continue(
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

async fn slo(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    logout(&shared, &keys, Incoming::read(&request, &body)?, None)
}

async fn slo_scenario(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?.id.clone();
    logout(&shared, &keys, Incoming::read(&request, &body)?, Some(&scenario))
}

/// Single Logout: a LogoutRequest from an SP gets the scenario's LogoutResponse; a
/// LogoutResponse (an SP answering) is acknowledged.
fn logout(
    shared: &Shared,
    keys: &Keys,
    incoming: Incoming,
    path_scenario: Option<&str>,
) -> Result<HttpResponse, ServeError> {
    if let Some(answer) = find_pair(&incoming.pairs, "SAMLResponse") {
        let answer = parse_logout_answer(&decode_message(&answer.value, incoming.binding)?)?;
        let status = answer.status.as_deref().unwrap_or("(no status)");
        let id = answer.id.as_deref().unwrap_or("(no ID)");
        let mut response = HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(format!("logged out: LogoutResponse {id}, status {status}\n"));
        response.extensions_mut().insert(LogInfo(format!("logout_response={id} status={status}")));
        return Ok(response);
    }
    let saml_request = find_pair(&incoming.pairs, "SAMLRequest").ok_or(RequestError::Missing)?;
    let xml = decode_message(&saml_request.value, incoming.binding)?;
    let request = parse_logout_request(&xml)?;
    let sp = request.issuer.clone().ok_or_else(|| ServeError::BadRequest("the LogoutRequest has no Issuer".into()))?;
    let registered = shared.sps.get(&sp).ok_or_else(|| ServeError::UnknownSp {
        entity_id: sp.clone(),
        known: shared.sps.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>().join(", "),
    })?;
    let slo_url = registered.slo_url.clone().ok_or_else(|| {
        ServeError::BadRequest(format!(
            "SP '{sp}' has no SingleLogoutService in its metadata, so there is nowhere to send the LogoutResponse (hint: slo-url in --config)"
        ))
    })?;
    let signed = match incoming.binding {
        Binding::Redirect if !registered.signing_keys.is_empty() => {
            verify_redirect_signature(&incoming.pairs, &registered.signing_keys)?
        }
        _ => false,
    };
    let (scenario_id, source) = match path_scenario {
        Some(id) => (id, "path"),
        None => (shared.default_scenario.as_str(), "default"),
    };
    let scenario = shared.scenarios.get(scenario_id)?;
    let relay_state = find_pair(&incoming.pairs, "RelayState").map(|p| p.value.clone());
    let generated = {
        let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
        let options = GenerateOptions {
            idp: shared.idp("/sso"),
            sp: SpTarget { entity_id: sp.clone(), acs_url: slo_url },
            user: User::default(),
            in_response_to: Some(request.id.clone()),
            relay_state,
            sign_parts: None,
        };
        logout_response(scenario, &options, &mut keys, &shared.clock(), &mut shared.ids())?
    };
    let info = format!(
        "sp={sp} scenario={} ({source}) logout_response={} in_response_to={} binding={}{} slo={}",
        generated.scenario,
        generated.response_id,
        request.id,
        incoming.binding.name(),
        if signed { " signed" } else { "" },
        generated.acs_url
    );
    Ok(deliver(&generated, info))
}

/// The ArtifactResolve endpoint (saml-bindings 3.6.3, SOAP). mockidp issues no resolvable
/// artifacts (the `artifact-unresolvable` scenario's point is that they cannot be resolved), so
/// every artifact gets an ArtifactResponse without a message, as saml-core 3.5.3 prescribes for an
/// artifact the responder does not know.
async fn artifact_resolve(shared: web::Data<Shared>, body: web::Bytes) -> Result<HttpResponse, ServeError> {
    let text = std::str::from_utf8(&body).map_err(|_| ServeError::BadRequest("the SOAP body is not UTF-8".into()))?;
    let resolve = parse_artifact_resolve(text)?.ok_or_else(|| {
        ServeError::BadRequest("no samlp:ArtifactResolve in the SOAP body (saml-bindings 3.6.3)".into())
    })?;
    let (request_id, artifact) = (resolve.id, resolve.artifact);
    let mut ids = shared.ids();
    let now = crate::clock::saml_time(shared.clock().now());
    let response = crate::xml::Element::new("samlp:ArtifactResponse")
        .ns("samlp", crate::saml::names::PROTOCOL_NS)
        .ns("saml", crate::saml::names::ASSERTION_NS)
        .attr("ID", ids.next_id())
        .attr("Version", "2.0")
        .attr("IssueInstant", now)
        .attr_opt("InResponseTo", (!request_id.is_empty()).then_some(request_id.as_str()))
        .child(crate::xml::Element::new("saml:Issuer").text(&shared.idp_entity_id))
        .child(crate::xml::Element::new("samlp:Status").child(
            crate::xml::Element::new("samlp:StatusCode").attr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success"),
        ));
    let soap = crate::xml::Element::new("soap:Envelope")
        .ns("soap", "http://schemas.xmlsoap.org/soap/envelope/")
        .child(crate::xml::Element::new("soap:Body").child(response));
    let mut reply = HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(crate::xml::to_document(&soap));
    reply.extensions_mut().insert(LogInfo(format!("artifact={artifact} unresolvable (no message)")));
    Ok(reply)
}
