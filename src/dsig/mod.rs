//! XML-DSig: enveloped signatures with exclusive c14n over RSA (PKCS#1 v1.5), and a verifier for
//! our own checks. Built on the `rsa`, `sha1` and `sha2` crates; no crypto primitive is written here.

mod algorithms;
mod error;
mod sign;
mod verify;

pub use algorithms::{DigestAlgorithm, ReferenceTarget, SignatureAlgorithm, DSIG_NS, ENVELOPED, EXC_C14N, XSLT};
pub use error::DsigError;
pub use sign::{sign_enveloped, SignOptions};
pub use verify::{reference_digest, verify_all, verify_rsa, verify_tree};
