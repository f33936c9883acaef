//! The data-encryption and key-transport algorithms, by their XML Encryption identifiers.

use serde::{Deserialize, Serialize};

/// Namespace of XML Encryption 1.0.
pub const XENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";
/// Namespace of XML Encryption 1.1 (AES-GCM, RSA-OAEP with a chosen MGF).
pub const XENC11_NS: &str = "http://www.w3.org/2009/xmlenc11#";
/// `EncryptedData/@Type` for an encrypted element (xmlenc-core 3.5.1).
pub const XENC_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";

/// The block cipher that encrypts the content under the session key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DataAlgorithm {
    /// AES-128 in GCM (xmlenc-core1 5.2.4): IV, ciphertext and tag in the CipherValue.
    Aes128Gcm,
    /// AES-256-GCM: the default.
    #[default]
    Aes256Gcm,
    /// AES-128-CBC (xmlenc-core1 5.2.2): IV and padded ciphertext; no integrity of its own.
    Aes128Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
}

impl DataAlgorithm {
    /// Every algorithm, in the order the docs list them.
    pub const ALL: [DataAlgorithm; 4] =
        [DataAlgorithm::Aes128Gcm, DataAlgorithm::Aes256Gcm, DataAlgorithm::Aes128Cbc, DataAlgorithm::Aes256Cbc];

    /// The algorithm's URI in `xenc:EncryptionMethod`.
    pub fn uri(self) -> &'static str {
        match self {
            DataAlgorithm::Aes128Gcm => "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            DataAlgorithm::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            DataAlgorithm::Aes128Cbc => "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            DataAlgorithm::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        }
    }

    /// The algorithm named by an `xenc:EncryptionMethod` URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.uri() == uri)
    }

    /// The session key's length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            DataAlgorithm::Aes128Gcm | DataAlgorithm::Aes128Cbc => 16,
            DataAlgorithm::Aes256Gcm | DataAlgorithm::Aes256Cbc => 32,
        }
    }

    /// Whether this is an AEAD mode (GCM), whose CipherValue ends in a 16-byte tag.
    pub fn is_gcm(self) -> bool {
        matches!(self, DataAlgorithm::Aes128Gcm | DataAlgorithm::Aes256Gcm)
    }

    /// The kebab-case name, as scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            DataAlgorithm::Aes128Gcm => "aes128-gcm",
            DataAlgorithm::Aes256Gcm => "aes256-gcm",
            DataAlgorithm::Aes128Cbc => "aes128-cbc",
            DataAlgorithm::Aes256Cbc => "aes256-cbc",
        }
    }
}

/// How the session key is encrypted for the recipient's RSA key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum KeyTransport {
    /// `xmlenc#rsa-oaep-mgf1p`: RSA-OAEP with SHA-1 and MGF1-SHA-1 (xmlenc-core 5.4.2), the
    /// default, which every SAML library reads.
    #[default]
    #[serde(rename = "rsa-oaep-mgf1p")]
    RsaOaepMgf1p,
    /// `xmlenc11#rsa-oaep` with a SHA-256 digest and MGF1-SHA-256 (xmlenc-core1 5.5.2).
    #[serde(rename = "rsa-oaep")]
    RsaOaep,
    /// `xmlenc#rsa-1_5`: RSA PKCS#1 v1.5, open to Bleichenbacher's attack; xmlenc-core1 5.5.1
    /// says not to use it. For scenarios only.
    #[serde(rename = "rsa-1_5")]
    Rsa15,
}

impl KeyTransport {
    /// Every key transport, in the order the docs list them.
    pub const ALL: [KeyTransport; 3] = [KeyTransport::RsaOaepMgf1p, KeyTransport::RsaOaep, KeyTransport::Rsa15];

    /// The algorithm's URI in the EncryptedKey's `xenc:EncryptionMethod`.
    pub fn uri(self) -> &'static str {
        match self {
            KeyTransport::RsaOaepMgf1p => "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            KeyTransport::RsaOaep => "http://www.w3.org/2009/xmlenc11#rsa-oaep",
            KeyTransport::Rsa15 => "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        }
    }

    /// The key transport named by a URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.uri() == uri)
    }

    /// The name as scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            KeyTransport::RsaOaepMgf1p => "rsa-oaep-mgf1p",
            KeyTransport::RsaOaep => "rsa-oaep",
            KeyTransport::Rsa15 => "rsa-1_5",
        }
    }
}

/// `ds:DigestMethod` SHA-1, OAEP's digest for rsa-oaep-mgf1p (xmlenc-core 5.4.2).
pub(crate) const DIGEST_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
/// `ds:DigestMethod` SHA-256 (xmlenc-core 5.7.2).
pub(crate) const DIGEST_SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
/// `xenc11:MGF` MGF1 with SHA-256 (xmlenc-core1 5.5.2).
pub(crate) const MGF1_SHA256: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
