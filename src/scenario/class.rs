//! The failure classes: the closed vocabulary of what an SP must detect.

use serde::{Deserialize, Serialize};

macro_rules! failure_classes {
    ($($variant:ident = $name:literal : $doc:literal,)*) => {
        /// What is wrong with a response, in terms an SP's error can be mapped to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum FailureClass {
            $(#[doc = $doc] $variant,)*
        }

        impl FailureClass {
            /// Every class, in declaration order.
            pub const ALL: &'static [FailureClass] = &[$(FailureClass::$variant,)*];

            /// The kebab-case name used in scenario files, profiles and reports.
            pub fn name(self) -> &'static str {
                match self { $(FailureClass::$variant => $name,)* }
            }

            /// One line on what the class means.
            pub fn doc(self) -> &'static str {
                match self { $(FailureClass::$variant => $doc,)* }
            }
        }
    };
}

failure_classes! {
    SignatureMissing = "signature-missing": "A part the SP requires to be signed carries no signature.",
    SignatureInvalid = "signature-invalid": "A signature does not verify: digest or SignatureValue mismatch.",
    UntrustedKey = "untrusted-key": "Signed correctly, but by a key the SP does not trust.",
    CertExpired = "cert-expired": "The IdP signing certificate has expired.",
    CertNotYetValid = "cert-not-yet-valid": "The IdP signing certificate is not valid yet.",
    CertMissing = "cert-missing": "No certificate in the response, and none the SP could use.",
    WeakAlgorithm = "weak-algorithm": "A legacy algorithm (SHA-1, a short RSA key, RSA-1_5 key transport) the SP should refuse.",
    SignatureWrapping = "signature-wrapping": "The signed element is not the one the SP processes (XSW).",
    ReferenceInvalid = "reference-invalid": "A signature's Reference does not name, by its ID, the element the signature is in (saml-core 5.4.2): an empty URI, or another element's ID.",
    TransformDisallowed = "transform-disallowed": "A Reference has transforms other than enveloped-signature and exclusive c14n (saml-core 5.4.4): XSLT, or more than two.",
    AssertionNotYetValid = "assertion-not-yet-valid": "Conditions NotBefore is in the future.",
    AssertionExpired = "assertion-expired": "Conditions NotOnOrAfter is in the past.",
    SubjectConfirmationExpired = "subject-confirmation-expired": "SubjectConfirmationData NotOnOrAfter is in the past.",
    IssueInstantInvalid = "issue-instant-invalid": "IssueInstant missing, not a dateTime, too old, or in the future beyond the allowed skew.",
    SessionExpired = "session-expired": "AuthnStatement SessionNotOnOrAfter is in the past.",
    AudienceMismatch = "audience-mismatch": "The AudienceRestriction does not name this SP.",
    AudienceMissing = "audience-missing": "No AudienceRestriction at all.",
    DestinationMismatch = "destination-mismatch": "The Response Destination is not this SP's ACS URL.",
    RecipientMismatch = "recipient-mismatch": "SubjectConfirmationData Recipient is not this SP's ACS URL.",
    IssuerMismatch = "issuer-mismatch": "The Issuer is not the IdP the SP is configured for.",
    IssuerMissing = "issuer-missing": "No Issuer element.",
    InResponseToMismatch = "in-response-to-mismatch": "InResponseTo does not match the SP's AuthnRequest.",
    Unsolicited = "unsolicited": "An IdP-initiated response to an SP that only accepts SP-initiated logins.",
    Replay = "replay": "The same response (or assertion) delivered again.",
    StatusResponder = "status-responder": "The IdP answered with a Responder status: a failure on its side.",
    StatusRequester = "status-requester": "The IdP answered with a Requester status: the request was bad.",
    StatusAuthnFailed = "status-authn-failed": "The IdP says the user did not authenticate.",
    StatusNoAuthnContext = "status-no-authn-context": "The IdP cannot satisfy the requested AuthnContext.",
    SubjectMissing = "subject-missing": "The assertion has no Subject.",
    NameIdMissing = "name-id-missing": "The Subject has no NameID, or an empty one.",
    NameIdFormat = "name-id-format": "The NameID has a format or a form the SP does not accept.",
    NameQualifierMismatch = "name-qualifier-mismatch": "NameQualifier or SPNameQualifier names another party.",
    AttributeMissing = "attribute-missing": "An attribute the SP requires (email, names) is absent.",
    AttributeInvalid = "attribute-invalid": "An attribute value is malformed.",
    UnknownUser = "unknown-user": "The user is not known to the SP.",
    UserDomainMismatch = "user-domain-mismatch": "The user's domain is not one the SP's organization owns.",
    RoleNotAllowed = "role-not-allowed": "The user's role may not sign in.",
    AccountDisabled = "account-disabled": "The user's account is locked, expired or deactivated at the SP.",
    UserInconsistent = "user-inconsistent": "The NameID differs from the one the SP saw earlier for the same user.",
    OneTimeUse = "one-time-use": "A OneTimeUse condition the SP does not support.",
    ProxyRestriction = "proxy-restriction": "A ProxyRestriction condition the SP does not support.",
    WrongMessageType = "wrong-message-type": "The message is not a samlp:Response.",
    MalformedXml = "malformed-xml": "The decoded message is not well-formed XML.",
    AssertionMissing = "assertion-missing": "A successful Response without an assertion.",
    MultipleAssertions = "multiple-assertions": "More than one assertion where exactly one is expected.",
    EncodingInvalid = "encoding-invalid": "The SAMLResponse field is not valid standard base64.",
    MessageMissing = "message-missing": "The POST carries no SAMLResponse field.",
    WrongHttpMethod = "wrong-http-method": "Delivered by GET where the binding requires POST.",
    Oversized = "oversized": "The response is larger than the SP accepts.",
    MetadataInvalid = "metadata-invalid": "The IdP metadata the SP is given is broken or incomplete.",
    ArtifactUnresolvable = "artifact-unresolvable": "An artifact the SP cannot resolve at the IdP.",
    LogoutInvalid = "logout-invalid": "A broken LogoutRequest or LogoutResponse.",
    SchemaInvalid = "schema-invalid": "The message breaks the SAML schema: a required element or attribute is missing, or a value is not of its type.",
    VersionMismatch = "version-mismatch": "The Version of the Response or the assertion is missing or not 2.0.",
    StatusInvalid = "status-invalid": "The Status or its top-level StatusCode is missing, empty, or not a SAML status code URI.",
    SubjectConfirmationInvalid = "subject-confirmation-invalid": "No usable bearer SubjectConfirmation: missing, empty, another Method, or without its data.",
    ConditionsInvalid = "conditions-invalid": "A Conditions validity bound is empty, not a dateTime, or missing where the SP requires it.",
    AuthnStatementInvalid = "authn-statement-invalid": "No AuthnStatement, or one without its AuthnContext.",
    AuthnContextInvalid = "authn-context-invalid": "The AuthnContextClassRef is empty or names a context the SP does not accept.",
    AssertionNotEncrypted = "assertion-not-encrypted": "The SP requires encrypted assertions, and the assertion is plain.",
    DecryptionFailed = "decryption-failed": "An encrypted element does not decrypt with the SP's key: another recipient's key, a corrupted CipherValue, a GCM tag that fails.",
    EncryptionAlgorithmUnsupported = "encryption-algorithm-unsupported": "An EncryptedKey or EncryptedData names an algorithm the SP does not know or allow.",
    EncryptedContentInvalid = "encrypted-content-invalid": "What decrypts is not the element its wrapper stands for (an EncryptedAssertion without an Assertion).",
    CommentInjection = "comment-injection": "A comment splits a signed value (exclusive c14n drops comments, so the signature verifies): the SP must read the whole value, not the text before the comment, and so sees an identity or role that is not its user's.",
    XmlEntity = "xml-entity": "The message has a DTD (external or internal entities, an entity inside a signed value): the SP must refuse it, never fetch, read or expand the entities.",
    ParserDifferential = "parser-differential": "Two parsers read the same text as different documents (a DOCTYPE literal that hides the signed message, a namespace one parser refuses): the signature verifies on one reading and the SP reads the other; the SP must refuse the message.",
}

impl std::fmt::Display for FailureClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
