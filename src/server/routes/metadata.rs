//! The IdP's metadata at `/metadata`, and per scenario at `/s/{scenario}/metadata`: what the SP
//! is told to trust, broken as the scenario says.

use actix_web::{web, HttpResponse};

use crate::pipeline::{scenario_metadata, GenerateError};
use crate::saml::IdpMetadata;
use crate::server::error::ServeError;
use crate::server::state::{xml_response, Keys, Shared};

pub(in crate::server) async fn metadata(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
) -> Result<HttpResponse, ServeError> {
    let idp = shared.idp("/sso");
    let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
    let certificate = keys
        .load("default")
        .map_err(|source| GenerateError::Key { scenario: "(metadata)".into(), source })?
        .certificate_base64
        .clone();
    Ok(xml_response(IdpMetadata::new(&idp, &certificate).to_xml()))
}

pub(in crate::server) async fn per_scenario_metadata(
    shared: web::Data<Shared>,
    keys: web::Data<Keys>,
    path: web::Path<String>,
) -> Result<HttpResponse, ServeError> {
    let scenario = shared.scenarios.get(&path)?;
    let idp = shared.idp(&format!("/s/{}/sso", scenario.id));
    let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
    Ok(xml_response(scenario_metadata(scenario, &idp, &mut keys)?))
}
