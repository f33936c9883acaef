//! Stage 3: edits to the signed document, for scenarios whose point is a broken or abused signature
//! or a broken message. They take a [`SignedResponse`], so they can only happen after signing.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::file::{TamperEdits, Wrapping};
use crate::saml::SignedResponse;
use crate::xml::{to_document, Element, Node};

/// The document text after the scenario's tampering.
pub fn apply_tamper(signed: SignedResponse, edits: &TamperEdits) -> String {
    let mut root = signed.root;
    if let Some(value) = &edits.name_id {
        if let Some(name_id) = root.descendant_mut("NameID") {
            name_id.set_text(value.clone());
        }
    }
    if edits.corrupt_signature_value {
        corrupt_signature_values(&mut root);
    }
    if let Some(wrapping) = edits.wrap {
        wrap(&mut root, wrapping);
    }
    if let Some(name) = &edits.root_element {
        root.name = name.clone();
    }
    let mut text = to_document(&root);
    if let Some(length) = edits.truncate_to {
        let mut cut = length.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

fn corrupt_signature_values(element: &mut Element) {
    for child in element.child_elements_mut() {
        if child.local_name() == "SignatureValue" {
            let mut bytes = BASE64.decode(child.text_content().trim()).unwrap_or_default();
            // Flipping bits keeps the length, so only the RSA check itself can notice.
            for byte in bytes.iter_mut().skip(8).take(4) {
                *byte ^= 0x5a;
            }
            child.set_text(BASE64.encode(bytes));
        } else {
            corrupt_signature_values(child);
        }
    }
}

/// Signature wrapping: the signed assertion stays (so the signature verifies), but an unsigned,
/// evil assertion is where a naive SP looks.
fn wrap(root: &mut Element, wrapping: Wrapping) {
    let Some(index) = root.children.iter().position(|n| matches!(n, Node::Element(e) if e.local_name() == "Assertion"))
    else {
        return;
    };
    let Node::Element(original) = root.children[index].clone() else { return };
    let mut evil = original.clone();
    evil.remove_children("Signature");
    if let Some(name_id) = evil.descendant_mut("NameID") {
        name_id.set_text("admin@example.com");
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
}
