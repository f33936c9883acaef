//! Serializing the tree as ordinary (not canonical) XML text.

use super::c14n::{escape_text, write_end_tag, write_processing_instruction, write_start_tag};
use super::tree::{Element, Node};

/// The document as text, with an XML declaration.
pub fn to_document(root: &Element) -> String {
    let mut out = String::with_capacity(8192);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    write_element(root, &mut out);
    out
}

/// The document as text without an XML declaration (optional: XML 1.0 section 2.8).
pub fn to_document_without_declaration(root: &Element) -> String {
    to_string(root)
}

/// The element alone as text.
pub fn to_string(element: &Element) -> String {
    let mut out = String::with_capacity(8192);
    write_element(element, &mut out);
    out
}

/// Iterative (an explicit stack instead of recursion), so any depth serializes.
fn write_element(root: &Element, out: &mut String) {
    enum Step<'a> {
        Node(&'a Node),
        Open(&'a Element),
        Close(&'a str),
    }
    let mut pending = vec![Step::Open(root)];
    while let Some(step) = pending.pop() {
        let element = match step {
            Step::Open(element) | Step::Node(Node::Element(element)) => element,
            Step::Node(Node::Text(text)) => {
                escape_text(text, out);
                continue;
            }
            Step::Node(Node::Comment(text)) => {
                out.push_str("<!--");
                out.push_str(text);
                out.push_str("-->");
                continue;
            }
            Step::Node(Node::ProcessingInstruction(target, data)) => {
                write_processing_instruction(target, data, out);
                continue;
            }
            Step::Close(name) => {
                write_end_tag(name, out);
                continue;
            }
        };
        write_start_tag(
            &element.name,
            element.namespaces.iter().map(|(p, u)| (p.as_str(), u.as_str())),
            element.attributes.iter().map(|a| (a.name.as_str(), a.value.as_str())),
            out,
        );
        if element.children.is_empty() {
            out.push_str("/>");
            continue;
        }
        out.push('>');
        pending.push(Step::Close(&element.name));
        pending.extend(element.children.iter().rev().map(Step::Node));
    }
}
