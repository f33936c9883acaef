//! The scenario file format: one TOML file per scenario, its id the file stem.
//!
//! Every key is documented here; `docs/scenarios.md` and `mockidp list` are generated from the
//! loaded files, so a new scenario is a new file and nothing else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::class::FailureClass;
use super::offset::Offset;
use crate::dsig::{DigestAlgorithm, ReferenceTarget, SignatureAlgorithm};
use crate::xml::XmlPath;
use crate::xmlenc::{DataAlgorithm, KeyTransport};

/// A scenario as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScenarioFile {
    /// One line: what is broken.
    pub summary: String,
    /// What an SP should do and why, citing the spec.
    pub description: String,
    /// Free-form tags for selecting scenarios (`signature`, `timing`, ...).
    #[serde(default)]
    pub tags: Vec<String>,
    /// What a correct SP does with it.
    pub expect: Expectation,
    /// What the SP side needs for the scenario to mean anything (a user directory, a role policy).
    #[serde(default)]
    pub sp_requirements: Vec<String>,
    /// Stage 1: semantic edits to the model, before signing.
    #[serde(default)]
    pub build: BuildEdits,
    /// Stage 2: signing choices.
    #[serde(default)]
    pub sign: SignChoices,
    /// Between the two signing steps: XML Encryption. A scenario with this table is for an SP that
    /// takes encrypted assertions (it is generated for the SP's encryption certificate, and the
    /// test SPs are run with their decryption key); without it, only `--encrypt` encrypts.
    #[serde(default)]
    pub encrypt: Option<EncryptChoices>,
    /// Stage 3: edits to the signed document.
    #[serde(default)]
    pub tamper: TamperEdits,
    /// Stage 4: encoding and delivery.
    #[serde(default)]
    pub deliver: DeliveryChoices,
    /// What the SP is told to trust: the IdP metadata that goes with the scenario.
    #[serde(default)]
    pub metadata: MetadataChoices,
    /// Logins that come first, from the same client, for defects that only show against history
    /// (a NameID that changes between two logins). Each is a correct, signed response with its own
    /// build edits, which the SP must accept; the scenario's own response comes after them.
    #[serde(default)]
    pub earlier_logins: Vec<EarlierLogin>,
    /// Where the scenario sits in the structural matrix of docs/scenarios.md: which field of the
    /// message it breaks, and how.
    #[serde(default)]
    pub matrix: Option<MatrixCell>,
}

/// One cell of the structural matrix (`[matrix]`): a field of the message and what is done to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MatrixCell {
    /// The field, written as a path (`Response/@ID`, `Assertion/Subject/NameID`); the row.
    pub field: String,
    /// What the scenario does to it; the column.
    pub defect: Defect,
}

/// What a matrix scenario does to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Defect {
    /// Left out.
    Missing,
    /// There, with no value (or whitespace only, or no children).
    Empty,
    /// A value not of the field's type (not a dateTime, not a URI).
    Malformed,
    /// Well-formed, but not the value the SP must see (another party, another version).
    Wrong,
    /// Unusual but valid: the SP must accept it.
    Valid,
}

impl Defect {
    /// Every value, in the order of the matrix's columns.
    pub const ALL: [Defect; 5] = [Defect::Missing, Defect::Empty, Defect::Malformed, Defect::Wrong, Defect::Valid];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Defect::Missing => "missing",
            Defect::Empty => "empty",
            Defect::Malformed => "malformed",
            Defect::Wrong => "wrong",
            Defect::Valid => "valid",
        }
    }
}

/// A login that precedes the scenario's own response (`[[earlier-logins]]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EarlierLogin {
    /// One line: what this login establishes at the SP (an enrolment, a first session).
    pub summary: String,
    /// Semantic edits of this login's response; none means a correct response.
    #[serde(default)]
    pub build: BuildEdits,
}

/// What a correct SP does with the scenario's response (Wycheproof's three values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Expectation {
    /// accept, reject, or acceptable.
    pub outcome: ExpectedOutcome,
    /// For `reject` (and `acceptable`): the failure class the SP's error must map to.
    #[serde(default)]
    pub class: Option<FailureClass>,
    /// The response breaks the SAML schema (saml-schema-protocol/assertion-2.0.xsd), so an SP
    /// that validates it may refuse it as a schema error: class `schema-invalid` is then a right
    /// reason as well as `class`.
    #[serde(default)]
    pub schema_invalid: bool,
}

/// The three expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectedOutcome {
    /// The SP must accept it.
    Accept,
    /// The SP must reject it, for the scenario's class.
    Reject,
    /// The spec leaves it open: accepting and rejecting (for the class) are both fine.
    Acceptable,
}

/// A part of the model a scenario can remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// The Response's Issuer.
    ResponseIssuer,
    /// The assertion's Issuer.
    AssertionIssuer,
    /// The assertion's Subject.
    Subject,
    /// The Subject's NameID.
    NameId,
    /// The Subject's SubjectConfirmation.
    SubjectConfirmation,
    /// The assertion's Conditions.
    Conditions,
    /// The Conditions' AudienceRestriction.
    AudienceRestriction,
    /// The AuthnStatement.
    AuthnStatement,
    /// The AttributeStatement.
    AttributeStatement,
    /// The assertion itself.
    Assertion,
    /// The Response's Destination attribute.
    Destination,
    /// The Response's and SubjectConfirmationData's InResponseTo.
    InResponseTo,
}

/// What `[build] remove` takes out: a named part of the model, or an element or attribute by
/// path (`"Response/Assertion/Conditions/@NotBefore"`), removed from the serialized message
/// before signing. A path starts with the root's local name (upper case); a part's name is
/// kebab-case, so the two never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// A named part.
    Part(Part),
    /// An element or attribute by path.
    Path(XmlPath),
}

impl Serialize for Removal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Removal::Part(part) => part.serialize(serializer),
            Removal::Path(path) => path.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Removal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IntoDeserializer};
        let text = String::deserialize(deserializer)?;
        if text.contains('/') || text.starts_with(|c: char| c.is_uppercase()) {
            return XmlPath::parse(&text).map(Removal::Path).map_err(D::Error::custom);
        }
        Part::deserialize(text.as_str().into_deserializer()).map(Removal::Part).map_err(|e: D::Error| {
            D::Error::custom(format!(
                "{e} (hint: or a path from the root, such as \"Response/Assertion/Conditions/@NotBefore\")"
            ))
        })
    }
}

/// Semantic edits, applied to the model before signing, so the signature stays valid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildEdits {
    /// Response IssueInstant, as an offset from now.
    pub issue_instant: Option<Offset>,
    /// Assertion IssueInstant.
    pub assertion_issue_instant: Option<Offset>,
    /// Conditions NotBefore.
    pub not_before: Option<Offset>,
    /// Conditions NotOnOrAfter.
    pub not_on_or_after: Option<Offset>,
    /// SubjectConfirmationData NotOnOrAfter.
    pub subject_confirmation_not_on_or_after: Option<Offset>,
    /// AuthnStatement AuthnInstant.
    pub authn_instant: Option<Offset>,
    /// AuthnStatement SessionNotOnOrAfter.
    pub session_not_on_or_after: Option<Offset>,
    /// Replace the Audience.
    pub audience: Option<String>,
    /// Replace the Response Destination.
    pub destination: Option<String>,
    /// Replace the SubjectConfirmationData Recipient.
    pub recipient: Option<String>,
    /// Replace both Issuers.
    pub issuer: Option<String>,
    /// Upper-case both Issuers (entity IDs compare case-sensitively).
    #[serde(default)]
    pub issuer_uppercase: bool,
    /// Replace InResponseTo (Response and SubjectConfirmationData).
    pub in_response_to: Option<String>,
    /// Top-level status: `success`, `requester`, `responder`, `version-mismatch`, or a URI.
    pub status: Option<String>,
    /// Second-level status: `authn-failed`, `no-authn-context`, `request-denied`, ... or a URI.
    pub status_sub_code: Option<String>,
    /// StatusMessage.
    pub status_message: Option<String>,
    /// Replace the NameID value.
    pub name_id: Option<String>,
    /// Replace the NameID value with the attacker's,
    /// [`EVIL_NAME_ID`](crate::pipeline::EVIL_NAME_ID), before signing (for an attacker who signs
    /// with a key of its own).
    #[serde(default)]
    pub evil_name_id: bool,
    /// Replace the NameID Format: `email`, `persistent`, `transient`, `unspecified`, or a URI.
    pub name_id_format: Option<String>,
    /// Set NameQualifier.
    pub name_qualifier: Option<String>,
    /// Set SPNameQualifier.
    pub sp_name_qualifier: Option<String>,
    /// Set (replace or add) attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Remove attributes by name.
    #[serde(default)]
    pub remove_attributes: Vec<String>,
    /// Add a OneTimeUse condition.
    #[serde(default)]
    pub one_time_use: bool,
    /// Add a ProxyRestriction with this Count.
    pub proxy_restriction_count: Option<u32>,
    /// Remove named parts of the model, or elements and attributes by path (after the model is
    /// serialized, before signing).
    #[serde(default)]
    pub remove: Vec<Removal>,
    /// Set attributes by path (`"Response/@Version" = "3.0"`), creating them where absent, in the
    /// serialized message before signing. Every path must end in `/@Name`; `/@xmlns:p` (or
    /// `/@xmlns`) sets that namespace declaration instead.
    #[serde(default)]
    pub set: BTreeMap<XmlPath, String>,
    /// Replace the content of elements by path with this text (`"Response/Assertion/Subject/NameID"
    /// = " "`), before signing.
    #[serde(default)]
    pub text: BTreeMap<XmlPath, String>,
    /// Add a second, separately-built assertion (another ID and session).
    #[serde(default)]
    pub second_assertion: bool,
    /// Pad the assertion with an attribute of this many bytes (an oversized response).
    pub padding_bytes: Option<usize>,
    /// Name the message's root element otherwise (`samlp:LogoutResponse`), before signing: a
    /// correctly signed message that is not a `samlp:Response`.
    pub root_element: Option<String>,
    /// Write each assertion in the default namespace, unprefixed (`<Assertion
    /// xmlns="urn:oasis:names:tc:SAML:2.0:assertion">`, its children `<Issuer>`, `<Subject>`, ...),
    /// as Microsoft Entra ID and AD FS do: the same assertion by Namespaces in XML 1.0, a valid
    /// variant that every SP must read.
    #[serde(default)]
    pub assertion_default_namespace: bool,
}

impl BuildEdits {
    /// The `remove` entries that are paths, in order.
    pub fn removed_paths(&self) -> Vec<&XmlPath> {
        self.remove
            .iter()
            .filter_map(|removal| match removal {
                Removal::Path(path) => Some(path),
                Removal::Part(_) => None,
            })
            .collect()
    }
}

/// Signing choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct SignChoices {
    /// The key set that signs.
    pub key: String,
    /// What is signed.
    pub parts: SignParts,
    /// The SignatureMethod.
    pub algorithm: SignatureAlgorithm,
    /// The DigestMethod.
    pub digest: DigestAlgorithm,
    /// Whether KeyInfo carries the certificate.
    pub key_info: bool,
    /// KeyInfo carries the bare public key (`ds:KeyValue/ds:RSAKeyValue`) instead of the
    /// certificate (XML-DSig 4.4.2): a key that no certificate vouches for.
    pub key_value: bool,
    /// What each signature's Reference points at: `signed-element` (default, `#ID` of the element
    /// the signature is in, as saml-core 5.4.2 requires), `whole-document` (`URI=""`) or
    /// `response` (`#ID` of the Response, from an assertion's signature). The digest is honest:
    /// over what the URI names, minus the signature itself (the enveloped transform), so use it
    /// with `parts = "assertion"` (a later Response signature would change the document).
    pub reference: ReferenceTarget,
    /// Transform algorithm URIs put between the enveloped-signature and the exclusive c14n
    /// transforms of each Reference; the XSLT transform gets an identity stylesheet, so the
    /// digest is unchanged. saml-core 5.4.4 allows only those two transforms.
    pub extra_transforms: Vec<String>,
}

impl Default for SignChoices {
    fn default() -> Self {
        SignChoices {
            key: "default".into(),
            parts: SignParts::Both,
            algorithm: SignatureAlgorithm::RsaSha256,
            digest: DigestAlgorithm::Sha256,
            key_info: true,
            key_value: false,
            reference: ReferenceTarget::SignedElement,
            extra_transforms: Vec::new(),
        }
    }
}

/// Encryption choices (`[encrypt]`): what is encrypted, how, to whose key, and the defects of
/// the encrypted form. The assertion is signed first, then encrypted into
/// `saml:EncryptedAssertion` (saml-core 2.3.4), then the Response is signed around it; the NameID
/// and the attributes, when asked for, are encrypted before the assertion is signed (2.2.4, 2.7.3.2).
/// The defects are made before the Response is signed, so its signature stays valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct EncryptChoices {
    /// Encrypt the assertions (default true); `false` sends them plain to an SP that asks for
    /// encryption.
    pub assertion: bool,
    /// Encrypt the NameID into `saml:EncryptedID`.
    pub name_id: bool,
    /// Encrypt each attribute into `saml:EncryptedAttribute`.
    pub attributes: bool,
    /// The data algorithm: `aes128-gcm`, `aes256-gcm` (default), `aes128-cbc`, `aes256-cbc`.
    pub data: DataAlgorithm,
    /// The key transport: `rsa-oaep-mgf1p` (default), `rsa-oaep` (SHA-256, MGF1-SHA-256), `rsa-1_5`.
    pub key_transport: KeyTransport,
    /// Encrypt to this key set's certificate instead of the SP's: a key the SP does not have.
    pub key: Option<String>,
    /// Encrypt only the first assertion; the others stay plain.
    pub first_only: bool,
    /// Rename the assertion to this before encrypting it: what decrypts is not an Assertion.
    pub content_element: Option<String>,
    /// Signature wrapping inside the ciphertext: what decrypts is an evil, unsigned assertion
    /// (NameID admin) that carries the signed one in its `saml:Advice`.
    pub wrap_in_advice: bool,
    /// Flip bits in the middle of each EncryptedData's CipherValue (with CBC: garbled plaintext).
    pub corrupt_cipher_value: bool,
    /// Flip bits in the GCM tag, the CipherValue's last 16 bytes (needs a GCM `data`).
    pub corrupt_tag: bool,
    /// Write this URI as the EncryptedKey's algorithm; the key is still wrapped as
    /// `key-transport` says.
    pub key_transport_uri: Option<String>,
}

impl Default for EncryptChoices {
    fn default() -> Self {
        EncryptChoices {
            assertion: true,
            name_id: false,
            attributes: false,
            data: DataAlgorithm::default(),
            key_transport: KeyTransport::default(),
            key: None,
            first_only: false,
            content_element: None,
            wrap_in_advice: false,
            corrupt_cipher_value: false,
            corrupt_tag: false,
            key_transport_uri: None,
        }
    }
}

/// Which parts of the Response carry a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignParts {
    /// Nothing is signed.
    None,
    /// Only the assertion(s).
    Assertion,
    /// Only the Response.
    Response,
    /// The assertion(s) and then the Response around them.
    #[default]
    Both,
}

impl SignParts {
    /// Every value, in the order the docs list them.
    pub const ALL: [SignParts; 4] = [SignParts::None, SignParts::Assertion, SignParts::Response, SignParts::Both];

    /// Whether assertions are signed.
    pub fn assertion(self) -> bool {
        matches!(self, SignParts::Assertion | SignParts::Both)
    }

    /// Whether the Response is signed.
    pub fn response(self) -> bool {
        matches!(self, SignParts::Response | SignParts::Both)
    }

    /// The kebab-case name, as scenario files and the CLI write it.
    pub fn name(self) -> &'static str {
        match self {
            SignParts::None => "none",
            SignParts::Assertion => "assertion",
            SignParts::Response => "response",
            SignParts::Both => "both",
        }
    }
}

impl std::str::FromStr for SignParts {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        SignParts::ALL.into_iter().find(|parts| parts.name() == text).ok_or_else(|| {
            let names: Vec<&str> = SignParts::ALL.iter().map(|p| p.name()).collect();
            format!("'{text}' is not one of {}", names.join(", "))
        })
    }
}

/// Where a `[[tamper.copy]]` puts its copy, relative to the element its `to` path selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// As the anchor's previous sibling.
    Before,
    /// As the anchor's next sibling.
    After,
    /// As the anchor's first child.
    FirstChild,
    /// As the anchor's last child.
    LastChild,
    /// In the anchor's place, the anchor becoming the copy's last child (the copy wraps it).
    Around,
}

/// Which of the two, the original or its copy, carries the attacker's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The element at `from`, where it stands.
    Original,
    /// The new copy.
    Copy,
    /// Neither: a plain copy, both sides as signed (a copy of a `ds:Signature` put elsewhere).
    Neither,
}

/// Which of the two keeps the element's own `ds:Signature` child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureSide {
    /// The original keeps it; the copy leaves it out (default).
    #[default]
    Original,
    /// The copy takes it; the original loses it.
    Copy,
}

/// The evil element's ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum EvilId {
    /// A fresh ID (the signed ID with `-evil` appended), so the document's IDs stay unique (default).
    #[default]
    Fresh,
    /// The signed ID: two elements carry it, and only one of them is signed.
    Keep,
}

/// A copy of a (signed) element put elsewhere in the signed document (`[[tamper.copy]]`): the
/// building block of XML signature wrapping (XSW; Somorovsky et al., "On Breaking SAML", 2012).
/// One of the two, original or copy, becomes the attacker's: every NameID in it becomes
/// [`EVIL_NAME_ID`](crate::pipeline::EVIL_NAME_ID), and its ID as `evil-id` says, before the copy is
/// inserted (so a copy nested in the evil element keeps its signed content). The other one keeps
/// the signed content, so the signature still verifies over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CopyEdit {
    /// The element to copy; the path must select exactly one.
    pub from: XmlPath,
    /// The anchor the copy is placed at; the path must select exactly one (selected after the
    /// evil edits, before the copy is inserted).
    pub to: XmlPath,
    /// Where, relative to the anchor.
    pub place: Place,
    /// Put the copy inside a new element of this qualified name first (`samlp:Extensions`,
    /// `ds:Object`, `samlp:StatusDetail`, `saml:Advice`); its prefix must be in scope there.
    pub wrap_in: Option<String>,
    /// Which of the two is the attacker's (`neither`: a plain copy).
    pub evil: Side,
    /// The evil element's ID.
    #[serde(default)]
    pub evil_id: EvilId,
    /// Which of the two keeps the element's `ds:Signature` child.
    #[serde(default)]
    pub signature: SignatureSide,
}

/// Edits to the signed document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TamperEdits {
    /// Copies of signed elements put elsewhere (signature wrapping), applied first, in order.
    #[serde(default)]
    pub copy: Vec<CopyEdit>,
    /// Change the NameID value after signing (the digest no longer matches).
    pub name_id: Option<String>,
    /// Change the first NameID to the attacker's, [`EVIL_NAME_ID`](crate::pipeline::EVIL_NAME_ID),
    /// after signing (the digest no longer matches).
    #[serde(default)]
    pub evil_name_id: bool,
    /// Flip bits in every SignatureValue.
    #[serde(default)]
    pub corrupt_signature_value: bool,
    /// After the other edits, put into each `ds:DigestValue` whose Reference no longer matches
    /// the digest of the element as it now is a comment holding that digest, before the signed
    /// value (`<ds:DigestValue><!--new-->signed</ds:DigestValue>`). Canonicalization drops the
    /// comment, so the SignatureValue still verifies; a verifier that reads the DigestValue's first
    /// child node compares with the new digest (xml-crypto CVE-2025-29775).
    #[serde(default)]
    pub digest_comment: bool,
    /// After the other edits, add to each `ds:Signature` a second `ds:SignedInfo` after its first:
    /// a copy whose DigestValue is the digest of the element as it now is. The SignatureValue is
    /// over the first (xml-crypto CVE-2025-29774: a verifier that checks the SignatureValue over
    /// one SignedInfo and the digests of another).
    #[serde(default)]
    pub second_signed_info: bool,
    /// Rename the root element (a message that is not a samlp:Response).
    pub root_element: Option<String>,
    /// After the signed document, a second root element: a copy of the root named `Response`
    /// (in the root's prefix, whatever the signed root is called), with no signature, a fresh ID
    /// and the attacker's NameID (XML 1.0 section 2.1: a document has exactly one root,
    /// so the message is not well-formed).
    #[serde(default)]
    pub second_root: bool,
    /// Cut the serialized document to this many bytes (not well-formed any more).
    pub truncate_to: Option<usize>,
    /// Set attributes by path after signing (as `[build] set`, but the signatures no longer cover
    /// the result).
    #[serde(default)]
    pub set: BTreeMap<XmlPath, String>,
    /// Replace elements' content by path after signing.
    #[serde(default)]
    pub text: BTreeMap<XmlPath, String>,
    /// Remove elements or attributes by path after signing.
    #[serde(default)]
    pub remove: Vec<XmlPath>,
    /// Serialize without the XML declaration (`<?xml ...?>`), which XML 1.0 (section 2.8) makes
    /// optional: a valid variant.
    #[serde(default)]
    pub no_xml_declaration: bool,
    /// Attacks on how the SP's XML parser reads the signed document's text (`[tamper.document]`):
    /// comments inside signed values, DTDs and entities, parser differentials.
    #[serde(default)]
    pub document: DocumentEdits,
}

/// Edits to the signed document's text that an element tree cannot hold (`[tamper.document]`):
/// a comment that splits a signed value, a DTD, entity references, raw markup. They apply after
/// every other tamper edit, in the order of the fields here, and before `truncate-to`.
///
/// The text of `doctype`, `markup` and `before` may name two canaries, which the caller of the
/// library chooses (`GenerateOptions::canaries`), so that a test can see whether an SP fetched or
/// echoed them: `{canary-url}` (default `http://127.0.0.1:9/mockidp-canary`, the discard port)
/// and `{canary-file}` (default `/etc/hostname`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocumentEdits {
    /// Split the text of every element the path selects with an empty comment (`<!---->`) right
    /// after this prefix of its text, which must be a proper prefix. Exclusive c14n drops comments
    /// (xml-exc-c14n section 3, "without comments"), so the signatures still verify; a parser
    /// that reads the first text node sees only the prefix (CVE-2017-11427..11430, CVE-2017-11429).
    #[serde(default)]
    pub comment_after: BTreeMap<XmlPath, String>,
    /// Replace the content of every element the path selects with this markup, written as is
    /// (`"&xxe;"`, an entity reference the `doctype` declares).
    #[serde(default)]
    pub markup: BTreeMap<XmlPath, String>,
    /// Write this markup as is right before the start tag of every element the path selects.
    #[serde(default)]
    pub before: BTreeMap<XmlPath, String>,
    /// A document type declaration, written as is between the XML declaration and the root
    /// element (`<!DOCTYPE Response [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>`).
    pub doctype: Option<String>,
    /// Hide the document as signed (before every other tamper edit) in the single-quoted system
    /// literal of a DOCTYPE in front of the tampered root, and end the text with `-->`:
    /// `<!DOCTYPE {root} SYSTEM 'x">{signed}<!--'>{tampered}-->`. A conformant parser reads the
    /// tampered root (XML 1.0 section 2.8, production [11]: a SystemLiteral holds any character but
    /// its own quote); one that writes the literal back in double quotes and parses that again
    /// (REXML, in ruby-saml < 1.18: CVE-2025-25291) ends the DOCTYPE at the literal's `">`, reads
    /// the signed document, and takes the tampered root for a comment. Not with `doctype`.
    #[serde(default)]
    pub signed_in_doctype_literal: bool,
}

/// The HTTP-POST form field's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Base64Variant {
    /// Standard base64 with padding (saml-bindings 3.5.4).
    #[default]
    Standard,
    /// The URL-safe alphabet (`-`, `_`), which standard decoders refuse.
    UrlSafe,
    /// Not base64 at all.
    Invalid,
    /// Standard base64, then percent-encoded once more than the form encoding does.
    DoubleUrlEncoded,
}

/// The HTTP method of the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HttpMethod {
    /// POST, as the HTTP-POST binding requires.
    #[default]
    Post,
    /// GET, with the message in the query string.
    Get,
}

/// Where the message goes, and so which message it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    /// The SP's AssertionConsumerService: a `samlp:Response` answering its AuthnRequest.
    #[default]
    Acs,
    /// The SP's SingleLogoutService (saml-profiles 4.4): a `samlp:LogoutResponse` answering the
    /// LogoutRequest of an SP-initiated logout. A LogoutResponse is a StatusResponseType
    /// (saml-core 3.7.2) as a Response is, so the scenario's status, issuer, destination,
    /// InResponseTo and removal edits, signing and tampering apply unchanged; assertions are left
    /// out. Delivered by GET, it uses the HTTP-Redirect binding (DEFLATE, saml-bindings 3.4.4.1),
    /// the one SLO binding both python3-saml and node-saml read.
    Slo,
}

/// Encoding and delivery choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct DeliveryChoices {
    /// The base64 variant of the SAMLResponse field.
    pub base64: Base64Variant,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The form field carrying the message (`SAMLResponse`; another name means the field is missing).
    pub field: String,
    /// How many times the same response is delivered (2 = a replay).
    pub repeat: u32,
    /// IdP-initiated (saml-profiles 4.1.5): no AuthnRequest precedes the response, so it answers
    /// none (no InResponseTo, whatever the caller asks for) and the SP has no login pending.
    pub idp_initiated: bool,
    /// Send a SAML artifact (saml-bindings 3.6.4, type 0x0004) in a `SAMLart` field instead of
    /// the message. The IdP publishes no ArtifactResolutionService, so it cannot be resolved.
    pub artifact: bool,
    /// `acs` (default): a login Response to the ACS; `slo`: a LogoutResponse to the SP's
    /// SingleLogoutService, answering its LogoutRequest.
    pub endpoint: Endpoint,
}

impl Default for DeliveryChoices {
    fn default() -> Self {
        DeliveryChoices {
            base64: Base64Variant::Standard,
            method: HttpMethod::Post,
            field: "SAMLResponse".into(),
            repeat: 1,
            idp_initiated: false,
            artifact: false,
            endpoint: Endpoint::Acs,
        }
    }
}

/// The IdP metadata that goes with the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct MetadataChoices {
    /// The key sets whose certificates the metadata lists (what the SP trusts).
    pub trust: Vec<String>,
    /// Serve metadata that is not well-formed XML.
    pub malformed: bool,
    /// Leave out the IDPSSODescriptor.
    pub no_idp_descriptor: bool,
    /// Leave out every SingleSignOnService.
    pub no_sso_binding: bool,
    /// Leave out the signing certificate.
    pub no_signing_cert: bool,
}

impl Default for MetadataChoices {
    fn default() -> Self {
        MetadataChoices {
            trust: vec!["default".into()],
            malformed: false,
            no_idp_descriptor: false,
            no_sso_binding: false,
            no_signing_cert: false,
        }
    }
}
