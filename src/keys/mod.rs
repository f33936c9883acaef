//! Key sets: a private key and its certificate, with a role that scenarios refer to by name.

mod generate;
mod keyset;

pub use generate::{generate_all, KeySetSpec, STANDARD_KEY_SETS};
pub use keyset::{certificate_public_key, pem_certificate_base64, KeyError, KeySet, KeyStore};
