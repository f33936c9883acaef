//! Driving an SP over HTTP as a browser would, without a browser: start an SP-initiated login,
//! decode its AuthnRequest, deliver a response. One cookie jar per scenario (one agent each).

use std::io::Read;
use std::time::Duration;

use serde::Serialize;

use crate::pipeline::EncodedMessage;
use crate::profile::Answer;
use crate::saml::binding::{form_encode, parse_pairs, with_query};
use crate::saml::{decode_authn_request, Binding};
use crate::scenario::HttpMethod;

/// The most of an answer's body we read (an oversized error page is cut, not a failure).
const BODY_LIMIT: u64 = 16 * 1024 * 1024;
/// How many redirects inside the SP we follow before its AuthnRequest shows up.
const LOGIN_HOPS: usize = 5;

/// Why an HTTP exchange gave no answer to judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "message")]
#[non_exhaustive]
pub enum HttpError {
    /// Nothing listens there (connection refused, DNS failure).
    #[error("SP unreachable: {0}")]
    Unreachable(String),
    /// The SP did not answer within the timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// TLS failed (certificate, handshake).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The SP answered, but not as the step needs (a login page without an AuthnRequest).
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl HttpError {
    /// Whether this means the SP could not be reached at all (exit code 3).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Unreachable(_) | HttpError::Timeout(_) | HttpError::Tls(_))
    }
}

/// What an SP-initiated login gave us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRequest {
    /// The AuthnRequest's ID (the response's InResponseTo).
    pub request_id: String,
    /// Its AssertionConsumerServiceURL, if it names one.
    pub acs_url: Option<String>,
    /// Its Issuer: the SP's entity ID.
    pub issuer: Option<String>,
    /// The RelayState that came with it.
    pub relay_state: Option<String>,
    /// Which binding carried it: `redirect` or `post`.
    pub binding: &'static str,
}

/// A browser-like client: no automatic redirects, a cookie jar, a timeout.
pub(crate) struct Browser {
    agent: ureq::Agent,
}

impl Browser {
    pub(crate) fn new(timeout: Duration) -> Self {
        // No pooled connections: an SP may close an idle keep-alive connection (node's default is
        // after 5 s) just as a slow signing step ends, and a POST is not retried on a stale one.
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(timeout)
            .user_agent("mockidp")
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .build();
        Browser { agent }
    }

    /// GET the login URL and follow the SP until it sends the browser to the IdP.
    pub(crate) fn login(&self, login_url: &str) -> Result<LoginRequest, HttpError> {
        let mut url = login_url.to_owned();
        for _ in 0..LOGIN_HOPS {
            let answer = self.fetch(self.agent.get(&url), None)?;
            if let Some(location) = answer.location() {
                let query = location.split_once('?').map_or("", |(_, q)| q);
                let params = parse_query(query);
                if let Some((_, request)) = params.iter().find(|(k, _)| k == "SAMLRequest") {
                    let relay_state = params.iter().find(|(k, _)| k == "RelayState").map(|(_, v)| v.clone());
                    return login_request(&url, request, Binding::Redirect, relay_state);
                }
                url = resolve(&url, location);
                continue;
            }
            if let Some(fields) = form_fields(&answer.body) {
                if let Some((_, request)) = fields.iter().find(|(k, _)| k == "SAMLRequest") {
                    let relay_state = fields.iter().find(|(k, _)| k == "RelayState").map(|(_, v)| v.clone());
                    return login_request(&url, request, Binding::Post, relay_state);
                }
            }
            let kind = answer.header("Content-Type").unwrap_or("no content type");
            return Err(HttpError::Unexpected(format!(
                "{url} answered {} ({kind}) with neither a redirect carrying SAMLRequest nor an HTML form with one \
(hint: --login-url must start an SP-initiated login)",
                answer.status
            )));
        }
        Err(HttpError::Unexpected(format!("{login_url}: more than {LOGIN_HOPS} redirects without an AuthnRequest")))
    }

    /// Deliver an encoded message to the ACS URL as the scenario says.
    pub(crate) fn deliver(&self, acs_url: &str, message: &EncodedMessage) -> Result<Answer, HttpError> {
        // Form-encode once, as a browser submitting the auto-POST form does; a double-URL-encoded
        // scenario's value is already percent-encoded and so ends up encoded twice.
        let body = form_encode(&message.fields);
        match message.method {
            HttpMethod::Post => self
                .fetch(self.agent.post(acs_url).set("Content-Type", "application/x-www-form-urlencoded"), Some(&body)),
            HttpMethod::Get => self.fetch(self.agent.get(&with_query(acs_url, &body)), None),
        }
    }

    fn fetch(&self, request: ureq::Request, body: Option<&str>) -> Result<Answer, HttpError> {
        let url = request.url().to_owned();
        let result = match body {
            Some(body) => request.send_string(body),
            None => request.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(transport_error(&url, &t)),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .flat_map(|name| response.all(&name).into_iter().map(|v| (name.clone(), v.to_owned())).collect::<Vec<_>>())
            .collect();
        let mut bytes = Vec::new();
        response.into_reader().take(BODY_LIMIT).read_to_end(&mut bytes).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock {
                HttpError::Timeout(format!("{url}: reading the answer: {e}"))
            } else {
                HttpError::Unreachable(format!("{url}: reading the answer: {e}"))
            }
        })?;
        Ok(Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() })
    }
}

fn transport_error(url: &str, error: &ureq::Transport) -> HttpError {
    // ureq's Display repeats the kind ("Network Error: Network Error: ..."): say each part once.
    let mut parts = vec![error.kind().to_string()];
    if let Some(message) = error.message().filter(|m| *m != parts[0]) {
        parts.push(message.to_owned());
    }
    if let Some(source) = std::error::Error::source(error) {
        parts.push(source.to_string());
    }
    let text = format!("{url}: {}", parts.join(": "));
    let lower = text.to_lowercase();
    match error.kind() {
        ureq::ErrorKind::Dns | ureq::ErrorKind::ConnectionFailed => HttpError::Unreachable(text),
        // Something answered, but not in HTTP: a broken SP, not an absent one.
        ureq::ErrorKind::BadStatus | ureq::ErrorKind::BadHeader => {
            HttpError::Unexpected(format!("the SP answered, but not with valid HTTP: {text}"))
        }
        _ if lower.contains("timed out") || lower.contains("timeout") => HttpError::Timeout(text),
        _ if lower.contains("tls") || lower.contains("certificate") => HttpError::Tls(text),
        ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => HttpError::Unexpected(text),
        _ => HttpError::Unreachable(text),
    }
}

/// The AuthnRequest the SP at `url` sent, decoded as its binding says.
fn login_request(
    url: &str,
    value: &str,
    binding: Binding,
    relay_state: Option<String>,
) -> Result<LoginRequest, HttpError> {
    let request = decode_authn_request(value, binding).map_err(|e| HttpError::Unexpected(format!("{url}: {e}")))?;
    Ok(LoginRequest {
        request_id: request.id,
        acs_url: request.acs_url,
        issuer: request.issuer,
        relay_state,
        binding: binding.name(),
    })
}

/// `a=1&b=2` into decoded pairs (`+` is a space).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.split('#').next().unwrap_or(query);
    parse_pairs(query).into_iter().map(|pair| (pair.name, pair.value)).collect()
}

/// The hidden inputs of the first HTML form in `body` (an auto-POST page), if there is one.
fn form_fields(body: &str) -> Option<Vec<(String, String)>> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<form")?;
    let end = lower[start..].find("</form").map_or(body.len(), |e| start + e);
    let form = &body[start..end];
    let re = regex::Regex::new(r#"(?is)<input\b([^>]*)>"#).expect("a constant regex");
    let attr = |tag: &str, name: &str| {
        let re =
            regex::Regex::new(&format!(r#"(?is)\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)')"#)).expect("a constant regex");
        re.captures(tag).and_then(|c| c.get(1).or_else(|| c.get(2))).map(|m| html_unescape(m.as_str()))
    };
    let fields = re
        .captures_iter(form)
        .filter_map(|c| {
            let tag = c.get(1)?.as_str();
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect();
    Some(fields)
}

fn html_unescape(text: &str) -> String {
    text.replace("&#43;", "+")
        .replace("&#x2B;", "+")
        .replace("&#61;", "=")
        .replace("&#x3D;", "=")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `location` resolved against `base` (absolute URL, absolute path, or relative path).
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let origin_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        return format!("{}{location}", &base[..origin_end]);
    }
    let path = base.split(['?', '#']).next().unwrap_or(base);
    let dir_end = path.rfind('/').filter(|&i| i >= origin_end).map_or(path.len(), |i| i + 1);
    let dir = &path[..dir_end];
    if dir.ends_with('/') {
        format!("{dir}{location}")
    } else {
        format!("{dir}/{location}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-shot TCP server on a free loopback port that answers `reply` to the first request.
    fn answering(reply: &'static [u8]) -> String {
        use std::io::Write as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/login", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut request = [0u8; 1024];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(reply);
            }
        });
        url
    }

    #[test]
    fn garbage_http_is_a_broken_sp_not_an_absent_one() {
        let browser = Browser::new(Duration::from_secs(5));
        let error = browser.login(&answering(b"garbage\r\n\r\n")).unwrap_err();
        assert!(!error.is_unreachable(), "{error}");
        assert!(error.to_string().contains("not with valid HTTP"), "{error}");

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/login", closed.local_addr().unwrap());
        drop(closed);
        let error = browser.login(&url).unwrap_err();
        assert!(error.is_unreachable(), "{error}");
        let text = error.to_string();
        let kind = "Connection Failed";
        assert!(text.matches(kind).count() <= 1, "a phrase repeated: {text}");
    }

    #[test]
    fn resolves_locations() {
        assert_eq!(resolve("http://a:1/x/y?z", "/login"), "http://a:1/login");
        assert_eq!(resolve("http://a:1/x/y", "z"), "http://a:1/x/z");
        assert_eq!(resolve("http://a:1", "https://b/c"), "https://b/c");
    }

    #[test]
    fn reads_auto_post_forms() {
        let page = r#"<html><body onload="document.forms[0].submit()"><form method="post" action="https://idp/sso">
<input type="hidden" name="SAMLRequest" value="PHg&#43;"/><input type='hidden' name='RelayState' value='a&amp;b'></form>"#;
        let fields = form_fields(page).unwrap();
        assert_eq!(fields, vec![("SAMLRequest".into(), "PHg+".into()), ("RelayState".into(), "a&b".into())]);
    }
}
