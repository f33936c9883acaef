//! The routes, one module per area, and the one table that maps paths to them.

mod arm;
mod artifact;
mod init;
mod metadata;
mod picker;
mod slo;
mod sso;

use actix_web::{web, HttpRequest, HttpResponse};

/// Every endpoint. `/s/{scenario}/...` forms fix the scenario for that URL.
pub(super) fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(|| async { "ok" }))
        .route("/", web::get().to(picker::index))
        .route("/metadata", web::get().to(metadata::metadata))
        .route("/s/{scenario}/metadata", web::get().to(metadata::per_scenario_metadata))
        .service(web::resource("/sso").route(web::get().to(sso::sso)).route(web::post().to(sso::sso)))
        .service(
            web::resource("/s/{scenario}/sso")
                .route(web::get().to(sso::sso_scenario))
                .route(web::post().to(sso::sso_scenario)),
        )
        .service(
            web::resource("/pick/sso").route(web::get().to(picker::pick_sso)).route(web::post().to(picker::pick_sso)),
        )
        .route("/pick/continue", web::post().to(picker::pick_continue))
        .service(web::resource("/slo").route(web::get().to(slo::slo)).route(web::post().to(slo::slo)))
        .service(
            web::resource("/s/{scenario}/slo")
                .route(web::get().to(slo::slo_scenario))
                .route(web::post().to(slo::slo_scenario)),
        )
        .route("/artifact", web::post().to(artifact::artifact_resolve))
        .route("/init", web::get().to(init::init))
        .route("/s/{scenario}/init", web::get().to(init::init_scenario))
        .service(
            web::resource("/api/arm")
                .route(web::post().to(arm::arm))
                .route(web::delete().to(arm::disarm))
                .route(web::get().to(arm::armed)),
        )
        .default_service(web::to(not_found));
}

async fn not_found(request: HttpRequest) -> HttpResponse {
    HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body(format!(
        "mockidp: no endpoint {} {} (hint: GET / lists them)\n",
        request.method(),
        crate::server::log::clean(request.path())
    ))
}
