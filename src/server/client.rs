//! Arming a running server from the CLI (`mockidp scenario Y --server URL`): one HTTP/1.1 POST
//! over a plain TCP stream, so the binary needs no HTTP client library.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::armory::ArmRequest;

/// Why arming a remote server failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server URL is not `http://HOST[:PORT][/PREFIX]`.
    #[error("--server {0:?} is not an http:// URL (hint: http://127.0.0.1:8080)")]
    Url(String),
    /// Connecting, sending or reading failed.
    #[error("talking to {url}")]
    Io {
        /// The server.
        url: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The server refused.
    #[error("{url} answered {status}: {body}")]
    Refused {
        /// The server.
        url: String,
        /// The HTTP status line.
        status: String,
        /// What it said.
        body: String,
    },
}

/// POST `request` to `SERVER/api/arm`; returns the server's answer (JSON text).
pub fn arm_remote(server: &str, request: &ArmRequest) -> Result<String, ClientError> {
    let rest = server.strip_prefix("http://").ok_or_else(|| ClientError::Url(server.to_owned()))?;
    let (authority, prefix) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    if authority.is_empty() {
        return Err(ClientError::Url(server.to_owned()));
    }
    let address = if authority.contains(':') { authority.to_owned() } else { format!("{authority}:80") };
    let prefix = prefix.trim_matches('/');
    let path = if prefix.is_empty() { "/api/arm".to_owned() } else { format!("/{prefix}/api/arm") };
    let url = format!("http://{authority}{path}");
    let io = |source| ClientError::Io { url: url.clone(), source };
    // Serializing a struct of strings cannot fail.
    let body = serde_json::to_string(request).expect("ArmRequest serializes");
    let mut stream = TcpStream::connect(&address).map_err(io)?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(io)?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(io)?;
    let mut answer = Vec::new();
    stream.take(1 << 20).read_to_end(&mut answer).map_err(io)?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.lines().next().unwrap_or("").split_once(' ').map_or("", |(_, s)| s).to_owned();
    if !status.starts_with('2') {
        return Err(ClientError::Refused { url, status, body: body.trim().to_owned() });
    }
    Ok(body.trim().to_owned())
}
