//! Enveloped XML-DSig signatures over an element with an `ID` attribute.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use rsa::traits::PublicKeyParts;

use super::algorithms::{DigestAlgorithm, ReferenceTarget, SignatureAlgorithm, DSIG_NS, ENVELOPED, EXC_C14N, XSLT};
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
    /// KeyInfo carries `ds:KeyValue/ds:RSAKeyValue` instead of the certificate.
    pub key_value: bool,
    /// What the Reference points at.
    pub reference: ReferenceTarget,
    /// Transform URIs between the enveloped-signature and the exc-c14n transforms.
    pub extra_transforms: Vec<String>,
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
            key_value: false,
            reference: ReferenceTarget::SignedElement,
            extra_transforms: Vec::new(),
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
    let (uri, referenced): (String, &[usize]) = match options.reference {
        ReferenceTarget::SignedElement => (format!("#{id}"), target),
        ReferenceTarget::WholeDocument => (String::new(), &[]),
        ReferenceTarget::Response => {
            let root_id = root.get_attr("ID").ok_or_else(|| DsigError::NoId(root.name.clone()))?;
            (format!("#{root_id}"), &[])
        }
    };

    // The enveloped transform removes the Signature again, so digesting before inserting it is the
    // same; the extra transforms are identities (a second c14n, an identity stylesheet).
    let canonical = exclusive_c14n(root, referenced, &prefixes)?;
    let digest_value = BASE64.encode(options.digest.hash(canonical.as_bytes()));

    let mut c14n_transform = Element::new("ds:Transform").attr("Algorithm", EXC_C14N);
    if !prefixes.is_empty() {
        c14n_transform = c14n_transform
            .child(Element::new("ec:InclusiveNamespaces").ns("ec", EXC_C14N).attr("PrefixList", prefixes.join(" ")));
    }
    let mut transforms = Element::new("ds:Transforms").child(Element::new("ds:Transform").attr("Algorithm", ENVELOPED));
    for algorithm in &options.extra_transforms {
        transforms = transforms.child(extra_transform(algorithm));
    }
    let signed_info = Element::new("ds:SignedInfo")
        .child(Element::new("ds:CanonicalizationMethod").attr("Algorithm", EXC_C14N))
        .child(Element::new("ds:SignatureMethod").attr("Algorithm", options.signature.uri()))
        .child(
            Element::new("ds:Reference")
                .attr("URI", uri)
                .child(transforms.child(c14n_transform))
                .child(Element::new("ds:DigestMethod").attr("Algorithm", options.digest.uri()))
                .child(Element::new("ds:DigestValue").text(digest_value)),
        );
    let mut signature = Element::new("ds:Signature").ns("ds", DSIG_NS).child(signed_info);
    signature = signature.child(Element::new("ds:SignatureValue"));
    if options.key_value {
        let public = key.private_key.to_public_key();
        let rsa_key_value = Element::new("ds:RSAKeyValue")
            .child(Element::new("ds:Modulus").text(BASE64.encode(public.n().to_bytes_be())))
            .child(Element::new("ds:Exponent").text(BASE64.encode(public.e().to_bytes_be())));
        signature = signature.child(Element::new("ds:KeyInfo").child(Element::new("ds:KeyValue").child(rsa_key_value)));
    } else if options.key_info {
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

/// A `ds:Transform` for `algorithm`; the XSLT transform carries an identity stylesheet (XML-DSig
/// 6.6.5: the stylesheet is the transform's content), so the digest does not change.
fn extra_transform(algorithm: &str) -> Element {
    let transform = Element::new("ds:Transform").attr("Algorithm", algorithm);
    if algorithm != XSLT {
        return transform;
    }
    const XSL_NS: &str = "http://www.w3.org/1999/XSL/Transform";
    transform.child(
        Element::new("xsl:stylesheet").ns("xsl", XSL_NS).attr("version", "1.0").child(
            Element::new("xsl:template").attr("match", "/").child(Element::new("xsl:copy-of").attr("select", ".")),
        ),
    )
}
