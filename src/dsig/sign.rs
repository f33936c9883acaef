//! Enveloped XML-DSig signatures over an element with an `ID` attribute.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::algorithms::{DigestAlgorithm, SignatureAlgorithm, DSIG_NS, ENVELOPED, EXC_C14N};
use super::error::DsigError;
use crate::keys::KeySet;
use crate::xml::{exclusive_c14n, Element, Node};

/// How to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// The `ds:SignatureMethod`.
    pub signature: SignatureAlgorithm,
    /// The Reference's `ds:DigestMethod`.
    pub digest: DigestAlgorithm,
    /// Whether `ds:KeyInfo` carries the certificate.
    pub key_info: bool,
    /// The InclusiveNamespaces PrefixList of the Reference's exc-c14n transform (empty: none).
    pub inclusive_prefixes: Vec<String>,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            signature: SignatureAlgorithm::RsaSha256,
            digest: DigestAlgorithm::Sha256,
            key_info: true,
            // Attribute values carry xsi:type="xs:string": xs is used in content, not in a name,
            // so exc-c14n would drop its declaration unless the PrefixList keeps it.
            inclusive_prefixes: vec!["xs".to_owned()],
        }
    }
}

/// Sign the element at `target` (an index path from `root`) with an enveloped signature, inserted
/// after its `Issuer` child as the SAML schema requires (saml-core 5.4.1), or first if it has none.
pub fn sign_enveloped(
    root: &mut Element,
    target: &[usize],
    key: &KeySet,
    options: &SignOptions,
) -> Result<(), DsigError> {
    let element = root.at(target).ok_or_else(|| DsigError::NoTarget(target.to_vec()))?;
    let id = element.get_attr("ID").ok_or_else(|| DsigError::NoId(element.name.clone()))?.to_owned();
    let prefixes: Vec<&str> = options.inclusive_prefixes.iter().map(String::as_str).collect();

    // The enveloped transform removes the Signature again, so digesting before inserting it is the same.
    let canonical = exclusive_c14n(root, target, &prefixes)?;
    let digest_value = BASE64.encode(options.digest.hash(canonical.as_bytes()));

    let mut c14n_transform = Element::new("ds:Transform").attr("Algorithm", EXC_C14N);
    if !prefixes.is_empty() {
        c14n_transform = c14n_transform
            .child(Element::new("ec:InclusiveNamespaces").ns("ec", EXC_C14N).attr("PrefixList", prefixes.join(" ")));
    }
    let signed_info = Element::new("ds:SignedInfo")
        .child(Element::new("ds:CanonicalizationMethod").attr("Algorithm", EXC_C14N))
        .child(Element::new("ds:SignatureMethod").attr("Algorithm", options.signature.uri()))
        .child(
            Element::new("ds:Reference")
                .attr("URI", format!("#{id}"))
                .child(
                    Element::new("ds:Transforms")
                        .child(Element::new("ds:Transform").attr("Algorithm", ENVELOPED))
                        .child(c14n_transform),
                )
                .child(Element::new("ds:DigestMethod").attr("Algorithm", options.digest.uri()))
                .child(Element::new("ds:DigestValue").text(digest_value)),
        );
    let mut signature = Element::new("ds:Signature").ns("ds", DSIG_NS).child(signed_info);
    signature = signature.child(Element::new("ds:SignatureValue"));
    if options.key_info {
        signature = signature.child(Element::new("ds:KeyInfo").child(
            Element::new("ds:X509Data").child(Element::new("ds:X509Certificate").text(&key.certificate_base64)),
        ));
    }

    let element = root.at_mut(target).ok_or_else(|| DsigError::NoTarget(target.to_vec()))?;
    let position = element
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if e.local_name() == "Issuer"))
        .map_or(0, |i| i + 1);
    element.children.insert(position, Node::Element(signature));
    let signature_index = element.children[..position].iter().filter(|n| matches!(n, Node::Element(_))).count();

    let mut signed_info_path = target.to_vec();
    signed_info_path.extend([signature_index, 0]);
    let canonical_signed_info = exclusive_c14n(root, &signed_info_path, &[])?;
    let hashed = options.signature.digest().hash(canonical_signed_info.as_bytes());
    let value = key
        .private_key
        .sign(options.signature.digest().pkcs1v15(), &hashed)
        .map_err(|e| DsigError::Rsa(e.to_string()))?;

    let mut value_path = target.to_vec();
    value_path.extend([signature_index, 1]);
    let value_element = root.at_mut(&value_path).ok_or_else(|| DsigError::NoTarget(value_path.clone()))?;
    value_element.set_text(BASE64.encode(value));
    Ok(())
}
