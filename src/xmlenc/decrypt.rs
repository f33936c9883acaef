//! Decrypting an `xenc:EncryptedData` with its EncryptedKey, for our own checks and tests.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use aes_gcm::aead::{Aead, KeyInit};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::RsaPrivateKey;

use super::algorithms::{DataAlgorithm, KeyTransport};
use super::error::XmlEncError;
use crate::xml::Element;

/// The plaintext of `encrypted_data`, its session key unwrapped with `key`.
pub fn decrypt(encrypted_data: &Element, key: &RsaPrivateKey) -> Result<Vec<u8>, XmlEncError> {
    let structure = |what: &str| XmlEncError::Structure(what.to_owned());
    let algorithm_of = |element: &Element| -> Option<String> {
        element.find_child("EncryptionMethod").and_then(|m| m.get_attr("Algorithm")).map(str::to_owned)
    };
    let cipher_value = |element: &Element| -> Result<Vec<u8>, XmlEncError> {
        let text = element
            .find_child("CipherData")
            .and_then(|d| d.find_child("CipherValue"))
            .ok_or_else(|| structure("no CipherData/CipherValue"))?
            .text_content();
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        BASE64.decode(compact).map_err(|e| XmlEncError::Structure(format!("CipherValue is not base64: {e}")))
    };

    let data_uri = algorithm_of(encrypted_data).ok_or_else(|| structure("no EncryptionMethod"))?;
    let data = DataAlgorithm::from_uri(&data_uri)
        .ok_or_else(|| XmlEncError::Structure(format!("unknown data algorithm {data_uri}")))?;
    let encrypted_key = encrypted_data
        .find_child("KeyInfo")
        .and_then(|k| k.find_child("EncryptedKey"))
        .ok_or_else(|| structure("no KeyInfo/EncryptedKey"))?;
    let key_uri = algorithm_of(encrypted_key).ok_or_else(|| structure("EncryptedKey has no EncryptionMethod"))?;
    let transport = KeyTransport::from_uri(&key_uri)
        .ok_or_else(|| XmlEncError::Structure(format!("unknown key transport {key_uri}")))?;
    let wrapped = cipher_value(encrypted_key)?;
    let session_key = match transport {
        KeyTransport::RsaOaepMgf1p => key.decrypt(rsa::Oaep::new::<sha1::Sha1>(), &wrapped),
        KeyTransport::RsaOaep => key.decrypt(rsa::Oaep::new::<sha2::Sha256>(), &wrapped),
        KeyTransport::Rsa15 => key.decrypt(rsa::Pkcs1v15Encrypt, &wrapped),
    }
    .map_err(|e| XmlEncError::KeyUnwrap(e.to_string()))?;
    if session_key.len() != data.key_len() {
        return Err(XmlEncError::KeyUnwrap(format!(
            "{} needs a {}-byte key, the EncryptedKey holds {}",
            data.name(),
            data.key_len(),
            session_key.len()
        )));
    }
    let sealed = cipher_value(encrypted_data)?;
    let failed = |message: String| XmlEncError::Content { algorithm: data.name(), message };
    if data.is_gcm() {
        if sealed.len() < 12 + 16 {
            return Err(failed(format!("{} bytes are too few for an IV and a tag", sealed.len())));
        }
        let (iv, rest) = sealed.split_at(12);
        let opened = match data {
            DataAlgorithm::Aes128Gcm => aes_gcm::Aes128Gcm::new_from_slice(&session_key)
                .map_err(|e| failed(e.to_string()))?
                .decrypt(iv.into(), rest),
            _ => aes_gcm::Aes256Gcm::new_from_slice(&session_key)
                .map_err(|e| failed(e.to_string()))?
                .decrypt(iv.into(), rest),
        };
        opened.map_err(|_| failed("the GCM tag does not verify".into()))
    } else {
        if sealed.len() < 32 || sealed.len() % 16 != 0 {
            return Err(failed(format!("{} bytes are not an IV and whole blocks", sealed.len())));
        }
        let (iv, rest) = sealed.split_at(16);
        let opened = match data {
            DataAlgorithm::Aes128Cbc => cbc::Decryptor::<aes::Aes128>::new_from_slices(&session_key, iv)
                .map_err(|e| failed(e.to_string()))?
                .decrypt_padded_vec_mut::<Pkcs7>(rest),
            _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&session_key, iv)
                .map_err(|e| failed(e.to_string()))?
                .decrypt_padded_vec_mut::<Pkcs7>(rest),
        };
        opened.map_err(|_| failed("bad padding".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::IdSource;
    use crate::xmlenc::{encrypt, EncryptOptions};

    fn key() -> RsaPrivateKey {
        let mut keys = crate::keys::KeyStore::new(None);
        keys.load("default").unwrap().private_key.clone()
    }

    #[test]
    fn every_algorithm_round_trips_and_a_seed_repeats() {
        let key = key();
        let plaintext = b"<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>";
        for data in DataAlgorithm::ALL {
            for key_transport in KeyTransport::ALL {
                let options = EncryptOptions { data, key_transport };
                let once = encrypt(plaintext, &key.to_public_key(), &options, &mut IdSource::seeded(3)).unwrap();
                let again = encrypt(plaintext, &key.to_public_key(), &options, &mut IdSource::seeded(3)).unwrap();
                assert_eq!(once, again, "{data:?} {key_transport:?}");
                assert_eq!(decrypt(&once, &key).unwrap(), plaintext, "{data:?} {key_transport:?}");
            }
        }
    }

    #[test]
    fn another_key_does_not_decrypt() {
        let mut keys = crate::keys::KeyStore::new(None);
        let other = keys.load("untrusted").unwrap().private_key.clone();
        let encrypted =
            encrypt(b"<x/>", &key().to_public_key(), &EncryptOptions::default(), &mut IdSource::random()).unwrap();
        assert!(matches!(decrypt(&encrypted, &other), Err(XmlEncError::KeyUnwrap(_))));
    }
}
