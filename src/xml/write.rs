//! Serializing the tree as ordinary (not canonical) XML text.

use super::c14n::{escape_attribute, escape_text};
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
    out.push('<');
    out.push_str(&element.name);
    for (prefix, uri) in &element.namespaces {
        out.push_str(if prefix.is_empty() { " xmlns" } else { " xmlns:" });
        out.push_str(prefix);
        out.push_str("=\"");
        escape_attribute(uri, out);
        out.push('"');
    }
    for attr in &element.attributes {
        out.push(' ');
        out.push_str(&attr.name);
        out.push_str("=\"");
        escape_attribute(&attr.value, out);
        out.push('"');
    }
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
            Node::ProcessingInstruction(target, data) => {
                out.push_str("<?");
                out.push_str(target);
                if !data.is_empty() {
                    out.push(' ');
                    out.push_str(data);
                }
                out.push_str("?>");
            }
        }
    }
    out.push_str("</");
    out.push_str(&element.name);
    out.push('>');
}
