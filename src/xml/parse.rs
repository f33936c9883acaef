//! Parsing XML text into the owned tree, with the checks a careful SP parser makes.
//!
//! Never accepts a DTD: entity expansion is the classic way to blow up a parser, and SAML forbids
//! DOCTYPE anyway (saml-bindings 3.5.4 advises rejecting it).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::XmlError;
use super::tree::{split_qname, Attribute, Element, Node, XML_NAMESPACE};

/// Parse a complete document and return its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    // XML 1.0 §2.11: literal CR and CRLF become LF before anything else looks at the text.
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.check_comments = true;

    let mut stack: Vec<Element> = Vec::new();
    let mut scopes: Vec<Vec<(String, String)>> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position() as usize;
        let at = |message: String| XmlError::Syntax { offset: position, line: line_of(text, position), message };
        let event = reader.read_event().map_err(|e| at(e.to_string()))?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(at("content after the root element".into()));
            }
            Event::Start(start) => {
                let element = open_element(&start, &scopes).map_err(at)?;
                scopes.push(element.namespaces.clone());
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = open_element(&start, &scopes).map_err(at)?;
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                scopes.pop();
                // The reader checks that end names match, so an element is open here.
                let element = stack.pop().ok_or_else(|| at("unexpected end tag".into()))?;
                attach(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                let value = t.unescape().map_err(|e| at(e.to_string()))?;
                push_text(&mut stack, &value).map_err(at)?;
            }
            Event::CData(c) => {
                let value = std::str::from_utf8(&c).map_err(|e| at(e.to_string()))?;
                if stack.is_empty() {
                    return Err(at("CDATA outside the root element".into()));
                }
                push_text(&mut stack, value).map_err(at)?;
            }
            Event::Comment(c) => {
                if let Some(parent) = stack.last_mut() {
                    let value = std::str::from_utf8(&c).map_err(|e| at(e.to_string()))?;
                    parent.children.push(Node::Comment(value.to_owned()));
                }
            }
            Event::PI(pi) => {
                if let Some(parent) = stack.last_mut() {
                    let target = std::str::from_utf8(pi.target()).map_err(|e| at(e.to_string()))?;
                    let data = std::str::from_utf8(pi.content()).map_err(|e| at(e.to_string()))?;
                    parent.children.push(Node::ProcessingInstruction(
                        target.to_owned(),
                        data.trim_start().to_owned(),
                    ));
                }
            }
            Event::Decl(_) => {}
            Event::DocType(_) => return Err(XmlError::DoctypeForbidden),
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::Syntax {
            offset: text.len(),
            line: line_of(text, text.len()),
            message: format!("element <{}> is not closed", open.name),
        });
    }
    root.ok_or(XmlError::NoRootElement)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn push_text(stack: &mut [Element], value: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(previous)) = parent.children.last_mut() {
                previous.push_str(value);
            } else {
                parent.children.push(Node::Text(value.to_owned()));
            }
            Ok(())
        }
        None if value.chars().all(|c| c.is_ascii_whitespace()) => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

fn open_element(start: &BytesStart, scopes: &[Vec<(String, String)>]) -> Result<Element, String> {
    let name = std::str::from_utf8(start.name().as_ref()).map_err(|e| e.to_string())?.to_owned();
    let mut element = Element::new(name);
    for attr in start.attributes().with_checks(true) {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = std::str::from_utf8(attr.key.as_ref()).map_err(|e| e.to_string())?;
        let raw = std::str::from_utf8(&attr.value).map_err(|e| e.to_string())?;
        if raw.contains('<') {
            return Err(format!("'<' in the value of attribute {key}"));
        }
        // XML 1.0 §3.3.3: literal whitespace characters in attribute values become spaces.
        let spaced = raw.replace(['\t', '\n', '\r'], " ");
        let value = quick_xml::escape::unescape(&spaced).map_err(|e| format!("attribute {key}: {e}"))?.into_owned();
        if key == "xmlns" {
            element.namespaces.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return Err(format!("xmlns:{prefix}=\"\" cannot undeclare a prefix in XML 1.0"));
            }
            if prefix == "xmlns" || (prefix == "xml") != (value == XML_NAMESPACE) {
                return Err(format!("reserved prefix or namespace misused in xmlns:{prefix}"));
            }
            element.namespaces.push((prefix.to_owned(), value));
        } else {
            element.attributes.push(Attribute { name: key.to_owned(), value });
        }
    }
    check_namespaces(&element, scopes)?;
    Ok(element)
}

/// Every prefix used is declared, and no two attributes share an expanded name.
fn check_namespaces(element: &Element, scopes: &[Vec<(String, String)>]) -> Result<(), String> {
    let lookup = |prefix: &str| -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NAMESPACE.to_owned());
        }
        std::iter::once(&element.namespaces)
            .chain(scopes.iter().rev())
            .flat_map(|decls| decls.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.clone())
    };
    let prefix = element.prefix();
    if !prefix.is_empty() && lookup(prefix).is_none() {
        return Err(format!("element <{}> uses undeclared prefix '{prefix}'", element.name));
    }
    let mut expanded = Vec::new();
    for attr in &element.attributes {
        let (prefix, local) = split_qname(&attr.name);
        let uri = if prefix.is_empty() {
            String::new()
        } else {
            lookup(prefix).ok_or_else(|| format!("attribute {} uses undeclared prefix '{prefix}'", attr.name))?
        };
        if expanded.contains(&(uri.clone(), local)) {
            return Err(format!("attribute {} is repeated (same namespace and local name)", attr.name));
        }
        expanded.push((uri, local));
    }
    Ok(())
}
