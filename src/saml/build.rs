//! Building a correct Response from the IdP settings, the SP target and the user: the start of the
//! pipeline, before any scenario edit.

use time::Duration;

use super::model::*;
use super::names::*;
use crate::clock::{Clock, IdSource};

/// The default IdP entity ID.
pub const DEFAULT_IDP_ENTITY_ID: &str = "https://idp.mockidp.test/metadata";
/// The default IdP SSO URL (what metadata advertises).
pub const DEFAULT_IDP_SSO_URL: &str = "https://idp.mockidp.test/sso";
/// The default SP entity ID.
pub const DEFAULT_SP_ENTITY_ID: &str = "https://sp.example.test/metadata";
/// The default ACS URL.
pub const DEFAULT_ACS_URL: &str = "https://sp.example.test/acs";

/// Who the IdP is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpSettings {
    /// The IdP's entity ID (Issuer).
    pub entity_id: String,
    /// The SSO endpoint that metadata advertises.
    pub sso_url: String,
}

impl Default for IdpSettings {
    fn default() -> Self {
        IdpSettings { entity_id: DEFAULT_IDP_ENTITY_ID.into(), sso_url: DEFAULT_IDP_SSO_URL.into() }
    }
}

/// What we know of the SP the response is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpTarget {
    /// The SP's entity ID (the Audience).
    pub entity_id: String,
    /// The SP's Assertion Consumer Service URL (Destination, Recipient).
    pub acs_url: String,
}

impl Default for SpTarget {
    fn default() -> Self {
        SpTarget { entity_id: DEFAULT_SP_ENTITY_ID.into(), acs_url: DEFAULT_ACS_URL.into() }
    }
}

/// The user who signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The NameID value.
    pub name_id: String,
    /// The NameID Format.
    pub name_id_format: String,
    /// Attributes: name and values, in order.
    pub attributes: Vec<(String, Vec<String>)>,
}

impl Default for User {
    fn default() -> Self {
        User {
            name_id: "alice@example.com".into(),
            name_id_format: NAMEID_EMAIL.into(),
            attributes: vec![
                ("email".into(), vec!["alice@example.com".into()]),
                ("givenName".into(), vec!["Alice".into()]),
                ("surname".into(), vec!["Example".into()]),
                ("role".into(), vec!["member".into(), "staff".into()]),
            ],
        }
    }
}

/// How long things stay valid, from the response's IssueInstant.
const ASSERTION_LIFETIME: Duration = Duration::minutes(5);
const SESSION_LIFETIME: Duration = Duration::hours(8);

/// A correct Response for `sp`, answering `in_response_to` if the login was SP-initiated.
pub fn build_response(
    idp: &IdpSettings,
    sp: &SpTarget,
    user: &User,
    in_response_to: Option<&str>,
    clock: &Clock,
    ids: &mut IdSource,
) -> Response {
    let now = clock.now();
    let issuer = || Some(Issuer { value: idp.entity_id.clone(), format: None });
    let response_id = ids.next_id();
    let assertion_id = ids.next_id();
    let session_index = ids.next_id();
    let assertion = Assertion {
        id: assertion_id,
        issue_instant: now,
        issuer: issuer(),
        subject: Some(Subject {
            name_id: Some(NameId {
                value: user.name_id.clone(),
                format: Some(user.name_id_format.clone()),
                name_qualifier: None,
                sp_name_qualifier: None,
            }),
            confirmations: vec![SubjectConfirmation {
                method: CM_BEARER.into(),
                data: Some(SubjectConfirmationData {
                    recipient: Some(sp.acs_url.clone()),
                    not_before: None,
                    not_on_or_after: Some(now + ASSERTION_LIFETIME),
                    in_response_to: in_response_to.map(str::to_owned),
                }),
            }],
        }),
        conditions: Some(Conditions {
            not_before: Some(now),
            not_on_or_after: Some(now + ASSERTION_LIFETIME),
            audience_restrictions: vec![vec![sp.entity_id.clone()]],
            one_time_use: false,
            proxy_restriction: None,
        }),
        authn_statement: Some(AuthnStatement {
            authn_instant: now,
            session_index: Some(session_index),
            session_not_on_or_after: Some(now + SESSION_LIFETIME),
            class_ref: Some(AC_PASSWORD_PROTECTED_TRANSPORT.into()),
        }),
        attributes: user
            .attributes
            .iter()
            .map(|(name, values)| Attribute {
                name: name.clone(),
                name_format: Some(ATTRNAME_BASIC.into()),
                friendly_name: None,
                values: values.clone(),
            })
            .collect(),
    };
    Response {
        id: response_id,
        issue_instant: now,
        destination: Some(sp.acs_url.clone()),
        in_response_to: in_response_to.map(str::to_owned),
        issuer: issuer(),
        status: Status { code: STATUS_SUCCESS.into(), sub_code: None, message: None },
        assertions: vec![assertion],
    }
}
