//! Encrypting: a fresh session key, the content under it, the key wrapped for the recipient.

use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
use aes_gcm::aead::{Aead, KeyInit};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rand_core::CryptoRngCore;
use rsa::RsaPublicKey;

use super::algorithms::*;
use super::error::XmlEncError;
use crate::dsig::DSIG_NS;
use crate::xml::Element;

/// How to encrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncryptOptions {
    /// The content's `xenc:EncryptionMethod`.
    pub data: DataAlgorithm,
    /// The EncryptedKey's.
    pub key_transport: KeyTransport,
}

/// `plaintext` (the serialized element, its namespace declarations in scope, as xmlenc-core 4.1
/// requires of an `Element` type) as an `xenc:EncryptedData`, its session key in
/// `ds:KeyInfo/xenc:EncryptedKey` wrapped for `recipient`.
pub fn encrypt(
    plaintext: &[u8],
    recipient: &RsaPublicKey,
    options: &EncryptOptions,
    rng: &mut impl CryptoRngCore,
) -> Result<Element, XmlEncError> {
    let mut session_key = vec![0u8; options.data.key_len()];
    rng.fill_bytes(&mut session_key);
    let cipher_value = encrypt_content(plaintext, &session_key, options.data, rng);
    let wrapped = wrap_key(&session_key, recipient, options.key_transport, rng)?;

    let mut key_method = Element::new("xenc:EncryptionMethod").attr("Algorithm", options.key_transport.uri());
    match options.key_transport {
        KeyTransport::RsaOaepMgf1p => {
            key_method = key_method.child(Element::new("ds:DigestMethod").attr("Algorithm", DIGEST_SHA1));
        }
        KeyTransport::RsaOaep => {
            key_method = key_method
                .child(Element::new("ds:DigestMethod").attr("Algorithm", DIGEST_SHA256))
                .child(Element::new("xenc11:MGF").ns("xenc11", XENC11_NS).attr("Algorithm", MGF1_SHA256));
        }
        KeyTransport::Rsa15 => {}
    }
    let encrypted_key = Element::new("xenc:EncryptedKey").child(key_method).child(cipher_data(&wrapped));
    Ok(Element::new("xenc:EncryptedData")
        .ns("xenc", XENC_NS)
        .attr("Type", XENC_ELEMENT)
        .child(Element::new("xenc:EncryptionMethod").attr("Algorithm", options.data.uri()))
        .child(Element::new("ds:KeyInfo").ns("ds", DSIG_NS).child(encrypted_key))
        .child(cipher_data(&cipher_value)))
}

fn cipher_data(bytes: &[u8]) -> Element {
    Element::new("xenc:CipherData").child(Element::new("xenc:CipherValue").text(BASE64.encode(bytes)))
}

/// xmlenc-core1 5.2.2 (CBC: IV, then the padded ciphertext) and 5.2.4 (GCM: 96-bit IV, the
/// ciphertext, the 128-bit tag).
fn encrypt_content(plaintext: &[u8], key: &[u8], algorithm: DataAlgorithm, rng: &mut impl CryptoRngCore) -> Vec<u8> {
    // The key lengths come from `algorithm.key_len()`, so the `new_from_slice` calls cannot fail.
    const KEY_LEN: &str = "the session key has the algorithm's length";
    if algorithm.is_gcm() {
        let mut iv = [0u8; 12];
        rng.fill_bytes(&mut iv);
        let sealed = match algorithm {
            DataAlgorithm::Aes128Gcm => {
                aes_gcm::Aes128Gcm::new_from_slice(key).expect(KEY_LEN).encrypt(&iv.into(), plaintext)
            }
            _ => aes_gcm::Aes256Gcm::new_from_slice(key).expect(KEY_LEN).encrypt(&iv.into(), plaintext),
        };
        // aes-gcm fails only for a plaintext beyond GCM's 64 GiB limit, which no response reaches.
        let sealed = sealed.expect("a plaintext within GCM's limit");
        [iv.as_slice(), &sealed].concat()
    } else {
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut iv);
        // PKCS#7 padding is one of the paddings xmlenc-core 5.2 allows (the last byte counts them).
        let sealed = match algorithm {
            DataAlgorithm::Aes128Cbc => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, &iv)
                .expect(KEY_LEN)
                .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, &iv)
                .expect(KEY_LEN)
                .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
        };
        [iv.as_slice(), &sealed].concat()
    }
}

fn wrap_key(
    key: &[u8],
    recipient: &RsaPublicKey,
    transport: KeyTransport,
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<u8>, XmlEncError> {
    let result = match transport {
        KeyTransport::RsaOaepMgf1p => recipient.encrypt(rng, rsa::Oaep::new::<sha1::Sha1>(), key),
        KeyTransport::RsaOaep => recipient.encrypt(rng, rsa::Oaep::new::<sha2::Sha256>(), key),
        KeyTransport::Rsa15 => recipient.encrypt(rng, rsa::Pkcs1v15Encrypt, key),
    };
    result.map_err(|e| XmlEncError::KeyTransport { transport: transport.name(), message: e.to_string() })
}
