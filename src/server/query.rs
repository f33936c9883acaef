//! Query strings and form bodies, keeping each value as it arrived: the HTTP-Redirect binding signs
//! the URL-encoded values exactly as sent (saml-bindings 3.4.4.1), so they must not be re-encoded.

pub use crate::saml::form_decode;

/// One `name=value` pair: the raw (still URL-encoded) value and the decoded one.
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
pub(crate) fn find<'a>(pairs: &'a [RawPair], name: &str) -> Option<&'a RawPair> {
    pairs.iter().find(|pair| pair.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

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
