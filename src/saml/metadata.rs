//! SAML metadata (saml-metadata §2): the IdP's, which we publish, and an SP's, which we read.

use std::path::Path;

use super::build::{IdpSettings, SpTarget};
use super::names::*;
use crate::dsig::DSIG_NS;
use crate::xml::{parse, to_document, Element, XmlError};

/// What goes into the IdP's metadata.
#[derive(Debug, Clone)]
pub struct IdpMetadata<'a> {
    /// Entity ID and SSO URL.
    pub idp: &'a IdpSettings,
    /// Signing certificates (base64 DER), usually one; several during a key rotation.
    pub signing_certificates: Vec<&'a str>,
    /// Whether the IdP demands signed AuthnRequests.
    pub want_authn_requests_signed: bool,
    /// Bindings of the SingleSignOnService endpoints.
    pub sso_bindings: Vec<&'a str>,
}

impl<'a> IdpMetadata<'a> {
    /// Metadata with one signing certificate and both the Redirect and POST SSO bindings.
    pub fn new(idp: &'a IdpSettings, certificate: &'a str) -> Self {
        IdpMetadata {
            idp,
            signing_certificates: vec![certificate],
            want_authn_requests_signed: false,
            sso_bindings: vec![BINDING_REDIRECT, BINDING_POST],
        }
    }

    /// The `md:EntityDescriptor` element.
    pub fn to_element(&self) -> Element {
        let keys = self.signing_certificates.iter().map(|cert| {
            Element::new("md:KeyDescriptor").attr("use", "signing").child(
                Element::new("ds:KeyInfo")
                    .ns("ds", DSIG_NS)
                    .child(Element::new("ds:X509Data").child(Element::new("ds:X509Certificate").text(*cert))),
            )
        });
        let formats = [NAMEID_EMAIL, NAMEID_PERSISTENT, NAMEID_TRANSIENT, NAMEID_UNSPECIFIED]
            .into_iter()
            .map(|f| Element::new("md:NameIDFormat").text(f));
        let endpoints = self.sso_bindings.iter().map(|binding| {
            Element::new("md:SingleSignOnService").attr("Binding", *binding).attr("Location", &self.idp.sso_url)
        });
        Element::new("md:EntityDescriptor").ns("md", METADATA_NS).attr("entityID", &self.idp.entity_id).child(
            Element::new("md:IDPSSODescriptor")
                .attr("WantAuthnRequestsSigned", self.want_authn_requests_signed.to_string())
                .attr("protocolSupportEnumeration", PROTOCOL_NS)
                .children(keys)
                .children(formats)
                .children(endpoints),
        )
    }

    /// The metadata document as text.
    pub fn to_xml(&self) -> String {
        to_document(&self.to_element())
    }
}

/// Why an SP's metadata could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The file could not be read.
    #[error("cannot read SP metadata {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Not XML.
    #[error("SP metadata {path} is not well-formed XML: {source}")]
    Xml {
        /// The file.
        path: String,
        /// The parser's error.
        source: XmlError,
    },
    /// Well-formed, but without what we need.
    #[error("SP metadata {path}: {message}")]
    Content {
        /// The file.
        path: String,
        /// What is missing.
        message: String,
    },
}

/// What an SP's metadata tells us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpMetadata {
    /// Entity ID and the ACS URL to use (HTTP-POST, the default or lowest-index one).
    pub target: SpTarget,
    /// Every ACS endpoint: (binding, URL).
    pub acs_endpoints: Vec<(String, String)>,
    /// The SP's signing certificates (base64 DER).
    pub signing_certificates: Vec<String>,
    /// The SP's encryption certificates (base64 DER): `KeyDescriptor use="encryption"`, or one
    /// without `use` (for both).
    pub encryption_certificates: Vec<String>,
    /// Whether a KeyDescriptor says `use="encryption"` outright: the SP asks for encrypted
    /// assertions (python3-saml and node-saml publish one only when they want them).
    pub asks_for_encryption: bool,
    /// The SingleLogoutService to send LogoutResponses to: the HTTP-POST one, else the first.
    pub slo_url: Option<String>,
    /// `AuthnRequestsSigned`.
    pub authn_requests_signed: bool,
    /// `WantAssertionsSigned`.
    pub want_assertions_signed: bool,
}

impl SpMetadata {
    /// Read an SP metadata file.
    pub fn from_file(path: &Path) -> Result<Self, MetadataError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| MetadataError::Io { path: shown.clone(), source })?;
        Self::from_xml(&text, &shown)
    }

    /// Read SP metadata text; `origin` names it in errors.
    pub fn from_xml(text: &str, origin: &str) -> Result<Self, MetadataError> {
        let root = parse(text).map_err(|source| MetadataError::Xml { path: origin.to_owned(), source })?;
        let content = |message: &str| MetadataError::Content { path: origin.to_owned(), message: message.to_owned() };
        let entity = if root.local_name() == "EntityDescriptor" {
            &root
        } else {
            root.descendant("EntityDescriptor").ok_or_else(|| content("no EntityDescriptor element"))?
        };
        let entity_id =
            entity.get_attr("entityID").ok_or_else(|| content("EntityDescriptor has no entityID"))?.to_owned();
        let descriptor = entity.find_child("SPSSODescriptor").ok_or_else(|| {
            content("no SPSSODescriptor (hint: this looks like IdP metadata; pass the SP's own metadata)")
        })?;
        let mut endpoints: Vec<(bool, u32, String, String)> = descriptor
            .child_elements()
            .filter(|e| e.local_name() == "AssertionConsumerService")
            .filter_map(|e| {
                let binding = e.get_attr("Binding")?.to_owned();
                let location = e.get_attr("Location")?.to_owned();
                let index = e.get_attr("index").and_then(|i| i.parse().ok()).unwrap_or(u32::MAX);
                Some((e.get_attr("isDefault") == Some("true"), index, binding, location))
            })
            .collect();
        // saml-metadata 2.2.3: the default endpoint, else the lowest index, among POST endpoints.
        endpoints.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let acs_url = endpoints
            .iter()
            .find(|(_, _, binding, _)| binding == BINDING_POST)
            .or(endpoints.first())
            .map(|(_, _, _, location)| location.clone())
            .ok_or_else(|| content("SPSSODescriptor has no AssertionConsumerService"))?;
        let certificates = |usage: &str| -> Vec<String> {
            descriptor
                .child_elements()
                .filter(|k| k.local_name() == "KeyDescriptor")
                .filter(|k| k.get_attr("use").is_none_or(|u| u == usage))
                .filter_map(|k| k.descendant("X509Certificate"))
                .map(|c| c.text_content().chars().filter(|c| !c.is_whitespace()).collect())
                .collect()
        };
        let asks_for_encryption = descriptor
            .child_elements()
            .any(|k| k.local_name() == "KeyDescriptor" && k.get_attr("use") == Some("encryption"));
        let services: Vec<_> =
            descriptor.child_elements().filter(|e| e.local_name() == "SingleLogoutService").collect();
        let slo_url = services
            .iter()
            .find(|e| e.get_attr("Binding") == Some(BINDING_POST))
            .or(services.first())
            .and_then(|e| e.get_attr("Location"))
            .map(str::to_owned);
        Ok(SpMetadata {
            target: SpTarget { entity_id, acs_url },
            asks_for_encryption,
            slo_url,
            acs_endpoints: endpoints.iter().map(|(_, _, b, l)| (b.clone(), l.clone())).collect(),
            signing_certificates: certificates("signing"),
            encryption_certificates: certificates("encryption"),
            authn_requests_signed: descriptor.get_attr("AuthnRequestsSigned") == Some("true"),
            want_assertions_signed: descriptor.get_attr("WantAssertionsSigned") == Some("true"),
        })
    }
}
