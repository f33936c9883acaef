#!/usr/bin/python3
"""A minimal SAML 2.0 Service Provider built on python3-saml (onelogin.saml2).

It exists so that mockidp's tests can throw crafted responses at a *real* SP
library and see what it accepts.  Only the standard library's HTTP server is
used around the SAML toolkit.

    /usr/bin/python3 app.py --config CONFIG.json --port 0

Endpoints: GET /login, POST|GET /acs, GET /metadata, GET /healthz.
See tests/sp/README.md for the config keys and the answers.
"""

import argparse
import copy
import http.cookies
import json
import signal
import sys
import threading
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
from onelogin.saml2.settings import OneLogin_Saml2_Settings

LIBRARY = "python3-saml"
COOKIE_NAME = "sp_request_id"
MAX_BODY = 16 * 1024 * 1024

# Reverse map of OneLogin_Saml2_ValidationError codes, e.g. 26 -> "WRONG_AUDIENCE".
VALIDATION_CODES = {
    value: name
    for name, value in vars(OneLogin_Saml2_ValidationError).items()
    if name.isupper() and isinstance(value, int)
}


def load_config(path):
    with open(path, encoding="utf-8") as fh:
        cfg = json.load(fh)
    if not isinstance(cfg, dict):
        raise SystemExit("config must be a JSON object")
    if not cfg.get("idp_cert_pem") and cfg.get("idp_cert_file"):
        with open(cfg["idp_cert_file"], encoding="utf-8") as fh:
            cfg["idp_cert_pem"] = fh.read()
    if not cfg.get("idp_cert_pem"):
        raise SystemExit("config needs idp_cert_pem or idp_cert_file")
    return cfg


def build_settings(cfg, port):
    """Turn our small config into python3-saml's settings dict."""
    base = "http://127.0.0.1:%d" % port
    security = {
        "wantAssertionsSigned": bool(cfg.get("want_assertions_signed", True)),
        "wantMessagesSigned": bool(cfg.get("want_messages_signed", False)),
        "wantNameId": bool(cfg.get("want_name_id", True)),
        # Only honoured by python3-saml >= 1.13; 1.12 (Debian bookworm) ignores it.
        "rejectUnsolicitedResponsesWithInResponseTo": bool(
            cfg.get("reject_unsolicited_with_in_response_to", False)
        ),
    }
    if "want_attribute_statement" in cfg:
        security["wantAttributeStatement"] = bool(cfg["want_attribute_statement"])
    # Escape hatch: raw python3-saml security settings merged last.
    security.update(cfg.get("security") or {})
    return {
        "strict": bool(cfg.get("strict", True)),
        "debug": False,
        "sp": {
            "entityId": cfg.get("sp_entity_id") or base + "/metadata",
            "assertionConsumerService": {
                "url": base + "/acs",
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
        },
        "idp": {
            "entityId": cfg.get("idp_entity_id") or "https://idp.mockidp.test/metadata",
            "singleSignOnService": {
                "url": cfg.get("idp_sso_url") or "https://idp.mockidp.test/sso",
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            "x509cert": cfg["idp_cert_pem"],
        },
        "security": security,
    }


def exception_name(exc):
    """binascii.Error rather than a bare Error; builtins stay short."""
    cls = type(exc)
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__qualname__
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def first_values(pairs):
    """parse_qsl output -> {name: first value}, like most web frameworks."""
    out = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


class Handler(BaseHTTPRequestHandler):
    server_version = "mockidp-sp-python3-saml"
    protocol_version = "HTTP/1.1"

    # Set on the class by main().
    base_settings = None
    port = 0

    @property
    def settings(self):
        # python3-saml fills defaults into the dict it is given: hand every
        # request its own copy so that threads never share one.
        return copy.deepcopy(self.base_settings)

    def log_message(self, fmt, *args):  # keep stderr for real problems
        pass

    # --- plumbing -------------------------------------------------------

    def send_body(self, status, body, content_type, headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        self.send_body(status, json.dumps(obj, indent=None, sort_keys=True) + "\n",
                       "application/json", headers)

    def split_path(self):
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, parts.query

    def read_body(self):
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            return b""
        if n < 0 or n > MAX_BODY:
            return b""
        return self.rfile.read(n)

    def request_cookie(self, name):
        raw = self.headers.get("Cookie")
        if not raw:
            return None
        jar = http.cookies.SimpleCookie()
        try:
            jar.load(raw)
        except http.cookies.CookieError:
            return None
        morsel = jar.get(name)
        return morsel.value if morsel is not None and morsel.value else None

    def saml_request_data(self, path, query, post_data):
        return {
            "https": "off",
            "http_host": "127.0.0.1:%d" % self.port,
            "script_name": path,
            "get_data": first_values(urllib.parse.parse_qsl(query, keep_blank_values=True)),
            "post_data": post_data,
            "query_string": query,
        }

    # --- routes ---------------------------------------------------------

    def do_GET(self):
        path, query = self.split_path()
        try:
            if path == "/healthz":
                self.send_body(200, "ok\n", "text/plain; charset=utf-8")
            elif path == "/metadata":
                self.metadata()
            elif path == "/login":
                self.login(path, query)
            elif path == "/acs":
                self.acs(path, query, {})
            else:
                self.send_json(404, {"error": "not found", "path": path})
        except Exception:  # pragma: no cover - last resort, keep the server up
            self.internal_error()

    def do_POST(self):
        path, query = self.split_path()
        try:
            body = self.read_body()
            if path != "/acs":
                self.send_json(404, {"error": "not found", "path": path})
                return
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            post_data = {}
            if ctype == "application/x-www-form-urlencoded":
                text = body.decode("utf-8", errors="replace")
                post_data = first_values(urllib.parse.parse_qsl(text, keep_blank_values=True))
            self.acs(path, query, post_data)
        except Exception:  # pragma: no cover
            self.internal_error()

    def internal_error(self):
        traceback.print_exc(file=sys.stderr)
        exc = sys.exc_info()[1]
        try:
            self.send_json(500, {"accepted": False, "errors": ["internal"],
                                 "reason": "%s: %s" % (type(exc).__name__, exc),
                                 "library": LIBRARY})
        except Exception:
            pass

    def metadata(self):
        settings = OneLogin_Saml2_Settings(self.settings, sp_validation_only=True)
        xml = settings.get_sp_metadata()
        if isinstance(xml, bytes):
            xml = xml.decode("utf-8")
        self.send_body(200, xml, "application/samlmetadata+xml")

    def login(self, path, query):
        params = first_values(urllib.parse.parse_qsl(query, keep_blank_values=True))
        req = self.saml_request_data(path, query, {})
        auth = OneLogin_Saml2_Auth(req, self.settings)
        settings = auth.get_settings()
        authn = OneLogin_Saml2_Authn_Request(settings)
        parameters = {"SAMLRequest": authn.get_request()}
        if params.get("relay_state"):
            parameters["RelayState"] = params["relay_state"]
        location = auth.redirect_to(auth.get_sso_url(), parameters)
        cookie = "%s=%s; Path=/; HttpOnly" % (COOKIE_NAME, authn.get_id())
        self.send_body(302, "", "text/plain", [("Location", location), ("Set-Cookie", cookie)])

    def acs(self, path, query, post_data):
        req = self.saml_request_data(path, query, post_data)
        request_id = self.request_cookie(COOKIE_NAME)
        auth = OneLogin_Saml2_Auth(req, self.settings)
        relay_state = post_data.get("RelayState", req["get_data"].get("RelayState"))
        try:
            auth.process_response(request_id=request_id)
        except Exception as exc:  # malformed input, wrong binding, ...
            self.send_json(400, {
                "accepted": False,
                "errors": ["exception"],
                "reason": "%s: %s" % (exception_name(exc), exc),
                "exception": exception_name(exc),
                "library_errors": auth.get_errors(),
                "code": VALIDATION_CODES.get(getattr(exc, "code", None))
                if isinstance(exc, OneLogin_Saml2_ValidationError) else None,
                "library": LIBRARY,
                "request_id": request_id,
            })
            return
        errors = auth.get_errors()
        if not errors and auth.is_authenticated():
            self.send_json(200, {
                "accepted": True,
                "name_id": auth.get_nameid(),
                "name_id_format": auth.get_nameid_format(),
                "session_index": auth.get_session_index(),
                "attributes": auth.get_attributes(),
                "relay_state": relay_state,
                "library": LIBRARY,
                "request_id": request_id,
            })
            return
        self.send_json(403, {
            "accepted": False,
            "errors": errors,
            "reason": auth.get_last_error_reason(),
            "code": self.validation_code(req, request_id, post_data),
            "library": LIBRARY,
            "request_id": request_id,
        })

    def validation_code(self, req, request_id, post_data):
        """process_response() keeps only the message; re-run the same check to
        learn the library's symbolic error code (e.g. WRONG_AUDIENCE)."""
        try:
            settings = OneLogin_Saml2_Settings(self.settings)
            response = OneLogin_Saml2_Auth.response_class(settings, post_data["SAMLResponse"])
            response.is_valid(req, request_id, raise_exceptions=True)
        except OneLogin_Saml2_ValidationError as exc:
            return VALIDATION_CODES.get(exc.code, str(exc.code))
        except Exception:
            return None
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    cfg = load_config(args.config)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    Handler.port = port
    Handler.base_settings = build_settings(cfg, port)
    # Fail fast on a bad configuration (e.g. an unreadable certificate).
    OneLogin_Saml2_Settings(copy.deepcopy(Handler.base_settings))

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    sys.stdout.write("listening on http://127.0.0.1:%d\n" % port)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
