//! The SAML 2.0 protocol and assertion model (saml-core §2, §3), just as much as an IdP emits.
//!
//! Every optional part is an `Option` or a `Vec`, so that a scenario can remove or change any of
//! it before signing.

use time::OffsetDateTime;

/// `samlp:Response` (saml-core 3.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `ID`.
    pub id: String,
    /// `IssueInstant`.
    pub issue_instant: OffsetDateTime,
    /// `Destination`: the ACS URL it is meant for.
    pub destination: Option<String>,
    /// `InResponseTo`: the AuthnRequest's ID, none when unsolicited.
    pub in_response_to: Option<String>,
    /// `saml:Issuer`.
    pub issuer: Option<Issuer>,
    /// `samlp:Status`.
    pub status: Status,
    /// The assertions, usually one.
    pub assertions: Vec<Assertion>,
}

/// `saml:Issuer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The entity ID.
    pub value: String,
    /// `Format`, usually omitted (entity is the default).
    pub format: Option<String>,
}

/// `samlp:Status` with its top-level and optional second-level code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Top-level `StatusCode/@Value`.
    pub code: String,
    /// Second-level `StatusCode/@Value`.
    pub sub_code: Option<String>,
    /// `StatusMessage`.
    pub message: Option<String>,
}

/// `saml:Assertion` (saml-core 2.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// `ID`.
    pub id: String,
    /// `IssueInstant`.
    pub issue_instant: OffsetDateTime,
    /// `saml:Issuer` (required by the schema; optional here so a scenario can drop it).
    pub issuer: Option<Issuer>,
    /// `saml:Subject`.
    pub subject: Option<Subject>,
    /// `saml:Conditions`.
    pub conditions: Option<Conditions>,
    /// `saml:AuthnStatement`.
    pub authn_statement: Option<AuthnStatement>,
    /// `saml:AttributeStatement` (omitted when empty).
    pub attributes: Vec<Attribute>,
}

/// `saml:Subject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `saml:NameID`.
    pub name_id: Option<NameId>,
    /// `saml:SubjectConfirmation`s.
    pub confirmations: Vec<SubjectConfirmation>,
}

/// `saml:NameID` with its format and qualifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameId {
    /// The identifier.
    pub value: String,
    /// `Format`.
    pub format: Option<String>,
    /// `NameQualifier`: the IdP's namespace for the name.
    pub name_qualifier: Option<String>,
    /// `SPNameQualifier`: the SP the name is scoped to.
    pub sp_name_qualifier: Option<String>,
}

/// `saml:SubjectConfirmation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfirmation {
    /// `Method`, bearer for Web SSO.
    pub method: String,
    /// `saml:SubjectConfirmationData`.
    pub data: Option<SubjectConfirmationData>,
}

/// `saml:SubjectConfirmationData` (saml-profiles 4.1.4.2 for the bearer rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfirmationData {
    /// `Recipient`: the ACS URL.
    pub recipient: Option<String>,
    /// `NotBefore` (must be absent for bearer confirmations).
    pub not_before: Option<OffsetDateTime>,
    /// `NotOnOrAfter`.
    pub not_on_or_after: Option<OffsetDateTime>,
    /// `InResponseTo`.
    pub in_response_to: Option<String>,
}

/// `saml:Conditions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditions {
    /// `NotBefore`.
    pub not_before: Option<OffsetDateTime>,
    /// `NotOnOrAfter` (exclusive, saml-core 2.5.1.2).
    pub not_on_or_after: Option<OffsetDateTime>,
    /// One `saml:AudienceRestriction` per inner list.
    pub audience_restrictions: Vec<Vec<String>>,
    /// `saml:OneTimeUse`.
    pub one_time_use: bool,
    /// `saml:ProxyRestriction`.
    pub proxy_restriction: Option<ProxyRestriction>,
}

/// `saml:ProxyRestriction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRestriction {
    /// `Count`.
    pub count: Option<u32>,
    /// Audiences that may receive derived assertions.
    pub audiences: Vec<String>,
}

/// `saml:AuthnStatement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnStatement {
    /// `AuthnInstant`.
    pub authn_instant: OffsetDateTime,
    /// `SessionIndex`.
    pub session_index: Option<String>,
    /// `SessionNotOnOrAfter`.
    pub session_not_on_or_after: Option<OffsetDateTime>,
    /// `AuthnContextClassRef`.
    pub class_ref: Option<String>,
}

/// `saml:Attribute`, possibly multi-valued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// `Name`.
    pub name: String,
    /// `NameFormat`.
    pub name_format: Option<String>,
    /// `FriendlyName`.
    pub friendly_name: Option<String>,
    /// The `AttributeValue`s.
    pub values: Vec<String>,
}
