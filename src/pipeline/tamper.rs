//! Stage 3: edits to the signed document, for scenarios whose point is a broken or abused signature
//! or a broken message. They take a [`SignedResponse`], so they can only happen after signing. An
//! edit whose target is not in the document is an error: a tamper that silently does nothing would
//! send a valid response under a broken scenario's name.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::document::{self, Canaries};
use super::edit::{apply_path_edits, PathEditError, PathEdits};
use super::sign::SignedResponse;
use crate::dsig::{reference_digest, DsigError};
use crate::scenario::{CopyEdit, EvilId, Place, Side, SignatureSide, TamperEdits};
use crate::xml::{to_document, to_document_without_declaration, Element, Node, PathMiss, Walk, XmlPath};

/// The NameID an attacker puts in an evil assertion, recognisable in any SP's answer: the one
/// identity of every attack scenario.
pub const EVIL_NAME_ID: &str = "admin@evil.example";

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
    /// `[tamper.document] signed-in-doctype-literal`: a text that the literal or the comment
    /// cannot hold.
    #[error("[tamper] document.signed-in-doctype-literal: {reason}")]
    SignedInDoctype {
        /// Which text, and what it holds.
        reason: &'static str,
    },
    /// A `[[tamper.copy]]` path that must select one element selects several.
    #[error("[tamper] copy {index} {key} \"{path}\": selects {found} elements, and must select exactly one (hint: add a position, e.g. Assertion[1])")]
    NotOne {
        /// The copy's position in `[[tamper.copy]]`, from 1.
        index: usize,
        /// `from` or `to`.
        key: &'static str,
        /// The path as written.
        path: String,
        /// How many it selects.
        found: usize,
    },
    /// A copy placed beside the root element, which has no siblings.
    #[error("[tamper] copy {index}: place = \"{place}\" needs a parent, and \"{path}\" is the root (hint: a second root element is `second-root`)")]
    BesideRoot {
        /// The copy's position, from 1.
        index: usize,
        /// The place asked for.
        place: &'static str,
        /// The `to` path.
        path: String,
    },
    /// The evil side of a copy has no ID to change.
    #[error("[tamper] copy {index}: evil-id = \"fresh\", but the evil element has no ID attribute")]
    NoId {
        /// The copy's position, from 1.
        index: usize,
    },
    /// A digest could not be recomputed for `digest-comment` or `second-signed-info`.
    #[error("[tamper] {edit}: {message}")]
    Digest {
        /// The `[tamper]` key.
        edit: &'static str,
        /// What went wrong (the signature error's text).
        message: String,
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
    let signed_text = edits.document.signed_in_doctype_literal.then(|| crate::xml::to_string(&root));
    for (index, copy) in edits.copy.iter().enumerate() {
        apply_copy(&mut root, copy, index + 1)?;
    }
    let remove: Vec<_> = edits.remove.iter().collect();
    apply_path_edits(&mut root, PathEdits { stage: "tamper", set: &edits.set, text: &edits.text, remove: &remove })?;
    let name_id_value = edits.name_id.clone().or_else(|| edits.evil_name_id.then(|| EVIL_NAME_ID.to_owned()));
    if let Some(value) = name_id_value {
        let edit = if edits.name_id.is_some() { "name-id" } else { "evil-name-id" };
        let name_id = root.descendant_mut("NameID").ok_or(TamperError::NoTarget {
            edit,
            target: "NameID",
            hint: NO_ASSERTION_HINT,
        })?;
        name_id.set_text(value);
    }
    if edits.corrupt_signature_value && corrupt_signature_values(&mut root) == 0 {
        return Err(TamperError::NoTarget {
            edit: "corrupt-signature-value",
            target: "ds:SignatureValue",
            hint: UNSIGNED_HINT,
        });
    }
    if edits.digest_comment {
        redigest(&mut root, "digest-comment", |signature, digest| {
            let value =
                signature.find_child_mut("SignedInfo")?.find_child_mut("Reference")?.find_child_mut("DigestValue")?;
            value.children.insert(0, Node::Comment(digest));
            Some(())
        })?;
    }
    if edits.second_signed_info {
        redigest(&mut root, "second-signed-info", |signature, digest| {
            let position = signature
                .children
                .iter()
                .position(|n| matches!(n, Node::Element(e) if e.local_name() == "SignedInfo"))?;
            let Node::Element(first) = &signature.children[position] else { return None };
            let mut second = first.clone();
            second.find_child_mut("Reference")?.find_child_mut("DigestValue")?.set_text(digest);
            signature.children.insert(position + 1, Node::Element(second));
            Some(())
        })?;
    }
    if let Some(name) = &edits.root_element {
        root.name = name.clone();
    }
    let second_root = if edits.second_root { Some(evil_second_root(&root)?) } else { None };
    let marked = document::mark(&mut root, &edits.document, canaries)?;
    let mut text = if edits.no_xml_declaration { to_document_without_declaration(&root) } else { to_document(&root) };
    if let Some(second) = second_root {
        // XML 1.0 section 2.1, production [1]: one root element, then only comments, PIs and spaces.
        text.push_str(&crate::xml::to_string(&second));
    }
    let mut text = document::write(text, &marked, &edits.document, canaries);
    if let Some(signed) = signed_text {
        text = document::hide_signed_in_doctype(text, &signed, &root.name, edits.document.doctype.is_some())?;
    }
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
    let mut paths = Vec::new();
    element.walk(&mut |path, e| {
        if e.local_name() == "SignatureValue" {
            paths.push(path.to_vec());
            Walk::Skip
        } else {
            Walk::Descend
        }
    });
    for path in &paths {
        let value = element.at_mut(path).expect("walk returns paths into this tree");
        let mut bytes = BASE64.decode(value.text_content().trim()).unwrap_or_default();
        // Flipping bits keeps the length, so only the RSA check itself can notice.
        for byte in bytes.iter_mut().skip(8).take(4) {
            *byte ^= 0x5a;
        }
        value.set_text(BASE64.encode(bytes));
    }
    paths.len()
}

/// The one element `path` selects, for `[[tamper.copy]]` number `index`.
fn select_one(root: &Element, path: &XmlPath, key: &'static str, index: usize) -> Result<Vec<usize>, TamperError> {
    let error = |miss| PathEditError { stage: "tamper", edit: "copy", path: path.to_string(), miss: Box::new(miss) };
    let mut selected = path.select(root).map_err(error)?;
    if selected.len() != 1 {
        return Err(TamperError::NotOne { index, key, path: path.to_string(), found: selected.len() });
    }
    Ok(selected.remove(0))
}

/// Make `element` the attacker's: every NameID in it (none is an error), and its ID if asked.
fn make_evil(element: &mut Element, id: EvilId, index: usize) -> Result<(), TamperError> {
    let mut name_ids = Vec::new();
    element.walk(&mut |path, e| {
        if e.local_name() == "NameID" {
            name_ids.push(path.to_vec());
        }
        Walk::Descend
    });
    if name_ids.is_empty() {
        return Err(TamperError::NoTarget {
            edit: "copy",
            target: "NameID in the evil element",
            hint: NO_ASSERTION_HINT,
        });
    }
    for path in &name_ids {
        element.at_mut(path).expect("walk returns paths into this tree").set_text(EVIL_NAME_ID);
    }
    if id == EvilId::Fresh {
        let fresh = format!("{}-evil", element.get_attr("ID").ok_or(TamperError::NoId { index })?);
        element.set_attr("ID", fresh);
    }
    Ok(())
}

/// One `[[tamper.copy]]`: copy, make one side evil, then insert the copy (see [`CopyEdit`]).
fn apply_copy(root: &mut Element, edit: &CopyEdit, index: usize) -> Result<(), TamperError> {
    let from = select_one(root, &edit.from, "from", index)?;
    let original = root.at_mut(&from).expect("select returns paths into this tree");
    let mut copy = original.clone();
    match edit.signature {
        SignatureSide::Original => copy.remove_children("Signature"),
        SignatureSide::Copy => original.remove_children("Signature"),
    };
    match edit.evil {
        Side::Original => make_evil(original, edit.evil_id, index)?,
        Side::Copy => make_evil(&mut copy, edit.evil_id, index)?,
        Side::Neither => {}
    }
    if let Some(name) = &edit.wrap_in {
        copy = Element::new(name.clone()).child(copy);
    }
    let to = select_one(root, &edit.to, "to", index)?;
    let beside_root = |place| TamperError::BesideRoot { index, place, path: edit.to.to_string() };
    match edit.place {
        Place::FirstChild => root.at_mut(&to).expect("selected").children.insert(0, Node::Element(copy)),
        Place::LastChild => root.at_mut(&to).expect("selected").children.push(Node::Element(copy)),
        place => {
            let (&last, parent_path) = to.split_last().ok_or_else(|| beside_root(place_name(place)))?;
            let parent = root.at_mut(parent_path).expect("the parent of a selected element");
            let position = node_index(parent, last);
            match place {
                Place::Before => parent.children.insert(position, Node::Element(copy)),
                Place::After => parent.children.insert(position + 1, Node::Element(copy)),
                _ => {
                    let anchor = std::mem::replace(&mut parent.children[position], Node::Text(String::new()));
                    copy.children.push(anchor);
                    parent.children[position] = Node::Element(copy);
                }
            }
        }
    }
    Ok(())
}

fn place_name(place: Place) -> &'static str {
    match place {
        Place::Before => "before",
        Place::After => "after",
        Place::FirstChild => "first-child",
        Place::LastChild => "last-child",
        Place::Around => "around",
    }
}

/// The index in `parent.children` of its `element_index`-th child element.
fn node_index(parent: &Element, element_index: usize) -> usize {
    parent
        .children
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Element(_)))
        .nth(element_index)
        .map(|(i, _)| i)
        .expect("select returns paths into this tree")
}

/// For each `ds:Signature` (in document order) whose Reference no longer matches the element it
/// names, `edit` it with the digest that element has now. None changed is an error: the edit
/// would do nothing.
fn redigest(
    root: &mut Element,
    edit: &'static str,
    change: impl Fn(&mut Element, String) -> Option<()>,
) -> Result<(), TamperError> {
    let mut signatures = Vec::new();
    root.walk(&mut |path, e| {
        if e.local_name() == "Signature" {
            signatures.push(path.to_vec());
            Walk::Skip
        } else {
            Walk::Descend
        }
    });
    let mut changed = Vec::new();
    for path in &signatures {
        let digest = reference_digest(root, path)
            .map_err(|e: DsigError| TamperError::Digest { edit, message: e.to_string() })?;
        let signature = root.at(path).expect("walk returns paths into this tree");
        let signed = signature
            .find_child("SignedInfo")
            .and_then(|s| s.find_child("Reference"))
            .and_then(|r| r.find_child("DigestValue"))
            .map(|d| d.text_content())
            .unwrap_or_default();
        if signed.trim() != digest {
            changed.push((path.clone(), digest));
        }
    }
    if changed.is_empty() {
        return Err(TamperError::NoTarget {
            edit,
            target: "signed element changed after signing",
            hint: " (hint: change it first, e.g. evil-name-id = true)",
        });
    }
    // Edits inside a signature never move the signatures before it, so the paths stay valid.
    for (path, digest) in changed {
        let signature = root.at_mut(&path).expect("walk returns paths into this tree");
        change(signature, digest).ok_or(TamperError::NoTarget {
            edit,
            target: "ds:SignedInfo/ds:Reference/ds:DigestValue",
            hint: UNSIGNED_HINT,
        })?;
    }
    Ok(())
}

/// The root again, for `second-root`: named `samlp:Response` (whatever the signed root is), no
/// signatures, a fresh ID, the attacker's NameID.
fn evil_second_root(root: &Element) -> Result<Element, TamperError> {
    let mut evil = root.clone();
    evil.name = format!("{}:Response", root.prefix()).trim_start_matches(':').to_owned();
    let mut signatures = Vec::new();
    evil.walk(&mut |path, e| {
        if e.local_name() == "Signature" {
            signatures.push(path.to_vec());
            Walk::Skip
        } else {
            Walk::Descend
        }
    });
    for path in signatures.iter().rev() {
        evil.remove_at(path);
    }
    make_evil(&mut evil, EvilId::Fresh, 0).map_err(|_| TamperError::NoTarget {
        edit: "second-root",
        target: "NameID and ID",
        hint: NO_ASSERTION_HINT,
    })?;
    Ok(evil)
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
            TamperEdits { digest_comment: true, ..TamperEdits::default() },
            TamperEdits {
                copy: vec![CopyEdit {
                    from: XmlPath::parse("Response/Assertion").unwrap(),
                    to: XmlPath::parse("Response/Assertion").unwrap(),
                    place: Place::Before,
                    wrap_in: None,
                    evil: Side::Copy,
                    evil_id: EvilId::Fresh,
                    signature: SignatureSide::Original,
                }],
                ..TamperEdits::default()
            },
            TamperEdits { truncate_to: Some(100_000), ..TamperEdits::default() },
        ];
        for edits in cases {
            let error = apply_tamper(unsigned(bare), &edits).unwrap_err();
            assert!(error.to_string().starts_with("[tamper] "), "{error}");
        }
        assert!(apply_tamper(unsigned(bare), &TamperEdits::default()).is_ok());
    }
}
