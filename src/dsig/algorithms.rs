//! The signature and digest algorithms, by their XML-DSig identifiers.

use serde::{Deserialize, Serialize};
use sha2::Digest;

/// A signature algorithm (RSA PKCS#1 v1.5 with a hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureAlgorithm {
    /// `rsa-sha1`: legacy, rejected by careful SPs.
    RsaSha1,
    /// `rsa-sha256`: the default.
    #[default]
    RsaSha256,
    /// `rsa-sha512`.
    RsaSha512,
}

/// What a signature's `ds:Reference` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceTarget {
    /// `#ID` of the element the signature is in (saml-core 5.4.2): the default.
    #[default]
    SignedElement,
    /// `URI=""`: the whole document (XML-DSig 4.4.3.2), minus the signature.
    WholeDocument,
    /// `#ID` of the document's root element (the Response), from wherever the signature is.
    Response,
}

/// A digest algorithm for References.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DigestAlgorithm {
    /// SHA-1: legacy.
    Sha1,
    /// SHA-256: the default.
    #[default]
    Sha256,
    /// SHA-512.
    Sha512,
}

impl SignatureAlgorithm {
    /// The algorithm's URI in `ds:SignatureMethod`.
    pub fn uri(self) -> &'static str {
        match self {
            SignatureAlgorithm::RsaSha1 => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            SignatureAlgorithm::RsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            SignatureAlgorithm::RsaSha512 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        }
    }

    /// The algorithm named by a `ds:SignatureMethod` URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        [Self::RsaSha1, Self::RsaSha256, Self::RsaSha512].into_iter().find(|a| a.uri() == uri)
    }

    /// The hash inside the signature.
    pub fn digest(self) -> DigestAlgorithm {
        match self {
            SignatureAlgorithm::RsaSha1 => DigestAlgorithm::Sha1,
            SignatureAlgorithm::RsaSha256 => DigestAlgorithm::Sha256,
            SignatureAlgorithm::RsaSha512 => DigestAlgorithm::Sha512,
        }
    }
}

impl DigestAlgorithm {
    /// The algorithm's URI in `ds:DigestMethod`.
    pub fn uri(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            DigestAlgorithm::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            DigestAlgorithm::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        }
    }

    /// The algorithm named by a `ds:DigestMethod` URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512].into_iter().find(|a| a.uri() == uri)
    }

    /// Hash `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlgorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            DigestAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// The PKCS#1 v1.5 padding scheme (DigestInfo prefix) for this hash.
    pub(crate) fn pkcs1v15(self) -> rsa::Pkcs1v15Sign {
        match self {
            DigestAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }
}

/// Namespace of XML-DSig.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Exclusive c14n without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// The XSLT transform (XML-DSig 6.6.5), which saml-core 5.4.4 does not allow.
pub const XSLT: &str = "http://www.w3.org/TR/1999/REC-xslt-19991116";
