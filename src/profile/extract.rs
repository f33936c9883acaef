//! Reading an SP's answer with a profile: accepted or not, and which documented code it reported.
//! Works on plain data (status, headers, body); never does HTTP itself.

use serde::{Deserialize, Serialize};

use super::file::Stage;
use super::load::Profile;
use crate::saml::form_decode;

/// What an SP answered to one delivery, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Response headers (name, value); names as the SP sent them.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
}

impl Answer {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The Location header, if this is a redirect.
    pub fn location(&self) -> Option<&str> {
        self.header("Location")
    }
}

/// What a profile reads in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// Whether the SP accepted the response (a session was created).
    pub accepted: bool,
    /// The documented code the SP reported, or the raw text found where the code should be.
    pub code: Option<String>,
    /// Whether `code` is in the profile's catalog.
    pub known: bool,
    /// Where the code was found (`json /code`, `body regex`, `message`), for reports.
    pub found_in: Option<String>,
    /// The HTTP status of the answer.
    pub status: u16,
    /// Where the SP refused (`answer.stage-json-pointer`), `response` when it does not say.
    pub stage: Stage,
    /// The SP's error text (`answer.reason-json-pointer`), if it gives one.
    pub reason: Option<String>,
    /// The body, HTML entities decoded: where `says` is looked for when there is no `reason`.
    #[serde(skip)]
    pub(crate) text: String,
}

impl Reading {
    /// Whether the SP's error text (else the body) contains `text`.
    pub fn says(&self, text: &str) -> bool {
        self.reason.as_deref().unwrap_or(&self.text).contains(text)
    }
}

impl Profile {
    /// Read an answer: accepted or not, and the error code it carries.
    pub fn read(&self, answer: &Answer) -> Reading {
        let (code, found_in) = match self.raw_code(answer) {
            Some((raw, place)) => match self.normalize(&raw) {
                Some(code) => (Some(code), Some(place)),
                None => (Some(raw), Some(place)),
            },
            None if self.file.answer.match_messages => match self.scan_messages(&answer.body) {
                Some(code) => (Some(code), Some("message in body".to_owned())),
                None => (None, None),
            },
            None => (None, None),
        };
        // An answer that reports an error (a 200 error page, a redirect to one) is a rejection.
        let accepted = code.is_none() && self.is_accepted(answer);
        let known = code.as_deref().is_some_and(|c| self.file.codes.iter().any(|e| e.code == c));
        let json_string = |pointer: &Option<String>| {
            let pointer = pointer.as_deref()?;
            let json = serde_json::from_str::<serde_json::Value>(&answer.body).ok()?;
            json.pointer(pointer).and_then(serde_json::Value::as_str).map(str::to_owned)
        };
        let rules = &self.file.answer;
        Reading {
            accepted,
            code: if accepted { None } else { code },
            known,
            found_in: if accepted { None } else { found_in },
            status: answer.status,
            stage: json_string(&rules.stage_json_pointer).and_then(|s| Stage::from_name(&s)).unwrap_or(Stage::Response),
            reason: json_string(&rules.reason_json_pointer),
            text: html_unescape(&answer.body),
        }
    }

    fn is_accepted(&self, answer: &Answer) -> bool {
        let rules = &self.file.answer;
        let status_ok = if rules.accepted_status.is_empty() {
            (200..400).contains(&answer.status)
        } else {
            rules.accepted_status.contains(&answer.status)
        };
        let json_ok = rules.accepted_json_pointer.as_deref().is_none_or(|pointer| {
            serde_json::from_str::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| v.pointer(pointer).cloned())
                .is_some_and(|v| v == serde_json::Value::Bool(true))
        });
        let body_ok = self.compiled.accepted_body.as_ref().is_none_or(|re| re.is_match(&answer.body));
        let location_ok =
            self.compiled.accepted_location.as_ref().is_none_or(|re| answer.location().is_some_and(|l| re.is_match(l)));
        let rejected = self.compiled.rejected_body.as_ref().is_some_and(|re| re.is_match(&answer.body));
        status_ok && json_ok && body_ok && location_ok && !rejected
    }

    /// The code as the SP wrote it, from the first place that has one.
    fn raw_code(&self, answer: &Answer) -> Option<(String, String)> {
        let rules = &self.file.answer;
        if let Some(name) = &rules.code_header {
            if let Some(value) = answer.header(name).filter(|v| !v.trim().is_empty()) {
                return Some((value.trim().to_owned(), format!("header {name}")));
            }
        }
        if let (Some(param), Some(location)) = (&rules.code_query_param, answer.location()) {
            let query = location.split_once('?').map_or("", |(_, q)| q);
            let query = query.split('#').next().unwrap_or(query);
            for pair in query.split('&') {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                if form_decode(key) == *param && !value.is_empty() {
                    return Some((form_decode(value), format!("redirect query parameter {param}")));
                }
            }
        }
        if !rules.code_json_pointer.is_empty() {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&answer.body) {
                for pointer in &rules.code_json_pointer {
                    let text = match json.pointer(pointer) {
                        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
                        Some(serde_json::Value::Number(n)) => n.to_string(),
                        _ => continue,
                    };
                    return Some((text, format!("json {pointer}")));
                }
            }
        }
        for re in &self.compiled.code_body {
            if let Some(m) = re.captures(&answer.body).and_then(|c| c.name("code")) {
                return Some((m.as_str().to_owned(), "body regex".to_owned()));
            }
        }
        None
    }

    /// The catalog code that `raw` names: the code itself, an alias, or text with its message.
    fn normalize(&self, raw: &str) -> Option<String> {
        let entries = &self.file.codes;
        if let Some(e) = entries.iter().find(|e| e.code == raw || e.aliases.iter().any(|a| a == raw)) {
            return Some(e.code.clone());
        }
        self.scan_messages(raw)
    }

    /// The entry whose pattern, or longest message, occurs in `text`.
    fn scan_messages(&self, text: &str) -> Option<String> {
        let entries = &self.file.codes;
        for (entry, patterns) in entries.iter().zip(&self.compiled.entry_patterns) {
            if patterns.iter().any(|re| re.is_match(text)) {
                return Some(entry.code.clone());
            }
        }
        let unescaped = html_unescape(text);
        entries
            .iter()
            .filter(|e| !e.message.is_empty() && unescaped.contains(e.message.as_str()))
            .max_by_key(|e| e.message.len())
            .map(|e| e.code.clone())
    }
}

fn html_unescape(text: &str) -> String {
    text.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
