//! The XML layer under hostile input: nesting and attribute counts are bounded with a clear error,
//! and every walk over a tree (search, serialization, c14n, drop) is safe for any depth.

use mockidp::xml::{exclusive_c14n, parse, to_document, Element, XmlError, MAX_ATTRIBUTES, MAX_DEPTH};

/// Run `f` on a thread with a small stack, so that recursion per level would overflow it.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().expect("no stack overflow");
}

fn nested(depth: usize) -> String {
    format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth))
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    on_small_stack(|| {
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        for depth in [MAX_DEPTH + 1, 32_000, 1_000_000] {
            match parse(&nested(depth)) {
                Err(XmlError::TooDeep { limit, line }) => assert_eq!((limit, line), (MAX_DEPTH, 1)),
                other => panic!("depth {depth}: {other:?}"),
            }
        }
        // Unclosed, too: the limit applies while reading, not after.
        assert!(matches!(parse(&"<a>".repeat(100_000)), Err(XmlError::TooDeep { .. })));
    });
}

#[test]
fn every_walk_is_safe_for_any_depth() {
    on_small_stack(|| {
        // Built in code, not parsed: no limit applies, and nothing may recurse per level.
        let mut tree = Element::new("leaf").attr("ID", "_deep").text("x");
        for _ in 0..100_000 {
            tree = Element::new("a").child(tree);
        }
        let root = Element::new("r").ns("", "urn:x").child(tree);
        assert_eq!(root.by_id("_deep").map(|e| e.name.as_str()), Some("leaf"));
        assert!(root.descendant("missing").is_none());
        let text = to_document(&root);
        assert!(text.ends_with(&format!("<leaf ID=\"_deep\">x</leaf>{}</r>", "</a>".repeat(100_000))));
        let canonical = exclusive_c14n(&root, &[], &[]).unwrap();
        assert!(canonical.starts_with("<r xmlns=\"urn:x\"><a><a>"), "{}", &canonical[..40]);
        drop(root);
    });
}

#[test]
fn attributes_are_bounded_and_checked_in_linear_time() {
    let element = |count: usize| {
        let attributes: String = (0..count).map(|i| format!(" a{i}=\"v\"")).collect();
        format!("<e{attributes}/>")
    };
    assert_eq!(parse(&element(MAX_ATTRIBUTES)).unwrap().attributes.len(), MAX_ATTRIBUTES);
    for count in [MAX_ATTRIBUTES + 1, 16_000] {
        let error = parse(&element(count)).unwrap_err().to_string();
        assert!(error.contains(&format!("more than {MAX_ATTRIBUTES} attributes")), "{error}");
    }
    // Namespace declarations count too.
    let declarations: String = (0..MAX_ATTRIBUTES + 1).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect();
    assert!(parse(&format!("<e{declarations}/>")).is_err());
    // Duplicates are still found, by name and by expanded name.
    assert!(parse("<e a=\"1\" b=\"2\" a=\"3\"/>").unwrap_err().to_string().contains("attribute a is repeated"));
    let expanded = "<e xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:a=\"1\" q:a=\"2\"/>";
    assert!(parse(expanded).unwrap_err().to_string().contains("same namespace and local name"));
}

#[test]
fn syntax_errors_say_where_they_are() {
    let text = "<a>\n<b>\n</a>";
    match parse(text) {
        Err(XmlError::Syntax { offset, line, .. }) => {
            assert!(offset > 0, "offset {offset}");
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
}
