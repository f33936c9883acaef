//! A request's SAML parameters as they arrived: the query for HTTP-Redirect, the form body for
//! HTTP-POST. Decoding and checking the message itself is [`crate::saml`]'s.

use actix_web::HttpRequest;

use super::error::ServeError;
use crate::saml::binding::{find_pair, parse_pairs, RawPair};
use crate::saml::Binding;

/// The request's SAML parameters and how they came.
pub(super) struct Incoming {
    pub pairs: Vec<RawPair>,
    pub binding: Binding,
    /// `login_hint` from the query string, whatever the binding.
    pub login_hint: Option<String>,
}

impl Incoming {
    /// A POST whose form carries `SAMLRequest` or `SAMLResponse` is HTTP-POST; anything else is
    /// read from the query string as HTTP-Redirect.
    pub fn read(request: &HttpRequest, body: &[u8]) -> Result<Self, ServeError> {
        let query = parse_pairs(request.query_string());
        let login_hint = find_pair(&query, "login_hint").map(|p| p.value.clone());
        if request.method() == actix_web::http::Method::POST {
            let body = std::str::from_utf8(body).map_err(|_| {
                ServeError::BadRequest("the form body is not UTF-8 (hint: application/x-www-form-urlencoded)".into())
            })?;
            let pairs = parse_pairs(body);
            if find_pair(&pairs, "SAMLRequest").is_some() || find_pair(&pairs, "SAMLResponse").is_some() {
                return Ok(Incoming { pairs, binding: Binding::Post, login_hint });
            }
        }
        Ok(Incoming { pairs: query, binding: Binding::Redirect, login_hint })
    }

    /// The decoded value of parameter `name`.
    pub fn value(&self, name: &str) -> Option<String> {
        find_pair(&self.pairs, name).map(|p| p.value.clone())
    }
}
