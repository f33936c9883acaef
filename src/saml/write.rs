//! The model as an XML tree, in schema order (saml-core §2 and §3).

use super::model::*;
use super::names::*;
use crate::clock::saml_time;
use crate::xml::Element;

impl Response {
    /// The `samlp:Response` element.
    pub fn to_element(&self) -> Element {
        let mut response = Element::new("samlp:Response")
            .ns("samlp", PROTOCOL_NS)
            .ns("saml", ASSERTION_NS)
            .attr("ID", &self.id)
            .attr("Version", "2.0")
            .attr("IssueInstant", saml_time(self.issue_instant))
            .attr_opt("Destination", self.destination.as_deref())
            .attr_opt("InResponseTo", self.in_response_to.as_deref());
        if let Some(issuer) = &self.issuer {
            response = response.child(issuer.to_element());
        }
        let mut status_code = Element::new("samlp:StatusCode").attr("Value", &self.status.code);
        if let Some(sub) = &self.status.sub_code {
            status_code = status_code.child(Element::new("samlp:StatusCode").attr("Value", sub));
        }
        let mut status = Element::new("samlp:Status").child(status_code);
        if let Some(message) = &self.status.message {
            status = status.child(Element::new("samlp:StatusMessage").text(message));
        }
        response.child(status).children(self.assertions.iter().map(Assertion::to_element))
    }
}

impl Issuer {
    fn to_element(&self) -> Element {
        Element::new("saml:Issuer").attr_opt("Format", self.format.as_deref()).text(&self.value)
    }
}

impl Assertion {
    /// The `saml:Assertion` element. It declares `saml` itself so it stays well-formed when an SP
    /// cuts it out of the Response.
    pub fn to_element(&self) -> Element {
        let mut assertion = Element::new("saml:Assertion")
            .ns("saml", ASSERTION_NS)
            .attr("ID", &self.id)
            .attr("Version", "2.0")
            .attr("IssueInstant", saml_time(self.issue_instant));
        if let Some(issuer) = &self.issuer {
            assertion = assertion.child(issuer.to_element());
        }
        if let Some(subject) = &self.subject {
            assertion = assertion.child(subject.to_element());
        }
        if let Some(conditions) = &self.conditions {
            assertion = assertion.child(conditions.to_element());
        }
        if let Some(authn) = &self.authn_statement {
            assertion = assertion.child(authn.to_element());
        }
        if !self.attributes.is_empty() {
            assertion = assertion.child(
                Element::new("saml:AttributeStatement").children(self.attributes.iter().map(Attribute::to_element)),
            );
        }
        assertion
    }
}

impl Subject {
    fn to_element(&self) -> Element {
        let mut subject = Element::new("saml:Subject");
        if let Some(name_id) = &self.name_id {
            subject = subject.child(
                Element::new("saml:NameID")
                    .attr_opt("NameQualifier", name_id.name_qualifier.as_deref())
                    .attr_opt("SPNameQualifier", name_id.sp_name_qualifier.as_deref())
                    .attr_opt("Format", name_id.format.as_deref())
                    .text(&name_id.value),
            );
        }
        subject.children(self.confirmations.iter().map(|confirmation| {
            let mut element = Element::new("saml:SubjectConfirmation").attr("Method", &confirmation.method);
            if let Some(data) = &confirmation.data {
                element = element.child(
                    Element::new("saml:SubjectConfirmationData")
                        .attr_opt("NotBefore", data.not_before.map(saml_time))
                        .attr_opt("NotOnOrAfter", data.not_on_or_after.map(saml_time))
                        .attr_opt("Recipient", data.recipient.as_deref())
                        .attr_opt("InResponseTo", data.in_response_to.as_deref()),
                );
            }
            element
        }))
    }
}

impl Conditions {
    fn to_element(&self) -> Element {
        let mut conditions = Element::new("saml:Conditions")
            .attr_opt("NotBefore", self.not_before.map(saml_time))
            .attr_opt("NotOnOrAfter", self.not_on_or_after.map(saml_time));
        for audiences in &self.audience_restrictions {
            conditions = conditions.child(
                Element::new("saml:AudienceRestriction")
                    .children(audiences.iter().map(|a| Element::new("saml:Audience").text(a))),
            );
        }
        if self.one_time_use {
            conditions = conditions.child(Element::new("saml:OneTimeUse"));
        }
        if let Some(proxy) = &self.proxy_restriction {
            conditions = conditions.child(
                Element::new("saml:ProxyRestriction")
                    .attr_opt("Count", proxy.count.map(|c| c.to_string()))
                    .children(proxy.audiences.iter().map(|a| Element::new("saml:Audience").text(a))),
            );
        }
        conditions
    }
}

impl AuthnStatement {
    fn to_element(&self) -> Element {
        let mut context = Element::new("saml:AuthnContext");
        if let Some(class_ref) = &self.class_ref {
            context = context.child(Element::new("saml:AuthnContextClassRef").text(class_ref));
        }
        Element::new("saml:AuthnStatement")
            .attr("AuthnInstant", saml_time(self.authn_instant))
            .attr_opt("SessionIndex", self.session_index.as_deref())
            .attr_opt("SessionNotOnOrAfter", self.session_not_on_or_after.map(saml_time))
            .child(context)
    }
}

impl Attribute {
    fn to_element(&self) -> Element {
        Element::new("saml:Attribute")
            .attr("Name", &self.name)
            .attr_opt("NameFormat", self.name_format.as_deref())
            .attr_opt("FriendlyName", self.friendly_name.as_deref())
            .children(self.values.iter().map(|value| {
                Element::new("saml:AttributeValue")
                    .ns("xs", XS_NS)
                    .ns("xsi", XSI_NS)
                    .attr("xsi:type", "xs:string")
                    .text(value)
            }))
    }
}
