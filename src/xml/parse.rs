//! Parsing XML text into the owned tree, with the checks a careful SP parser makes.
//!
//! Never accepts a DTD: entity expansion is the classic way to blow up a parser, and SAML forbids
//! DOCTYPE anyway (saml-bindings 3.5.4 advises rejecting it). Nesting and attributes are bounded
//! ([`MAX_DEPTH`], [`MAX_ATTRIBUTES`]) and every check is linear, so no input can exhaust the
//! stack or keep a worker busy.

use std::collections::HashSet;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::XmlError;
use super::tree::{split_qname, Attribute, Element, Node, XML_NAMESPACE};

/// The deepest element nesting accepted. Real SAML messages nest about 10 deep; a signed,
/// encrypted, wrapped one stays well under 50.
pub const MAX_DEPTH: usize = 256;

/// The most attributes (namespace declarations included) accepted on one element. Real SAML
/// elements carry fewer than 20.
pub const MAX_ATTRIBUTES: usize = 256;

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
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                // The reader has moved past the event it failed in; it knows where the error is.
                let offset = reader.error_position() as usize;
                return Err(XmlError::Syntax { offset, line: line_of(text, offset), message: error.to_string() });
            }
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(at("content after the root element".into()));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep { limit: MAX_DEPTH, line: line_of(text, position) });
                }
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
                if t.windows(3).any(|w| w == b"]]>") {
                    return Err(at("']]>' is not allowed in text".into()));
                }
                let value = t.unescape().map_err(|e| at(e.to_string()))?;
                check_chars(&value).map_err(at)?;
                push_text(&mut stack, &value).map_err(at)?;
            }
            Event::CData(c) => {
                let value = std::str::from_utf8(&c).map_err(|e| at(e.to_string()))?;
                check_chars(value).map_err(at)?;
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
                let target = std::str::from_utf8(pi.target()).map_err(|e| at(e.to_string()))?;
                let data = std::str::from_utf8(pi.content()).map_err(|e| at(e.to_string()))?;
                check_name(target, false).map_err(at)?;
                if target.eq_ignore_ascii_case("xml") {
                    return Err(at("the processing-instruction target 'xml' is reserved".into()));
                }
                check_chars(data).map_err(at)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::ProcessingInstruction(
                        target.to_owned(),
                        // XML 1.0 [16]: only S (space, tab, CR, LF) separates target from data.
                        data.trim_start_matches([' ', '\t', '\r', '\n']).to_owned(),
                    ));
                }
            }
            Event::Decl(_) if position == 0 => {}
            Event::Decl(_) => return Err(at("the XML declaration must come first in the document".into())),
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
    check_name(&name, true)?;
    check_attribute_spacing(start)?;
    let mut element = Element::new(name);
    // quick-xml's own duplicate check is quadratic; `seen` does it in linear time.
    let mut seen = HashSet::new();
    for (count, attr) in start.attributes().with_checks(false).enumerate() {
        if count == MAX_ATTRIBUTES {
            return Err(format!("element <{}> has more than {MAX_ATTRIBUTES} attributes", element.name));
        }
        let attr = attr.map_err(|e| e.to_string())?;
        let key = std::str::from_utf8(attr.key.as_ref()).map_err(|e| e.to_string())?;
        if !seen.insert(key.to_owned()) {
            return Err(format!("attribute {key} is repeated"));
        }
        let raw = std::str::from_utf8(&attr.value).map_err(|e| e.to_string())?;
        if raw.contains('<') {
            return Err(format!("'<' in the value of attribute {key}"));
        }
        // XML 1.0 §3.3.3: literal whitespace characters in attribute values become spaces.
        let spaced = raw.replace(['\t', '\n', '\r'], " ");
        let value = quick_xml::escape::unescape(&spaced).map_err(|e| format!("attribute {key}: {e}"))?.into_owned();
        check_name(key, true)?;
        check_chars(&value)?;
        if key == "xmlns" {
            if value == XML_NAMESPACE || value == XMLNS_NAMESPACE {
                return Err(format!("the default namespace cannot be the reserved {value}"));
            }
            check_namespace_uri(&value)?;
            element.namespaces.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return Err(format!("xmlns:{prefix}=\"\" cannot undeclare a prefix in XML 1.0"));
            }
            if prefix == "xmlns" || (prefix == "xml") != (value == XML_NAMESPACE) || value == XMLNS_NAMESPACE {
                return Err(format!("reserved prefix or namespace misused in xmlns:{prefix}"));
            }
            check_namespace_uri(&value)?;
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
    let mut expanded = HashSet::new();
    for attr in &element.attributes {
        let (prefix, local) = split_qname(&attr.name);
        let uri = if prefix.is_empty() {
            String::new()
        } else {
            lookup(prefix).ok_or_else(|| format!("attribute {} uses undeclared prefix '{prefix}'", attr.name))?
        };
        if !expanded.insert((uri, local)) {
            return Err(format!("attribute {} is repeated (same namespace and local name)", attr.name));
        }
    }
    Ok(())
}

const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// XML 1.0 [2] Char: no control characters but TAB, LF, CR; no surrogates, U+FFFE or U+FFFF.
fn check_chars(text: &str) -> Result<(), String> {
    match text.chars().find(|&c| {
        !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    }) {
        Some(c) => Err(format!("character U+{:04X} is not allowed in XML", c as u32)),
        None => Ok(()),
    }
}

fn is_name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// XML 1.0 [5] Name, and with `qualified` Namespaces 1.0 [7] QName: at most one colon, both parts non-empty.
fn check_name(name: &str, qualified: bool) -> Result<(), String> {
    let ncname = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
    };
    let valid = if qualified {
        match name.split_once(':') {
            Some((prefix, local)) => ncname(prefix) && ncname(local),
            None => ncname(name),
        }
    } else {
        !name.contains(':') && ncname(name)
    };
    if valid {
        Ok(())
    } else {
        Err(format!("'{name}' is not a valid XML name"))
    }
}

/// XML 1.0 [40]: attributes are separated by white space (quick-xml does not insist).
fn check_attribute_spacing(start: &BytesStart) -> Result<(), String> {
    let raw = start.attributes_raw();
    let mut quote: Option<u8> = None;
    for (i, &byte) in raw.iter().enumerate() {
        match quote {
            Some(q) if byte == q => {
                quote = None;
                if let Some(&next) = raw.get(i + 1) {
                    if !(next.is_ascii_whitespace() || next == b'/') {
                        return Err("attributes must be separated by white space".into());
                    }
                }
            }
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' => quote = Some(byte),
            None => {}
        }
    }
    Ok(())
}

/// Canonical XML 1.0 §2.1 refuses relative namespace URIs, so we do not let one in.
fn check_namespace_uri(uri: &str) -> Result<(), String> {
    if uri.is_empty() {
        return Ok(());
    }
    let scheme = uri.split_once(':').map(|(s, _)| s).unwrap_or("");
    let mut chars = scheme.chars();
    let absolute = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if absolute {
        Ok(())
    } else {
        Err(format!("namespace URI '{uri}' is relative (hint: namespace names must be absolute URIs)"))
    }
}
