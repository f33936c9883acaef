//! A verifier for our own self-checks. What counts is that xmlsec1 and real SP libraries accept
//! our signatures; this only catches our own mistakes early.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::RsaPublicKey;

use super::algorithms::{DigestAlgorithm, SignatureAlgorithm};
use super::error::DsigError;
use crate::xml::{exclusive_c14n, parse, Element, Walk};

/// Verify every `ds:Signature` in `xml` with `key`; returns the IDs of the signed elements.
pub fn verify_all(xml: &str, key: &RsaPublicKey) -> Result<Vec<String>, DsigError> {
    verify_tree(&parse(xml)?, key)
}

/// [`verify_all`] over a parsed document: for checking one document against several keys
/// without parsing it again for each.
pub fn verify_tree(root: &Element, key: &RsaPublicKey) -> Result<Vec<String>, DsigError> {
    let mut signed = Vec::new();
    let mut paths = Vec::new();
    collect_signatures(root, &mut paths);
    if paths.is_empty() {
        return Err(DsigError::Unsigned);
    }
    for path in paths {
        signed.push(verify_one(root, &path, key)?);
    }
    Ok(signed)
}

/// Paths of every `ds:Signature` (not looking inside one), in document order.
fn collect_signatures(root: &Element, found: &mut Vec<Vec<usize>>) {
    root.walk(&mut |path, element| {
        if element.local_name() == "Signature" {
            found.push(path.to_vec());
            Walk::Skip
        } else {
            Walk::Descend
        }
    });
}

fn prefix_list(transform: Option<&Element>) -> Vec<String> {
    transform
        .and_then(|t| t.find_child("InclusiveNamespaces"))
        .and_then(|i| i.get_attr("PrefixList"))
        .map(|list| list.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn verify_one(root: &Element, signature_path: &[usize], key: &RsaPublicKey) -> Result<String, DsigError> {
    let malformed = |what: &str| DsigError::Malformed(what.to_owned());
    let signature = root.at(signature_path).ok_or_else(|| malformed("signature path"))?;
    let signed_info = signature.find_child("SignedInfo").ok_or_else(|| malformed("no SignedInfo"))?;
    let reference = signed_info.find_child("Reference").ok_or_else(|| malformed("no Reference"))?;
    let uri = reference.get_attr("URI").ok_or_else(|| malformed("Reference without URI"))?;
    let parent_path = &signature_path[..signature_path.len() - 1];
    let parent = root.at(parent_path).ok_or_else(|| malformed("signature without parent"))?;
    if uri.strip_prefix('#') != parent.get_attr("ID") {
        return Err(DsigError::BadReference(uri.to_owned()));
    }

    let signed = reference.find_child("DigestValue").map(|d| d.text_content()).unwrap_or_default();
    let computed = digest_over(root, signature_path, parent_path, reference)?;
    if computed != signed.trim() {
        return Err(DsigError::DigestMismatch { uri: uri.to_owned(), computed, signed });
    }

    let method = signed_info
        .find_child("SignatureMethod")
        .and_then(|d| d.get_attr("Algorithm"))
        .and_then(SignatureAlgorithm::from_uri)
        .ok_or_else(|| malformed("unknown SignatureMethod"))?;
    let mut signed_info_path = signature_path.to_vec();
    signed_info_path.push(signature.child_elements().position(|e| e.local_name() == "SignedInfo").unwrap_or(0));
    let si_prefixes = prefix_list(signed_info.find_child("CanonicalizationMethod"));
    let si_prefixes: Vec<&str> = si_prefixes.iter().map(String::as_str).collect();
    let canonical_signed_info = exclusive_c14n(root, &signed_info_path, &si_prefixes)?;
    let value_text = signature.find_child("SignatureValue").map(|v| v.text_content()).unwrap_or_default();
    let compact: String = value_text.chars().filter(|c| !c.is_whitespace()).collect();
    let value = BASE64.decode(compact).map_err(|_| malformed("SignatureValue is not base64"))?;
    if !verify_rsa(method, key, canonical_signed_info.as_bytes(), &value) {
        return Err(DsigError::BadSignatureValue);
    }
    Ok(uri.trim_start_matches('#').to_owned())
}

/// The digest (base64) of what the first Reference of the `ds:Signature` at `signature_path`
/// names in `root` as it is now: the first element with that ID, or the whole document for
/// `URI=""`, minus the signature if it is inside (the enveloped transform), canonicalized as the
/// Reference's exc-c14n transform says. For tampering (a digest to put where a broken verifier
/// looks), not for verifying: it neither checks the URI nor resolves duplicate IDs.
pub fn reference_digest(root: &Element, signature_path: &[usize]) -> Result<String, DsigError> {
    let malformed = |what: &str| DsigError::Malformed(what.to_owned());
    let signature = root.at(signature_path).ok_or_else(|| malformed("signature path"))?;
    let reference = signature
        .find_child("SignedInfo")
        .and_then(|s| s.find_child("Reference"))
        .ok_or_else(|| malformed("no SignedInfo/Reference"))?;
    let uri = reference.get_attr("URI").ok_or_else(|| malformed("Reference without URI"))?;
    let referenced = match uri.strip_prefix('#') {
        None if uri.is_empty() => Vec::new(),
        None => return Err(DsigError::BadReference(uri.to_owned())),
        Some(id) => {
            root.path_to(&|e| e.get_attr("ID") == Some(id)).ok_or_else(|| DsigError::BadReference(uri.to_owned()))?
        }
    };
    digest_over(root, signature_path, &referenced, reference)
}

/// The digest of the element at `referenced`, without the signature at `signature_path` when it
/// is inside it, as `reference`'s transforms and DigestMethod say.
fn digest_over(
    root: &Element,
    signature_path: &[usize],
    referenced: &[usize],
    reference: &Element,
) -> Result<String, DsigError> {
    let malformed = |what: &str| DsigError::Malformed(what.to_owned());
    let transforms: Vec<&Element> =
        reference.find_child("Transforms").map(|t| t.child_elements().collect()).unwrap_or_default();
    let c14n_transform = transforms.iter().copied().find(|t| t.get_attr("Algorithm") == Some(super::EXC_C14N));
    let prefixes = prefix_list(c14n_transform);
    let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    let digest_method = reference
        .find_child("DigestMethod")
        .and_then(|d| d.get_attr("Algorithm"))
        .and_then(DigestAlgorithm::from_uri)
        .ok_or_else(|| malformed("unknown DigestMethod"))?;
    let canonical = if signature_path.starts_with(referenced) {
        let mut without_signature = root.clone();
        without_signature.remove_at(signature_path).ok_or_else(|| malformed("root signature"))?;
        exclusive_c14n(&without_signature, referenced, &prefixes)?
    } else {
        exclusive_c14n(root, referenced, &prefixes)?
    };
    Ok(BASE64.encode(digest_method.hash(canonical.as_bytes())))
}

/// Whether `signature` is `key`'s RSA (PKCS#1 v1.5) signature of `message` under `algorithm`: the
/// check under a `ds:SignatureValue` and under an HTTP-Redirect query's `Signature`.
pub fn verify_rsa(algorithm: SignatureAlgorithm, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    let digest = algorithm.digest();
    key.verify(digest.pkcs1v15(), &digest.hash(message), signature).is_ok()
}
