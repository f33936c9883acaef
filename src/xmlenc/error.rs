//! What can go wrong encrypting or decrypting.

/// Why an element could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlEncError {
    /// RSA refused to wrap the session key (a modulus too small for the padding).
    #[error("{transport}: cannot encrypt the session key for the recipient's key: {message}")]
    KeyTransport {
        /// The key transport's name.
        transport: &'static str,
        /// What the `rsa` crate said.
        message: String,
    },
    /// The session key could not be unwrapped with the private key.
    #[error("the session key does not decrypt with this private key: {0}")]
    KeyUnwrap(String),
    /// The content does not decrypt (a GCM tag that fails, bad CBC padding, a wrong key).
    #[error("{algorithm}: the CipherValue does not decrypt: {message}")]
    Content {
        /// The data algorithm's name.
        algorithm: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The EncryptedData is not one we can read.
    #[error("not an EncryptedData we can decrypt: {0}")]
    Structure(String),
}
