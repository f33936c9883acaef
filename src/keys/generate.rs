//! Making the standard test key sets (`mockidp keys generate`).
//!
//! Validity windows are fixed dates, not "now ± x", so a regenerated set keeps its role:
//! `expired` stays expired and `not-yet-valid` stays in the future for decades.

use std::path::Path;

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, RemoteKeyPair, PKCS_RSA_SHA256};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};

/// What one standard key set is for and how its certificate is made.
#[derive(Debug, Clone, Copy)]
pub struct KeySetSpec {
    /// The key set's name, a directory under `keys/`.
    pub name: &'static str,
    /// What scenarios use it for.
    pub purpose: &'static str,
    /// The key set whose name the certificate's subject and issuer carry: itself, except for a
    /// certificate that fakes another's distinguished name.
    pub subject: &'static str,
    /// RSA modulus size in bits.
    pub bits: usize,
    /// Certificate validity: (year, month, day) of notBefore and notAfter.
    pub not_before: (i32, u8, u8),
    /// See `not_before`.
    pub not_after: (i32, u8, u8),
}

/// The key sets shipped in `keys/`.
pub const STANDARD_KEY_SETS: &[KeySetSpec] = &[
    KeySetSpec {
        name: "default",
        purpose: "the IdP's signing key; SPs trust it",
        subject: "default",
        bits: 2048,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
    KeySetSpec {
        name: "expired",
        purpose: "certificate expired in 2021; SPs are told to trust it",
        subject: "expired",
        bits: 2048,
        not_before: (2020, 1, 1),
        not_after: (2021, 1, 1),
    },
    KeySetSpec {
        name: "not-yet-valid",
        purpose: "certificate valid only from 2090; SPs are told to trust it",
        subject: "not-yet-valid",
        bits: 2048,
        not_before: (2090, 1, 1),
        not_after: (2099, 1, 1),
    },
    KeySetSpec {
        name: "untrusted",
        purpose: "a key no SP is told about (wrong signing key)",
        subject: "untrusted",
        bits: 2048,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
    KeySetSpec {
        name: "rotated",
        purpose: "a second valid key, for key-rotation and multi-certificate metadata",
        subject: "rotated",
        bits: 2048,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
    KeySetSpec {
        name: "sp-encryption",
        purpose: "not the IdP's: the test SPs' encryption key (responses are encrypted to its certificate)",
        subject: "sp-encryption",
        bits: 2048,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
    KeySetSpec {
        name: "weak-1024",
        purpose: "a 1024-bit RSA key, below what current SPs accept",
        subject: "weak-1024",
        bits: 1024,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
    KeySetSpec {
        name: "fake-default",
        purpose: "certificate faking: another key, self-signed, with the default certificate's subject and issuer DN",
        subject: "default",
        bits: 2048,
        not_before: (2025, 1, 1),
        not_after: (2050, 1, 1),
    },
];

/// Generate every standard key set into `dir` (`dir/NAME/key.pem`, `dir/NAME/cert.pem`).
pub fn generate_all(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut written = Vec::new();
    for spec in STANDARD_KEY_SETS {
        let (key_pem, cert_pem) = generate(spec)?;
        let set_dir = dir.join(spec.name);
        std::fs::create_dir_all(&set_dir)?;
        std::fs::write(set_dir.join("key.pem"), key_pem)?;
        std::fs::write(set_dir.join("cert.pem"), cert_pem)?;
        written.push(spec.name.to_owned());
    }
    Ok(written)
}

fn generate(spec: &KeySetSpec) -> anyhow::Result<(String, String)> {
    let mut rng = rsa::rand_core::OsRng;
    let key = RsaPrivateKey::new(&mut rng, spec.bits)?;
    let key_pem = key.to_pkcs8_pem(LineEnding::LF)?.to_string();
    // rcgen signs through the `rsa` crate: ring refuses RSA keys under 2048 bits, and weak-1024 is one.
    let key_pair = KeyPair::from_remote(Box::new(RsaSigner::new(key.clone())?))?;

    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, format!("mockidp test key: {}", spec.subject));
    name.push(DnType::OrganizationName, "mockidp (public test key, never trust in production)");
    params.distinguished_name = name;
    let (y, m, d) = spec.not_before;
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = spec.not_after;
    params.not_after = rcgen::date_time_ymd(y, m, d);
    let cert = params.self_signed(&key_pair)?;
    Ok((key_pem, cert.pem()))
}

/// The certificate's self-signature, made with the `rsa` crate (PKCS#1 v1.5, SHA-256).
struct RsaSigner {
    key: RsaPrivateKey,
    public_key_der: Vec<u8>,
}

impl RsaSigner {
    fn new(key: RsaPrivateKey) -> anyhow::Result<Self> {
        let public_key_der = key.to_public_key().to_pkcs1_der()?.as_bytes().to_vec();
        Ok(RsaSigner { key, public_key_der })
    }
}

impl RemoteKeyPair for RsaSigner {
    fn public_key(&self) -> &[u8] {
        &self.public_key_der
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let hashed = Sha256::digest(message);
        self.key.sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed).map_err(|_| rcgen::Error::RemoteKeyError)
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &PKCS_RSA_SHA256
    }
}
