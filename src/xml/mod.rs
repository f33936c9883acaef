//! XML: an owned element tree over quick-xml, and exclusive canonicalization.
//!
//! Knows nothing of SAML or signatures.

mod c14n;
mod error;
mod parse;
mod tree;
mod write;

pub use c14n::exclusive_c14n;
pub use error::XmlError;
pub use parse::parse;
pub use tree::{split_qname, Attribute, Element, Node, XML_NAMESPACE};
pub use write::{to_document, to_string};

/// Parse `xml` and return the exclusive canonical form of the element at `apex_path`
/// (element-child indices from the root) with `inclusive_prefixes` as the PrefixList.
pub fn canonicalize_str(xml: &str, apex_path: &[usize], inclusive_prefixes: &[&str]) -> Result<String, XmlError> {
    let root = parse(xml)?;
    exclusive_c14n(&root, apex_path, inclusive_prefixes)
}
