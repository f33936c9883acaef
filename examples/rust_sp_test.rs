//! Testing a Rust SP in-process with mockidp: build a scenario's response for the SP, hand the
//! form body to the SP's ACS handler (an actix-web service, no network), and judge the answer
//! with a profile.
//!
//! The SP here is a toy that reports errors the way Authio documents them (a JSON `code` field),
//! so the built-in `authio` profile can judge it. It checks only a few things; it is not a SAML
//! implementation. In your own tests, put your real ACS handler in its place and, with `insta`
//! in your dev-dependencies, snapshot each outcome with `mockidp::assert_sp_outcome!(check)`.
//!
//! Run: `cargo run --example rust_sp_test`

use std::collections::HashMap;

use actix_web::{test, web, App, HttpResponse};
use base64::Engine as _;
use mockidp::profile::Answer;
use mockidp::runner::harness::{sp_under_test, TestIdp};

const ENTITY_ID: &str = "https://sp.example.test/metadata";
const ACS_URL: &str = "https://sp.example.test/acs";

/// The toy SP's ACS endpoint.
async fn acs(form: web::Form<HashMap<String, String>>) -> HttpResponse {
    let reject = |status: u16, code: &str| {
        let status = actix_web::http::StatusCode::from_u16(status).expect("a valid status");
        HttpResponse::build(status).json(serde_json::json!({ "accepted": false, "code": code }))
    };
    let Some(encoded) = form.get("SAMLResponse") else { return reject(400, "xml_unexpected_element") };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return reject(400, "base64_decode_failed");
    };
    let Ok(root) = mockidp::xml::parse(&String::from_utf8_lossy(&bytes)) else {
        return reject(400, "xml_unmarshal_failed");
    };
    if root.local_name() != "Response" {
        return reject(400, "xml_unexpected_element");
    }
    if root.get_attr("Destination") != Some(ACS_URL) {
        return reject(403, "destination_mismatch");
    }
    let audience = root
        .find_child("Assertion")
        .and_then(|a| a.find_child("Conditions"))
        .and_then(|c| c.find_child("AudienceRestriction"))
        .and_then(|r| r.find_child("Audience"))
        .map(|a| a.text_content());
    if audience.as_deref().map(str::trim) != Some(ENTITY_ID) {
        return reject(403, "audience_mismatch");
    }
    HttpResponse::Ok().json(serde_json::json!({ "accepted": true }))
}

fn main() {
    actix_web::rt::System::new().block_on(async {
        let app = test::init_service(App::new().route("/acs", web::post().to(acs))).await;
        let idp = TestIdp::new().expect("the built-in scenarios load");
        let sp = sp_under_test(ENTITY_ID, ACS_URL);
        let mut failed = 0;
        for id in
            ["valid", "wrong-audience", "wrong-destination", "base64-invalid", "malformed-xml", "wrong-root-element"]
        {
            let post = idp.response(id, &sp, None).expect("the scenario builds");
            let request = test::TestRequest::post()
                .uri("/acs")
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(post.form_body())
                .to_request();
            let response = test::call_service(&app, request).await;
            let status = response.status().as_u16();
            let body = String::from_utf8_lossy(&test::read_body(response).await).into_owned();
            let check =
                idp.check("authio", id, &Answer { status, headers: Vec::new(), body }).expect("the profile loads");
            println!("{check}");
            if !check.passed() {
                failed += 1;
            }
        }
        if failed > 0 {
            eprintln!("{failed} scenario(s) failed");
            std::process::exit(1);
        }
    });
}
