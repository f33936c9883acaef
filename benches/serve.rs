//! `mockidp serve` under load on loopback: startup time, logins per second, latency and memory.
//! A benchmark that prints numbers, not a timed test. `cargo bench --bench serve`.
//!
//! A login here is what the IdP does for one SP-initiated login: decode an HTTP-Redirect
//! AuthnRequest, generate and sign the scenario's response, answer the auto-submitting form.
//! The SP apps are left out: they would measure Python and Node, not us.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use flate2::write::DeflateEncoder;
use flate2::Compression;

const CLIENTS: usize = 4;
const DURATION: Duration = Duration::from_secs(8);
const STARTS: usize = 10;

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn saml_request(id: usize) -> String {
    let xml = format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_bench{id}" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="http://127.0.0.1:9/acs"><saml:Issuer>http://127.0.0.1:9/metadata</saml:Issuer></samlp:AuthnRequest>"#
    );
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(xml.as_bytes()).unwrap();
    percent(&BASE64.encode(encoder.finish().unwrap()))
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Running {
    child: std::process::Child,
    url: String,
}

fn start() -> (Running, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let elapsed = started.elapsed();
    let url = line.trim().strip_prefix("listening on ").expect("listening line").to_owned();
    (Running { child, url }, elapsed)
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("mockidp serve benchmark: {cores} cores, server with one worker per core, {CLIENTS} client threads on the same cores");

    let mut startups: Vec<Duration> = (0..STARTS).map(|_| start().1).collect();
    startups.sort();
    println!(
        "startup (spawn to `listening on`): median {:.1} ms, min {:.1} ms, max {:.1} ms over {STARTS} starts",
        ms(startups[STARTS / 2]),
        ms(startups[0]),
        ms(startups[STARTS - 1])
    );

    let (server, _) = start();
    let pid = server.child.id();
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    assert_eq!(agent.get(&format!("{}/healthz", server.url)).call().unwrap().into_string().unwrap(), "ok");
    println!("RSS after start: {} KiB", rss_kib(pid, "VmRSS:"));

    let done = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + DURATION;
    let handles: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let url = server.url.clone();
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().redirects(0).build();
                let mut latencies = Vec::new();
                let mut n = 0;
                while Instant::now() < deadline {
                    let request = saml_request(client * 1_000_000 + n);
                    let started = Instant::now();
                    let body =
                        agent.get(&format!("{url}/sso?SAMLRequest={request}")).call().unwrap().into_string().unwrap();
                    latencies.push(started.elapsed());
                    assert!(body.contains("SAMLResponse"));
                    n += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                latencies
            })
        })
        .collect();
    let started = Instant::now();
    let mut latencies: Vec<Duration> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let count = latencies.len();
    let at = |q: f64| latencies[((count as f64 * q) as usize).min(count - 1)];
    println!(
        "logins: {count} in {:.1} s = {:.0} logins/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(latencies[count - 1])
    );
    println!("RSS after load: {} KiB (peak {} KiB)", rss_kib(pid, "VmRSS:"), rss_kib(pid, "VmHWM:"));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
