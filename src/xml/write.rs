//! Serializing the tree as ordinary (not canonical) XML text.

use super::c14n::{escape_text, write_processing_instruction, write_start_tag};
use super::tree::{Element, Node};

/// The document as text, with an XML declaration.
pub fn to_document(root: &Element) -> String {
    let mut out = String::with_capacity(8192);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    write_element(root, &mut out);
    out
}

/// The element alone as text.
pub fn to_string(element: &Element) -> String {
    let mut out = String::with_capacity(8192);
    write_element(element, &mut out);
    out
}

fn write_element(element: &Element, out: &mut String) {
    write_start_tag(
        &element.name,
        element.namespaces.iter().map(|(p, u)| (p.as_str(), u.as_str())),
        element.attributes.iter().map(|a| (a.name.as_str(), a.value.as_str())),
        out,
    );
    if element.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for child in &element.children {
        match child {
            Node::Element(e) => write_element(e, out),
            Node::Text(text) => escape_text(text, out),
            Node::Comment(text) => {
                out.push_str("<!--");
                out.push_str(text);
                out.push_str("-->");
            }
            Node::ProcessingInstruction(target, data) => write_processing_instruction(target, data, out),
        }
    }
    out.push_str("</");
    out.push_str(&element.name);
    out.push('>');
}
