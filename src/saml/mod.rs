//! SAML 2.0: the model and its XML form, the bindings, reading what SPs send, and metadata.
//!
//! Knows nothing of scenarios or HTTP.

pub mod binding;
mod build;
mod metadata;
mod model;
pub mod names;
mod request;
mod write;

pub use binding::{auto_post_form, form_decode, Binding, DecodeError, INFLATE_LIMIT};
pub use build::{
    build_response, IdpSettings, SpTarget, User, DEFAULT_ACS_URL, DEFAULT_IDP_ENTITY_ID, DEFAULT_IDP_SSO_URL,
    DEFAULT_SP_ENTITY_ID,
};
pub use metadata::{IdpMetadata, MetadataError, SpMetadata};
pub use model::*;
pub use request::{
    decode_authn_request, decode_message, parse_artifact_resolve, parse_authn_request, parse_logout_answer,
    parse_logout_request, verify_enveloped_signature, verify_redirect_signature, ArtifactResolve, AuthnRequest,
    LogoutAnswer, LogoutRequest, RequestError,
};
