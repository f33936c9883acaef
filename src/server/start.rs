//! Starting the server: load and check everything first, bind, then serve until SIGINT or
//! SIGTERM. One log line per request, written by the middleware here.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use actix_web::dev::Service as _;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use super::armory::Armory;
use super::config::{ConfigError, ServeConfig};
use super::log::{clean, LogInfo};
use super::sps::SpRegistry;
use super::state::{Keys, Shared};
use crate::keys::{KeyError, KeyStore};
use crate::scenario::{ScenarioError, ScenarioSet};

/// The largest request body accepted (a POST AuthnRequest or an arm): far above any real one.
const BODY_LIMIT: usize = 256 * 1024;
/// The largest JSON body accepted by `/api/arm`.
const JSON_LIMIT: usize = 16 * 1024;
/// How long a graceful shutdown waits for requests in flight, in seconds.
const SHUTDOWN_TIMEOUT: u64 = 5;

/// The most worker threads (actix-web's own limit).
pub const MAX_WORKERS: usize = 512;

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
    /// More worker threads than [`MAX_WORKERS`].
    #[error("{0} workers is more than {MAX_WORKERS} (hint: 0 means one per core)")]
    Workers(usize),
    /// Binding or running failed.
    #[error("cannot listen on {address}")]
    Io {
        /// The address.
        address: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Start the server and serve until SIGINT or SIGTERM. Prints `listening on URL` on stdout once
/// it accepts connections.
pub fn serve(config: ServeConfig) -> Result<(), StartError> {
    if config.workers > MAX_WORKERS {
        return Err(StartError::Workers(config.workers));
    }
    let mut keys = KeyStore::open(config.keys_dir.as_deref())?;
    let scenarios = ScenarioSet::load_with_keys(config.scenarios_dir.as_deref(), &keys)?;
    scenarios.get(&config.default_scenario)?;
    keys.load("default")?;
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
                    let path = clean(request.path());
                    let call = service.call(request);
                    async move {
                        let response = call.await?;
                        let status = response.status().as_u16();
                        let info = response.response().extensions().get::<LogInfo>().map(|i| i.as_str().to_owned());
                        let error =
                            response.response().error().map(|e| format!(" error=\"{}\"", clean(&e.to_string())));
                        eprintln!("{method} {path} {status}{}{}", info.unwrap_or_default(), error.unwrap_or_default());
                        Ok(response)
                    }
                })
                .configure(super::routes::configure)
        })
        .shutdown_timeout(SHUTDOWN_TIMEOUT);
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        let server = server.bind(address).map_err(io)?;
        let bound = server.addrs().first().copied().unwrap_or(address);
        if bound.ip().is_unspecified() {
            eprintln!(
                "mockidp serve: warning: listening on every interface ({}): anyone on the network can reach this \
IdP, and its keys are public test keys (hint: keep --bind 127.0.0.1 unless a test needs otherwise)",
                bound.ip()
            );
        }
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", advertised(bound)))
            .trim_end_matches('/')
            .to_owned();
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

/// The address to put in URLs: an unspecified bind address (`0.0.0.0`, `::`) is not one a browser
/// can reach, so loopback stands in for it (`--base-url` names the real one).
fn advertised(bound: SocketAddr) -> SocketAddr {
    match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), bound.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), bound.port()),
        _ => bound,
    }
}

/// `/api/arm` bodies that are not an [`ArmRequest`]: a 400 that shows the expected shape.
fn bad_json(error: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = format!("mockidp: bad arm request: {error} (hint: {{\"sp\": ENTITY_ID, \"scenario\": ID}})\n");
    let response = HttpResponse::BadRequest().content_type("text/plain; charset=utf-8").body(message);
    actix_web::error::InternalError::from_response(error, response).into()
}
