#!/usr/bin/python3
"""Reference oracle for tests/c14n_differential.rs.

Reads JSON lines on stdin, one case per line:

    {"xml": "<r>...</r>", "apex": [1, 0], "prefixes": ["a", "#default"]}

and writes exactly one JSON line per case on stdout:

    {"c14n": "...", "tostring": "...", "nodeset": "..."}   or   {"error": "..."}

The canonical form is W3C Exclusive XML Canonicalization 1.0 without comments, computed by
libxml2 (through Debian's python3-lxml and, via ctypes, the very same libxml2.so.2), of the
element selected by `apex` (indices among *element* children, starting at the root element).

Two independent routes to libxml2 are taken for every well-formed case:

* "tostring": lxml's `etree.tostring(apex, method="c14n", exclusive=True, ...)`. lxml builds a
  temporary document whose root is a shallow copy of the apex carrying every namespace
  declaration of the apex's ancestors, and canonicalizes that whole document. lxml silently
  DROPS any prefix of inclusive_ns_prefixes that is not interned in the document's name
  dictionary, so "#default" can never reach libxml2 through this route.
* "nodeset": libxml2's xmlC14NExecute() on the ORIGINAL document with a visibility callback
  that selects exactly the XPath node-set of the apex's subtree (every node whose
  ancestor-or-self is the apex, plus the attribute and namespace nodes of those elements),
  which is what an enveloped-signature Reference to the apex selects (comments are dropped by
  with_comments=0). "#default" is passed through untouched, as libxml2's exc-c14n expects.

"c14n" is the reference answer: "nodeset" when the PrefixList contains "#default" (the only
route that honours it), "tostring" otherwise. Both are reported so the test can check that the
two routes agree whenever they are comparable.
"""

import ctypes
import ctypes.util
import json
import sys

try:
    from lxml import etree
except ImportError as exc:  # pragma: no cover - reported by the Rust test
    sys.stdout.write(json.dumps({"fatal": "python3-lxml is not importable (%s); run .ci/install-deps" % exc}) + "\n")
    sys.stdout.flush()
    sys.exit(3)


# ---------------------------------------------------------------------------------------------
# Route 1: lxml API
# ---------------------------------------------------------------------------------------------

def make_parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        remove_blank_text=False,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def element_children(el):
    return [c for c in el if isinstance(c.tag, str)]


def select(root, apex):
    el = root
    for i in apex:
        kids = element_children(el)
        if not isinstance(i, int) or i < 0 or i >= len(kids):
            raise IndexError("apex path %r does not exist in the document" % (apex,))
        el = kids[i]
    return el


def via_tostring(root, apex, prefixes):
    el = select(root, apex)
    out = etree.tostring(
        el,
        method="c14n",
        exclusive=True,
        with_comments=False,
        inclusive_ns_prefixes=list(prefixes) or None,
    )
    return out.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Route 2: libxml2's xmlC14NExecute on the apex subtree's node-set, via ctypes
# ---------------------------------------------------------------------------------------------

XML_ELEMENT_NODE = 1
XML_NAMESPACE_DECL = 18
XML_C14N_EXCLUSIVE_1_0 = 1
XML_PARSE_NOERROR = 1 << 5
XML_PARSE_NOWARNING = 1 << 6
XML_PARSE_NONET = 1 << 11


class XmlNode(ctypes.Structure):
    pass


XmlNode._fields_ = [
    ("_private", ctypes.c_void_p),
    ("type", ctypes.c_int),
    ("name", ctypes.c_char_p),
    ("children", ctypes.POINTER(XmlNode)),
    ("last", ctypes.POINTER(XmlNode)),
    ("parent", ctypes.POINTER(XmlNode)),
    ("next", ctypes.POINTER(XmlNode)),
    ("prev", ctypes.POINTER(XmlNode)),
    ("doc", ctypes.c_void_p),
    ("ns", ctypes.c_void_p),
    ("content", ctypes.c_void_p),
    ("properties", ctypes.c_void_p),
    ("nsDef", ctypes.c_void_p),
    ("psvi", ctypes.c_void_p),
    ("line", ctypes.c_ushort),
    ("extra", ctypes.c_ushort),
]

# xmlNs starts {next; type; ...} and xmlNode/xmlAttr/xmlDoc start {_private; type; ...}: in all of
# them `type` is the int right after the first pointer. xmlAttr/xmlDoc share xmlNode's `parent`.


class XmlNsHead(ctypes.Structure):
    _fields_ = [("next", ctypes.c_void_p), ("type", ctypes.c_int)]


VISIBLE_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)

_lib = None


def libxml2():
    global _lib
    if _lib is None:
        name = "libxml2.so.2"
        lib = ctypes.CDLL(name)
        lib.xmlReadMemory.restype = ctypes.c_void_p
        lib.xmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lib.xmlDocGetRootElement.restype = ctypes.POINTER(XmlNode)
        lib.xmlDocGetRootElement.argtypes = [ctypes.c_void_p]
        lib.xmlFreeDoc.restype = None
        lib.xmlFreeDoc.argtypes = [ctypes.c_void_p]
        lib.xmlAllocOutputBuffer.restype = ctypes.c_void_p
        lib.xmlAllocOutputBuffer.argtypes = [ctypes.c_void_p]
        lib.xmlOutputBufferGetContent.restype = ctypes.c_void_p
        lib.xmlOutputBufferGetContent.argtypes = [ctypes.c_void_p]
        lib.xmlOutputBufferGetSize.restype = ctypes.c_size_t
        lib.xmlOutputBufferGetSize.argtypes = [ctypes.c_void_p]
        lib.xmlOutputBufferClose.restype = ctypes.c_int
        lib.xmlOutputBufferClose.argtypes = [ctypes.c_void_p]
        lib.xmlC14NExecute.restype = ctypes.c_int
        lib.xmlC14NExecute.argtypes = [
            ctypes.c_void_p,  # doc
            VISIBLE_CB,  # is_visible_callback
            ctypes.c_void_p,  # user_data
            ctypes.c_int,  # mode
            ctypes.POINTER(ctypes.c_char_p),  # inclusive_ns_prefixes
            ctypes.c_int,  # with_comments
            ctypes.c_void_p,  # xmlOutputBufferPtr
        ]
        _lib = lib
    return _lib


def node_addr(ptr):
    return ctypes.cast(ptr, ctypes.c_void_p).value


def via_nodeset(data, apex, prefixes):
    lib = libxml2()
    doc = lib.xmlReadMemory(data, len(data), b"oracle.xml", None,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
    if not doc:
        raise ValueError("libxml2 xmlReadMemory failed")
    try:
        node = lib.xmlDocGetRootElement(doc)
        for i in apex:
            kid = node.contents.children
            seen = -1
            while kid:
                if kid.contents.type == XML_ELEMENT_NODE:
                    seen += 1
                    if seen == i:
                        break
                kid = kid.contents.next
            if not kid:
                raise IndexError("apex path %r does not exist (libxml2 walk)" % (apex,))
            node = kid
        apex_addr = node_addr(node)

        def visible(_user, n, parent):
            if not n:
                return 0
            if XmlNsHead.from_address(n).type == XML_NAMESPACE_DECL:
                n = parent
            while n:
                if n == apex_addr:
                    return 1
                p = XmlNode.from_address(n).parent
                n = node_addr(p) if p else None
            return 0

        cb = VISIBLE_CB(visible)
        if prefixes:
            arr = (ctypes.c_char_p * (len(prefixes) + 1))(*[p.encode("utf-8") for p in prefixes], None)
        else:
            arr = None
        buf = lib.xmlAllocOutputBuffer(None)
        if not buf:
            raise MemoryError("xmlAllocOutputBuffer")
        try:
            rc = lib.xmlC14NExecute(doc, cb, None, XML_C14N_EXCLUSIVE_1_0, arr, 0, buf)
            if rc < 0:
                raise ValueError("xmlC14NExecute failed")
            size = lib.xmlOutputBufferGetSize(buf)
            content = lib.xmlOutputBufferGetContent(buf)
            out = ctypes.string_at(content, size) if size else b""
        finally:
            lib.xmlOutputBufferClose(buf)
        return out.decode("utf-8")
    finally:
        lib.xmlFreeDoc(doc)


# ---------------------------------------------------------------------------------------------

def handle(case):
    xml = case["xml"]
    apex = case.get("apex") or []
    prefixes = case.get("prefixes") or []
    data = xml.encode("utf-8")
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        return {"error": "parse: %s" % exc}
    try:
        tostring = via_tostring(root, apex, prefixes)
    except Exception as exc:  # C14NError (e.g. relative namespace URI), bad apex
        return {"error": "c14n: %s: %s" % (type(exc).__name__, exc)}
    try:
        nodeset = via_nodeset(data, apex, prefixes)
    except Exception as exc:
        return {"error": "c14n-nodeset: %s: %s" % (type(exc).__name__, exc)}
    primary = nodeset if "#default" in prefixes else tostring
    return {"c14n": primary, "tostring": tostring, "nodeset": nodeset}


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            case = json.loads(line)
            res = handle(case)
        except Exception as exc:  # never lose the 1:1 line correspondence
            res = {"error": "oracle: %s: %s" % (type(exc).__name__, exc)}
        out.write(json.dumps(res, ensure_ascii=True) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
