//! Stage 4: encoding a response for delivery: the binding ([`crate::saml::binding`]) plus the
//! scenario's broken encodings. Data only: what to send, not how (HTTP belongs to the runner and
//! the server).

use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE as BASE64_URL_SAFE};
use base64::Engine;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::saml::binding::{deflate, form_encode, percent_encode};
use crate::scenario::{Base64Variant, DeliveryChoices, Endpoint, HttpMethod};

/// A message ready to deliver: the method and the form (or query) fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EncodedMessage {
    /// POST (form body) or GET (query string).
    pub method: HttpMethod,
    /// Field name and value pairs, before form/URL encoding: what the SP's form decoder must hand
    /// to its SAML library. A deliverer form-encodes them once, as a browser submitting the
    /// auto-post form does.
    pub fields: Vec<(String, String)>,
    /// Whether a field value is itself percent-encoded (the double-URL-encoded variant), so that
    /// after the SP's one form decoding `%2B`, `%2F` and `%3D` are still there.
    pub pre_encoded: bool,
    /// How many times to deliver it.
    pub repeat: u32,
}

impl EncodedMessage {
    /// The fields as an `application/x-www-form-urlencoded` body (or query string), each encoded
    /// once, as a browser submitting the auto-post form does.
    pub fn form_body(&self) -> String {
        form_encode(&self.fields)
    }

    /// The value of one field, if present.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The SAMLResponse field's value as the scenario encodes it.
pub fn encode_field(xml: &str, variant: Base64Variant) -> String {
    match variant {
        Base64Variant::UrlSafe => url_safe_with_marker(xml),
        _ => encode_field_bytes(xml.as_bytes(), variant),
    }
}

/// [`encode_field`] over raw bytes (a DEFLATEd message); the URL-safe variant has no marker here.
fn encode_field_bytes(bytes: &[u8], variant: Base64Variant) -> String {
    match variant {
        Base64Variant::Standard => BASE64.encode(bytes),
        Base64Variant::UrlSafe => BASE64_URL_SAFE.encode(bytes),
        Base64Variant::Invalid => format!("!!not-base64!!{}", BASE64.encode(bytes).replace('=', "*")),
        Base64Variant::DoubleUrlEncoded => percent_encode(&BASE64.encode(bytes)),
    }
}

/// URL-safe base64. Base64 of XML often has no `+` or `/` at all, which would make the variant
/// identical to the standard one; padding the text with a comment that yields them fixes that.
fn url_safe_with_marker(xml: &str) -> String {
    let mut text = xml.to_owned();
    let mut attempt = 0;
    while !BASE64.encode(&text).contains(['+', '/']) && attempt < 64 {
        text.push_str(&format!("<!--{}-->", "?>~".repeat(attempt + 1)));
        attempt += 1;
    }
    BASE64_URL_SAFE.encode(text)
}

/// A type 0x0004 artifact (saml-bindings 3.6.4): TypeCode, EndpointIndex 0, SourceID = SHA-1 of
/// the issuer's entity ID, and a MessageHandle derived from the message, so output stays
/// reproducible. Base64 as the `SAMLart` field carries it.
fn artifact_for(xml: &str) -> String {
    let issuer = crate::xml::parse(xml)
        .ok()
        .and_then(|root| root.find_child("Issuer").map(|issuer| issuer.text_content()))
        .unwrap_or_default();
    let mut bytes = vec![0x00, 0x04, 0x00, 0x00];
    bytes.extend(Sha1::digest(issuer.trim().as_bytes()));
    bytes.extend(&Sha256::digest(xml.as_bytes())[..20]);
    BASE64.encode(bytes)
}

/// Encode `xml` for delivery as `choices` say, with the RelayState if there is one.
pub fn encode_message(xml: &str, choices: &DeliveryChoices, relay_state: Option<&str>) -> EncodedMessage {
    let field = if choices.artifact {
        ("SAMLart".to_owned(), artifact_for(xml))
    } else if choices.endpoint == Endpoint::Slo && choices.method == HttpMethod::Get {
        // HTTP-Redirect binding (saml-bindings 3.4.4.1): DEFLATE, then the scenario's base64.
        (choices.field.clone(), encode_field_bytes(&deflate(xml.as_bytes()), choices.base64))
    } else {
        (choices.field.clone(), encode_field(xml, choices.base64))
    };
    let mut fields = vec![field];
    if let Some(relay_state) = relay_state {
        fields.push(("RelayState".into(), relay_state.to_owned()));
    }
    EncodedMessage {
        method: choices.method,
        fields,
        pre_encoded: choices.base64 == Base64Variant::DoubleUrlEncoded,
        repeat: choices.repeat.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_safe_variant_differs_from_standard() {
        let xml = "<samlp:Response>plain text</samlp:Response>";
        let encoded = encode_field(xml, Base64Variant::UrlSafe);
        assert!(encoded.contains(['-', '_']), "{encoded}");
        assert!(BASE64.decode(&encoded).is_err());
    }

    #[test]
    fn artifact_has_type_4_and_the_issuer_source_id() {
        let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Issuer>https://idp.example</saml:Issuer></samlp:Response>";
        let choices = DeliveryChoices { artifact: true, ..DeliveryChoices::default() };
        let message = encode_message(xml, &choices, None);
        assert_eq!(message.fields[0].0, "SAMLart");
        let bytes = BASE64.decode(&message.fields[0].1).unwrap();
        assert_eq!(bytes.len(), 44);
        assert_eq!(&bytes[..4], &[0, 4, 0, 0]);
        assert_eq!(&bytes[4..24], Sha1::digest(b"https://idp.example").as_slice());
    }

    #[test]
    fn slo_by_get_is_deflated_as_http_redirect() {
        use std::io::Read;
        let xml = "<samlp:LogoutResponse>x</samlp:LogoutResponse>";
        let choices =
            DeliveryChoices { endpoint: Endpoint::Slo, method: HttpMethod::Get, ..DeliveryChoices::default() };
        let message = encode_message(xml, &choices, None);
        let bytes = BASE64.decode(&message.fields[0].1).unwrap();
        let mut inflated = String::new();
        flate2::read::DeflateDecoder::new(&bytes[..]).read_to_string(&mut inflated).unwrap();
        assert_eq!(inflated, xml);
        // By POST (and to the ACS by GET) the message stays plain base64.
        let post = DeliveryChoices { endpoint: Endpoint::Slo, ..DeliveryChoices::default() };
        assert_eq!(encode_message(xml, &post, None).fields[0].1, BASE64.encode(xml));
        let acs_get = DeliveryChoices { method: HttpMethod::Get, ..DeliveryChoices::default() };
        assert_eq!(encode_message(xml, &acs_get, None).fields[0].1, BASE64.encode(xml));
    }

    #[test]
    fn double_url_encoding_escapes_base64_specials() {
        assert_eq!(percent_encode("a+b/c="), "a%2Bb%2Fc%3D");
    }
}
