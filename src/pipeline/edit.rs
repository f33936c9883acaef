//! Path edits (`set`, `text`, `remove` by [`XmlPath`]) on the message's element tree: in `[build]`
//! between serializing the model and signing (so the signatures cover them), in `[tamper]` after
//! signing. Each path applies to every element it selects; a path that selects nothing is an
//! error, never a silent no-op, since a scenario whose edit did nothing would send a valid
//! response under a broken scenario's name.

use std::collections::BTreeMap;

use crate::xml::{attribute_index, namespace_declaration_prefix, Element, PathMiss, XmlPath};

/// A path edit that found nothing to edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{stage}] {edit} \"{path}\": {miss}")]
pub struct PathEditError {
    /// `build` or `tamper`.
    pub stage: &'static str,
    /// `set`, `text` or `remove`.
    pub edit: &'static str,
    /// The path as written.
    pub path: String,
    /// How far the path got.
    pub miss: Box<PathMiss>,
}

/// The path edits of one stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathEdits<'a> {
    /// `build` or `tamper`, for messages.
    pub stage: &'static str,
    /// Attributes to set (created where absent).
    pub set: &'a BTreeMap<XmlPath, String>,
    /// Elements whose content becomes this text.
    pub text: &'a BTreeMap<XmlPath, String>,
    /// Elements and attributes to remove.
    pub remove: &'a [&'a XmlPath],
}

/// Apply `edits` to `root`: every `set`, then every `text`, then every `remove`, each in the
/// order of its paths.
pub(crate) fn apply_path_edits(root: &mut Element, edits: PathEdits<'_>) -> Result<(), PathEditError> {
    let stage = edits.stage;
    let error = |edit: &'static str, path: &XmlPath| {
        let path = path.to_string();
        move |miss| PathEditError { stage, edit, path, miss: Box::new(miss) }
    };
    for (path, value) in edits.set {
        let attribute = path.attribute().expect("loading checks that set paths end in an attribute");
        for at in path.select(root).map_err(error("set", path))? {
            let element = root.at_mut(&at).expect("select returns paths into this tree");
            match (namespace_declaration_prefix(attribute), attribute_index(element, attribute)) {
                (Some(prefix), _) => element.set_namespace(prefix, value.clone()),
                (None, Some(index)) => element.attributes[index].value = value.clone(),
                (None, None) => element.set_attr(attribute, value.clone()),
            }
        }
    }
    for (path, value) in edits.text {
        for at in path.select(root).map_err(error("text", path))? {
            root.at_mut(&at).expect("select returns paths into this tree").set_text(value.clone());
        }
    }
    for path in edits.remove {
        let selected = path.select(root).map_err(error("remove", path))?;
        match path.attribute() {
            Some(attribute) => {
                let mut removed = 0;
                for at in &selected {
                    let element = root.at_mut(at).expect("select returns paths into this tree");
                    if let Some(prefix) = namespace_declaration_prefix(attribute) {
                        removed += usize::from(element.remove_namespace(prefix));
                    } else if let Some(index) = attribute_index(element, attribute) {
                        element.attributes.remove(index);
                        removed += 1;
                    }
                }
                if removed == 0 {
                    let miss = PathMiss::NoAttribute {
                        matched: path.element_part(),
                        found: selected.len(),
                        attribute: attribute.to_owned(),
                    };
                    return Err(error("remove", path)(miss));
                }
            }
            None => {
                // Later siblings first, so the earlier index paths stay valid.
                for at in selected.iter().rev() {
                    root.remove_at(at).expect("select returns paths into this tree, below the root");
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, to_string};

    const DOC: &str = r#"<p:Response xmlns:p="urn:p" xmlns:a="urn:a" ID="_r" Version="2.0"><a:Issuer>idp</a:Issuer><a:Assertion ID="_a"><a:Subject><a:NameID Format="f">alice</a:NameID></a:Subject><a:Conditions NotBefore="t0" NotOnOrAfter="t1"/></a:Assertion></p:Response>"#;

    fn paths(list: &[&str]) -> Vec<XmlPath> {
        list.iter().map(|p| XmlPath::parse(p).unwrap()).collect()
    }

    fn map(list: &[(&str, &str)]) -> BTreeMap<XmlPath, String> {
        list.iter().map(|(p, v)| (XmlPath::parse(p).unwrap(), (*v).to_owned())).collect()
    }

    fn apply(set: &[(&str, &str)], text: &[(&str, &str)], remove: &[&str]) -> Result<String, PathEditError> {
        let mut root = parse(DOC).unwrap();
        let remove = paths(remove);
        let remove: Vec<&XmlPath> = remove.iter().collect();
        let (set, text) = (map(set), map(text));
        apply_path_edits(&mut root, PathEdits { stage: "build", set: &set, text: &text, remove: &remove })?;
        Ok(to_string(&root))
    }

    #[test]
    fn set_text_and_remove_edit_the_tree() {
        let out = apply(
            &[("Response/@ID", ""), ("Response/Assertion/Subject/NameID/@NameQualifier", "q")],
            &[("Response/Assertion/Subject/NameID", "  \n  ")],
            &["Response/Assertion/Conditions/@NotOnOrAfter", "Response/Issuer"],
        )
        .unwrap();
        assert!(out.contains(r#"ID="" Version="2.0""#), "{out}");
        assert!(out.contains("<a:NameID Format=\"f\" NameQualifier=\"q\">  \n  </a:NameID>"), "{out}");
        assert!(out.contains(r#"<a:Conditions NotBefore="t0"/>"#), "{out}");
        assert!(!out.contains("Issuer"), "{out}");
    }

    #[test]
    fn a_namespace_declaration_step_edits_the_declarations_not_the_attributes() {
        let out = apply(
            &[
                ("Response/@xmlns:a", ""),
                ("Response/Assertion/@xmlns:bad", "http://bad uri/"),
                ("Response/Issuer/@xmlns", "urn:d"),
            ],
            &[],
            &["Response/@xmlns:p"],
        )
        .unwrap();
        assert!(out.starts_with(r#"<p:Response xmlns:a="" ID="_r""#), "{out}");
        assert!(out.contains(r#"<a:Assertion xmlns:bad="http://bad uri/" ID="_a">"#), "{out}");
        assert!(out.contains(r#"<a:Issuer xmlns="urn:d">"#), "{out}");
        let error = apply(&[], &[], &["Response/Assertion/@xmlns:none"]).unwrap_err();
        assert!(error.to_string().contains("none has the attribute xmlns:none"), "{error}");
    }

    #[test]
    fn a_path_that_matches_nothing_is_an_error() {
        let error = apply(&[("Response/Assertion/Subject/Nope/@X", "1")], &[], &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "[build] set \"Response/Assertion/Subject/Nope/@X\": no element Response/Assertion/Subject/Nope \
             (the document has 1 matching Response/Assertion/Subject)"
        );
        let error = apply(&[], &[], &["Response/Assertion/Conditions/@Missing"]).unwrap_err();
        assert!(error.to_string().contains("none has the attribute Missing"), "{error}");
        let error = apply(&[], &[("Assertion/Subject/NameID", "x")], &[]).unwrap_err();
        assert!(
            error.to_string().contains("hint: a path starts at the root: Response/Assertion/Subject/NameID"),
            "{error}"
        );
    }
}
