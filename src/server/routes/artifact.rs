//! The ArtifactResolve endpoint (saml-bindings 3.6.3, SOAP) at `/artifact`. mockidp issues no
//! resolvable artifacts (the `artifact-unresolvable` scenario's point is that they cannot be
//! resolved), so every artifact gets an ArtifactResponse without a message, as saml-core 3.5.3
//! prescribes for an artifact the responder does not know.

use actix_web::{web, HttpResponse};

use crate::clock::saml_time;
use crate::saml::names::{ASSERTION_NS, PROTOCOL_NS, STATUS_SUCCESS};
use crate::saml::parse_artifact_resolve;
use crate::server::error::ServeError;
use crate::server::log::LogInfo;
use crate::server::state::Shared;
use crate::xml::{to_document, Element};

pub(in crate::server) async fn artifact_resolve(
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> Result<HttpResponse, ServeError> {
    let text = std::str::from_utf8(&body).map_err(|_| ServeError::BadRequest("the SOAP body is not UTF-8".into()))?;
    let resolve = parse_artifact_resolve(text)?.ok_or_else(|| {
        ServeError::BadRequest("no samlp:ArtifactResolve in the SOAP body (saml-bindings 3.6.3)".into())
    })?;
    let mut ids = shared.ids();
    let response = Element::new("samlp:ArtifactResponse")
        .ns("samlp", PROTOCOL_NS)
        .ns("saml", ASSERTION_NS)
        .attr("ID", ids.next_id())
        .attr("Version", "2.0")
        .attr("IssueInstant", saml_time(shared.clock().now()))
        .attr_opt("InResponseTo", (!resolve.id.is_empty()).then_some(resolve.id.as_str()))
        .child(Element::new("saml:Issuer").text(&shared.idp_entity_id))
        .child(Element::new("samlp:Status").child(Element::new("samlp:StatusCode").attr("Value", STATUS_SUCCESS)));
    let soap = Element::new("soap:Envelope")
        .ns("soap", "http://schemas.xmlsoap.org/soap/envelope/")
        .child(Element::new("soap:Body").child(response));
    let mut reply = HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(to_document(&soap));
    reply
        .extensions_mut()
        .insert(LogInfo::new().field("artifact", &resolve.artifact).note("unresolvable (no message)"));
    Ok(reply)
}
