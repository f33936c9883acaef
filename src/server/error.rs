//! What the server answers when a request cannot be served: always a 4xx (or a 5xx for our own
//! failures) with a plain-text message that says what was wrong.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::pipeline::GenerateError;
use crate::saml::{DecodeError, RequestError};
use crate::scenario::ScenarioError;

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The AuthnRequest is missing, badly encoded, not XML, or its signature fails.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// No scenario has that id.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The SP is not configured.
    #[error("unknown SP '{entity_id}' (known: {known}) (hint: pass its metadata with --sp-metadata, or list it in --config)")]
    UnknownSp {
        /// The entity ID asked for.
        entity_id: String,
        /// The configured ones.
        known: String,
    },
    /// The AuthnRequest names an ACS URL the SP's metadata does not list.
    #[error("ACS URL '{acs_url}' is not one of SP '{entity_id}''s ({allowed})")]
    AcsNotAllowed {
        /// The SP.
        entity_id: String,
        /// The URL asked for.
        acs_url: String,
        /// The allowed ones.
        allowed: String,
    },
    /// Something the request must carry is not there.
    #[error("{0}")]
    BadRequest(String),
    /// The SP's metadata says it signs its AuthnRequests, and this one is not signed.
    #[error("SP '{0}' signs its AuthnRequests (AuthnRequestsSigned=\"true\"), but this one carries no signature")]
    Unsigned(String),
    /// Too many arms are waiting.
    #[error("{0} arms are already waiting; refusing more (hint: DELETE /api/arm clears them)")]
    TooManyArms(usize),
    /// The pipeline failed (a scenario's key set is missing, ...).
    #[error("generating the response failed: {0}")]
    Generate(#[from] GenerateError),
}

impl ResponseError for ServeError {
    fn status_code(&self) -> StatusCode {
        match self {
            ServeError::Request(RequestError::Decode { source: DecodeError::TooLarge { .. }, .. }) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ServeError::Request(RequestError::BadSignature { .. }) | ServeError::Unsigned(_) => StatusCode::FORBIDDEN,
            ServeError::Request(_) | ServeError::BadRequest(_) | ServeError::AcsNotAllowed { .. } => {
                StatusCode::BAD_REQUEST
            }
            ServeError::Scenario(ScenarioError::Unknown { .. }) | ServeError::UnknownSp { .. } => StatusCode::NOT_FOUND,
            ServeError::TooManyArms(_) => StatusCode::TOO_MANY_REQUESTS,
            ServeError::Scenario(_) | ServeError::Generate(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("text/plain; charset=utf-8")
            .body(format!("mockidp: {self}\n"))
    }
}
