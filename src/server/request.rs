//! Reading an AuthnRequest as it arrives at the SSO endpoint (saml-core 3.4.1): decoding the
//! binding, parsing the XML, and checking an HTTP-Redirect query signature (saml-bindings 3.4.4.1).
//!
//! Pure functions over bytes and strings, so that the fuzz target and property tests reach them
//! without a server. Must never panic or allocate without bound on hostile input: inflating is
//! capped by [`crate::saml::INFLATE_LIMIT`] and the XML parser refuses DTDs.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::RsaPublicKey;

use super::query::{find, RawPair};
use crate::dsig::SignatureAlgorithm;
use crate::saml::{post_decode, redirect_decode, DecodeError};
use crate::xml::{parse, XmlError};

/// How the AuthnRequest came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// HTTP-Redirect: DEFLATE + base64 in the query string (saml-bindings 3.4).
    Redirect,
    /// HTTP-POST: base64 in a form field (saml-bindings 3.5).
    Post,
}

impl Binding {
    /// `redirect` or `post`, for log lines.
    pub fn name(self) -> &'static str {
        match self {
            Binding::Redirect => "redirect",
            Binding::Post => "post",
        }
    }
}

/// What we use of an AuthnRequest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthnRequest {
    /// `ID`: what the response's InResponseTo answers.
    pub id: String,
    /// `saml:Issuer`: the SP's entity ID.
    pub issuer: Option<String>,
    /// `AssertionConsumerServiceURL`.
    pub acs_url: Option<String>,
    /// `Destination`.
    pub destination: Option<String>,
    /// `Subject/NameID`: who the SP expects (a login hint).
    pub subject_hint: Option<String>,
    /// Whether the XML carries an enveloped `ds:Signature`.
    pub has_xml_signature: bool,
}

/// Why an AuthnRequest was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// No `SAMLRequest` parameter.
    #[error("no SAMLRequest parameter (hint: the SP must send an AuthnRequest by HTTP-Redirect or HTTP-POST)")]
    Missing,
    /// The binding's encoding is broken (base64, DEFLATE, size, UTF-8).
    #[error("SAMLRequest ({binding}): {source}")]
    Decode {
        /// `redirect` or `post`.
        binding: &'static str,
        /// What the decoder said.
        source: DecodeError,
    },
    /// The decoded message is not well-formed XML, or has a DTD.
    #[error("SAMLRequest is not acceptable XML: {0}")]
    Xml(#[from] XmlError),
    /// The message is some other element.
    #[error("the message is a <{root}>, not a {expected}")]
    WrongMessage {
        /// The root element's name.
        root: String,
        /// What the endpoint takes.
        expected: &'static str,
    },
    /// `ID` is missing or empty (saml-core 3.2.1 requires it).
    #[error("the AuthnRequest has no ID attribute (saml-core 3.2.1)")]
    NoId,
    /// A query signature without `SigAlg`, or with one we do not know.
    #[error("SigAlg {0:?} is missing or not supported (hint: rsa-sha256, rsa-sha1 or rsa-sha512)")]
    SigAlg(String),
    /// The query signature is not base64, or does not verify with any of the SP's certificates.
    #[error("the HTTP-Redirect signature does not verify with the SP's signing certificate(s): {0}")]
    BadSignature(String),
}

/// Decode and parse the `SAMLRequest` value as the binding encodes it.
pub fn decode_authn_request(value: &str, binding: Binding) -> Result<AuthnRequest, RequestError> {
    parse_authn_request(&decode_message(value, binding)?)
}

/// The XML text of a `SAMLRequest` value as the binding encodes it.
pub fn decode_message(value: &str, binding: Binding) -> Result<String, RequestError> {
    match binding {
        Binding::Redirect => redirect_decode(value),
        Binding::Post => post_decode(value),
    }
    .map_err(|source| RequestError::Decode { binding: binding.name(), source })
}

/// Parse an AuthnRequest document.
pub fn parse_authn_request(xml: &str) -> Result<AuthnRequest, RequestError> {
    let root = parse(xml)?;
    if root.local_name() != "AuthnRequest" {
        return Err(RequestError::WrongMessage { root: root.name.clone(), expected: "samlp:AuthnRequest" });
    }
    let id = root.get_attr("ID").filter(|id| !id.trim().is_empty()).ok_or(RequestError::NoId)?.to_owned();
    let text = |name: &str| root.find_child(name).map(|e| e.text_content().trim().to_owned()).filter(|t| !t.is_empty());
    let subject_hint = root
        .find_child("Subject")
        .and_then(|s| s.find_child("NameID"))
        .map(|n| n.text_content().trim().to_owned())
        .filter(|t| !t.is_empty());
    Ok(AuthnRequest {
        id,
        issuer: text("Issuer"),
        acs_url: root.get_attr("AssertionConsumerServiceURL").map(str::to_owned),
        destination: root.get_attr("Destination").map(str::to_owned),
        subject_hint,
        has_xml_signature: root.find_child("Signature").is_some(),
    })
}

/// Check the query signature of an HTTP-Redirect message (saml-bindings 3.4.4.1): RSA over
/// `SAMLRequest=..&RelayState=..&SigAlg=..` with the values exactly as they were sent.
/// `Ok(false)` when the query carries no signature.
pub fn verify_redirect_signature(pairs: &[RawPair], keys: &[RsaPublicKey]) -> Result<bool, RequestError> {
    let Some(signature) = find(pairs, "Signature") else {
        return Ok(false);
    };
    let sig_alg = find(pairs, "SigAlg").ok_or_else(|| RequestError::SigAlg(String::new()))?;
    let algorithm =
        SignatureAlgorithm::from_uri(&sig_alg.value).ok_or_else(|| RequestError::SigAlg(sig_alg.value.clone()))?;
    let request = find(pairs, "SAMLRequest").ok_or(RequestError::Missing)?;
    let mut signed = format!("SAMLRequest={}", request.raw);
    if let Some(relay_state) = find(pairs, "RelayState") {
        signed.push_str(&format!("&RelayState={}", relay_state.raw));
    }
    signed.push_str(&format!("&SigAlg={}", sig_alg.raw));
    let compact: String = signature.value.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes =
        BASE64.decode(compact).map_err(|e| RequestError::BadSignature(format!("Signature is not base64: {e}")))?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|e| RequestError::BadSignature(e.to_string()))?;
    let verifies = |key: &RsaPublicKey| {
        let message = signed.as_bytes();
        match algorithm {
            SignatureAlgorithm::RsaSha1 => VerifyingKey::<sha1::Sha1>::new(key.clone()).verify(message, &signature),
            SignatureAlgorithm::RsaSha256 => VerifyingKey::<sha2::Sha256>::new(key.clone()).verify(message, &signature),
            SignatureAlgorithm::RsaSha512 => VerifyingKey::<sha2::Sha512>::new(key.clone()).verify(message, &signature),
        }
        .is_ok()
    };
    if keys.iter().any(verifies) {
        Ok(true)
    } else {
        Err(RequestError::BadSignature(format!(
            "{} over the query, {} certificate(s) tried",
            sig_alg.value,
            keys.len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::redirect_encode;

    const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_abc" Version="2.0" AssertionConsumerServiceURL="http://sp/acs"><saml:Issuer>http://sp/metadata</saml:Issuer></samlp:AuthnRequest>"#;

    #[test]
    fn reads_a_redirect_request() {
        let request = decode_authn_request(&redirect_encode(REQUEST), Binding::Redirect).unwrap();
        assert_eq!(request.id, "_abc");
        assert_eq!(request.issuer.as_deref(), Some("http://sp/metadata"));
        assert_eq!(request.acs_url.as_deref(), Some("http://sp/acs"));
    }

    #[test]
    fn refuses_a_dtd() {
        let xml = format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{REQUEST}");
        assert!(matches!(decode_authn_request(&redirect_encode(&xml), Binding::Redirect), Err(RequestError::Xml(_))));
    }

    #[test]
    fn refuses_other_messages() {
        let xml = REQUEST.replace("AuthnRequest", "LogoutRequest");
        assert!(matches!(parse_authn_request(&xml), Err(RequestError::WrongMessage { .. })));
    }
}
