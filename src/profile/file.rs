//! The profile file format: one TOML file per SP, its name the file stem.
//!
//! A profile is to an SP what rustls's BoGo config is to BoringSSL's test suite: the SP's own
//! vocabulary of errors, a map from our failure classes to it, and the cases it does not cover,
//! each with a reason. Every key is documented here, and in docs/profiles.md.
//!
//! A profile can be exact where an SP allows it: a right reason may require the SP's error text
//! (`says`), the stage it refused at or the HTTP status besides the code, and a gap may record
//! the SP's exact answer, so that judging fails when the SP changes (a gap that closes included).

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
    /// The configuration of the SP that this profile describes, as that SP takes it (free-form:
    /// mockidp does not read it). Codes and gaps hold for this configuration; the test SPs in
    /// `tests/sp/` are started with it.
    #[serde(default)]
    pub sp_config: BTreeMap<String, toml::Value>,
    /// How the SP answers: where the error code is, what "accepted" looks like.
    pub answer: AnswerRules,
    /// Every documented error, in the catalog's order.
    #[serde(default, rename = "code")]
    pub codes: Vec<CatalogEntry>,
    /// Failure class -> the right reasons for it (any of them): documented codes, each alone
    /// (`"E101"`) or with what the answer must also show (`{ code = "E101", says = "..." }`).
    #[serde(default)]
    pub classes: BTreeMap<FailureClass, Vec<RightReason>>,
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
    /// A JSON pointer to the SP's error text (`/reason`), which `says` is matched against; without
    /// it (or when it gives nothing) `says` is looked for in the body.
    pub reason_json_pointer: Option<String>,
    /// A JSON pointer to the stage at which the SP refused (`/stage`: `metadata`, `response`,
    /// `app` or `logout`); an answer that names none is at the `response` stage.
    pub stage_json_pointer: Option<String>,
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
    /// The right reasons for this scenario on this SP (as in `classes`).
    pub codes: Vec<RightReason>,
    /// Why the scenario's class mapping does not apply.
    pub reason: String,
}

/// A documented gap: the SP does not check this, so accepting it is known, not a finding.
///
/// Without `answer`, any acceptance is the gap. With it, the gap is exact: the SP must answer just
/// so (accept, or reject with one of `says`); anything else, rejecting for the right reason too
/// (the gap closed), is a mismatch, so the profile is corrected when the SP changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Gap {
    /// A scenario id, or
    pub scenario: Option<String>,
    /// a whole failure class.
    pub class: Option<FailureClass>,
    /// A few words for tables (`Destination not checked`).
    pub short: Option<String>,
    /// Why the SP does not check it (a cited library behaviour).
    pub reason: String,
    /// What the SP answers instead, exactly.
    pub answer: Option<GapAnswer>,
    /// With `answer = "rejected"`: texts of which the SP's error text (or body) contains one
    /// (several when the text depends on the bytes, as zlib's does).
    #[serde(default)]
    pub says: Vec<String>,
}

/// What an SP answers to a scenario it does not check as it should.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapAnswer {
    /// It accepts the response.
    Accepted,
    /// It rejects it, for another reason than the scenario's.
    Rejected,
}

impl std::fmt::Display for GapAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GapAnswer::Accepted => "accepted",
            GapAnswer::Rejected => "rejected",
        })
    }
}

/// Where an SP refused: what it was given when it said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The IdP metadata: the SP could not be configured from it.
    Metadata,
    /// The response, refused by the SAML library.
    Response,
    /// The response, accepted by the library and refused by the application's own policy
    /// (user directory, roles, size limit).
    App,
    /// A LogoutResponse, at the SP's SingleLogoutService.
    Logout,
}

impl Stage {
    /// The kebab-case name, as in profile files.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Metadata => "metadata",
            Stage::Response => "response",
            Stage::App => "app",
            Stage::Logout => "logout",
        }
    }

    /// The stage of that name.
    pub fn from_name(name: &str) -> Option<Stage> {
        [Stage::Metadata, Stage::Response, Stage::App, Stage::Logout].into_iter().find(|s| s.name() == name)
    }
}

/// One right reason for a failure class: a documented code, and what else the answer must show
/// with it where the code alone does not tell the classes apart. Written as the code (`"E101"`)
/// or as a table (`{ code = "E101", says = "Status was Responder", stage = "response" }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RightReasonText", into = "RightReasonText")]
pub struct RightReason {
    /// The code (a catalog entry's `code`).
    pub code: String,
    /// Text that the SP's error text (or body) must contain.
    pub says: Option<String>,
    /// The stage the SP must have refused at.
    pub stage: Option<Stage>,
    /// The HTTP status the answer must have.
    pub status: Option<u16>,
}

impl RightReason {
    /// A code alone.
    pub fn code(code: &str) -> RightReason {
        RightReason { code: code.to_owned(), says: None, stage: None, status: None }
    }
}

/// How a right reason is written: its code alone, or a table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RightReasonText {
    Code(String),
    Table(RightReasonTable),
}

/// The table form of a right reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RightReasonTable {
    code: String,
    says: Option<String>,
    stage: Option<Stage>,
    status: Option<u16>,
}

impl From<RightReasonText> for RightReason {
    fn from(text: RightReasonText) -> Self {
        match text {
            RightReasonText::Code(code) => RightReason::code(&code),
            RightReasonText::Table(RightReasonTable { code, says, stage, status }) => {
                RightReason { code, says, stage, status }
            }
        }
    }
}

impl From<RightReason> for RightReasonText {
    fn from(reason: RightReason) -> Self {
        match reason {
            RightReason { code, says: None, stage: None, status: None } => RightReasonText::Code(code),
            RightReason { code, says, stage, status } => {
                RightReasonText::Table(RightReasonTable { code, says, stage, status })
            }
        }
    }
}

impl Serialize for RightReasonText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RightReasonText::Code(code) => serializer.serialize_str(code),
            RightReasonText::Table(table) => table.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for RightReasonText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RightReasonText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a code (\"E101\") or a table { code, says, stage, status }")
            }
            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Self::Value, E> {
                Ok(RightReasonText::Code(code.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RightReasonTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RightReasonText::Table)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
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
