//! SAML 2.0: the model and its XML form, signing a Response, the bindings' encodings, and metadata.
//!
//! Knows nothing of scenarios or HTTP.

mod binding;
mod build;
mod metadata;
mod model;
pub mod names;
mod signing;
mod write;

pub use binding::{
    auto_post_form, form_decode, post_decode, post_encode, redirect_decode, redirect_encode, DecodeError, INFLATE_LIMIT,
};
pub use build::{
    build_response, IdpSettings, SpTarget, User, DEFAULT_ACS_URL, DEFAULT_IDP_ENTITY_ID, DEFAULT_IDP_SSO_URL,
    DEFAULT_SP_ENTITY_ID,
};
pub use metadata::{IdpMetadata, MetadataError, SpMetadata};
pub use model::*;
pub use signing::{sign_element, sign_response, SignParts, SignedResponse};
