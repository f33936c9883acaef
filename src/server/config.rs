//! The server's validated configuration, and the optional config file (TOML) that lists SPs.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::clock::TimeAndIds;
use crate::keys::pem_certificate_base64;
use crate::saml::{MetadataError, SpMetadata};

/// Everything `serve` needs, validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// The URL SPs and browsers reach us at; `http://BIND:PORT` when not given.
    pub base_url: Option<String>,
    /// The IdP's entity ID.
    pub idp_entity_id: String,
    /// The scenario used when neither arming nor the path picks one.
    pub default_scenario: String,
    /// Extra scenario files.
    pub scenarios_dir: Option<PathBuf>,
    /// Extra key sets.
    pub keys_dir: Option<PathBuf>,
    /// The SPs allowed to log in; empty allows any.
    pub sps: Vec<SpEntry>,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// The clock and ID seed of every response (`--now`, `--seed`). Fixed, the server's time does
    /// not advance and each request that needs IDs gets the next seeded stream, so the same
    /// requests in the same order get byte-identical answers.
    pub time_and_ids: TimeAndIds,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            base_url: None,
            idp_entity_id: crate::saml::DEFAULT_IDP_ENTITY_ID.into(),
            default_scenario: "valid".into(),
            scenarios_dir: None,
            keys_dir: None,
            sps: Vec::new(),
            workers: 0,
            time_and_ids: TimeAndIds::default(),
        }
    }
}

/// One SP, from its metadata or written out in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpEntry {
    /// Entity ID.
    pub entity_id: String,
    /// Allowed ACS URLs, the default first.
    pub acs_urls: Vec<String>,
    /// Signing certificates, base64 DER.
    pub signing_certificates: Vec<String>,
    /// Whether unsigned AuthnRequests are refused.
    pub authn_requests_signed: bool,
    /// The SP's SingleLogoutService (where LogoutResponses go).
    pub slo_url: Option<String>,
    /// The SP's encryption certificate (base64 DER).
    pub encryption_certificate: Option<String>,
    /// Whether its logins get encrypted assertions.
    pub encrypt: bool,
}

impl SpEntry {
    /// The entry for an SP's metadata.
    pub fn from_metadata(metadata: &SpMetadata) -> Self {
        let mut acs_urls = vec![metadata.target.acs_url.clone()];
        for (_, url) in &metadata.acs_endpoints {
            if !acs_urls.contains(url) {
                acs_urls.push(url.clone());
            }
        }
        SpEntry {
            entity_id: metadata.target.entity_id.clone(),
            acs_urls,
            signing_certificates: metadata.signing_certificates.clone(),
            authn_requests_signed: metadata.authn_requests_signed,
            slo_url: metadata.slo_url.clone(),
            encryption_certificate: metadata.encryption_certificates.first().cloned(),
            encrypt: metadata.asks_for_encryption,
        }
    }

    /// The entry for an SP metadata file.
    pub fn from_metadata_file(path: &Path) -> Result<Self, ConfigError> {
        Ok(SpEntry::from_metadata(&SpMetadata::from_file(path)?))
    }
}

/// Why the configuration is not usable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The config file is not valid.
    #[error("config file {path}: {key}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The dotted key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An SP metadata file could not be used.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// An SP entry is unusable.
    #[error("SP {entity_id}: {message}")]
    Sp {
        /// The SP.
        entity_id: String,
        /// What is wrong.
        message: String,
    },
}

/// The config file (`mockidp serve --config FILE`).
///
/// ```toml
/// scenario = "valid"            # default scenario
/// idp-entity-id = "https://idp.mockidp.test/metadata"
/// base-url = "http://127.0.0.1:8080"
///
/// [[sp]]
/// metadata = "sp-metadata.xml"  # relative to the config file
///
/// [[sp]]
/// entity-id = "https://app.example/saml"
/// acs-urls = ["https://app.example/saml/acs"]
/// signing-certs = ["sp-signing.pem"]
/// authn-requests-signed = true
/// slo-url = "https://app.example/saml/slo"
/// encryption-cert = "sp-encryption.pem"  # logins get encrypted assertions
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// The default scenario.
    pub scenario: Option<String>,
    /// The IdP's entity ID.
    pub idp_entity_id: Option<String>,
    /// The public base URL.
    pub base_url: Option<String>,
    /// The SPs.
    #[serde(default)]
    pub sp: Vec<SpFileEntry>,
}

/// One `[[sp]]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpFileEntry {
    /// An SP metadata file; the other keys then override what it says.
    pub metadata: Option<PathBuf>,
    /// Entity ID.
    pub entity_id: Option<String>,
    /// Allowed ACS URLs.
    #[serde(default)]
    pub acs_urls: Vec<String>,
    /// PEM files of the SP's signing certificates.
    #[serde(default)]
    pub signing_certs: Vec<PathBuf>,
    /// Refuse unsigned AuthnRequests.
    pub authn_requests_signed: Option<bool>,
    /// The SP's SingleLogoutService URL.
    pub slo_url: Option<String>,
    /// A PEM file of the SP's encryption certificate: its logins get encrypted assertions.
    pub encryption_cert: Option<PathBuf>,
    /// Encrypt assertions (default: when there is an encryption certificate that the metadata
    /// gives with `use="encryption"`, or `encryption-cert`).
    pub encrypt_assertions: Option<bool>,
}

impl ConfigFile {
    /// Read and parse a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.into(), source })?;
        crate::toml_file::from_toml(&text).map_err(|problem| ConfigError::Invalid {
            path: path.into(),
            key: format!("line {}: {}", problem.line, problem.key),
            message: problem.message,
        })
    }

    /// The SP entries, with metadata and certificate files read (relative to `base`).
    pub fn sp_entries(&self, path: &Path) -> Result<Vec<SpEntry>, ConfigError> {
        let base = path.parent().unwrap_or(Path::new("."));
        let mut entries = Vec::new();
        for (index, sp) in self.sp.iter().enumerate() {
            let invalid =
                |message: String| ConfigError::Invalid { path: path.into(), key: format!("sp[{index}]"), message };
            let mut entry = match &sp.metadata {
                Some(file) => SpEntry::from_metadata_file(&base.join(file))?,
                None => SpEntry {
                    entity_id: sp
                        .entity_id
                        .clone()
                        .ok_or_else(|| invalid("needs `metadata` or `entity-id` and `acs-urls`".into()))?,
                    acs_urls: Vec::new(),
                    signing_certificates: Vec::new(),
                    authn_requests_signed: false,
                    slo_url: None,
                    encryption_certificate: None,
                    encrypt: false,
                },
            };
            if let Some(entity_id) = &sp.entity_id {
                entry.entity_id = entity_id.clone();
            }
            if !sp.acs_urls.is_empty() {
                entry.acs_urls = sp.acs_urls.clone();
            }
            let read_certificate = |file: &Path| {
                let file = base.join(file);
                let pem =
                    std::fs::read_to_string(&file).map_err(|source| ConfigError::Io { path: file.clone(), source })?;
                pem_certificate_base64(&pem)
                    .ok_or_else(|| invalid(format!("{} has no PEM CERTIFICATE block", file.display())))
            };
            for file in &sp.signing_certs {
                entry.signing_certificates.push(read_certificate(file)?);
            }
            if let Some(file) = &sp.encryption_cert {
                entry.encryption_certificate = Some(read_certificate(file)?);
                entry.encrypt = true;
            }
            if let Some(encrypt) = sp.encrypt_assertions {
                if encrypt && entry.encryption_certificate.is_none() {
                    return Err(invalid("encrypt-assertions = true needs an encryption certificate (hint: encryption-cert = \"sp.pem\")".into()));
                }
                entry.encrypt = encrypt;
            }
            if sp.slo_url.is_some() {
                entry.slo_url = sp.slo_url.clone();
            }
            if let Some(signed) = sp.authn_requests_signed {
                entry.authn_requests_signed = signed;
            }
            entries.push(entry);
        }
        Ok(entries)
    }
}
