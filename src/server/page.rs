//! The HTML pages for people and browser tests: the index (scenarios, users, IdP-initiated
//! login) and the picker shown during an SP-initiated login at `/pick/sso`.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::HttpResponse;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::saml::binding::{html_escape as escape, AUTO_SUBMIT_SCRIPT};
use crate::saml::User;
use crate::scenario::{ExpectedOutcome, ScenarioSet};

/// The Content-Security-Policy of every page: no script but the auto-post handler (by its hash),
/// inline style only, forms only to http(s) (an ACS), never framed (clickjacking), no base URL.
fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = BASE64.encode(Sha256::digest(AUTO_SUBMIT_SCRIPT.as_bytes()));
        format!(
            "default-src 'none'; script-src 'unsafe-hashes' 'sha256-{hash}'; style-src 'unsafe-inline'; \
form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'"
        )
    })
}

/// An HTML answer with the headers that keep it from being scripted, sniffed or framed.
pub(crate) fn secure_html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, content_security_policy()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

const STYLE: &str =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .6em;text-align:left}\
tr:nth-child(even){background:#f4f4f4}code{background:#eee}";

fn scenario_rows(scenarios: &ScenarioSet, default: &str, input: bool) -> String {
    let mut rows = String::new();
    for scenario in scenarios.iter() {
        let expect = match scenario.file.expect.outcome {
            ExpectedOutcome::Accept => "accept".to_owned(),
            ExpectedOutcome::Reject => {
                format!("reject ({})", scenario.file.expect.class.map(|c| c.to_string()).unwrap_or_default())
            }
            ExpectedOutcome::Acceptable => "acceptable".to_owned(),
        };
        let id = escape(&scenario.id);
        let choice = if input {
            format!(
                "<td><input type=\"radio\" name=\"scenario\" id=\"scenario-{id}\" value=\"{id}\"{}></td>",
                if scenario.id == default { " checked" } else { "" }
            )
        } else {
            String::new()
        };
        rows.push_str(&format!(
            "<tr>{choice}<td><label for=\"scenario-{id}\"><code>{id}</code></label></td><td>{}</td><td>{}</td></tr>\n",
            escape(&scenario.file.summary),
            escape(&expect)
        ));
    }
    rows
}

fn user_options(users: &[(&str, User)]) -> String {
    users
        .iter()
        .map(|(login, user)| {
            format!("<option value=\"{}\">{} ({})</option>", escape(login), escape(login), escape(&user.name_id))
        })
        .collect()
}

/// `GET /`: what this IdP offers, and a form for IdP-initiated login.
pub(crate) fn index(
    base_url: &str,
    scenarios: &ScenarioSet,
    users: &[(&str, User)],
    sps: &[&str],
    default: &str,
) -> String {
    let sp_input = if sps.is_empty() {
        "<input name=\"sp\" id=\"sp\" size=\"50\" placeholder=\"SP entity ID\"> ACS URL <input name=\"acs\" id=\"acs\" size=\"50\">".to_owned()
    } else {
        format!(
            "<select name=\"sp\" id=\"sp\">{}</select>",
            sps.iter().map(|sp| format!("<option>{}</option>", escape(sp))).collect::<String>()
        )
    };
    let base = escape(base_url);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mockidp</title><style>{STYLE}</style></head><body>\
<h1>mockidp</h1><p>A mock SAML 2.0 IdP for negative testing. Entity metadata: <a href=\"{base}/metadata\">{base}/metadata</a>. \
Point an SP's SSO URL at <code>{base}/sso</code> (default scenario <code>{}</code>), <code>{base}/s/SCENARIO/sso</code>, \
or <code>{base}/pick/sso</code> to choose on each login. Arm a login with <code>POST {base}/api/arm</code>.</p>\
<h2>IdP-initiated login</h2><form id=\"init\" method=\"get\" action=\"{base}/init\"><p>SP {sp_input}</p>\
<p>User <select name=\"user\" id=\"user\">{}</select> RelayState <input name=\"relay_state\"></p>\
<table><tr><th></th><th>scenario</th><th>what is broken</th><th>a correct SP will</th></tr>\n{}</table>\
<p><button type=\"submit\" id=\"login\">Log in</button></p></form>\
<h2>Users</h2><ul>{}</ul></body></html>\n",
        escape(default),
        user_options(users),
        scenario_rows(scenarios, default, true),
        users.iter().map(|(login, user)| format!("<li><code>{}</code>: {}</li>", escape(login), escape(&user.name_id))).collect::<String>()
    )
}

/// `/pick/sso`: the picker for one SP-initiated login; the form carries the original request.
pub(crate) fn pick(
    scenarios: &ScenarioSet,
    users: &[(&str, User)],
    default: &str,
    sp: &str,
    raw_request: &str,
    binding: &str,
) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mockidp: choose a scenario</title><style>{STYLE}</style></head><body>\
<h1>Sign in to {}</h1><form id=\"pick\" method=\"post\" action=\"/pick/continue\">\
<input type=\"hidden\" name=\"request\" value=\"{}\"><input type=\"hidden\" name=\"binding\" value=\"{}\">\
<p>User <select name=\"user\" id=\"user\">{}</select></p>\
<table><tr><th></th><th>scenario</th><th>what is broken</th><th>a correct SP will</th></tr>\n{}</table>\
<p><button type=\"submit\" id=\"login\">Log in</button></p></form></body></html>\n",
        escape(sp),
        escape(raw_request),
        escape(binding),
        user_options(users),
        scenario_rows(scenarios, default, true),
    )
}
