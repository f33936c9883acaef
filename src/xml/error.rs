//! Errors from reading XML.

/// Why a piece of XML could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The text is not well-formed (or not namespace-well-formed) XML.
    #[error("malformed XML at line {line} (byte {offset}): {message}")]
    Syntax {
        /// Byte offset where the reader noticed the problem.
        offset: usize,
        /// 1-based line of that offset.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A DOCTYPE declaration, refused so that no entity is ever expanded.
    #[error("DOCTYPE is not allowed (hint: SAML messages must not carry a DTD)")]
    DoctypeForbidden,
    /// Elements nest deeper than [`super::MAX_DEPTH`].
    #[error("elements nest deeper than {limit} levels at line {line} (hint: no SAML message nests that deep)")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// 1-based line where the limit was passed.
        line: usize,
    },
    /// The document has no root element.
    #[error("the document has no root element")]
    NoRootElement,
    /// A path into the tree that does not lead to an element.
    #[error("no element at path {0:?}")]
    NoSuchElement(Vec<usize>),
}
