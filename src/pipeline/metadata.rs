//! The IdP metadata that goes with a scenario: what it tells the SP to trust.

use super::GenerateError;
use crate::keys::KeyStore;
use crate::saml::{IdpMetadata, IdpSettings};
use crate::scenario::Scenario;
use crate::xml::{to_document, Element};

/// The IdP metadata that goes with a scenario: the certificates it tells the SP to trust, broken
/// as the scenario says.
pub fn scenario_metadata(scenario: &Scenario, idp: &IdpSettings, keys: &mut KeyStore) -> Result<String, GenerateError> {
    let choices = &scenario.file.metadata;
    let mut certificates = Vec::new();
    for name in &choices.trust {
        let key = keys.load(name).map_err(|source| GenerateError::Key { scenario: scenario.id.clone(), source })?;
        certificates.push(key.certificate_base64.clone());
    }
    let mut metadata = IdpMetadata::new(idp, "");
    metadata.signing_certificates = certificates.iter().map(String::as_str).collect();
    if choices.no_signing_cert {
        metadata.signing_certificates.clear();
    }
    if choices.no_sso_binding {
        metadata.sso_bindings.clear();
    }
    let mut root = metadata.to_element();
    if choices.no_idp_descriptor {
        root.remove_children("IDPSSODescriptor");
        root = root.child(Element::new("md:Organization").child(
            Element::new("md:OrganizationName").attr("xml:lang", "en").text("mockidp (IdP descriptor left out)"),
        ));
    }
    let mut text = to_document(&root);
    if choices.malformed {
        // Cut inside the descriptor: not well-formed, as a truncated download would be.
        text.truncate(text.len() / 2);
    }
    Ok(text)
}
