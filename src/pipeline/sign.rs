//! Stage 2: signing, in two steps as real IdPs do (crewjam/saml: make the assertion, sign it,
//! encrypt it, make the Response, sign it). Each step's result is its own type, so the steps run
//! in order and an after-signing edit (tampering, wrapping) can only touch a signed document.
//! Encryption, when it comes, sits between [`sign_assertions`] and [`sign_response`].

use crate::dsig::{sign_enveloped, DsigError, SignOptions};
use crate::keys::KeySet;
use crate::scenario::SignParts;
use crate::xml::Element;

/// A Response element whose assertions are signed as asked (step 1), the Response not yet.
#[derive(Debug, Clone)]
pub struct AssertionsSigned {
    /// The `samlp:Response` element.
    pub root: Element,
}

/// A Response after the signing stage (step 2): an XML tree, signed as asked.
#[derive(Debug, Clone)]
pub struct SignedResponse {
    /// The `samlp:Response` element, signatures in place.
    pub root: Element,
}

/// Step 1: sign each assertion directly under the Response, if `parts` asks for it.
pub fn sign_assertions(
    mut root: Element,
    parts: SignParts,
    key: &KeySet,
    options: &SignOptions,
) -> Result<AssertionsSigned, DsigError> {
    if parts.assertion() {
        let indices: Vec<usize> =
            root.child_elements().enumerate().filter(|(_, e)| e.local_name() == "Assertion").map(|(i, _)| i).collect();
        for index in indices {
            sign_enveloped(&mut root, &[index], key, options)?;
        }
    }
    Ok(AssertionsSigned { root })
}

/// Step 2: sign the Response around the (signed) assertions, if `parts` asks for it, so its
/// signature covers theirs.
pub fn sign_response(
    assertions: AssertionsSigned,
    parts: SignParts,
    key: &KeySet,
    options: &SignOptions,
) -> Result<SignedResponse, DsigError> {
    let mut root = assertions.root;
    if parts.response() {
        sign_enveloped(&mut root, &[], key, options)?;
    }
    Ok(SignedResponse { root })
}

/// Both steps, for a caller with nothing to do between them.
pub fn sign(root: Element, parts: SignParts, key: &KeySet, options: &SignOptions) -> Result<SignedResponse, DsigError> {
    sign_response(sign_assertions(root, parts, key, options)?, parts, key, options)
}
