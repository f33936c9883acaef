//! XML: an owned element tree over quick-xml, and exclusive canonicalization.
//!
//! Knows nothing of SAML or signatures. Every walk over a tree (search, serialization, c14n,
//! dropping) is iterative, so it is safe for any depth; the parser bounds depth anyway.

mod c14n;
mod error;
mod parse;
mod path;
mod tree;
mod write;

pub use c14n::exclusive_c14n;
pub use error::XmlError;
pub use parse::{parse, MAX_ATTRIBUTES, MAX_DEPTH};
pub(crate) use path::attribute_index;
pub use path::{namespace_declaration_prefix, PathMiss, PathSyntaxError, XmlPath};
pub use tree::{split_qname, Attribute, Element, Node, Walk, XML_NAMESPACE};
pub use write::{to_document, to_document_without_declaration, to_string};

/// Parse `xml` and return the exclusive canonical form of the element at `apex_path`
/// (element-child indices from the root) with `inclusive_prefixes` as the PrefixList.
pub fn canonicalize_str(xml: &str, apex_path: &[usize], inclusive_prefixes: &[&str]) -> Result<String, XmlError> {
    let root = parse(xml)?;
    exclusive_c14n(&root, apex_path, inclusive_prefixes)
}
