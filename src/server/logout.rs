//! Single Logout (saml-profiles 4.4): reading an SP's LogoutRequest. The LogoutResponse that
//! answers it is built by [`crate::pipeline::logout_response`], the same code `generate` uses for
//! a scenario delivered to the SLO endpoint.

use crate::xml::parse;

use super::request::RequestError;

/// What we use of a LogoutRequest (saml-core 3.7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    /// `ID`.
    pub id: String,
    /// `saml:Issuer`: the SP.
    pub issuer: Option<String>,
    /// `saml:NameID`: who logs out.
    pub name_id: Option<String>,
}

/// Parse a LogoutRequest document.
pub fn parse_logout_request(xml: &str) -> Result<LogoutRequest, RequestError> {
    let root = parse(xml)?;
    if root.local_name() != "LogoutRequest" {
        return Err(RequestError::WrongMessage { root: root.name.clone(), expected: "samlp:LogoutRequest" });
    }
    let id = root.get_attr("ID").filter(|id| !id.trim().is_empty()).ok_or(RequestError::NoId)?.to_owned();
    let text = |name: &str| root.find_child(name).map(|e| e.text_content().trim().to_owned()).filter(|t| !t.is_empty());
    Ok(LogoutRequest { id, issuer: text("Issuer"), name_id: text("NameID") })
}
