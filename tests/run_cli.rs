//! `mockidp run`'s exit codes and error messages: bad flags, missing or broken profiles, an
//! unreachable SP, a login URL that starts no login.

use std::net::TcpListener;
use std::process::{Command, Output};

fn mockidp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mockidp")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A URL on 127.0.0.1 where nothing listens (a port just freed).
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// One HTTP/1.1 request read off `stream`: its head lines and its body.
fn read_request(stream: std::net::TcpStream) -> (Vec<String>, String, std::net::TcpStream) {
    use std::io::{BufRead, BufReader, Read};
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() <= 2 {
            break;
        }
        head.push(line.trim_end().to_owned());
    }
    let length = head
        .iter()
        .find_map(|h| {
            h.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).unwrap();
    (head, String::from_utf8(body).unwrap(), reader.into_inner())
}

/// The SAMLResponse of a form body, decoded.
fn saml_response(body: &str) -> String {
    use base64::Engine as _;
    let field = body.split('&').find_map(|p| p.strip_prefix("SAMLResponse=")).unwrap_or("");
    let field = field.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(field).unwrap()).unwrap()
}

#[test]
fn help_documents_the_exit_codes() {
    let out = mockidp(&["run", "--help"]);
    assert!(out.status.success());
    let help = stdout(&out).split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in
        ["Exit codes", "0 every scenario passed", "1 a finding", "2 bad flags", "3 the SP was unreachable", "--report"]
    {
        assert!(help.contains(needle), "missing {needle:?} in\n{help}");
    }
}

#[test]
fn bad_flags_exit_2() {
    let out = mockidp(&["run", "--acs-url", "http://127.0.0.1:1/acs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--profile"), "{}", stderr(&out));

    let out = mockidp(&["run", "--profile", "generic", "--acs-url", "127.0.0.1/acs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not an http(s) URL"), "{}", stderr(&out));

    let out = mockidp(&["run", "--profile", "generic", "--acs-url", "http://x/acs", "--report", "xml", "r.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the format is `json` or `junit`"), "{}", stderr(&out));

    let out =
        mockidp(&["run", "--profile", "generic", "--acs-url", "http://x/acs", "--scenario", "nothing-like-this-*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("matches no scenario"), "{}", stderr(&out));

    let out = mockidp(&["run", "--profile", "generic", "--acs-url", "http://x/acs", "--scenario", "wrong-audiense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean 'wrong-audience'"), "{}", stderr(&out));
}

#[test]
fn a_missing_profile_exits_2_and_lists_the_known_ones() {
    let out = mockidp(&["run", "--profile", "okta", "--acs-url", "http://127.0.0.1:1/acs"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no profile 'okta'") && err.contains("authio, cisco-webex"), "{err}");
    assert!(err.contains("--profiles DIR"), "{err}");
}

#[test]
fn a_broken_profile_names_its_file_and_line() {
    let dir = std::env::temp_dir().join(format!("mockidp-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mine.toml"), "title = \"mine\"\nsource = \"me\"\n[answer]\nallow_generic = true\n")
        .unwrap();
    let out = mockidp(&["run", "--profiles", dir.to_str().unwrap(), "--profile", "mine", "--acs-url", "http://x/acs"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("mine.toml:4: answer.allow_generic: unknown field `allow_generic`"), "{err}");
    assert!(err.contains("hint: keys are kebab-case"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_unreachable_sp_exits_3_with_a_message_per_scenario() {
    let base = closed_port_url();
    let acs = format!("{base}/acs");
    let out = mockidp(&[
        "run",
        "--profile",
        "generic",
        "--acs-url",
        &acs,
        "--no-snapshots",
        "--scenario",
        "valid",
        "--scenario",
        "wrong-*",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    let table = stdout(&out);
    let unreachable: Vec<&str> = table.lines().filter(|l| l.contains("SP unreachable")).collect();
    let given_up: Vec<&str> = table.lines().filter(|l| l.contains("gave up")).collect();
    assert!(unreachable.len() + given_up.len() >= 5, "every scenario says so:\n{table}");
    assert!(unreachable.len() >= 3, "the first ones were tried:\n{table}");
    assert!(unreachable.iter().all(|l| l.contains(&acs) && l.contains(" error ")), "{table}");
    assert!(given_up.iter().all(|l| l.contains(" error ")), "{table}");

    let login = format!("{base}/login");
    let out = mockidp(&[
        "run",
        "--profile",
        "generic",
        "--acs-url",
        &acs,
        "--login-url",
        &login,
        "--no-snapshots",
        "--scenario",
        "valid",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains(&format!("SP unreachable: {login}")), "{}", stdout(&out));
}

#[test]
fn a_login_url_that_starts_no_login_is_a_clear_error() {
    // A tiny server that answers everything with JSON: no redirect, no form.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "{\"status\":\"ok\"}";
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let out = mockidp(&[
        "run",
        "--profile",
        "generic",
        "--acs-url",
        &format!("{base}/acs"),
        "--login-url",
        &format!("{base}/health"),
        "--no-snapshots",
        "--scenario",
        "valid",
        "--jobs",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let table = stdout(&out);
    assert!(table.contains("answered 200 (application/json) with neither a redirect carrying SAMLRequest"), "{table}");
    assert!(table.contains("hint: --login-url must start an SP-initiated login"), "{table}");
}

#[test]
fn a_closed_stdout_keeps_the_verdict_and_the_reports() {
    use std::process::Stdio;
    let acs = format!("{}/acs", closed_port_url());
    let report = std::env::temp_dir().join(format!("mockidp-closed-stdout-{}.json", std::process::id()));
    let child = Command::new(env!("CARGO_BIN_EXE_mockidp"))
        .args(["run", "--profile", "generic", "--acs-url", &acs, "--no-snapshots", "--scenario", "valid"])
        .args(["--report", "json", report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "a closed pipe must not turn a failed run into a pass: {}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["exit_code"], 3);
    std::fs::remove_file(report).ok();
}

#[test]
fn a_silent_sp_times_out_and_exits_3() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(std::time::Duration::from_secs(30));
        drop(held);
    });
    let acs = format!("http://127.0.0.1:{port}/acs");
    let out = mockidp(&[
        "run",
        "--profile",
        "generic",
        "--acs-url",
        &acs,
        "--no-snapshots",
        "--scenario",
        "valid",
        "--timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains("timed out"), "{}", stdout(&out));
}

#[test]
fn a_hung_sp_ends_the_run_early_with_exit_3() {
    // Accepts every connection and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().collect();
        drop(held);
    });
    let acs = format!("http://127.0.0.1:{port}/acs");
    let started = std::time::Instant::now();
    let out =
        mockidp(&["run", "--profile", "generic", "--acs-url", &acs, "--no-snapshots", "--timeout", "1", "--jobs", "1"]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let table = stdout(&out);
    assert_eq!(table.lines().filter(|l| l.contains("timed out")).count(), mockidp::runner::GIVE_UP_AFTER, "{table}");
    assert!(table.contains("not run: the SP failed to answer 3 scenarios in a row"), "{table}");
    // Every scenario at the timeout would take a minute or more; giving up takes a few seconds.
    assert!(elapsed < std::time::Duration::from_secs(30), "took {elapsed:?}");
}

/// SP-initiated through an auto-POST page (the AuthnRequest in an HTML form, HTTP-POST binding):
/// the response answers that request's ID, goes to its ACS URL with its RelayState, and carries
/// the cookies the login set.
#[test]
fn sp_initiated_login_by_auto_post_form_keeps_request_relay_state_and_cookies() {
    use base64::Engine as _;
    use std::io::Write;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let acs = format!("{base}/saml/acs");
    let request = format!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" \
ID=\"_req42\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\" AssertionConsumerServiceURL=\"{acs}\">\
<saml:Issuer>urn:example:sp</saml:Issuer></samlp:AuthnRequest>"
    );
    let form = format!(
        "<html><body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"https://idp.example/sso\">\
<input type=\"hidden\" name=\"SAMLRequest\" value=\"{}\"/><input type=\"hidden\" name=\"RelayState\" value=\"rs-1\"/></form></body></html>",
        base64::engine::general_purpose::STANDARD.encode(&request)
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(2) {
            let (head, body, mut stream) = read_request(stream);
            let (status, extra, text) = if head[0].starts_with("GET /login") {
                ("200 OK", "Set-Cookie: session=s1; Path=/\r\nContent-Type: text/html\r\n", form.clone())
            } else {
                let cookie_ok = head.iter().any(|h| h.eq_ignore_ascii_case("cookie: session=s1"));
                let xml = saml_response(&body);
                let ok = head[0].starts_with("POST /saml/acs")
                    && cookie_ok
                    && body.contains("RelayState=rs-1")
                    && xml.contains("InResponseTo=\"_req42\"")
                    && xml.contains("<saml:Audience>urn:example:sp</saml:Audience>");
                if ok {
                    ("200 OK", "", "welcome".to_owned())
                } else {
                    ("403 Forbidden", "", format!("{head:?}"))
                }
            };
            write!(
                stream,
                "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            )
            .unwrap();
        }
    });
    let out = mockidp(&[
        "run",
        "--profile",
        "generic",
        "--acs-url",
        "http://127.0.0.1:1/not-this-one",
        "--login-url",
        &format!("{base}/login"),
        "--no-snapshots",
        "--scenario",
        "valid",
        "--jobs",
        "1",
    ]);
    let table = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{table}{}", stderr(&out));
    assert!(table.lines().any(|l| l.starts_with("valid") && l.contains(" pass ")), "{table}");
}

/// An SP that rejects every response (403) and records what it was sent.
fn recording_sp() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let acs = format!("http://{}/acs", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (_, body, mut stream) = read_request(stream);
            sink.lock().unwrap().push(saml_response(&body));
            let _ = write!(stream, "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno");
        }
    });
    (acs, received)
}

#[test]
fn with_now_and_seed_a_run_sends_byte_identical_responses_whatever_the_jobs() {
    // One SP for every run: its URL is part of what is sent.
    let (acs, received) = recording_sp();
    let sent = |jobs: &str, fixed: bool| {
        let mut args = vec!["run", "--profile", "generic", "--acs-url", &acs, "--no-snapshots", "--jobs", jobs];
        args.extend(["--scenario", "wrong-audience", "--scenario", "wrong-destination", "--scenario", "unsigned"]);
        if fixed {
            args.extend(["--now", "2026-01-02T03:04:05Z", "--seed", "9"]);
        }
        let out = mockidp(&args);
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        let mut sent = std::mem::take(&mut *received.lock().unwrap());
        assert_eq!(sent.len(), 3);
        sent.sort();
        sent
    };
    let one = sent("1", true);
    assert!(one == sent("3", true), "the same bytes, in whatever order the scenarios ran");
    assert!(one.iter().all(|xml| xml.contains("IssueInstant=\"2026-01-02T03:04:05Z\"")), "{one:?}");
    assert!(one != sent("1", false), "without them, fresh IDs and the real time");
}
