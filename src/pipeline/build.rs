//! Stage 1: the typed model of the message, filled from the IdP, the SP and the user, then changed
//! by the scenario's semantic edits. All before signing, so the signature stays valid and the SP
//! rejects the response for the scenario's reason.

use time::OffsetDateTime;

use super::edit::{apply_path_edits, PathEditError, PathEdits};
use super::{GenerateOptions, MessageKind};
use crate::clock::{Clock, IdSource};
use crate::saml::names::*;
use crate::saml::{build_response, Attribute, ProxyRestriction, Response};
use crate::scenario::{BuildEdits, Offset, Part, Removal, ScenarioFile};
use crate::xml::Element;

/// The message a scenario starts from, edited: its model (for the IDs the caller reports) and its
/// element (perhaps renamed, then changed by the path edits), ready to sign.
pub(super) fn build(
    file: &ScenarioFile,
    options: &GenerateOptions,
    kind: MessageKind,
    clock: &Clock,
    ids: &mut IdSource,
) -> Result<(Response, Element), PathEditError> {
    let logout = kind == MessageKind::Logout;
    // saml-profiles 4.1.5: an IdP-initiated response answers no request.
    let answers = if file.deliver.idp_initiated && !logout { None } else { options.in_response_to.as_deref() };
    let mut response = build_response(&options.idp, &options.sp, &options.user, answers, clock, ids);
    apply_build_edits(&mut response, &file.build, clock.now(), ids);
    if logout {
        // A LogoutResponse is a StatusResponseType without assertions (saml-core 3.7.2).
        response.assertions.clear();
    }
    let mut root = response.to_element();
    match (kind, &file.build.root_element) {
        (MessageKind::Logout, _) => root.name = "samlp:LogoutResponse".into(),
        (MessageKind::Login, Some(name)) => root.name = name.clone(),
        (MessageKind::Login, None) => {}
    }
    if file.build.assertion_default_namespace {
        for assertion in root.child_elements_mut().filter(|e| e.local_name() == "Assertion") {
            write_in_default_namespace(assertion);
        }
    }
    let remove = file.build.removed_paths();
    let edits = PathEdits { stage: "build", set: &file.build.set, text: &file.build.text, remove: &remove };
    apply_path_edits(&mut root, edits)?;
    Ok((response, root))
}

/// Rename `assertion` and every `saml:` element in it to its local name, and declare the
/// assertion namespace as the default on `assertion` instead of the `saml` prefix.
fn write_in_default_namespace(assertion: &mut Element) {
    assertion.remove_namespace("saml");
    assertion.namespaces.insert(0, (String::new(), ASSERTION_NS.to_owned()));
    let mut stack = vec![assertion];
    while let Some(element) = stack.pop() {
        if let Some(local) = element.name.strip_prefix("saml:") {
            element.name = local.to_owned();
        }
        stack.extend(element.child_elements_mut());
    }
}

/// Apply `edits` to `response`; `now` anchors the time offsets.
fn apply_build_edits(response: &mut Response, edits: &BuildEdits, now: OffsetDateTime, ids: &mut IdSource) {
    let at = |offset: &Offset| now + offset.0;
    if let Some(offset) = &edits.issue_instant {
        response.issue_instant = at(offset);
    }
    if let Some(destination) = &edits.destination {
        response.destination = Some(destination.clone());
    }
    if let Some(in_response_to) = &edits.in_response_to {
        response.in_response_to = Some(in_response_to.clone());
    }
    if let Some(issuer) = &edits.issuer {
        set_issuers(response, |_| issuer.clone());
    }
    if edits.issuer_uppercase {
        set_issuers(response, |value| value.to_uppercase());
    }
    if let Some(status) = &edits.status {
        response.status.code = status_uri(status);
    }
    if let Some(sub) = &edits.status_sub_code {
        response.status.sub_code = Some(status_uri(sub));
    }
    if let Some(message) = &edits.status_message {
        response.status.message = Some(message.clone());
    }

    let in_response_to = response.in_response_to.clone();
    for assertion in &mut response.assertions {
        if let Some(offset) = &edits.assertion_issue_instant {
            assertion.issue_instant = at(offset);
        }
        if let Some(subject) = &mut assertion.subject {
            if let Some(name_id) = &mut subject.name_id {
                if let Some(value) = &edits.name_id {
                    name_id.value = value.clone();
                }
                if edits.evil_name_id {
                    name_id.value = super::tamper::EVIL_NAME_ID.to_owned();
                }
                if let Some(format) = &edits.name_id_format {
                    name_id.format = Some(name_id_format_uri(format));
                }
                if let Some(q) = &edits.name_qualifier {
                    name_id.name_qualifier = Some(q.clone());
                }
                if let Some(q) = &edits.sp_name_qualifier {
                    name_id.sp_name_qualifier = Some(q.clone());
                }
            }
            for data in subject.confirmations.iter_mut().filter_map(|c| c.data.as_mut()) {
                if let Some(offset) = &edits.subject_confirmation_not_on_or_after {
                    data.not_on_or_after = Some(at(offset));
                }
                if let Some(recipient) = &edits.recipient {
                    data.recipient = Some(recipient.clone());
                }
                if edits.in_response_to.is_some() {
                    data.in_response_to = in_response_to.clone();
                }
            }
        }
        if let Some(conditions) = &mut assertion.conditions {
            if let Some(offset) = &edits.not_before {
                conditions.not_before = Some(at(offset));
            }
            if let Some(offset) = &edits.not_on_or_after {
                conditions.not_on_or_after = Some(at(offset));
            }
            if let Some(audience) = &edits.audience {
                conditions.audience_restrictions = vec![vec![audience.clone()]];
            }
            conditions.one_time_use |= edits.one_time_use;
            if let Some(count) = edits.proxy_restriction_count {
                conditions.proxy_restriction = Some(ProxyRestriction { count: Some(count), audiences: Vec::new() });
            }
        }
        if let Some(authn) = &mut assertion.authn_statement {
            if let Some(offset) = &edits.authn_instant {
                authn.authn_instant = at(offset);
            }
            if let Some(offset) = &edits.session_not_on_or_after {
                authn.session_not_on_or_after = Some(at(offset));
            }
        }
        for (name, values) in &edits.attributes {
            match assertion.attributes.iter_mut().find(|a| &a.name == name) {
                Some(attribute) => attribute.values = values.clone(),
                None => assertion.attributes.push(Attribute {
                    name: name.clone(),
                    name_format: Some(ATTRNAME_BASIC.into()),
                    friendly_name: None,
                    values: values.clone(),
                }),
            }
        }
        assertion.attributes.retain(|a| !edits.remove_attributes.contains(&a.name));
        if let Some(bytes) = edits.padding_bytes {
            assertion.attributes.push(Attribute {
                name: "padding".into(),
                name_format: Some(ATTRNAME_BASIC.into()),
                friendly_name: None,
                values: vec!["x".repeat(bytes)],
            });
        }
    }
    for removal in &edits.remove {
        if let Removal::Part(part) = removal {
            remove_part(response, *part);
        }
    }
    if edits.second_assertion {
        if let Some(first) = response.assertions.first().cloned() {
            let mut second = first;
            second.id = ids.next_id();
            if let Some(authn) = &mut second.authn_statement {
                authn.session_index = Some(ids.next_id());
            }
            response.assertions.push(second);
        }
    }
}

fn set_issuers(response: &mut Response, value: impl Fn(&str) -> String) {
    for issuer in
        std::iter::once(&mut response.issuer).chain(response.assertions.iter_mut().map(|a| &mut a.issuer)).flatten()
    {
        issuer.value = value(&issuer.value);
    }
}

fn remove_part(response: &mut Response, part: Part) {
    match part {
        Part::ResponseIssuer => response.issuer = None,
        Part::Destination => response.destination = None,
        Part::Assertion => response.assertions.clear(),
        Part::InResponseTo => {
            response.in_response_to = None;
            for data in response
                .assertions
                .iter_mut()
                .filter_map(|a| a.subject.as_mut())
                .flat_map(|s| s.confirmations.iter_mut())
                .filter_map(|c| c.data.as_mut())
            {
                data.in_response_to = None;
            }
        }
        _ => {
            for assertion in &mut response.assertions {
                match part {
                    Part::AssertionIssuer => assertion.issuer = None,
                    Part::Subject => assertion.subject = None,
                    Part::NameId => {
                        if let Some(s) = assertion.subject.as_mut() {
                            s.name_id = None;
                        }
                    }
                    Part::SubjectConfirmation => {
                        if let Some(s) = assertion.subject.as_mut() {
                            s.confirmations.clear();
                        }
                    }
                    Part::Conditions => assertion.conditions = None,
                    Part::AudienceRestriction => {
                        if let Some(c) = assertion.conditions.as_mut() {
                            c.audience_restrictions.clear();
                        }
                    }
                    Part::AuthnStatement => assertion.authn_statement = None,
                    Part::AttributeStatement => assertion.attributes.clear(),
                    _ => {}
                }
            }
        }
    }
}

/// A status code's URI from its short kebab-case name (saml-core 3.2.2.2), or the URI itself.
fn status_uri(name: &str) -> String {
    if name.contains(':') {
        return name.to_owned();
    }
    let camel: String = name
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect();
    format!("urn:oasis:names:tc:SAML:2.0:status:{camel}")
}

/// A NameID format's URI from its short name, or the URI itself.
fn name_id_format_uri(name: &str) -> String {
    match name {
        "email" => NAMEID_EMAIL.into(),
        "persistent" => NAMEID_PERSISTENT.into(),
        "transient" => NAMEID_TRANSIENT.into(),
        "unspecified" => NAMEID_UNSPECIFIED.into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_short_names_become_uris() {
        assert_eq!(status_uri("responder"), "urn:oasis:names:tc:SAML:2.0:status:Responder");
        assert_eq!(status_uri("authn-failed"), "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed");
        assert_eq!(status_uri("no-authn-context"), "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext");
        assert_eq!(status_uri("urn:x:y"), "urn:x:y");
    }
}
