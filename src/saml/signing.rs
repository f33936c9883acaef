//! Signing a Response: which parts, in which order. The result is a separate type, so that an
//! after-signing edit (tampering, wrapping) can only be applied to a signed document.

use serde::{Deserialize, Serialize};

use super::model::Response;
use crate::dsig::{sign_enveloped, DsigError, SignOptions};
use crate::keys::KeySet;
use crate::xml::{to_document, Element};

/// Which parts of the Response carry a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignParts {
    /// Nothing is signed.
    None,
    /// Only the assertion(s).
    Assertion,
    /// Only the Response.
    Response,
    /// The assertion(s) and then the Response around them.
    #[default]
    Both,
}

impl SignParts {
    /// Whether assertions are signed.
    pub fn assertion(self) -> bool {
        matches!(self, SignParts::Assertion | SignParts::Both)
    }

    /// Whether the Response is signed.
    pub fn response(self) -> bool {
        matches!(self, SignParts::Response | SignParts::Both)
    }
}

/// A Response after the signing stage: an XML tree, signed as asked.
#[derive(Debug, Clone)]
pub struct SignedResponse {
    /// The `samlp:Response` element, signatures in place.
    pub root: Element,
}

impl SignedResponse {
    /// The document text, with an XML declaration.
    pub fn to_xml(&self) -> String {
        to_document(&self.root)
    }
}

/// Serialize `response` and sign the parts asked for. Assertions are signed first, so the
/// Response's signature covers theirs (the order every IdP uses).
pub fn sign_response(
    response: &Response,
    parts: SignParts,
    key: &KeySet,
    options: &SignOptions,
) -> Result<SignedResponse, DsigError> {
    sign_element(response.to_element(), parts, key, options)
}

/// Like [`sign_response`], for a Response already turned into its element (and perhaps renamed).
pub fn sign_element(
    mut root: Element,
    parts: SignParts,
    key: &KeySet,
    options: &SignOptions,
) -> Result<SignedResponse, DsigError> {
    if parts.assertion() {
        let assertion_paths: Vec<usize> =
            root.child_elements().enumerate().filter(|(_, e)| e.local_name() == "Assertion").map(|(i, _)| i).collect();
        for index in assertion_paths {
            sign_enveloped(&mut root, &[index], key, options)?;
        }
    }
    if parts.response() {
        sign_enveloped(&mut root, &[], key, options)?;
    }
    Ok(SignedResponse { root })
}
