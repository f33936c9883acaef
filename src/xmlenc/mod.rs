//! XML Encryption (xmlenc-core, xmlenc-core1): an element encrypted into `xenc:EncryptedData`
//! under a fresh session key, the key wrapped for the recipient's RSA key in an
//! `xenc:EncryptedKey` inside its `ds:KeyInfo` (the shape saml-core 2.2.4 and 6 use for
//! EncryptedAssertion, EncryptedID and EncryptedAttribute), and decryption for our own checks.
//!
//! Knows nothing of SAML: which element is encrypted, and where the result goes, is the
//! pipeline's business. Every primitive comes from RustCrypto (`aes`, `cbc`, `aes-gcm`, `rsa`);
//! none is written here. Randomness (session keys, IVs, padding) comes in as an RNG, so a seeded
//! [`crate::clock::IdSource`] gives the same ciphertext every time.

mod algorithms;
mod decrypt;
mod encrypt;
mod error;

pub use algorithms::{DataAlgorithm, KeyTransport, XENC11_NS, XENC_ELEMENT, XENC_NS};
pub use decrypt::decrypt;
pub use encrypt::{encrypt, EncryptOptions};
pub use error::XmlEncError;
