//! The SPs the server knows: entity ID, allowed ACS URLs, and the keys their AuthnRequests are
//! signed with. With none configured, any SP may log in at the ACS URL its AuthnRequest names.

use std::collections::BTreeMap;

use rsa::RsaPublicKey;

use super::config::{ConfigError, SpEntry};
use crate::keys::certificate_public_key;

/// One SP the server trusts.
#[derive(Debug, Clone)]
pub struct RegisteredSp {
    /// The entity ID (the AuthnRequest's Issuer, the response's Audience).
    pub entity_id: String,
    /// Allowed ACS URLs; the first is used when a request names none.
    pub acs_urls: Vec<String>,
    /// Public keys of the SP's signing certificates.
    pub signing_keys: Vec<RsaPublicKey>,
    /// Whether the SP says it signs its AuthnRequests (then unsigned ones are refused).
    pub authn_requests_signed: bool,
    /// Where LogoutResponses go.
    pub slo_url: Option<String>,
    /// The certificate (base64 DER) its assertions are encrypted to, when it asks for encryption.
    pub encrypt_to: Option<String>,
}

/// All configured SPs, by entity ID.
#[derive(Debug, Clone, Default)]
pub struct SpRegistry {
    sps: BTreeMap<String, RegisteredSp>,
}

impl SpRegistry {
    /// Build the registry from configured entries (metadata already read).
    pub fn from_entries(entries: &[SpEntry]) -> Result<Self, ConfigError> {
        let mut sps = BTreeMap::new();
        for entry in entries {
            let mut signing_keys = Vec::new();
            for (index, certificate) in entry.signing_certificates.iter().enumerate() {
                signing_keys.push(certificate_public_key(certificate).map_err(|message| ConfigError::Sp {
                    entity_id: entry.entity_id.clone(),
                    message: format!("signing certificate {}: {message}", index + 1),
                })?);
            }
            let urls = entry.acs_urls.iter().chain(&entry.slo_url);
            if let Some(url) = urls.into_iter().find(|url| !crate::saml::binding::is_http_url(url)) {
                return Err(ConfigError::Sp {
                    entity_id: entry.entity_id.clone(),
                    message: format!("'{url}' is not an http or https URL, so no response could be delivered there"),
                });
            }
            if let Some(certificate) = &entry.encryption_certificate {
                certificate_public_key(certificate).map_err(|message| ConfigError::Sp {
                    entity_id: entry.entity_id.clone(),
                    message: format!("encryption certificate: {message}"),
                })?;
            }
            if entry.acs_urls.is_empty() {
                return Err(ConfigError::Sp {
                    entity_id: entry.entity_id.clone(),
                    message: "no ACS URL (hint: acs-urls = [\"https://sp.example/acs\"])".into(),
                });
            }
            sps.insert(
                entry.entity_id.clone(),
                RegisteredSp {
                    entity_id: entry.entity_id.clone(),
                    acs_urls: entry.acs_urls.clone(),
                    signing_keys,
                    authn_requests_signed: entry.authn_requests_signed,
                    slo_url: entry.slo_url.clone(),
                    encrypt_to: entry.encryption_certificate.clone().filter(|_| entry.encrypt),
                },
            );
        }
        Ok(SpRegistry { sps })
    }

    /// Whether no SP is configured (then any SP may log in).
    pub fn is_open(&self) -> bool {
        self.sps.is_empty()
    }

    /// An SP by entity ID.
    pub fn get(&self, entity_id: &str) -> Option<&RegisteredSp> {
        self.sps.get(entity_id)
    }

    /// All SPs in entity-ID order.
    pub fn iter(&self) -> impl Iterator<Item = &RegisteredSp> {
        self.sps.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_key_of_our_own_certificate() {
        let mut keys = crate::keys::KeyStore::new(None);
        let keyset = keys.load("default").unwrap();
        let key = certificate_public_key(&keyset.certificate_base64).unwrap();
        assert_eq!(key, keyset.private_key.to_public_key());
    }
}
