//! The SAML bindings (saml-bindings §3.4, §3.5): how a message travels. Base64 for HTTP-POST,
//! DEFLATE + base64 for HTTP-Redirect, the form encoding of their fields, and the auto-submitting
//! HTML form a browser posts. The one encoder and decoder every part uses: the pipeline's encode
//! stage, the server, the runner, the harness and the tests.

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// How a message travels between browser, IdP and SP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// HTTP-Redirect: raw DEFLATE + base64 in the query string (saml-bindings 3.4).
    Redirect,
    /// HTTP-POST: base64 in a form field (saml-bindings 3.5).
    Post,
}

impl Binding {
    /// `redirect` or `post`, for log lines and errors.
    pub fn name(self) -> &'static str {
        match self {
            Binding::Redirect => "redirect",
            Binding::Post => "post",
        }
    }

    /// The message's field value as this binding carries it, before form encoding.
    pub fn encode(self, xml: &str) -> String {
        match self {
            Binding::Redirect => BASE64.encode(deflate(xml.as_bytes())),
            Binding::Post => BASE64.encode(xml),
        }
    }

    /// The message text of a field value (already form-decoded). Line breaks in the base64 are
    /// allowed; inflating stops at [`INFLATE_LIMIT`].
    pub fn decode(self, value: &str) -> Result<String, DecodeError> {
        let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = BASE64.decode(compact)?;
        let text = match self {
            Binding::Redirect => inflate(&bytes)?,
            Binding::Post => bytes,
        };
        String::from_utf8(text).map_err(|_| DecodeError::NotUtf8)
    }
}

/// Raw DEFLATE (RFC 1951), as the HTTP-Redirect binding carries a message.
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Inflate raw DEFLATE, refusing to grow past [`INFLATE_LIMIT`] (a deflate bomb).
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut inflated = Vec::new();
    DeflateDecoder::new(bytes)
        .take(INFLATE_LIMIT as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(DecodeError::Inflate)?;
    if inflated.len() > INFLATE_LIMIT {
        return Err(DecodeError::TooLarge { limit: INFLATE_LIMIT });
    }
    Ok(inflated)
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

/// Percent-encode everything outside the unreserved set (RFC 3986 2.3).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `name=value&...`: an `application/x-www-form-urlencoded` body, or a query string, as a browser
/// sends the fields. Each name and value is encoded once.
pub fn form_encode<N: AsRef<str>, V: AsRef<str>>(fields: &[(N, V)]) -> String {
    let pairs: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name.as_ref()), percent_encode(value.as_ref())))
        .collect();
    pairs.join("&")
}

/// Whether `url` is an `http` or `https` URL: the only kind a browser binding may deliver to
/// (an auto-submitting form posting to `javascript:` or `data:` would run script).
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `url` with `query` appended, after `?` or, if it already has a query, `&`.
pub fn with_query(url: &str, query: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{query}")
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

/// One `name=value` pair of a query string or form body: the raw (still URL-encoded) value and
/// the decoded one. The HTTP-Redirect binding signs the values exactly as sent (saml-bindings
/// 3.4.4.1), so they must not be re-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPair {
    /// The decoded name.
    pub name: String,
    /// The value as it was on the wire.
    pub raw: String,
    /// The decoded value.
    pub value: String,
}

/// Split `a=1&b=2` (a query string or an `application/x-www-form-urlencoded` body) into pairs.
pub fn parse_pairs(text: &str) -> Vec<RawPair> {
    text.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, raw) = part.split_once('=').unwrap_or((part, ""));
            RawPair { name: form_decode(name), raw: raw.to_owned(), value: form_decode(raw) }
        })
        .collect()
}

/// The first pair called `name`.
pub fn find_pair<'a>(pairs: &'a [RawPair], name: &str) -> Option<&'a RawPair> {
    pairs.iter().find(|pair| pair.name == name)
}

/// The auto-post page's only script, its `onload` handler: a page's Content-Security-Policy can
/// allow exactly this by its hash.
pub const AUTO_SUBMIT_SCRIPT: &str = "document.forms[0].submit()";

/// An HTML page that POSTs `fields` to `action` as soon as it loads (saml-bindings 3.5.4), with a
/// button for browsers without JavaScript.
pub fn auto_post_form<N: AsRef<str>, V: AsRef<str>>(action: &str, fields: &[(N, V)]) -> String {
    let mut inputs = String::new();
    for (name, value) in fields {
        inputs.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
            html_escape(name.as_ref()),
            html_escape(value.as_ref())
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mockidp: continue to the service provider</title></head>\
<body onload=\"{AUTO_SUBMIT_SCRIPT}\"><form method=\"post\" action=\"{}\">{inputs}\
<noscript><p>JavaScript is off: press Continue.</p><input type=\"submit\" value=\"Continue\"/></noscript></form></body></html>\n",
        html_escape(action)
    )
}

/// Escape text for HTML content and attribute values.
pub fn html_escape(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bindings_round_trip() {
        let xml = "<samlp:AuthnRequest ID=\"_a\">é</samlp:AuthnRequest>";
        for binding in [Binding::Redirect, Binding::Post] {
            assert_eq!(binding.decode(&binding.encode(xml)).unwrap(), xml, "{}", binding.name());
        }
        assert_eq!(Binding::Post.encode(xml), BASE64.encode(xml));
    }

    #[test]
    fn inflating_is_bounded() {
        let bomb = BASE64.encode(deflate(&vec![b'<'; INFLATE_LIMIT + 1]));
        assert!(matches!(Binding::Redirect.decode(&bomb), Err(DecodeError::TooLarge { .. })));
    }

    #[test]
    fn form_encoding_round_trips_through_pairs() {
        let body = form_encode(&[("SAMLResponse", "a+b/c="), ("RelayState", "x y&z")]);
        assert_eq!(body, "SAMLResponse=a%2Bb%2Fc%3D&RelayState=x%20y%26z");
        let pairs = parse_pairs(&body);
        assert_eq!(find_pair(&pairs, "RelayState").map(|p| p.value.as_str()), Some("x y&z"));
        assert_eq!(with_query("https://sp/acs?x=1", &body), format!("https://sp/acs?x=1&{body}"));
    }

    #[test]
    fn keeps_raw_values_and_decodes() {
        let pairs = parse_pairs("SAMLRequest=a%2Bb%3D&RelayState=x+y&flag");
        assert_eq!(pairs[0].raw, "a%2Bb%3D");
        assert_eq!(pairs[0].value, "a+b=");
        assert_eq!(pairs[1].value, "x y");
        assert_eq!(pairs[2].name, "flag");
    }

    #[test]
    fn stray_percent_survives() {
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%4"), "%4");
        assert_eq!(form_decode("%zz%41"), "%zzA");
    }
}
