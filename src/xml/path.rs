//! A small path language for edits written as data (`Response/Assertion/Subject/NameID/@Format`):
//! element steps by local name from the root, each optionally with a 1-based position among its
//! same-named siblings (`Attribute[2]`), optionally ending in one attribute step (`@Format`).
//!
//! The first step names the root element. Names are local names: namespace prefixes are neither
//! written nor compared (`NameID` matches `saml:NameID`), which is unambiguous in a SAML message,
//! where no two elements on one level share a local name across namespaces. A path selects every
//! element it matches, in document order; matching nothing is the caller's error to report, never
//! a silent no-op. Knows nothing of SAML.

use std::fmt;
use std::str::FromStr;

use super::tree::{split_qname, Element};

/// A parsed path. Its text form is kept as written, for messages and serialization.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct XmlPath {
    text: String,
    steps: Vec<Step>,
    attribute: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Step {
    name: String,
    /// 1-based position among the siblings with this name; none selects them all.
    position: Option<usize>,
}

/// Why a path's text is not a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("path {path:?}: {message}")]
pub struct PathSyntaxError {
    /// The text as written.
    pub path: String,
    /// What is wrong, with a hint.
    pub message: String,
}

/// Why a path selects nothing in a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathMiss {
    /// The first step does not name the root element.
    #[error("the root element is {root}, not {step} (hint: a path starts at the root: {suggestion})")]
    Root {
        /// The root's qualified name.
        root: String,
        /// The first step as written.
        step: String,
        /// The path with the root's local name put in front.
        suggestion: String,
    },
    /// No element matches the steps up to `missing`.
    #[error("no element {missing} (the document has {found} matching {matched})")]
    NoElement {
        /// The steps up to the first that matched nothing.
        missing: String,
        /// The longest prefix of the path that matched.
        matched: String,
        /// How many elements it matched.
        found: usize,
    },
    /// The elements match, but none has the attribute.
    #[error("{found} element(s) {matched} but none has the attribute {attribute}")]
    NoAttribute {
        /// The element steps.
        matched: String,
        /// How many elements they matched.
        found: usize,
        /// The attribute's local name.
        attribute: String,
    },
}

impl XmlPath {
    /// Parse `Step/Step[n]/.../@Attr`; names are XML local names (no prefix).
    pub fn parse(text: &str) -> Result<Self, PathSyntaxError> {
        let error = |message: String| PathSyntaxError { path: text.to_owned(), message };
        let mut steps = Vec::new();
        let mut attribute = None;
        let parts: Vec<&str> = text.split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            if part.is_empty() {
                return Err(error(
                    "an empty step (hint: no leading, trailing or double '/'; the first step names the root, e.g. \"Response/@ID\")".into(),
                ));
            }
            if let Some(name) = part.strip_prefix('@') {
                if index + 1 != parts.len() {
                    return Err(error(format!("the attribute step @{name} must be the last step")));
                }
                if index == 0 {
                    return Err(error(format!(
                        "the path has no element step (hint: name the root first, e.g. \"Response/@{name}\")"
                    )));
                }
                if namespace_declaration_prefix(name).is_none() {
                    check_name(name).map_err(error)?;
                }
                attribute = Some(name.to_owned());
                continue;
            }
            let (name, position) = match part.split_once('[') {
                Some((name, rest)) => {
                    let number =
                        rest.strip_suffix(']').ok_or_else(|| error(format!("step {part:?}: a '[' without ']'")))?;
                    let position: usize = number
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| error(format!("step {part:?}: the position must be a number from 1")))?;
                    (name, Some(position))
                }
                None => (*part, None),
            };
            check_name(name).map_err(error)?;
            steps.push(Step { name: name.to_owned(), position });
        }
        Ok(XmlPath { text: text.to_owned(), steps, attribute })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The attribute step's local name, if the path ends in one.
    pub fn attribute(&self) -> Option<&str> {
        self.attribute.as_deref()
    }

    /// How many element steps the path has (1: the root alone).
    pub fn depth(&self) -> usize {
        self.steps.len()
    }

    /// Index paths (as [`Element::at`] takes them) of every element the element steps select, in
    /// document order; an error when there is none, saying how far the path got.
    pub fn select(&self, root: &Element) -> Result<Vec<Vec<usize>>, PathMiss> {
        let first = &self.steps[0];
        if root.local_name() != first.name || first.position.is_some_and(|p| p != 1) {
            return Err(PathMiss::Root {
                root: root.name.clone(),
                step: render_step(first),
                suggestion: format!("{}/{}", root.local_name(), self.text),
            });
        }
        let mut current: Vec<Vec<usize>> = vec![Vec::new()];
        for (depth, step) in self.steps.iter().enumerate().skip(1) {
            let mut next = Vec::new();
            for path in &current {
                let Some(parent) = root.at(path) else { continue };
                let mut seen = 0;
                for (index, child) in parent.child_elements().enumerate() {
                    if child.local_name() != step.name {
                        continue;
                    }
                    seen += 1;
                    if step.position.is_none_or(|p| p == seen) {
                        let mut child_path = path.clone();
                        child_path.push(index);
                        next.push(child_path);
                    }
                }
            }
            if next.is_empty() {
                return Err(PathMiss::NoElement {
                    missing: self.prefix(depth + 1),
                    matched: self.prefix(depth),
                    found: current.len(),
                });
            }
            current = next;
        }
        Ok(current)
    }

    /// The first `steps` element steps, written as a path.
    fn prefix(&self, steps: usize) -> String {
        self.steps[..steps].iter().map(render_step).collect::<Vec<_>>().join("/")
    }

    /// The element steps alone, written as a path.
    pub fn element_part(&self) -> String {
        self.prefix(self.steps.len())
    }
}

fn render_step(step: &Step) -> String {
    match step.position {
        Some(p) => format!("{}[{p}]", step.name),
        None => step.name.clone(),
    }
}

/// The prefix a namespace declaration step declares: `""` for `xmlns` (the default namespace),
/// `p` for `xmlns:p`; `None` for any other attribute name. A path may end in one (`@xmlns:ds`):
/// `set` and `remove` then edit the element's namespace declarations, not its attributes.
pub fn namespace_declaration_prefix(name: &str) -> Option<&str> {
    match name.strip_prefix("xmlns") {
        Some("") => Some(""),
        Some(rest) => rest.strip_prefix(':').filter(|prefix| check_name(prefix).is_ok()),
        None => None,
    }
}

/// An XML local name (NCName), as far as a path needs: no prefix, no spaces or punctuation.
fn check_name(name: &str) -> Result<(), String> {
    if name.contains(':') {
        let local = split_qname(name).1;
        return Err(format!(
            "{name:?} has a namespace prefix; elements and attributes are matched by local name (hint: write {local:?})"
        ));
    }
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if !starts_well || !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(format!("{name:?} is not an XML local name"));
    }
    Ok(())
}

impl FromStr for XmlPath {
    type Err = PathSyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        XmlPath::parse(text)
    }
}

impl fmt::Display for XmlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for XmlPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for XmlPath {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        XmlPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The attribute of `element` with this local name (its prefix, if any, ignored).
pub(crate) fn attribute_index(element: &Element, local_name: &str) -> Option<usize> {
    element.attributes.iter().position(|a| split_qname(&a.name).1 == local_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    const DOC: &str = r#"<p:Response xmlns:p="urn:p" xmlns:a="urn:a" ID="_r"><a:Issuer>idp</a:Issuer><p:Status><p:StatusCode Value="ok"><p:StatusCode Value="sub"/></p:StatusCode></p:Status><a:Assertion ID="_a1"><a:Attr Name="x"/><a:Attr Name="y"/></a:Assertion><a:Assertion ID="_a2"><a:Attr Name="z"/></a:Assertion></p:Response>"#;

    fn select(path: &str) -> Result<Vec<Vec<usize>>, PathMiss> {
        XmlPath::parse(path).unwrap().select(&parse(DOC).unwrap())
    }

    #[test]
    fn steps_are_children_by_local_name_and_select_every_match() {
        assert_eq!(select("Response").unwrap(), vec![Vec::<usize>::new()]);
        assert_eq!(select("Response/Status/StatusCode").unwrap(), vec![vec![1, 0]]);
        assert_eq!(select("Response/Assertion").unwrap(), vec![vec![2], vec![3]]);
        assert_eq!(select("Response/Assertion/Attr").unwrap(), vec![vec![2, 0], vec![2, 1], vec![3, 0]]);
        assert_eq!(select("Response/Assertion[2]/Attr").unwrap(), vec![vec![3, 0]]);
        assert_eq!(select("Response/Assertion/Attr[2]").unwrap(), vec![vec![2, 1]]);
        assert_eq!(select("Response/Assertion/@ID").unwrap(), vec![vec![2], vec![3]]);
    }

    #[test]
    fn a_path_that_matches_nothing_says_how_far_it_got() {
        let miss = select("Response/Assertion/Subject/NameID").unwrap_err();
        assert_eq!(
            miss,
            PathMiss::NoElement {
                missing: "Response/Assertion/Subject".into(),
                matched: "Response/Assertion".into(),
                found: 2
            }
        );
        let root = select("Assertion/Subject").unwrap_err();
        assert!(root.to_string().contains("the root element is p:Response, not Assertion"), "{root}");
        assert!(select("Response/Assertion[3]").is_err());
    }

    #[test]
    fn syntax_errors_are_explained() {
        for (text, expected) in [
            ("", "empty step"),
            ("/Response", "empty step"),
            ("Response/", "empty step"),
            ("Response//ID", "empty step"),
            ("@ID", "no element step"),
            ("Response/@ID/Issuer", "must be the last step"),
            ("saml:Response", "matched by local name"),
            ("Response/@xsi:type", "matched by local name"),
            ("Response/Assertion[0]", "number from 1"),
            ("Response/Assertion[x]", "number from 1"),
            ("Response/Assertion[1", "without ']'"),
            ("Response/Has Space", "not an XML local name"),
        ] {
            let error = XmlPath::parse(text).unwrap_err();
            assert!(error.message.contains(expected), "{text:?}: {error}");
        }
        let path = XmlPath::parse("Response/Assertion[2]/@ID").unwrap();
        assert_eq!((path.depth(), path.attribute(), path.as_str()), (2, Some("ID"), "Response/Assertion[2]/@ID"));
    }

    #[test]
    fn a_namespace_declaration_may_be_the_attribute_step() {
        assert_eq!(XmlPath::parse("Response/Assertion/@xmlns:ds").unwrap().attribute(), Some("xmlns:ds"));
        assert_eq!(XmlPath::parse("Response/@xmlns").unwrap().attribute(), Some("xmlns"));
        assert_eq!(namespace_declaration_prefix("xmlns:ds"), Some("ds"));
        assert_eq!(namespace_declaration_prefix("xmlnsx"), None);
        assert!(XmlPath::parse("Response/@xmlns:").is_err());
        assert!(XmlPath::parse("Response/@saml:ID").is_err());
    }
}
