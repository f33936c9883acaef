//! The SAML bindings' encodings (saml-bindings §3.4, §3.5): base64 for HTTP-POST, DEFLATE + base64
//! for HTTP-Redirect, and the auto-submitting HTML form a browser posts.

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// Base64 of the message, as in the HTTP-POST binding's form field (saml-bindings 3.5.4).
pub fn post_encode(xml: &str) -> String {
    BASE64.encode(xml.as_bytes())
}

/// DEFLATE then base64, as in the HTTP-Redirect binding (saml-bindings 3.4.4.1), before URL-encoding.
pub fn redirect_encode(xml: &str) -> String {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    encoder.write_all(xml.as_bytes()).expect("writing to memory");
    BASE64.encode(encoder.finish().expect("writing to memory"))
}

/// Why a bound message could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not base64.
    #[error("the message is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// Not raw DEFLATE.
    #[error("the message is not valid DEFLATE data: {0}")]
    Inflate(std::io::Error),
    /// Inflates past the limit: a deflate bomb, or just far too big.
    #[error("the message inflates to more than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Not UTF-8 text.
    #[error("the message is not UTF-8 text")]
    NotUtf8,
}

/// The largest inflated message we accept: far above any real AuthnRequest.
pub const INFLATE_LIMIT: usize = 256 * 1024;

/// Decode an HTTP-Redirect message (base64 + raw DEFLATE), refusing to inflate past [`INFLATE_LIMIT`].
pub fn redirect_decode(encoded: &str) -> Result<String, DecodeError> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let deflated = BASE64.decode(compact)?;
    let mut inflated = Vec::new();
    DeflateDecoder::new(deflated.as_slice())
        .take(INFLATE_LIMIT as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(DecodeError::Inflate)?;
    if inflated.len() > INFLATE_LIMIT {
        return Err(DecodeError::TooLarge { limit: INFLATE_LIMIT });
    }
    String::from_utf8(inflated).map_err(|_| DecodeError::NotUtf8)
}

/// Decode an HTTP-POST message (base64, line breaks allowed).
pub fn post_decode(encoded: &str) -> Result<String, DecodeError> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    String::from_utf8(BASE64.decode(compact)?).map_err(|_| DecodeError::NotUtf8)
}

/// An HTML page that POSTs `fields` to `action` as soon as it loads (saml-bindings 3.5.4), with a
/// button for browsers without JavaScript.
pub fn auto_post_form(action: &str, fields: &[(&str, &str)]) -> String {
    let mut inputs = String::new();
    for (name, value) in fields {
        inputs.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
            html_escape(name),
            html_escape(value)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mockidp: continue to the service provider</title></head>\
<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"{}\">{inputs}\
<noscript><p>JavaScript is off: press Continue.</p><input type=\"submit\" value=\"Continue\"/></noscript></form></body></html>\n",
        html_escape(action)
    )
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Decode one form component: `+` is a space, `%XX` a byte; a stray `%` stays as it is.
pub fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}
