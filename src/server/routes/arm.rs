//! Arming over HTTP at `/api/arm`: "the next login from SP X gets scenario Y" (POST), how many
//! wait (GET), clear them (DELETE).

use actix_web::{web, HttpResponse};

use crate::server::armory::ArmRequest;
use crate::server::error::ServeError;
use crate::server::log::LogInfo;
use crate::server::state::Shared;

pub(in crate::server) async fn arm(
    shared: web::Data<Shared>,
    body: web::Json<ArmRequest>,
) -> Result<HttpResponse, ServeError> {
    let request = body.into_inner();
    shared.scenarios.get(&request.scenario)?;
    if !shared.sps.is_open() {
        shared.known_sp(&request.sp)?;
    }
    let info = LogInfo::new().note("armed").field("sp", &request.sp).field("scenario", &request.scenario);
    let waiting = shared.armory.arm(request.clone()).map_err(ServeError::TooManyArms)?;
    let mut response = HttpResponse::Ok().json(serde_json::json!({ "armed": request, "waiting": waiting }));
    response.extensions_mut().insert(info);
    Ok(response)
}

pub(in crate::server) async fn disarm(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "cleared": shared.armory.clear() }))
}

pub(in crate::server) async fn armed(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "waiting": shared.armory.len() }))
}
