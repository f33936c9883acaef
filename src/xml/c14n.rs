//! W3C Exclusive XML Canonicalization 1.0, without comments
//! (<http://www.w3.org/2001/10/xml-exc-c14n#>), with InclusiveNamespaces PrefixList support.
//!
//! Canonicalizes the subtree under one element (the "apex"), which is what an enveloped
//! signature's Reference and SignedInfo need. It must produce exactly libxml2's bytes; the
//! differential test in `tests/c14n_differential.rs` holds it to that.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::error::XmlError;
use super::tree::{split_qname, Element, Node, XML_NAMESPACE};

/// The namespaces in scope: prefix (`""` for the default namespace) to URI.
type Scope = BTreeMap<String, String>;

/// Exclusive canonical form of the element at `apex` (an index path from `root`).
///
/// `inclusive_prefixes` is the PrefixList; `#default` names the default namespace.
pub fn exclusive_c14n(root: &Element, apex: &[usize], inclusive_prefixes: &[&str]) -> Result<String, XmlError> {
    let mut scope = Scope::new();
    let mut element = root;
    for &index in apex {
        apply_declarations(&mut scope, element);
        element = element.child_elements().nth(index).ok_or_else(|| XmlError::NoSuchElement(apex.to_vec()))?;
    }
    let inclusive: Vec<&str> = inclusive_prefixes.iter().map(|p| if *p == "#default" { "" } else { p }).collect();
    let mut out = String::with_capacity(4096);
    write_element(element, scope, &inclusive, &mut out);
    Ok(out)
}

fn apply_declarations(scope: &mut Scope, element: &Element) {
    for (prefix, uri) in &element.namespaces {
        scope.insert(prefix.clone(), uri.clone());
    }
}

/// Iterative (an explicit stack instead of recursion), so any depth canonicalizes. Each open
/// element shares its namespace scopes with its children through an `Rc`.
fn write_element(apex: &Element, apex_scope: Scope, inclusive: &[&str], out: &mut String) {
    enum Step<'a> {
        Open(&'a Element, Rc<Scope>, Rc<Scope>),
        Node(&'a Node, Rc<Scope>, Rc<Scope>),
        Close(&'a str),
    }
    let mut pending = vec![Step::Open(apex, Rc::new(apex_scope), Rc::new(Scope::new()))];
    while let Some(step) = pending.pop() {
        let (element, parent_scope, rendered) = match step {
            Step::Open(element, scope, rendered) | Step::Node(Node::Element(element), scope, rendered) => {
                (element, scope, rendered)
            }
            Step::Node(Node::Text(text), ..) => {
                escape_text(text, out);
                continue;
            }
            Step::Node(Node::Comment(_), ..) => continue,
            Step::Node(Node::ProcessingInstruction(target, data), ..) => {
                write_processing_instruction(target, data, out);
                continue;
            }
            Step::Close(name) => {
                write_end_tag(name, out);
                continue;
            }
        };
        let (scope, now_rendered) = write_canonical_start(element, &parent_scope, &rendered, inclusive, out);
        out.push('>');
        pending.push(Step::Close(&element.name));
        let (scope, now_rendered) = (Rc::new(scope), Rc::new(now_rendered));
        pending
            .extend(element.children.iter().rev().map(|child| Step::Node(child, scope.clone(), now_rendered.clone())));
    }
}

/// The canonical start tag of `element` (without `>`); returns the namespaces in scope in it and
/// those rendered on it or above.
fn write_canonical_start(
    element: &Element,
    parent_scope: &Scope,
    rendered: &Scope,
    inclusive: &[&str],
    out: &mut String,
) -> (Scope, Scope) {
    let mut scope = parent_scope.clone();
    apply_declarations(&mut scope, element);

    // Exc-c14n §3: a prefix is visibly utilized by the element's own name or by an attribute name.
    let mut wanted: Vec<&str> = vec![element.prefix()];
    for attr in &element.attributes {
        let prefix = split_qname(&attr.name).0;
        if !prefix.is_empty() {
            wanted.push(prefix);
        }
    }
    wanted.extend(inclusive.iter().copied().filter(|p| scope.contains_key(*p)));

    let mut now_rendered = rendered.clone();
    let mut declarations: Vec<(&str, &str)> = Vec::new();
    for prefix in wanted {
        if prefix == "xml" || declarations.iter().any(|(p, _)| *p == prefix) {
            continue;
        }
        let uri = scope.get(prefix).map(String::as_str).unwrap_or("");
        let already = rendered.get(prefix).map(String::as_str);
        // An empty default namespace needs saying only to undo a non-empty one rendered above.
        let redundant = already == Some(uri) || (prefix.is_empty() && uri.is_empty() && already.is_none());
        if !redundant {
            declarations.push((prefix, uri));
            now_rendered.insert(prefix.to_owned(), uri.to_owned());
        }
    }
    declarations.sort_unstable();

    let mut attributes: Vec<(&str, &str, &str, &str)> = element
        .attributes
        .iter()
        .map(|attr| {
            let (prefix, local) = split_qname(&attr.name);
            let uri = match prefix {
                "" => "",
                "xml" => XML_NAMESPACE,
                _ => scope.get(prefix).map(String::as_str).unwrap_or(""),
            };
            (uri, local, attr.name.as_str(), attr.value.as_str())
        })
        .collect();
    attributes.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    write_start_tag(&element.name, declarations, attributes.iter().map(|a| (a.2, a.3)), out);
    (scope, now_rendered)
}

/// `<name xmlns:p="uri" ... a="v" ...` (without the closing `>`): namespaces, then attributes, as given.
pub(crate) fn write_start_tag<'a>(
    name: &str,
    namespaces: impl IntoIterator<Item = (&'a str, &'a str)>,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
    out: &mut String,
) {
    out.push('<');
    out.push_str(name);
    for (prefix, uri) in namespaces {
        out.push_str(if prefix.is_empty() { " xmlns" } else { " xmlns:" });
        out.push_str(prefix);
        out.push_str("=\"");
        escape_attribute(uri, out);
        out.push('"');
    }
    for (name, value) in attributes {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_attribute(value, out);
        out.push('"');
    }
}

/// `</name>`.
pub(crate) fn write_end_tag(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `<?target data?>`, with the space only when there is data.
pub(crate) fn write_processing_instruction(target: &str, data: &str, out: &mut String) {
    out.push_str("<?");
    out.push_str(target);
    if !data.is_empty() {
        out.push(' ');
        out.push_str(data);
    }
    out.push_str("?>");
}

/// Canonical XML 1.0 §2.3: text escapes `&`, `<`, `>` and CR.
pub(crate) fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Canonical XML 1.0 §2.3: attribute values escape `&`, `<`, `"`, TAB, LF and CR.
pub(crate) fn escape_attribute(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}
