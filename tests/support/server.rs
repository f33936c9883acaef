//! A running `mockidp serve` (the real binary on port 0) for the integration tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `mockidp serve`; killed on drop.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub log: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Server {
    /// Start `mockidp serve --port 0 ARGS` and wait for its `listening on` line.
    pub fn start(args: &[&str]) -> Server {
        Server::start_at(0, args)
    }

    /// Start `mockidp serve --port PORT ARGS` (0: a free one) and wait for its `listening on` line.
    pub fn start_at(port: u16, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mockidp"))
            .args(["serve", "--port", &port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buffer) {
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                std::thread::sleep(Duration::from_millis(200));
                panic!("no listening line: {line:?}; stderr: {}", log.lock().unwrap())
            })
            .to_owned();
        let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(30)).build();
        Server { child, url, log, agent }
    }

    pub fn get(&self, path: &str) -> Reply {
        reply(self.agent.get(&format!("{}{path}", self.url)).call())
    }

    pub fn get_url(&self, url: &str) -> Reply {
        reply(self.agent.get(url).call())
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        reply(self.agent.post(&format!("{}{path}", self.url)).set("Content-Type", content_type).send_bytes(body))
    }

    pub fn arm(&self, json: serde_json::Value) -> Reply {
        self.post("/api/arm", "application/json", json.to_string().as_bytes())
    }

    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer, 4xx and 5xx included.
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub scenario: Option<String>,
    pub response_id: Option<String>,
    pub body: String,
}

/// The answer of a ureq call, whatever its status.
pub fn reply(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    Reply {
        status: response.status(),
        location: response.header("Location").map(str::to_owned),
        scenario: response.header("X-Mockidp-Scenario").map(str::to_owned),
        response_id: response.header("X-Mockidp-Response-Id").map(str::to_owned),
        body: response.into_string().unwrap(),
    }
}
