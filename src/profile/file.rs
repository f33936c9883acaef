//! The profile file format: one TOML file per SP, its name the file stem.
//!
//! A profile is to an SP what rustls's BoGo config is to BoringSSL's test suite: the SP's own
//! vocabulary of errors, a map from our failure classes to it, and the cases it does not cover,
//! each with a reason. Every key is documented here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scenario::FailureClass;

/// A profile as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileFile {
    /// The SP's name for people (`Authio SSO Setup Portal`).
    pub title: String,
    /// Where the catalog was transcribed from (a document, a library version).
    pub source: String,
    /// What identifies an error in this SP's answers: `code` (a code field or number) or
    /// `message` (the SP has no codes; the message text is the identifier).
    #[serde(default)]
    pub identifier: Identifier,
    /// How the SP answers: where the error code is, what "accepted" looks like.
    pub answer: AnswerRules,
    /// Every documented error, in the catalog's order.
    #[serde(default, rename = "code")]
    pub codes: Vec<CatalogEntry>,
    /// Failure class -> the documented codes that are the right reason for it (any of them).
    #[serde(default)]
    pub classes: BTreeMap<FailureClass, Vec<String>>,
    /// Per-scenario overrides of the class mapping.
    #[serde(default, rename = "override")]
    pub overrides: Vec<Override>,
    /// Classes or scenarios this SP is known not to check: accepting them is a documented gap,
    /// not a finding.
    #[serde(default, rename = "gap")]
    pub gaps: Vec<Gap>,
    /// Scenarios not to run against this SP, each with the reason.
    #[serde(default, rename = "skip")]
    pub skips: Vec<Skip>,
}

/// What identifies an error in the SP's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Identifier {
    /// A code (a field, a number, a name) that does not change when the wording does.
    #[default]
    Code,
    /// The message text itself.
    Message,
}

/// How to read the SP's answer to a delivered response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AnswerRules {
    /// HTTP statuses that mean "accepted" (a session was created). Default: 200..=399.
    #[serde(default)]
    pub accepted_status: Vec<u16>,
    /// A JSON pointer whose value must be `true` for an accepted answer (`/accepted`).
    pub accepted_json_pointer: Option<String>,
    /// A regex over the body that must match for an accepted answer.
    pub accepted_body_regex: Option<String>,
    /// A regex over a redirect's Location that must match for an accepted answer.
    pub accepted_location_regex: Option<String>,
    /// A regex over the body that means "rejected", whatever the status.
    pub rejected_body_regex: Option<String>,
    /// JSON pointers to the error code in a JSON body (`/code`, `/error/code`), tried in order.
    #[serde(default)]
    pub code_json_pointer: Vec<String>,
    /// Regexes over the body with a group named `code` (`(?P<code>SAML\d{3})`), tried in order.
    #[serde(default)]
    pub code_body_regex: Vec<String>,
    /// A query parameter of a redirect's Location that carries the code (`errorCode`).
    pub code_query_param: Option<String>,
    /// A response header that carries the code (`X-Error-Code`).
    pub code_header: Option<String>,
    /// Also look for each catalog entry's message (and `patterns`) in the body when the places
    /// above give nothing.
    #[serde(default)]
    pub match_messages: bool,
    /// A rejection whose code cannot be read counts as `pass-generic` (the SP only says "403").
    /// Without it, such a rejection of a scenario with a mapped code is a mismatch.
    #[serde(default)]
    pub allow_generic: bool,
}

/// One documented error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CatalogEntry {
    /// The identifier: the code, or for message-identified SPs the message.
    pub code: String,
    /// The message the SP shows, as documented.
    pub message: String,
    /// What it means, as documented.
    #[serde(default)]
    pub meaning: String,
    /// Other spellings of the same code seen in answers (`saml_response_invalid_signature`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Regexes that identify this entry in an answer when the literal message does not (a
    /// message with variable parts).
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Whether an IdP's response, metadata or delivery can cause it.
    pub triggerable: bool,
    /// Why not, when `triggerable = false` (SP-side configuration, licensing, internal errors).
    pub reason: Option<String>,
}

/// A per-scenario override of the class mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// The scenario id.
    pub scenario: String,
    /// The codes that are the right reason for this scenario on this SP.
    pub codes: Vec<String>,
    /// Why the scenario's class mapping does not apply.
    pub reason: String,
}

/// A documented gap: the SP does not check this, so accepting it is known, not a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Gap {
    /// A scenario id, or
    pub scenario: Option<String>,
    /// a whole failure class.
    pub class: Option<FailureClass>,
    /// Why the SP does not check it (a cited library behaviour).
    pub reason: String,
}

/// A scenario not run against this SP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Skip {
    /// The scenario id (or a glob: `metadata-*`).
    pub scenario: String,
    /// Why.
    pub reason: String,
}
