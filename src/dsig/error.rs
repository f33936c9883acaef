//! Errors from signing and verifying.

use crate::xml::XmlError;

/// Why a signature could not be made or does not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DsigError {
    /// The path to sign leads nowhere.
    #[error("no element to sign at path {0:?}")]
    NoTarget(Vec<usize>),
    /// The element to sign has no `ID` attribute to reference.
    #[error("element <{0}> has no ID attribute to reference")]
    NoId(String),
    /// The XML could not be read or canonicalized.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The RSA operation failed.
    #[error("RSA: {0}")]
    Rsa(String),
    /// No `ds:Signature` where one was required.
    #[error("the document is not signed")]
    Unsigned,
    /// The signature's structure is not what XML-DSig requires.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// The Reference points to no element, or to one the signature does not envelop.
    #[error("the Reference URI {0} does not point to the signature's parent element")]
    BadReference(String),
    /// The digest of the referenced element does not match DigestValue.
    #[error("digest mismatch for {uri}: computed {computed}, signed {signed}")]
    DigestMismatch {
        /// The Reference URI.
        uri: String,
        /// The digest we computed, base64.
        computed: String,
        /// The DigestValue in the signature.
        signed: String,
    },
    /// The SignatureValue does not verify with the given key.
    #[error("the SignatureValue does not verify with the trusted key")]
    BadSignatureValue,
}
