//! An owned XML element tree: what we build SAML documents in, sign, and tamper with.
//!
//! Namespace declarations are kept as written (`xmlns:p="uri"`), not resolved away, because
//! canonicalization and signature-wrapping both need to see exactly where each one lives.

/// A node among an element's children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data, unescaped (CDATA sections become text).
    Text(String),
    /// A comment, without its `<!--`/`-->` delimiters.
    Comment(String),
    /// A processing instruction: target and data.
    ProcessingInstruction(String, String),
}

/// An attribute as written: its qualified name (`ID`, `xsi:type`) and unescaped value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Qualified name, with its prefix if it has one.
    pub name: String,
    /// Value after entity expansion and attribute-value normalization.
    pub value: String,
}

/// An element with its qualified name, namespace declarations, attributes and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Qualified name (`saml:Assertion`, or `Response` in a default namespace).
    pub name: String,
    /// Namespace declarations on this element: (prefix, uri); prefix `""` is the default namespace.
    pub namespaces: Vec<(String, String)>,
    /// Attributes other than namespace declarations, in document order.
    pub attributes: Vec<Attribute>,
    /// Children in document order.
    pub children: Vec<Node>,
}

/// The namespace bound to the `xml` prefix (Namespaces in XML 1.0 §3).
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

impl Element {
    /// An element with a qualified name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        Element { name: name.into(), namespaces: Vec::new(), attributes: Vec::new(), children: Vec::new() }
    }

    /// Builder: declare a namespace on this element.
    pub fn ns(mut self, prefix: &str, uri: &str) -> Self {
        self.namespaces.push((prefix.to_owned(), uri.to_owned()));
        self
    }

    /// Builder: add an attribute.
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Builder: add an attribute only when there is a value.
    pub fn attr_opt(self, name: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Builder: add a child element.
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Builder: add child elements.
    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        self.children.extend(children.into_iter().map(Node::Element));
        self
    }

    /// Builder: add a text child.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// The prefix of the element's qualified name (`""` when unprefixed).
    pub fn prefix(&self) -> &str {
        split_qname(&self.name).0
    }

    /// The local part of the element's qualified name.
    pub fn local_name(&self) -> &str {
        split_qname(&self.name).1
    }

    /// The value of an attribute by qualified name.
    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.name == name).map(|a| a.value.as_str())
    }

    /// Set (or replace) an attribute by qualified name.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|a| a.name == name) {
            Some(attr) => attr.value = value,
            None => self.attributes.push(Attribute { name: name.to_owned(), value }),
        }
    }

    /// Remove an attribute by qualified name; true when it was there.
    pub fn remove_attr(&mut self, name: &str) -> bool {
        let before = self.attributes.len();
        self.attributes.retain(|a| a.name != name);
        before != self.attributes.len()
    }

    /// Declare (or redeclare) a namespace prefix on this element; `""` is the default namespace.
    pub fn set_namespace(&mut self, prefix: &str, uri: impl Into<String>) {
        let uri = uri.into();
        match self.namespaces.iter_mut().find(|(p, _)| p == prefix) {
            Some((_, existing)) => *existing = uri,
            None => self.namespaces.push((prefix.to_owned(), uri)),
        }
    }

    /// Remove this element's declaration of a namespace prefix; true when it was there.
    pub fn remove_namespace(&mut self, prefix: &str) -> bool {
        let before = self.namespaces.len();
        self.namespaces.retain(|(p, _)| p != prefix);
        before != self.namespaces.len()
    }

    /// Child elements in order.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements in order, mutable.
    pub fn child_elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|node| match node {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element with this local name.
    pub fn find_child(&self, local_name: &str) -> Option<&Element> {
        self.child_elements().find(|e| e.local_name() == local_name)
    }

    /// The first child element with this local name, mutable.
    pub fn find_child_mut(&mut self, local_name: &str) -> Option<&mut Element> {
        self.child_elements_mut().find(|e| e.local_name() == local_name)
    }

    /// Remove every child element with this local name; returns how many went.
    pub fn remove_children(&mut self, local_name: &str) -> usize {
        let before = self.children.len();
        self.children.retain(|n| !matches!(n, Node::Element(e) if e.local_name() == local_name));
        before - self.children.len()
    }

    /// The concatenated text of this element's direct text children.
    pub fn text_content(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Replace all children with one text node.
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.children = vec![Node::Text(text.into())];
    }

    /// Visit the descendant elements (not self) depth-first in document order, each with its index
    /// path from here. Iterative and linear in the size of the tree, so safe for any depth.
    pub fn walk(&self, visit: &mut dyn FnMut(&[usize], &Element) -> Walk) {
        let mut path = Vec::new();
        let mut levels = vec![self.child_elements().enumerate()];
        while let Some(level) = levels.last_mut() {
            let Some((i, child)) = level.next() else {
                levels.pop();
                path.pop();
                continue;
            };
            path.push(i);
            match visit(&path, child) {
                Walk::Descend => levels.push(child.child_elements().enumerate()),
                Walk::Skip => {
                    path.pop();
                }
                Walk::Stop => return,
            }
        }
    }

    /// Index path (among element children) to the first descendant-or-self element that `pick` accepts,
    /// in document order.
    pub fn path_to(&self, pick: &dyn Fn(&Element) -> bool) -> Option<Vec<usize>> {
        if pick(self) {
            return Some(Vec::new());
        }
        let mut found = None;
        self.walk(&mut |path, element| {
            if pick(element) {
                found = Some(path.to_vec());
                Walk::Stop
            } else {
                Walk::Descend
            }
        });
        found
    }

    /// The element at an index path.
    pub fn at(&self, path: &[usize]) -> Option<&Element> {
        path.iter().try_fold(self, |element, &i| element.child_elements().nth(i))
    }

    /// Remove the element at an index path (not the root itself) and return it.
    pub fn remove_at(&mut self, path: &[usize]) -> Option<Element> {
        let (&last, parent) = path.split_last()?;
        let parent = self.at_mut(parent)?;
        let position = parent
            .children
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n, Node::Element(_)))
            .nth(last)
            .map(|(i, _)| i)?;
        match parent.children.remove(position) {
            Node::Element(element) => Some(element),
            _ => None,
        }
    }

    /// The element at an index path, mutable.
    pub fn at_mut(&mut self, path: &[usize]) -> Option<&mut Element> {
        path.iter().try_fold(self, |element, &i| element.child_elements_mut().nth(i))
    }

    /// The first descendant-or-self element with this local name.
    pub fn descendant(&self, local_name: &str) -> Option<&Element> {
        let path = self.path_to(&|e| e.local_name() == local_name)?;
        self.at(&path)
    }

    /// The first descendant-or-self element with this local name, mutable.
    pub fn descendant_mut(&mut self, local_name: &str) -> Option<&mut Element> {
        let path = self.path_to(&|e| e.local_name() == local_name)?;
        self.at_mut(&path)
    }

    /// The descendant-or-self element whose `ID` attribute is `id`.
    pub fn by_id(&self, id: &str) -> Option<&Element> {
        let path = self.path_to(&|e| e.get_attr("ID") == Some(id))?;
        self.at(&path)
    }
}

/// What [`Element::walk`] does after visiting an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Go on into its children.
    Descend,
    /// Go on, but not into its children.
    Skip,
    /// End the walk.
    Stop,
}

impl Drop for Element {
    /// Dropping a tree would otherwise recurse once per level; this takes the descendants apart
    /// one by one, so a tree of any depth drops in constant stack.
    fn drop(&mut self) {
        let mut pending: Vec<Node> = std::mem::take(&mut self.children);
        while let Some(node) = pending.pop() {
            if let Node::Element(mut element) = node {
                pending.append(&mut element.children);
            }
        }
    }
}

/// Split `p:local` into (`p`, `local`); an unprefixed name has prefix `""`.
pub fn split_qname(qname: &str) -> (&str, &str) {
    match qname.split_once(':') {
        Some((prefix, local)) => (prefix, local),
        None => ("", qname),
    }
}
