//! Start, drive and stop the real SAML Service Provider apps in `tests/sp/`.
//!
//! Each [`SpApp`] is a child process (python3-saml or node-saml) listening on
//! a free port of 127.0.0.1. It is killed when the value is dropped.
//!
//! ```ignore
//! let app = SpApp::start(SpKind::Python3Saml, SpConfig::new(cert_pem));
//! let login = app.login();
//! let answer = app.post_acs(&response_b64, login.cookie.as_deref());
//! assert!(!answer.accepted(), "{}", answer.reason());
//! ```
#![allow(dead_code)]

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mockidp::saml::binding::{form_encode, parse_pairs, percent_encode};
use mockidp::saml::Binding;
use serde_json::{Map, Value};

/// How long an app may take to print its `listening on` line.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Per-request timeout for the HTTP calls to an app.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Name of the cookie in which the apps keep the AuthnRequest ID.
pub const REQUEST_ID_COOKIE: &str = "sp_request_id";
/// The cookie `GET /logout` sets: the LogoutRequest ID.
pub const LOGOUT_REQUEST_ID_COOKIE: &str = "sp_logout_request_id";

/// Which SP library an app is built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpKind {
    /// `tests/sp/python3-saml/app.py` on Debian's python3-onelogin-saml2.
    Python3Saml,
    /// `tests/sp/node-saml/server.js` on `@node-saml/node-saml`.
    NodeSaml,
    /// One pinned version of an SP library, vulnerable or fixed (`tests/sp/vulnerable/`): the
    /// positive controls of the attack scenarios. Its app has only `/acs`, `/metadata` and
    /// `/healthz` (no `/login`: the responses are IdP-initiated).
    Pinned(Pinned),
}

/// A library at a pinned version, installed side by side with its other versions in
/// `tests/sp/vulnerable/` (npm aliases in its package.json; ruby-saml from Debian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pinned {
    /// samlify 2.9.1: vulnerable to CVE-2025-47949 (signature wrapping).
    Samlify2_9_1,
    /// samlify 2.13.1: fixed.
    Samlify2_13_1,
    /// passport-saml 3.2.1 (its SAML class, on @xmldom/xmldom 0.7.6): vulnerable to CVE-2022-39299.
    PassportSaml3_2_1,
    /// passport-saml 3.2.2 (on @xmldom/xmldom 0.7.6, as 3.2.1): fixed.
    PassportSaml3_2_2,
    /// saml2-js 1.12.3: vulnerable to CVE-2017-11429 (comment injection).
    Saml2Js1_12_3,
    /// saml2-js 4.0.4: fixed.
    Saml2Js4_0_4,
    /// Debian bookworm's ruby-saml 1.13.0 (1.13.0-1+deb12u1): unpatched for CVE-2025-25291 and
    /// CVE-2025-25292 (the fixed 1.18.0 is not packaged there, and rubygems is out of reach).
    RubySaml1_13_0,
}

impl Pinned {
    /// Every pinned version.
    pub const ALL: [Pinned; 7] = [
        Pinned::Samlify2_9_1,
        Pinned::Samlify2_13_1,
        Pinned::PassportSaml3_2_1,
        Pinned::PassportSaml3_2_2,
        Pinned::Saml2Js1_12_3,
        Pinned::Saml2Js4_0_4,
        Pinned::RubySaml1_13_0,
    ];

    /// `name-version`: the app's `library` (the npm alias, for the node libraries).
    pub fn package(self) -> &'static str {
        match self {
            Pinned::Samlify2_9_1 => "samlify-2.9.1",
            Pinned::Samlify2_13_1 => "samlify-2.13.1",
            Pinned::PassportSaml3_2_1 => "passport-saml-3.2.1",
            Pinned::PassportSaml3_2_2 => "passport-saml-3.2.2",
            Pinned::Saml2Js1_12_3 => "saml2-js-1.12.3",
            Pinned::Saml2Js4_0_4 => "saml2-js-4.0.4",
            Pinned::RubySaml1_13_0 => "ruby-saml-1.13.0",
        }
    }

    fn ruby(self) -> bool {
        self == Pinned::RubySaml1_13_0
    }
}

impl SpKind {
    /// Both kinds, for tests that run against every SP.
    pub const ALL: [SpKind; 2] = [SpKind::Python3Saml, SpKind::NodeSaml];

    /// The `library` field the app puts in its JSON answers.
    pub fn library(self) -> &'static str {
        match self {
            SpKind::Python3Saml => "python3-saml",
            SpKind::NodeSaml => "node-saml",
            SpKind::Pinned(pinned) => pinned.package(),
        }
    }

    fn script(self) -> PathBuf {
        let dir = sp_dir();
        match self {
            SpKind::Python3Saml => dir.join("python3-saml").join("app.py"),
            SpKind::NodeSaml => dir.join("node-saml").join("server.js"),
            SpKind::Pinned(pinned) if pinned.ruby() => dir.join("vulnerable").join("ruby-saml.rb"),
            SpKind::Pinned(_) => dir.join("vulnerable").join("server.js"),
        }
    }

    fn interpreter(self) -> String {
        match self {
            SpKind::Python3Saml => python_interpreter(),
            SpKind::Pinned(pinned) if pinned.ruby() => "ruby".to_string(),
            SpKind::NodeSaml | SpKind::Pinned(_) => {
                std::env::var("MOCKIDP_NODE").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "node".to_string())
            }
        }
    }

    /// Whether this app can run here: `Err` says what is missing
    /// (`.ci/install-deps` installs all of it).
    pub fn available(self) -> Result<(), String> {
        let (program, args): (String, Vec<String>) = match self {
            SpKind::Python3Saml => {
                (python_interpreter(), vec!["-c".into(), "import onelogin.saml2.auth, xmlsec, lxml".into()])
            }
            SpKind::NodeSaml => {
                let module = sp_dir().join("node-saml/node_modules/@node-saml/node-saml");
                if !module.is_dir() {
                    return Err(format!(
                        "{} is missing: run `npm ci` in tests/sp/node-saml (or .ci/install-deps)",
                        module.display()
                    ));
                }
                (self.interpreter(), vec!["--version".into()])
            }
            SpKind::Pinned(pinned) if pinned.ruby() => {
                (self.interpreter(), vec!["-e".into(), "require 'onelogin/ruby-saml'".into()])
            }
            SpKind::Pinned(pinned) => {
                let module = sp_dir().join("vulnerable/node_modules").join(pinned.package());
                if !module.is_dir() {
                    return Err(format!(
                        "{} is missing: run `npm ci` in tests/sp/vulnerable (or .ci/install-deps)",
                        module.display()
                    ));
                }
                (self.interpreter(), vec!["--version".into()])
            }
        };
        match Command::new(&program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
        {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(format!("{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim())),
            Err(e) => Err(format!("cannot run {program}: {e}")),
        }
    }
}

impl fmt::Display for SpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.library())
    }
}

fn sp_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("sp")
}

/// `MOCKIDP_PYTHON`, else `/usr/bin/python3` (Debian's, which has the
/// python3-onelogin-saml2 package) when it exists, else `python3`.
fn python_interpreter() -> String {
    if let Ok(p) = std::env::var("MOCKIDP_PYTHON") {
        if !p.is_empty() {
            return p;
        }
    }
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_string()
    } else {
        "python3".to_string()
    }
}

/// The JSON config handed to an app. Every field left `None` is not written,
/// so the app's (or, for node-saml, the library's) default applies. Keys
/// that only one app understands are ignored by the other.
#[derive(Clone, Debug, Default)]
pub struct SpConfig {
    /// PEM of the IdP signing certificate (required).
    pub idp_cert_pem: String,
    /// Default `http://127.0.0.1:PORT/metadata`.
    pub sp_entity_id: Option<String>,
    /// Default `https://idp.mockidp.test/metadata`.
    pub idp_entity_id: Option<String>,
    /// Default `https://idp.mockidp.test/sso`.
    pub idp_sso_url: Option<String>,
    /// python3-saml default true; node-saml: library default (true).
    pub want_assertions_signed: Option<bool>,
    /// python3-saml default false; node-saml (`wantAuthnResponseSigned`):
    /// library default (true).
    pub want_messages_signed: Option<bool>,
    /// python3-saml only, default true.
    pub want_name_id: Option<bool>,
    /// python3-saml only, default true.
    pub strict: Option<bool>,
    /// python3-saml only, default false (ignored by python3-saml 1.12).
    pub reject_unsolicited_with_in_response_to: Option<bool>,
    /// python3-saml only: `wantAttributeStatement` (library default true).
    pub want_attribute_statement: Option<bool>,
    /// node-saml only: `audience` (library default: the SP entity ID).
    pub audience: Option<String>,
    /// node-saml only: `never` | `ifPresent` | `always` (library default `never`).
    pub validate_in_response_to: Option<String>,
    /// node-saml only: `acceptedClockSkewMs` (library default 0).
    pub accepted_clock_skew_ms: Option<i64>,
    /// Anything else, written as is (e.g. `security` for python3-saml,
    /// `extra_options` for node-saml).
    pub extra: Map<String, Value>,
}

impl SpConfig {
    pub fn new(idp_cert_pem: impl Into<String>) -> Self {
        SpConfig { idp_cert_pem: idp_cert_pem.into(), ..Default::default() }
    }

    pub fn sp_entity_id(mut self, v: impl Into<String>) -> Self {
        self.sp_entity_id = Some(v.into());
        self
    }
    pub fn idp_entity_id(mut self, v: impl Into<String>) -> Self {
        self.idp_entity_id = Some(v.into());
        self
    }
    pub fn idp_sso_url(mut self, v: impl Into<String>) -> Self {
        self.idp_sso_url = Some(v.into());
        self
    }
    pub fn want_assertions_signed(mut self, v: bool) -> Self {
        self.want_assertions_signed = Some(v);
        self
    }
    pub fn want_messages_signed(mut self, v: bool) -> Self {
        self.want_messages_signed = Some(v);
        self
    }
    pub fn want_name_id(mut self, v: bool) -> Self {
        self.want_name_id = Some(v);
        self
    }
    pub fn strict(mut self, v: bool) -> Self {
        self.strict = Some(v);
        self
    }
    pub fn reject_unsolicited_with_in_response_to(mut self, v: bool) -> Self {
        self.reject_unsolicited_with_in_response_to = Some(v);
        self
    }
    pub fn want_attribute_statement(mut self, v: bool) -> Self {
        self.want_attribute_statement = Some(v);
        self
    }
    pub fn audience(mut self, v: impl Into<String>) -> Self {
        self.audience = Some(v.into());
        self
    }
    pub fn validate_in_response_to(mut self, v: impl Into<String>) -> Self {
        self.validate_in_response_to = Some(v.into());
        self
    }
    pub fn accepted_clock_skew_ms(mut self, v: i64) -> Self {
        self.accepted_clock_skew_ms = Some(v);
        self
    }
    /// Set any other key of the config file.
    pub fn set(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// This config with the `sp-config` of the app's built-in profile
    /// (`tests/sp/NAME/profile.toml`): the app as its profile describes it.
    pub fn with_profile_config(self, kind: SpKind) -> Self {
        let set = mockidp::profile::ProfileSet::load(None).expect("the built-in profiles load");
        let profile = set.get(kind.library()).unwrap_or_else(|e| panic!("{e}"));
        profile.file.sp_config.iter().fold(self, |config, (key, value)| {
            config.set(key.clone(), serde_json::to_value(value).expect("TOML values are JSON values"))
        })
    }

    /// The config file's JSON.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("idp_cert_pem".into(), Value::from(self.idp_cert_pem.clone()));
        fn put<T: Into<Value> + Clone>(m: &mut Map<String, Value>, k: &str, v: &Option<T>) {
            if let Some(v) = v {
                m.insert(k.to_string(), v.clone().into());
            }
        }
        put(&mut m, "sp_entity_id", &self.sp_entity_id);
        put(&mut m, "idp_entity_id", &self.idp_entity_id);
        put(&mut m, "idp_sso_url", &self.idp_sso_url);
        put(&mut m, "want_assertions_signed", &self.want_assertions_signed);
        put(&mut m, "want_messages_signed", &self.want_messages_signed);
        put(&mut m, "want_name_id", &self.want_name_id);
        put(&mut m, "strict", &self.strict);
        put(&mut m, "reject_unsolicited_with_in_response_to", &self.reject_unsolicited_with_in_response_to);
        put(&mut m, "want_attribute_statement", &self.want_attribute_statement);
        put(&mut m, "audience", &self.audience);
        put(&mut m, "validate_in_response_to", &self.validate_in_response_to);
        put(&mut m, "accepted_clock_skew_ms", &self.accepted_clock_skew_ms);
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

/// `config` for an SP that takes encrypted assertions: it decrypts with `key`'s private key
/// (python3-saml `sp.privateKey`, node-saml `decryptionPvk`) and, where the library can, requires
/// encryption (python3-saml `wantAssertionsEncrypted`).
pub fn with_encryption(config: SpConfig, key: &mockidp::keys::KeySet) -> SpConfig {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let key_pem = key.private_key.to_pkcs8_pem(LineEnding::LF).expect("an RSA key encodes").to_string();
    config
        .set("sp_encryption_key_pem", Value::from(key_pem))
        .set("sp_encryption_cert_pem", Value::from(key.certificate_pem.clone()))
        .set("want_assertions_encrypted", Value::from(true))
}

/// A running SP app. Dropping it kills the process and removes its config.
pub struct SpApp {
    pub kind: SpKind,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    /// The config the app was started with.
    pub config: Value,
    child: Child,
    tempdir: PathBuf,
    stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// What `GET /login` produced.
#[derive(Clone, Debug)]
pub struct Login {
    /// The `ID` of the AuthnRequest.
    pub request_id: String,
    /// The AuthnRequest XML (base64-decoded and inflated).
    pub saml_request_xml: String,
    pub relay_state: Option<String>,
    /// `sp_request_id=...`, ready for a `Cookie` header.
    pub cookie: Option<String>,
    /// The whole redirect URL.
    pub location: String,
}

/// What `GET /logout` produced.
#[derive(Clone, Debug)]
pub struct Logout {
    /// The `ID` of the LogoutRequest.
    pub request_id: String,
    /// The LogoutRequest XML (base64-decoded and inflated).
    pub saml_request_xml: String,
    /// `sp_logout_request_id=...`, ready for a `Cookie` header.
    pub cookie: Option<String>,
    /// The whole redirect URL (the IdP's SLO URL).
    pub location: String,
}

/// An app's answer from `/acs`.
#[derive(Clone, Debug)]
pub struct SpAnswer {
    pub status: u16,
    /// The JSON body (`Value::Null` when the body was not JSON).
    pub json: Value,
    /// The raw body.
    pub body: String,
}

impl SpAnswer {
    /// True only for HTTP 200 with `"accepted": true`.
    pub fn accepted(&self) -> bool {
        self.status == 200 && self.json.get("accepted") == Some(&Value::Bool(true))
    }

    /// The library's reason for a rejection ("" when there is none).
    pub fn reason(&self) -> String {
        match self.json.get("reason") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }

    /// The `errors` list as strings.
    pub fn errors(&self) -> Vec<String> {
        match self.json.get("errors") {
            Some(Value::Array(a)) => {
                a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect()
            }
            _ => Vec::new(),
        }
    }

    /// python3-saml's symbolic validation code (e.g. `WRONG_AUDIENCE`), if any.
    pub fn code(&self) -> Option<String> {
        self.json.get("code").and_then(Value::as_str).map(str::to_string)
    }

    /// A string field of an accepted answer (`name_id`, `session_index`, ...).
    pub fn str_field(&self, key: &str) -> Option<String> {
        self.json.get(key).and_then(Value::as_str).map(str::to_string)
    }

    pub fn name_id(&self) -> Option<String> {
        self.str_field("name_id")
    }

    /// Values of one attribute of an accepted answer.
    pub fn attribute(&self, name: &str) -> Vec<String> {
        match self.json.get("attributes").and_then(|a| a.get(name)) {
            Some(Value::Array(a)) => {
                a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect()
            }
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for SpAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.status, self.body.trim_end())
    }
}

/// A plain HTTP reply (for endpoints other than /acs).
#[derive(Clone, Debug)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn make_tempdir() -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("mockidp-sp-{}-{}-{}", std::process::id(), n, nanos));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

impl SpApp {
    /// Start an app and wait (up to 20 s) until it listens. Panics, with the
    /// app's stderr, if it does not come up.
    pub fn start(kind: SpKind, config: SpConfig) -> SpApp {
        let mut json = config.to_json();
        if let SpKind::Pinned(pinned) = kind {
            json["library"] = Value::from(pinned.package());
        }
        Self::start_json(kind, json)
    }

    /// Like [`SpApp::start`] with the config file's JSON given as is.
    pub fn start_json(kind: SpKind, config: Value) -> SpApp {
        let tempdir = make_tempdir();
        let config_path = tempdir.join("config.json");
        std::fs::write(&config_path, serde_json::to_vec_pretty(&config).unwrap())
            .unwrap_or_else(|e| panic!("write {}: {e}", config_path.display()));

        let program = kind.interpreter();
        let mut child = Command::new(&program)
            .arg(kind.script())
            .arg("--config")
            .arg(&config_path)
            .arg("--port")
            .arg("0")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                let _ = std::fs::remove_dir_all(&tempdir);
                panic!("{kind}: cannot start {program}: {e} (run .ci/install-deps)")
            });

        // Drain stderr for the app's whole life, keeping it for diagnostics.
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().expect("stderr piped");
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                loop {
                    match pipe.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n])),
                    }
                }
            });
        }

        // Read stdout until the `listening on` line, then keep draining it.
        let (tx, rx) = mpsc::channel::<Result<String, String>>();
        {
            let pipe = child.stdout.take().expect("stdout piped");
            std::thread::spawn(move || {
                let mut reader = BufReader::new(pipe);
                let mut line = String::new();
                let mut seen = String::new();
                let mut sent = false;
                loop {
                    line.clear();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            if !sent {
                                if let Some(url) = line.trim().strip_prefix("listening on ") {
                                    let _ = tx.send(Ok(url.trim().to_string()));
                                    sent = true;
                                } else {
                                    seen.push_str(&line);
                                }
                            }
                        }
                    }
                }
                if !sent {
                    let _ = tx.send(Err(format!("stdout closed; stdout was: {seen:?}")));
                }
            });
        }

        let base_url = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(url)) => url.trim_end_matches('/').to_string(),
            Ok(Err(why)) => start_failed(kind, &mut child, why, &stderr, &tempdir, &config),
            Err(_) => start_failed(
                kind,
                &mut child,
                format!("no `listening on` line within {START_TIMEOUT:?}"),
                &stderr,
                &tempdir,
                &config,
            ),
        };

        let agent = ureq::AgentBuilder::new().redirects(0).timeout(HTTP_TIMEOUT).build();

        SpApp { kind, base_url, config, child, tempdir, stderr, agent }
    }

    /// `http://127.0.0.1:PORT/acs`: the Destination / Recipient to use.
    pub fn acs_url(&self) -> String {
        format!("{}/acs", self.base_url)
    }

    /// `http://127.0.0.1:PORT/slo`: the SP's SingleLogoutService.
    pub fn slo_url(&self) -> String {
        format!("{}/slo", self.base_url)
    }

    /// The SP entity ID, which is also the audience both apps expect
    /// (unless node-saml's `audience` is configured otherwise).
    pub fn entity_id(&self) -> String {
        match self.config.get("sp_entity_id").and_then(Value::as_str) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => format!("{}/metadata", self.base_url),
        }
    }

    /// What the app has written to stderr so far.
    pub fn stderr_output(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `GET path` (e.g. `/metadata`), redirects not followed.
    pub fn get(&self, path_and_query: &str) -> HttpReply {
        let url = format!("{}{}", self.base_url, path_and_query);
        into_reply(self.agent.get(&url).call(), &url)
    }

    /// `GET /healthz` answered 200.
    pub fn healthy(&self) -> bool {
        let r = self.get("/healthz");
        r.status == 200 && r.body.trim() == "ok"
    }

    /// The SP metadata XML.
    pub fn metadata(&self) -> String {
        let r = self.get("/metadata");
        assert_eq!(r.status, 200, "{}: GET /metadata: {}", self.kind, r.body);
        r.body
    }

    /// SP-initiated login without RelayState.
    pub fn login(&self) -> Login {
        self.login_inner(None)
    }

    /// SP-initiated login with a RelayState.
    pub fn login_with_relay_state(&self, relay_state: &str) -> Login {
        self.login_inner(Some(relay_state))
    }

    fn login_inner(&self, relay_state: Option<&str>) -> Login {
        let path = match relay_state {
            Some(rs) => format!("/login?relay_state={}", percent_encode(rs)),
            None => "/login".to_string(),
        };
        let r = self.get(&path);
        assert_eq!(r.status, 302, "{}: GET /login: {}", self.kind, r.body);
        let location = r.location.unwrap_or_else(|| panic!("{}: GET /login without Location", self.kind));
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
        let params = parse_query(query);
        let saml_request = params
            .iter()
            .find(|(k, _)| k == "SAMLRequest")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{}: no SAMLRequest in {location}", self.kind));
        let saml_request_xml =
            inflate_redirect_param(&saml_request).unwrap_or_else(|e| panic!("{}: bad SAMLRequest: {e}", self.kind));
        let request_id = root_attribute(&saml_request_xml, "ID")
            .unwrap_or_else(|| panic!("{}: AuthnRequest without ID: {saml_request_xml}", self.kind));
        let relay_state = params.iter().find(|(k, _)| k == "RelayState").map(|(_, v)| v.clone());
        let cookie = r
            .set_cookie
            .iter()
            .filter_map(|c| c.split(';').next())
            .map(str::trim)
            .find(|c| c.starts_with(&format!("{REQUEST_ID_COOKIE}=")))
            .map(str::to_string);
        Login { request_id, saml_request_xml, relay_state, cookie, location }
    }

    /// SP-initiated logout (`GET /logout`) of the default user (alice@example.com).
    pub fn logout(&self) -> Logout {
        let r = self.get("/logout");
        assert_eq!(r.status, 302, "{}: GET /logout: {}", self.kind, r.body);
        let location = r.location.unwrap_or_else(|| panic!("{}: GET /logout without Location", self.kind));
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
        let saml_request = parse_query(query)
            .into_iter()
            .find(|(k, _)| k == "SAMLRequest")
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("{}: no SAMLRequest in {location}", self.kind));
        let saml_request_xml =
            inflate_redirect_param(&saml_request).unwrap_or_else(|e| panic!("{}: bad SAMLRequest: {e}", self.kind));
        let request_id = root_attribute(&saml_request_xml, "ID")
            .unwrap_or_else(|| panic!("{}: LogoutRequest without ID: {saml_request_xml}", self.kind));
        let cookie = r
            .set_cookie
            .iter()
            .filter_map(|c| c.split(';').next())
            .map(str::trim)
            .find(|c| c.starts_with(&format!("{LOGOUT_REQUEST_ID_COOKIE}=")))
            .map(str::to_string);
        Logout { request_id, saml_request_xml, cookie, location }
    }

    /// POST form fields to /slo (form-encoded), as the HTTP-POST binding would.
    pub fn post_slo(&self, fields: &[(&str, &str)], cookie: Option<&str>) -> SpAnswer {
        let body = form_encode(fields);
        let url = self.slo_url();
        let mut req = self.agent.post(&url).set("Content-Type", "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        into_answer(req.send_string(&body), &url)
    }

    /// `GET /slo?QUERY` (the HTTP-Redirect binding; `query` is already encoded, without `?`).
    pub fn get_slo(&self, query: &str, cookie: Option<&str>) -> SpAnswer {
        let url = format!("{}?{}", self.slo_url(), query);
        let mut req = self.agent.get(&url);
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        into_answer(req.call(), &url)
    }

    /// POST a base64 SAMLResponse to /acs as a browser would (form-encoded).
    /// `cookie` is a `Cookie` header value, e.g. [`Login::cookie`].
    pub fn post_acs(&self, saml_response_b64: &str, cookie: Option<&str>) -> SpAnswer {
        self.post_acs_fields(&[("SAMLResponse", saml_response_b64)], cookie)
    }

    /// POST a SAMLResponse plus a RelayState.
    pub fn post_acs_with_relay_state(
        &self,
        saml_response_b64: &str,
        relay_state: &str,
        cookie: Option<&str>,
    ) -> SpAnswer {
        self.post_acs_fields(&[("SAMLResponse", saml_response_b64), ("RelayState", relay_state)], cookie)
    }

    /// POST any form fields to /acs (form-encoded).
    pub fn post_acs_fields(&self, fields: &[(&str, &str)], cookie: Option<&str>) -> SpAnswer {
        let body = form_encode(fields);
        self.post_acs_form(&body, "application/x-www-form-urlencoded", cookie)
    }

    /// POST a raw body to /acs with the given Content-Type.
    pub fn post_acs_form(&self, body: &str, content_type: &str, cookie: Option<&str>) -> SpAnswer {
        let url = self.acs_url();
        let mut req = self.agent.post(&url).set("Content-Type", content_type);
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        into_answer(req.send_string(body), &url)
    }

    /// `GET /acs?QUERY` (a GET delivery; `query` is already encoded, without `?`).
    pub fn get_acs(&self, query: &str) -> SpAnswer {
        self.get_acs_with_cookie(query, None)
    }

    pub fn get_acs_with_cookie(&self, query: &str, cookie: Option<&str>) -> SpAnswer {
        let url = if query.is_empty() { self.acs_url() } else { format!("{}?{}", self.acs_url(), query) };
        let mut req = self.agent.get(&url);
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        into_answer(req.call(), &url)
    }
}

fn start_failed(
    kind: SpKind,
    child: &mut Child,
    why: String,
    stderr: &Mutex<String>,
    tempdir: &Path,
    config: &Value,
) -> ! {
    let _ = child.kill();
    let status = child.wait().ok();
    // Give the stderr thread a moment to catch the last words.
    std::thread::sleep(Duration::from_millis(200));
    let err = stderr.lock().unwrap().clone();
    let _ = std::fs::remove_dir_all(tempdir);
    panic!("{kind} SP app did not start ({why}); exit: {status:?}\nconfig: {config}\nstderr:\n{err}");
}

impl Drop for SpApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tempdir);
    }
}

/// ureq reports 4xx/5xx as `Error::Status`; both are answers here.
fn response_of(result: Result<ureq::Response, ureq::Error>, url: &str) -> ureq::Response {
    match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: transport error: {e}"),
    }
}

fn into_reply(result: Result<ureq::Response, ureq::Error>, url: &str) -> HttpReply {
    let r = response_of(result, url);
    let status = r.status();
    let content_type = r.header("Content-Type").map(str::to_string);
    let location = r.header("Location").map(str::to_string);
    let set_cookie = r.all("Set-Cookie").into_iter().map(str::to_string).collect();
    let body = r.into_string().unwrap_or_else(|e| panic!("{url}: reading body: {e}"));
    HttpReply { status, content_type, location, set_cookie, body }
}

fn into_answer(result: Result<ureq::Response, ureq::Error>, url: &str) -> SpAnswer {
    let reply = into_reply(result, url);
    let json = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    SpAnswer { status: reply.status, json, body: reply.body }
}

/// `a=1&b=2` into decoded pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    parse_pairs(query).into_iter().map(|pair| (pair.name, pair.value)).collect()
}

/// HTTP-Redirect binding decoding: base64, then raw DEFLATE.
pub fn inflate_redirect_param(b64: &str) -> Result<String, String> {
    Binding::Redirect.decode(b64).map_err(|e| e.to_string())
}

/// An attribute of the document element (after any XML declaration).
pub fn root_attribute(xml: &str, name: &str) -> Option<String> {
    let mut rest = xml.trim_start();
    // Skip the XML declaration, comments and processing instructions.
    while rest.starts_with("<?") || rest.starts_with("<!--") {
        let end = if rest.starts_with("<?") { "?>" } else { "-->" };
        let at = rest.find(end)?;
        rest = rest[at + end.len()..].trim_start();
    }
    if !rest.starts_with('<') {
        return None;
    }
    let tag_end = rest.find('>')?;
    let tag = &rest[..tag_end];
    let mut search = tag;
    while let Some(pos) = search.find(name) {
        let before = search[..pos].chars().last();
        let after = &search[pos + name.len()..];
        let after_trim = after.trim_start();
        if matches!(before, Some(c) if c.is_whitespace()) && after_trim.starts_with('=') {
            let value = after_trim[1..].trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let body = &value[1..];
                let end = body.find(quote)?;
                return Some(body[..end].to_string());
            }
        }
        search = &search[pos + name.len()..];
    }
    None
}
