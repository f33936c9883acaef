//! Loading key sets: embedded in the binary, or from a directory of `NAME/key.pem` + `NAME/cert.pem`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{RsaPrivateKey, RsaPublicKey};

/// Why a key set could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No key set of that name, embedded or in the given directory.
    #[error("no key set named '{name}' (known: {known}) (hint: `mockidp keys generate` makes the standard ones)")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// A key or certificate file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The private key is not a PKCS#8 PEM RSA key.
    #[error("key set '{name}': the private key is not an RSA PKCS#8 PEM key: {message}")]
    BadKey {
        /// The key set.
        name: String,
        /// What the decoder said.
        message: String,
    },
    /// The certificate is not PEM.
    #[error("key set '{name}': the certificate is not a PEM CERTIFICATE block")]
    BadCertificate {
        /// The key set.
        name: String,
    },
}

/// A private key and its X.509 certificate.
pub struct KeySet {
    /// The key set's name (`default`, `expired`, ...).
    pub name: String,
    /// The RSA private key that signs.
    pub private_key: RsaPrivateKey,
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The certificate, DER in base64 without line breaks, as it goes in `ds:X509Certificate`.
    pub certificate_base64: String,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet").field("name", &self.name).finish_non_exhaustive()
    }
}

impl KeySet {
    /// Build a key set from PEM text.
    pub fn from_pem(name: &str, key_pem: &str, certificate_pem: &str) -> Result<Self, KeyError> {
        let private_key = RsaPrivateKey::from_pkcs8_pem(key_pem)
            .map_err(|e| KeyError::BadKey { name: name.to_owned(), message: e.to_string() })?;
        let certificate_base64 = pem_body(certificate_pem, "CERTIFICATE")
            .ok_or_else(|| KeyError::BadCertificate { name: name.to_owned() })?;
        Ok(KeySet {
            name: name.to_owned(),
            private_key,
            certificate_pem: certificate_pem.to_owned(),
            certificate_base64,
        })
    }

    /// The certificate in DER.
    pub fn certificate_der(&self) -> Vec<u8> {
        // The body was checked to be base64 when the key set was loaded.
        base64::engine::general_purpose::STANDARD.decode(&self.certificate_base64).unwrap_or_default()
    }
}

/// The RSA public key of a certificate given as base64 DER (whitespace allowed), as metadata and
/// `ds:X509Certificate` carry it; `Err` says why it is not one.
pub fn certificate_public_key(certificate_base64: &str) -> Result<RsaPublicKey, String> {
    use rsa::pkcs8::DecodePublicKey;
    use x509_cert::der::{Decode, Encode};
    let compact: String = certificate_base64.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| format!("not base64: {e}"))?;
    let certificate = x509_cert::Certificate::from_der(&der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().map_err(|e| e.to_string())?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|e| format!("not an RSA key: {e}"))
}

/// The base64 DER of the first certificate in `pem`, on one line, as `ds:X509Certificate` and
/// metadata carry it.
pub fn pem_certificate_base64(pem: &str) -> Option<String> {
    pem_body(pem, "CERTIFICATE")
}

/// The base64 body of the first PEM block with this label, joined on one line.
pub(crate) fn pem_body(pem: &str, label: &str) -> Option<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let body: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(&body).ok()?;
    Some(body)
}

include!(concat!(env!("OUT_DIR"), "/embedded_keys.rs"));

/// Where key sets come from: the embedded ones, overridden by a directory if one is given.
/// Keys are parsed on first use only, so a command pays for the keys it signs with.
#[derive(Debug, Default)]
pub struct KeyStore {
    dir: Option<PathBuf>,
    loaded: BTreeMap<String, KeySet>,
}

impl KeyStore {
    /// The embedded key sets, plus those in `dir` (which win on a name clash).
    pub fn new(dir: Option<&Path>) -> Self {
        KeyStore { dir: dir.map(Path::to_path_buf), loaded: BTreeMap::new() }
    }

    /// Like [`KeyStore::new`], but a `dir` that cannot be read is an error, not an empty
    /// directory: what every command that takes `--keys` uses.
    pub fn open(dir: Option<&Path>) -> Result<Self, KeyError> {
        if let Some(dir) = dir {
            std::fs::read_dir(dir).map_err(|source| KeyError::Io { path: dir.to_owned(), source })?;
        }
        Ok(Self::new(dir))
    }

    /// The names of all key sets.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = EMBEDDED_KEYS.iter().map(|(n, _, _)| (*n).to_owned()).collect();
        if let Some(dir) = &self.dir {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    if entry.path().join("key.pem").is_file() {
                        names.push(entry.file_name().to_string_lossy().into_owned());
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Load a key set by name.
    pub fn load(&mut self, name: &str) -> Result<&KeySet, KeyError> {
        if !self.loaded.contains_key(name) {
            let keyset = self.read(name)?;
            self.loaded.insert(name.to_owned(), keyset);
        }
        // Inserted just above when it was missing.
        Ok(&self.loaded[name])
    }

    fn read(&self, name: &str) -> Result<KeySet, KeyError> {
        if let Some(dir) = &self.dir {
            let key_path = dir.join(name).join("key.pem");
            if key_path.is_file() {
                let cert_path = dir.join(name).join("cert.pem");
                let read = |path: &Path| {
                    std::fs::read_to_string(path).map_err(|source| KeyError::Io { path: path.to_owned(), source })
                };
                return KeySet::from_pem(name, &read(&key_path)?, &read(&cert_path)?);
            }
        }
        match EMBEDDED_KEYS.iter().find(|(n, _, _)| *n == name) {
            Some((_, key, cert)) => KeySet::from_pem(name, key, cert),
            None => Err(KeyError::Unknown { name: name.to_owned(), known: self.names().join(", ") }),
        }
    }
}
