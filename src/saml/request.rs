//! Reading the messages an SP sends the IdP (saml-core 3.4.1, 3.7.1, 3.5.1): decoding their
//! binding, parsing the XML, and checking their signatures (an HTTP-Redirect query signature,
//! saml-bindings 3.4.4.1, or an enveloped XML one).
//!
//! Pure functions over bytes and strings, so that the fuzz target and property tests reach them
//! without a server. Must never panic or allocate without bound on hostile input: inflating is
//! capped by [`super::INFLATE_LIMIT`] and the XML parser refuses DTDs.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::RsaPublicKey;

use super::binding::{find_pair, Binding, DecodeError, RawPair};
use crate::dsig::{verify_rsa, verify_tree, SignatureAlgorithm};
use crate::xml::{parse, Element, XmlError};

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

/// What we use of a LogoutRequest (saml-core 3.7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    /// `ID`.
    pub id: String,
    /// `saml:Issuer`: the SP.
    pub issuer: Option<String>,
    /// `saml:NameID`: who logs out.
    pub name_id: Option<String>,
}

/// What we use of an SP's LogoutResponse (saml-core 3.7.2): enough to acknowledge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutAnswer {
    /// `ID`, if it has one.
    pub id: Option<String>,
    /// The top-level `StatusCode`'s `Value`, if there is one.
    pub status: Option<String>,
}

/// What we use of an ArtifactResolve in a SOAP envelope (saml-bindings 3.6.3, saml-core 3.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactResolve {
    /// `ID`, answered by the ArtifactResponse's InResponseTo; empty if absent.
    pub id: String,
    /// The `samlp:Artifact` text.
    pub artifact: String,
}

/// Why a message from an SP was refused.
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
    #[error("the {message} has no ID attribute (saml-core 3.2.1)")]
    NoId {
        /// Which message.
        message: &'static str,
    },
    /// A query signature without `SigAlg`, or with one we do not know.
    #[error("SigAlg {0:?} is missing or not supported (hint: rsa-sha256, rsa-sha1 or rsa-sha512)")]
    SigAlg(String),
    /// The signature is not base64, or does not verify with any of the SP's certificates.
    #[error("the {} signature does not verify with the SP's signing certificate(s): {detail}", binding_title(*.binding))]
    BadSignature {
        /// How the message came: the query signature (Redirect) or the enveloped one (POST).
        binding: Binding,
        /// What failed.
        detail: String,
    },
}

fn binding_title(binding: Binding) -> &'static str {
    match binding {
        Binding::Redirect => "HTTP-Redirect query",
        Binding::Post => "enveloped XML (HTTP-POST)",
    }
}

/// The XML text of a `SAMLRequest` (or `SAMLResponse`) value as the binding encodes it.
pub fn decode_message(value: &str, binding: Binding) -> Result<String, RequestError> {
    binding.decode(value).map_err(|source| RequestError::Decode { binding: binding.name(), source })
}

/// Decode and parse the `SAMLRequest` value as the binding encodes it.
pub fn decode_authn_request(value: &str, binding: Binding) -> Result<AuthnRequest, RequestError> {
    parse_authn_request(&decode_message(value, binding)?)
}

/// The document's root, if it is the `expected` message (by local name), with its non-empty ID.
fn message_root<'a>(root: &'a Element, local_name: &str, expected: &'static str) -> Result<&'a str, RequestError> {
    if root.local_name() != local_name {
        return Err(RequestError::WrongMessage { root: root.name.clone(), expected });
    }
    root.get_attr("ID").filter(|id| !id.trim().is_empty()).ok_or(RequestError::NoId { message: expected })
}

/// The trimmed text of the first child called `name`, if not empty.
fn child_text(element: &Element, name: &str) -> Option<String> {
    element.find_child(name).map(|e| e.text_content().trim().to_owned()).filter(|t| !t.is_empty())
}

/// Parse an AuthnRequest document.
pub fn parse_authn_request(xml: &str) -> Result<AuthnRequest, RequestError> {
    let root = parse(xml)?;
    let id = message_root(&root, "AuthnRequest", "samlp:AuthnRequest")?.to_owned();
    Ok(AuthnRequest {
        id,
        issuer: child_text(&root, "Issuer"),
        acs_url: root.get_attr("AssertionConsumerServiceURL").map(str::to_owned),
        destination: root.get_attr("Destination").map(str::to_owned),
        subject_hint: root.find_child("Subject").and_then(|s| child_text(s, "NameID")),
        has_xml_signature: root.find_child("Signature").is_some(),
    })
}

/// Parse a LogoutRequest document.
pub fn parse_logout_request(xml: &str) -> Result<LogoutRequest, RequestError> {
    let root = parse(xml)?;
    let id = message_root(&root, "LogoutRequest", "samlp:LogoutRequest")?.to_owned();
    Ok(LogoutRequest { id, issuer: child_text(&root, "Issuer"), name_id: child_text(&root, "NameID") })
}

/// Parse an SP's LogoutResponse document; a missing ID or status is reported, not refused.
pub fn parse_logout_answer(xml: &str) -> Result<LogoutAnswer, RequestError> {
    let root = parse(xml)?;
    if root.local_name() != "LogoutResponse" {
        return Err(RequestError::WrongMessage { root: root.name.clone(), expected: "samlp:LogoutResponse" });
    }
    let status = root.find_child("Status").and_then(|s| s.find_child("StatusCode")).and_then(|c| c.get_attr("Value"));
    Ok(LogoutAnswer { id: root.get_attr("ID").map(str::to_owned), status: status.map(str::to_owned) })
}

/// Parse a SOAP envelope carrying an ArtifactResolve; `None` if the envelope has none.
pub fn parse_artifact_resolve(xml: &str) -> Result<Option<ArtifactResolve>, RequestError> {
    let envelope = parse(xml)?;
    Ok(envelope.descendant("ArtifactResolve").map(|resolve| ArtifactResolve {
        id: resolve.get_attr("ID").unwrap_or_default().to_owned(),
        artifact: child_text(resolve, "Artifact").unwrap_or_default(),
    }))
}

/// Check the query signature of an HTTP-Redirect message (saml-bindings 3.4.4.1): RSA over
/// `SAMLRequest=..&RelayState=..&SigAlg=..` with the values exactly as they were sent.
/// `Ok(false)` when the query carries no signature.
pub fn verify_redirect_signature(pairs: &[RawPair], keys: &[RsaPublicKey]) -> Result<bool, RequestError> {
    let Some(signature) = find_pair(pairs, "Signature") else {
        return Ok(false);
    };
    let bad = |detail: String| RequestError::BadSignature { binding: Binding::Redirect, detail };
    let sig_alg = find_pair(pairs, "SigAlg").ok_or_else(|| RequestError::SigAlg(String::new()))?;
    let algorithm =
        SignatureAlgorithm::from_uri(&sig_alg.value).ok_or_else(|| RequestError::SigAlg(sig_alg.value.clone()))?;
    let request = find_pair(pairs, "SAMLRequest").ok_or(RequestError::Missing)?;
    let mut signed = format!("SAMLRequest={}", request.raw);
    if let Some(relay_state) = find_pair(pairs, "RelayState") {
        signed.push_str(&format!("&RelayState={}", relay_state.raw));
    }
    signed.push_str(&format!("&SigAlg={}", sig_alg.raw));
    let compact: String = signature.value.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = BASE64.decode(compact).map_err(|e| bad(format!("Signature is not base64: {e}")))?;
    if keys.iter().any(|key| verify_rsa(algorithm, key, signed.as_bytes(), &bytes)) {
        Ok(true)
    } else {
        Err(bad(format!("{} over the query, {} certificate(s) tried", sig_alg.value, keys.len())))
    }
}

/// Check the enveloped XML signature(s) of a POSTed message with the SP's certificates.
pub fn verify_enveloped_signature(xml: &str, keys: &[RsaPublicKey]) -> Result<(), RequestError> {
    let root = parse(xml)?;
    if keys.iter().any(|key| verify_tree(&root, key).is_ok()) {
        return Ok(());
    }
    Err(RequestError::BadSignature { binding: Binding::Post, detail: format!("{} certificate(s) tried", keys.len()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_abc" Version="2.0" AssertionConsumerServiceURL="http://sp/acs"><saml:Issuer>http://sp/metadata</saml:Issuer></samlp:AuthnRequest>"#;

    #[test]
    fn reads_a_redirect_request() {
        let request = decode_authn_request(&Binding::Redirect.encode(REQUEST), Binding::Redirect).unwrap();
        assert_eq!(request.id, "_abc");
        assert_eq!(request.issuer.as_deref(), Some("http://sp/metadata"));
        assert_eq!(request.acs_url.as_deref(), Some("http://sp/acs"));
    }

    #[test]
    fn refuses_a_dtd() {
        let xml = format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{REQUEST}");
        let decoded = decode_authn_request(&Binding::Redirect.encode(&xml), Binding::Redirect);
        assert!(matches!(decoded, Err(RequestError::Xml(_))));
    }

    #[test]
    fn refuses_other_messages() {
        let xml = REQUEST.replace("AuthnRequest", "LogoutRequest");
        assert!(matches!(parse_authn_request(&xml), Err(RequestError::WrongMessage { .. })));
        assert_eq!(parse_logout_request(&xml).unwrap().issuer.as_deref(), Some("http://sp/metadata"));
    }

    #[test]
    fn names_the_binding_whose_signature_fails() {
        let post = verify_enveloped_signature(REQUEST, &[]).unwrap_err().to_string();
        assert!(post.starts_with("the enveloped XML (HTTP-POST) signature does not verify"), "{post}");
    }
}
