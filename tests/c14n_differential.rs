//! Differential test: our Exclusive XML Canonicalization 1.0 (without comments, with an
//! InclusiveNamespaces PrefixList) against libxml2's, reached through Debian's python3-lxml.
//!
//! Cases come from two places and all go to ONE oracle process (`tests/c14n/oracle.py`):
//!
//! * hand-written cases in `tests/c14n/cases/*.cases` (format described below), some of them with a
//!   hand-verified expected output;
//! * documents from a deterministic random generator (SplitMix64, fixed seed), mixing namespaces,
//!   redeclarations, `xmlns=""`, prefixed attributes, escapes, CDATA, comments, PIs, `xml:*`
//!   attributes and non-ASCII text, each canonicalized at random apexes with random PrefixLists.
//!
//! Every case's bytes from `mockidp::xml::canonicalize_str` must equal libxml2's. Ill-formed
//! documents must be rejected by both (and must not make us panic).
//!
//! Environment knobs: `MOCKIDP_PYTHON` (default `/usr/bin/python3`, the one with Debian's lxml),
//! `MOCKIDP_C14N_SEED` and `MOCKIDP_C14N_DOCS` (generator seed and document count),
//! `MOCKIDP_C14N_SHOW` (how many failures to print per category, default 6), `MOCKIDP_C14N_DUMP`
//! (a file to write every failure to, as JSON lines).
//!
//! # Case file format (`tests/c14n/cases/*.cases`)
//!
//! Lines before the first `===` line are a file comment. Each case is:
//!
//! ```text
//! === case-name
//! # free comment lines (why the case is tricky, what the spec says)
//! ! reject            (optional: the document is ill-formed; both must reject it)
//! ! reject-ours       (optional: WE must reject it even though libxml2 accepts it, e.g. DOCTYPE)
//! @ 1 0 | a #default => <expected/>
//! @
//! <the document, up to the next === line>
//! ```
//!
//! An `@` line selects an apex (element-child indices from the root; none = the root), optionally a
//! PrefixList after `|`, and optionally, after ` => `, the hand-verified spec-correct output. Cases
//! with a hand-verified output are judged against it (a disagreeing libxml2 is reported as a note,
//! not as our failure). In documents and expected outputs `{{CR}}`, `{{LF}}`, `{{TAB}}` and
//! `{{U+XXXX}}` stand for the literal characters, so the files never hold a raw CR or control char.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mockidp::xml::canonicalize_str;

// ------------------------------------------------------------------------------------------------
// Cases
// ------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Well-formed: both must succeed with identical bytes.
    WellFormed,
    /// Ill-formed: both must reject.
    Reject,
    /// We must reject; libxml2 is not asked to agree (it accepts DOCTYPE, for one).
    RejectOurs,
}

#[derive(Clone, Debug)]
struct Case {
    origin: String,
    kind: Kind,
    xml: String,
    apex: Vec<usize>,
    prefixes: Vec<String>,
    /// Hand-verified spec-correct output, if the case file gives one.
    spec: Option<String>,
}

fn c14n_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("c14n")
}

fn unescape_markers(s: &str) -> String {
    let mut s = s.replace("{{CR}}", "\r").replace("{{LF}}", "\n").replace("{{TAB}}", "\t");
    // {{U+XXXX}}: any other character, e.g. a control character that must not sit in a file raw.
    while let Some(start) = s.find("{{U+") {
        let end = start + s[start..].find("}}").expect("unterminated {{U+...}} marker");
        let code = u32::from_str_radix(&s[start + 4..end], 16).expect("bad {{U+...}} marker");
        let c = char::from_u32(code).expect("{{U+...}} is not a character");
        s.replace_range(start..end + 2, c.encode_utf8(&mut [0; 4]));
    }
    s
}

fn parse_apex_line(line: &str, origin: &str) -> (Vec<usize>, Vec<String>, Option<String>) {
    let body = line.trim_start_matches('@');
    let (selector, spec) = match body.find(" => ") {
        Some(i) => (&body[..i], Some(unescape_markers(&body[i + 4..]))),
        None => (body, None),
    };
    let (path, prefixes) = match selector.find('|') {
        Some(i) => (&selector[..i], &selector[i + 1..]),
        None => (selector, ""),
    };
    let apex = path
        .split_whitespace()
        .map(|t| t.parse::<usize>().unwrap_or_else(|_| panic!("{origin}: bad apex index {t:?} in {line:?}")))
        .collect();
    let prefixes = prefixes.split_whitespace().map(str::to_owned).collect();
    (apex, prefixes, spec)
}

fn load_case_file(path: &Path, out: &mut Vec<Case>) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert!(!text.contains('\r'), "{}: use {{{{CR}}}} instead of a raw CR", path.display());
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("===") {
            blocks.push((name.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = blocks.last_mut() {
            lines.push(line);
        }
    }
    let mut names = BTreeSet::new();
    let count = blocks.len();
    for (name, lines) in blocks {
        let origin = format!("{file}:{name}");
        assert!(names.insert(name.clone()), "{origin}: duplicate case name");
        let mut kind = Kind::WellFormed;
        let mut selectors = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if line.starts_with('#') || line.trim().is_empty() {
                // comment, or blank line in the header
            } else if let Some(directive) = line.strip_prefix('!') {
                kind = match directive.trim() {
                    "reject" => Kind::Reject,
                    "reject-ours" => Kind::RejectOurs,
                    other => panic!("{origin}: unknown directive {other:?}"),
                };
            } else if line.starts_with('@') {
                selectors.push(parse_apex_line(line, &origin));
            } else {
                break;
            }
            i += 1;
        }
        let xml = unescape_markers(lines[i..].join("\n").trim_end_matches(['\n', ' ']));
        assert!(!xml.is_empty() || kind != Kind::WellFormed, "{origin}: empty document");
        if selectors.is_empty() {
            selectors.push((Vec::new(), Vec::new(), None));
        }
        for (apex, prefixes, spec) in selectors {
            out.push(Case { origin: origin.clone(), kind, xml: xml.clone(), apex, prefixes, spec });
        }
    }
    count
}

fn load_hand_written() -> (Vec<Case>, usize) {
    let dir = c14n_dir().join("cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut documents = 0;
    for f in &files {
        documents += load_case_file(f, &mut cases);
    }
    (cases, documents)
}

// ------------------------------------------------------------------------------------------------
// Deterministic random document generator
// ------------------------------------------------------------------------------------------------

/// SplitMix64: tiny, deterministic, good enough to drive a generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`%.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const PREFIXES: &[&str] = &["a", "b", "c", "saml", "ds"];
const URIS: &[&str] = &[
    "urn:a",
    "urn:b",
    "http://example.com/ns",
    "http://example.com/a%20b",
    "urn:oasis:names:tc:SAML:2.0:assertion",
    "http://www.w3.org/2000/09/xmldsig#",
    "urn:x?q=1&y='2'",
];
const ELEMENT_NAMES: &[&str] = &["e", "f", "g", "Assertion", "Signature", "x", "x1", "a-b", "a.b", "_u", "é"];
const ATTRIBUTE_NAMES: &[&str] = &["id", "ID", "x", "y", "a", "b", "Z", "_k", "é", "xmlnsx"];
const PREFIX_LIST_POOL: &[&str] = &["a", "b", "c", "saml", "ds", "#default", "zz", "xml"];
/// Characters (or short strings) text, attribute values, CDATA, comments and PIs are made of.
const PIECES: &[&str] = &[
    "a", "b", "Z", "0", " ", " ", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\r\n", "é", "日本", "𝄞", "\u{85}",
    "\u{2028}", "\u{a0}", "]]", "]", ";", "#", "-", "?", "=", "x", "\u{fffd}",
];

/// In-scope namespaces: prefix (`""` for the default namespace, whose URI may be `""`) to URI.
type Scope = BTreeMap<String, String>;

struct Generator<'r> {
    rng: &'r mut Rng,
    out: String,
    /// Paths of every element, in document order.
    paths: Vec<Vec<usize>>,
    max_depth: usize,
    budget: usize,
}

impl Generator<'_> {
    fn ws(&mut self) -> &'static str {
        self.rng.choose(&[" ", " ", " ", "  ", "\n", "\t", "\r\n  ", " \n\t"])
    }

    /// A character reference for `c`, in decimal or hexadecimal, sometimes zero-padded.
    fn char_ref(&mut self, c: char) -> String {
        match self.rng.below(4) {
            0 => format!("&#{};", c as u32),
            1 => format!("&#x{:X};", c as u32),
            2 => format!("&#x{:x};", c as u32),
            _ => format!("&#x00{:X};", c as u32),
        }
    }

    fn raw_piece(&mut self) -> &'static str {
        self.rng.choose(PIECES)
    }

    fn text(&mut self) {
        let n = 1 + self.rng.below(8);
        for _ in 0..n {
            let piece = self.raw_piece();
            for c in piece.chars() {
                let encoded = match c {
                    '&' => self.rng.pick(&["&amp;", "&#38;", "&#x26;"]).to_string(),
                    '<' => self.rng.pick(&["&lt;", "&#60;", "&#x3C;"]).to_string(),
                    '>' => {
                        // "]]>" must not appear literally in character data.
                        if self.out.ends_with("]]") || self.rng.chance(50) {
                            self.rng.pick(&["&gt;", "&#62;"]).to_string()
                        } else {
                            ">".to_owned()
                        }
                    }
                    '"' => self.rng.pick(&["\"", "\"", "&quot;", "&#34;"]).to_string(),
                    '\'' => self.rng.pick(&["'", "'", "&apos;", "&#39;"]).to_string(),
                    '\r' | '\t' | '\n' if self.rng.chance(40) => self.char_ref(c),
                    c if !c.is_ascii() && self.rng.chance(25) => self.char_ref(c),
                    c if c.is_ascii_alphanumeric() && self.rng.chance(5) => self.char_ref(c),
                    c => c.to_string(),
                };
                self.out.push_str(&encoded);
            }
        }
    }

    fn attribute_value(&mut self, quote: char) {
        let n = self.rng.below(7);
        for _ in 0..n {
            let piece = self.raw_piece();
            for c in piece.chars() {
                let encoded = match c {
                    '&' => self.rng.pick(&["&amp;", "&#38;", "&#x26;"]).to_string(),
                    '<' => self.rng.pick(&["&lt;", "&#60;", "&#x3C;"]).to_string(),
                    '"' if quote == '"' => self.rng.pick(&["&quot;", "&#34;", "&#x22;"]).to_string(),
                    '\'' if quote == '\'' => self.rng.pick(&["&apos;", "&#39;"]).to_string(),
                    '"' => self.rng.pick(&["\"", "&quot;"]).to_string(),
                    '\'' => self.rng.pick(&["'", "&apos;"]).to_string(),
                    '>' => self.rng.pick(&[">", ">", "&gt;"]).to_string(),
                    // Literal TAB/CR/LF are normalized to spaces; references survive.
                    '\r' | '\t' | '\n' if self.rng.chance(50) => self.char_ref(c),
                    c if !c.is_ascii() && self.rng.chance(25) => self.char_ref(c),
                    c => c.to_string(),
                };
                self.out.push_str(&encoded);
            }
        }
    }

    fn raw_string(&mut self, max_pieces: usize) -> String {
        let n = self.rng.below(max_pieces + 1);
        (0..n).map(|_| self.raw_piece()).collect()
    }

    fn cdata(&mut self) {
        let mut body = self.raw_string(6);
        while body.contains("]]>") {
            body = body.replace("]]>", "]] >");
        }
        // A body ending in "]" or "]]" is fine: the first "]]>" is still the terminator.
        write!(self.out, "<![CDATA[{body}]]>").unwrap();
    }

    fn comment(&mut self) {
        let mut body = self.raw_string(5);
        while body.contains("--") {
            body = body.replace("--", "- -");
        }
        if body.ends_with('-') {
            body.push(' ');
        }
        write!(self.out, "<!--{body}-->").unwrap();
    }

    fn pi(&mut self) {
        let target = self.rng.choose(&["pi", "x-y", "t.1", "ñpi", "xml-stylesheet-ish"]);
        let mut data = self.raw_string(5);
        while data.contains("?>") {
            data = data.replace("?>", "? >");
        }
        if data.is_empty() {
            let tail = self.rng.choose(&["", " ", "  "]);
            write!(self.out, "<?{target}{tail}?>").unwrap();
        } else {
            let sep = self.ws();
            write!(self.out, "<?{target}{sep}{data}?>").unwrap();
        }
    }

    fn misc(&mut self) {
        match self.rng.below(3) {
            0 => self.comment(),
            1 => self.pi(),
            _ => {
                let w = self.ws();
                self.out.push_str(w);
            }
        }
    }

    fn escape_uri(uri: &str, quote: char) -> String {
        let mut s = uri.replace('&', "&amp;");
        if quote == '\'' {
            s = s.replace('\'', "&apos;");
        }
        s
    }

    fn element(&mut self, parent_scope: &Scope, depth: usize, path: Vec<usize>) {
        self.paths.push(path.clone());
        self.budget = self.budget.saturating_sub(1);
        let mut scope = parent_scope.clone();

        // Namespace declarations.
        let mut decls: Vec<(String, String)> = Vec::new();
        let n_decls = self.rng.choose(&[0, 0, 0, 1, 1, 2, 3]);
        for _ in 0..n_decls {
            let prefix = if self.rng.chance(25) { "" } else { self.rng.choose(PREFIXES) };
            if decls.iter().any(|(p, _)| p == prefix) {
                continue;
            }
            let uri = if prefix.is_empty() && self.rng.chance(30) {
                String::new() // xmlns="" (legal only for the default namespace)
            } else if self.rng.chance(25) && scope.get(prefix).is_some_and(|u| !u.is_empty()) {
                scope[prefix].clone() // redundant redeclaration
            } else {
                self.rng.pick(URIS).to_string()
            };
            decls.push((prefix.to_owned(), uri));
        }
        for (p, u) in &decls {
            scope.insert(p.clone(), u.clone());
        }
        let bound: Vec<String> = scope.keys().filter(|p| !p.is_empty()).cloned().collect();

        // Element name.
        let local = self.rng.choose(ELEMENT_NAMES);
        let name = if !bound.is_empty() && self.rng.chance(50) {
            format!("{}:{local}", self.rng.pick(&bound))
        } else {
            local.to_owned()
        };

        // Attributes, unique by expanded name.
        let mut expanded: BTreeSet<(String, String)> = BTreeSet::new();
        let mut attrs: Vec<String> = Vec::new(); // qualified names; values are generated in place
        let n_attrs = self.rng.choose(&[0, 0, 1, 1, 2, 3, 4]);
        for _ in 0..n_attrs {
            let local = self.rng.choose(ATTRIBUTE_NAMES);
            let roll = self.rng.below(100);
            let (qname, uri) = if roll < 12 {
                let which = self.rng.choose(&["lang", "space", "base", "lang"]);
                (format!("xml:{which}"), XML_NS.to_owned())
            } else if roll < 45 && !bound.is_empty() {
                let p = self.rng.pick(&bound).clone();
                (format!("{p}:{local}"), scope[&p].clone())
            } else {
                (local.to_owned(), String::new())
            };
            let local = qname.rsplit(':').next().unwrap().to_owned();
            if expanded.insert((uri, local)) {
                attrs.push(qname);
            }
        }

        // Start tag: declarations and attributes in random order.
        enum Item {
            Decl(String, String),
            Attr(String),
        }
        let mut items: Vec<Item> = decls.into_iter().map(|(p, u)| Item::Decl(p, u)).collect();
        items.extend(attrs.into_iter().map(Item::Attr));
        self.rng.shuffle(&mut items);
        self.out.push('<');
        self.out.push_str(&name);
        for item in items {
            let ws = self.ws();
            self.out.push_str(ws);
            let quote = if self.rng.chance(70) { '"' } else { '\'' };
            let eq = self.rng.choose(&["=", "=", "=", " = ", "=\n"]);
            match item {
                Item::Decl(p, u) => {
                    let attr = if p.is_empty() { "xmlns".to_owned() } else { format!("xmlns:{p}") };
                    let value = Self::escape_uri(&u, quote);
                    write!(self.out, "{attr}{eq}{quote}{value}{quote}").unwrap();
                }
                Item::Attr(qname) => {
                    write!(self.out, "{qname}{eq}{quote}").unwrap();
                    if qname == "xml:space" {
                        let v = self.rng.choose(&["preserve", "default"]);
                        self.out.push_str(v);
                    } else {
                        self.attribute_value(quote);
                    }
                    self.out.push(quote);
                }
            }
        }
        if self.rng.chance(15) {
            let ws = self.ws();
            self.out.push_str(ws);
        }

        // Content.
        let n_children =
            if depth >= self.max_depth || self.budget == 0 { self.rng.below(2) } else { self.rng.below(6) };
        if n_children == 0 && self.rng.chance(50) {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        let mut element_index = 0;
        for _ in 0..n_children {
            let roll = self.rng.below(100);
            if roll < 40 && depth < self.max_depth && self.budget > 0 {
                let mut child_path = path.clone();
                child_path.push(element_index);
                element_index += 1;
                self.element(&scope, depth + 1, child_path);
            } else if roll < 65 {
                self.text();
            } else if roll < 73 {
                self.cdata();
            } else if roll < 81 {
                self.comment();
            } else if roll < 89 {
                self.pi();
            } else {
                let w = self.ws();
                self.out.push_str(w);
            }
        }
        self.out.push_str("</");
        self.out.push_str(&name);
        if self.rng.chance(10) {
            let ws = self.ws();
            self.out.push_str(ws);
        }
        self.out.push('>');
    }
}

fn generate_document(rng: &mut Rng) -> (String, Vec<Vec<usize>>) {
    let max_depth = 1 + rng.below(6);
    let budget = 3 + rng.below(40);
    let mut g = Generator { rng, out: String::new(), paths: Vec::new(), max_depth, budget };
    if g.rng.chance(35) {
        let decl = *g.rng.pick(&[
            "<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version='1.0' encoding='utf-8' standalone='yes'?>",
        ]);
        g.out.push_str(decl);
    }
    for _ in 0..g.rng.below(3) {
        g.misc();
    }
    g.element(&Scope::new(), 0, Vec::new());
    for _ in 0..g.rng.below(3) {
        g.misc();
    }
    (g.out, g.paths)
}

fn generated_cases(seed: u64, documents: usize) -> Vec<Case> {
    let mut rng = Rng(seed);
    let mut cases = Vec::new();
    for d in 0..documents {
        let (xml, paths) = generate_document(&mut rng);
        let apexes = 1 + rng.below(3);
        let mut chosen = BTreeSet::new();
        for _ in 0..apexes {
            // paths[0] is the root; prefer inner apexes, where ancestors' namespaces matter.
            let path = if paths.len() == 1 || rng.chance(20) { Vec::new() } else { rng.pick(&paths[1..]).clone() };
            let prefixes: Vec<String> = if rng.chance(55) {
                Vec::new()
            } else {
                let mut p: Vec<String> =
                    PREFIX_LIST_POOL.iter().filter(|_| rng.chance(30)).map(|s| s.to_string()).collect();
                if p.is_empty() {
                    p.push(rng.pick(PREFIX_LIST_POOL).to_string());
                }
                p
            };
            if chosen.insert((path.clone(), prefixes.clone())) {
                cases.push(Case {
                    origin: format!("generated#{d}"),
                    kind: Kind::WellFormed,
                    xml: xml.clone(),
                    apex: path,
                    prefixes,
                    spec: None,
                });
            }
        }
    }
    cases
}

// ------------------------------------------------------------------------------------------------
// Oracle
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum OracleAnswer {
    C14n { primary: String, tostring: String, nodeset: String },
    Error(String),
}

fn python() -> String {
    std::env::var("MOCKIDP_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

const INSTALL_HINT: &str =
    "python3-lxml (Debian's, for /usr/bin/python3) is required by this test: run `.ci/install-deps` \
     (or `apt-get install python3-lxml`), or point MOCKIDP_PYTHON at a python3 that has lxml";

fn run_oracle(cases: &[Case]) -> Vec<OracleAnswer> {
    let py = python();
    let script = c14n_dir().join("oracle.py");
    let mut child = Command::new(&py)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {py} {}: {e}\n{INSTALL_HINT}", script.display()));
    let mut input = String::new();
    for c in cases {
        let line = serde_json::json!({"xml": c.xml, "apex": c.apex, "prefixes": c.prefixes});
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // A broken pipe here means the oracle died; its stderr and exit status tell why.
        let _ = stdin.write_all(input.as_bytes());
    });
    let stdout = child.stdout.take().unwrap();
    let mut answers = Vec::with_capacity(cases.len());
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("reading the oracle's output");
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("oracle printed non-JSON {line:?}: {e}"));
        if let Some(fatal) = v.get("fatal").and_then(|f| f.as_str()) {
            let _ = child.kill();
            panic!("c14n oracle cannot run: {fatal}\n{INSTALL_HINT}");
        }
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let answer = match (s("c14n"), s("error")) {
            (Some(primary), _) => OracleAnswer::C14n {
                primary,
                tostring: s("tostring").unwrap_or_default(),
                nodeset: s("nodeset").unwrap_or_default(),
            },
            (None, Some(e)) => OracleAnswer::Error(e),
            _ => panic!("oracle answer without c14n or error: {line}"),
        };
        answers.push(answer);
    }
    writer.join().unwrap();
    let output = child.wait_with_output().expect("waiting for the oracle");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if answers.len() != cases.len() || !output.status.success() {
        panic!(
            "c14n oracle ({py} {}) gave {} answers for {} cases, exit {:?}; stderr:\n{stderr}\n{INSTALL_HINT}",
            script.display(),
            answers.len(),
            cases.len(),
            output.status.code()
        );
    }
    answers
}

// ------------------------------------------------------------------------------------------------
// The test
// ------------------------------------------------------------------------------------------------

const LIBXML2_AMP_NOTE: &str = "known libxml2 deviation, accepted: '&' in a namespace URI written as &#38; \
     instead of &amp; (C14N 1.0 section 2.3 escapes namespace nodes like attributes)";

#[derive(Debug)]
enum Ours {
    Ok(String),
    Err(String),
    Panic(String),
}

fn ours(case: &Case) -> Ours {
    let prefixes: Vec<&str> = case.prefixes.iter().map(String::as_str).collect();
    match catch_unwind(AssertUnwindSafe(|| canonicalize_str(&case.xml, &case.apex, &prefixes))) {
        Ok(Ok(s)) => Ours::Ok(s),
        Ok(Err(e)) => Ours::Err(e.to_string()),
        Err(p) => Ours::Panic(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "<non-string panic>".into()),
        ),
    }
}

#[derive(Default)]
struct Report {
    categories: BTreeMap<&'static str, Vec<String>>,
    notes: BTreeMap<&'static str, Vec<String>>,
}

fn describe(case: &Case, lines: &[(&str, String)]) -> String {
    let mut s = format!(
        "  [{}] apex={:?} prefixes={:?}\n    xml:      {:?}\n",
        case.origin, case.apex, case.prefixes, case.xml
    );
    for (k, v) in lines {
        writeln!(s, "    {k:<9} {v:?}").unwrap();
    }
    s
}

#[test]
fn exclusive_c14n_matches_libxml2() {
    let seed =
        std::env::var("MOCKIDP_C14N_SEED").ok().map(|s| s.parse().expect("MOCKIDP_C14N_SEED")).unwrap_or(0x5A31_C14E);
    let documents: usize =
        std::env::var("MOCKIDP_C14N_DOCS").ok().map(|s| s.parse().expect("MOCKIDP_C14N_DOCS")).unwrap_or(600);
    let show: usize = std::env::var("MOCKIDP_C14N_SHOW").ok().and_then(|s| s.parse().ok()).unwrap_or(6);

    let (mut cases, hand_documents) = load_hand_written();
    let hand_cases = cases.len();
    assert!(hand_documents >= 40, "expected at least 40 hand-written documents, found {hand_documents}");
    cases.extend(generated_cases(seed, documents));
    let answers = run_oracle(&cases);

    // MOCKIDP_C14N_DUMP=path writes every failure as a JSON line, for analysis.
    let mut dump = std::env::var_os("MOCKIDP_C14N_DUMP")
        .map(|p| std::fs::File::create(&p).unwrap_or_else(|e| panic!("creating {p:?}: {e}")));
    let mut report = Report::default();
    let mut compared = 0usize;
    let mut agreed = 0usize;
    for (case, answer) in cases.iter().zip(&answers) {
        let got = ours(case);
        let mut fail = |cat: &'static str, lines: Vec<(&str, String)>| {
            report.categories.entry(cat).or_default().push(describe(case, &lines));
            if let Some(dump) = dump.as_mut() {
                let mut v = serde_json::json!({
                    "category": cat, "origin": case.origin, "xml": case.xml,
                    "apex": case.apex, "prefixes": case.prefixes,
                });
                for (k, val) in &lines {
                    v[k.trim_end_matches(':')] = serde_json::Value::String(val.clone());
                }
                writeln!(dump, "{v}").expect("writing MOCKIDP_C14N_DUMP");
            }
        };
        if let Ours::Panic(p) = &got {
            fail("we panicked", vec![("panic:", p.clone())]);
            continue;
        }
        match case.kind {
            Kind::Reject | Kind::RejectOurs => {
                if case.kind == Kind::Reject {
                    if let OracleAnswer::C14n { primary, .. } = answer {
                        fail(
                            "ill-formed case accepted by libxml2 (bad test case?)",
                            vec![("libxml2:", primary.to_string())],
                        );
                    }
                }
                if let Ours::Ok(s) = &got {
                    fail("ill-formed document accepted by us", vec![("got:", s.to_string())]);
                }
            }
            Kind::WellFormed => {
                compared += 1;
                let (expected, judge) = match (&case.spec, answer) {
                    (Some(spec), OracleAnswer::C14n { primary, .. }) => {
                        if primary != spec {
                            report.notes.entry("libxml2 differs from a hand-verified expectation").or_default().push(
                                describe(case, &[("spec:", spec.to_string()), ("libxml2:", primary.to_string())]),
                            );
                        }
                        (spec.clone(), "spec")
                    }
                    (Some(spec), OracleAnswer::Error(e)) => {
                        fail("libxml2 rejected a well-formed case (bad test case?)", vec![("error:", e.clone())]);
                        (spec.clone(), "spec")
                    }
                    (None, OracleAnswer::C14n { primary, .. }) => (primary.clone(), "libxml2"),
                    (None, OracleAnswer::Error(e)) => {
                        fail(
                            "libxml2 rejected a supposedly well-formed case (generator/case bug?)",
                            vec![("error:", e.clone()), ("ours:", format!("{got:?}"))],
                        );
                        continue;
                    }
                };
                if let OracleAnswer::C14n { tostring, nodeset, .. } = answer {
                    if !case.prefixes.iter().any(|p| p == "#default") && tostring != nodeset {
                        fail(
                            "oracle self-check: lxml tostring != libxml2 node-set c14n",
                            vec![("tostring:", tostring.to_string()), ("nodeset:", nodeset.to_string())],
                        );
                    }
                }
                match &got {
                    Ours::Ok(s) if *s == expected => agreed += 1,
                    // Known libxml2 deviation: it writes '&' in a namespace URI as "&#38;", where
                    // Canonical XML 1.0 section 2.3 processes namespace nodes like attribute nodes,
                    // i.e. "&amp;" (which is what we write). Pinned by a hand-written case.
                    Ours::Ok(s) if judge == "libxml2" && *s == expected.replace("&#38;", "&amp;") => {
                        agreed += 1;
                        report
                            .notes
                            .entry(LIBXML2_AMP_NOTE)
                            .or_default()
                            .push(describe(case, &[("libxml2:", expected.to_string()), ("ours:", s.to_string())]));
                    }
                    Ours::Ok(s) => {
                        let cat = if judge == "spec" {
                            "our output differs from the hand-verified expectation"
                        } else {
                            "our output differs from libxml2"
                        };
                        fail(cat, vec![("expected:", expected.to_string()), ("got:", s.to_string())]);
                    }
                    Ours::Err(e) => fail(
                        "we rejected a well-formed case",
                        vec![("expected:", expected.to_string()), ("error:", e.clone())],
                    ),
                    Ours::Panic(_) => unreachable!(),
                }
            }
        }
    }

    let mut summary = format!(
        "c14n differential: {} cases ({hand_cases} hand-written from {hand_documents} documents, {} generated from \
         {documents} documents, seed {seed:#x}); {agreed}/{compared} well-formed cases byte-identical\n",
        cases.len(),
        cases.len() - hand_cases,
    );
    for (cat, items) in &report.notes {
        writeln!(summary, "NOTE {cat}: {} case(s)", items.len()).unwrap();
        for item in items.iter().take(show) {
            summary.push_str(item);
        }
    }
    for (cat, items) in &report.categories {
        writeln!(summary, "FAIL {cat}: {} case(s); first {}:", items.len(), items.len().min(show)).unwrap();
        for item in items.iter().take(show) {
            summary.push_str(item);
        }
    }
    eprintln!("{summary}");
    assert!(report.categories.is_empty(), "{summary}");
}
