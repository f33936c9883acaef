#!/usr/bin/python3
"""A minimal SAML 2.0 Service Provider built on python3-saml (onelogin.saml2).

It exists so that mockidp's tests can throw crafted responses at a *real* SP
library and see what it accepts.  Only the standard library's HTTP server is
used around the SAML toolkit.

    /usr/bin/python3 app.py --config CONFIG.json --port 0

Endpoints: GET /login, POST|GET /acs, GET /logout, GET|POST /slo, GET /metadata,
GET /healthz, POST /idp-metadata (can the library configure the IdP from this metadata?).
See tests/sp/README.md for the config keys, the optional app policy and the
answers.
"""

import argparse
import copy
import http.cookies
import json
import os
import re
import signal
import sys
import threading
import traceback
import uuid
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
from onelogin.saml2.settings import OneLogin_Saml2_Settings

LIBRARY = "python3-saml"
COOKIE_NAME = "sp_request_id"
LOGOUT_COOKIE = "sp_logout_request_id"
DEFAULT_LOGOUT_NAME_ID = "alice@example.com"
DEVICE_COOKIE = "sp_device"
MAX_BODY = 16 * 1024 * 1024

# Reverse map of OneLogin_Saml2_ValidationError codes, e.g. 26 -> "WRONG_AUDIENCE".
VALIDATION_CODES = {
    value: name
    for name, value in vars(OneLogin_Saml2_ValidationError).items()
    if name.isupper() and isinstance(value, int)
}
# The same for OneLogin_Saml2_Error (settings and metadata problems), e.g. 6 -> "SETTINGS_INVALID".
ERROR_CODES = {
    value: name
    for name, value in vars(OneLogin_Saml2_Error).items()
    if name.isupper() and isinstance(value, int)
}


class Policy:
    """What a real application built on the library checks after the library
    accepted a response: its user directory, its domains, roles, required
    attributes, enrolled clients. Every key is optional; without them the app
    accepts whatever the library accepts. The same rules, in the same order,
    are in ../node-saml/server.js."""

    def __init__(self, cfg):
        self.name_id_formats = cfg.get("name_id_formats")
        self.allowed_domains = cfg.get("allowed_domains")
        self.known_users = cfg.get("known_users")
        self.locked_users = cfg.get("locked_users") or []
        self.required_attributes = cfg.get("required_attributes") or []
        self.attribute_patterns = {
            name: re.compile(pattern) for name, pattern in (cfg.get("attribute_patterns") or {}).items()
        }
        self.allowed_roles = cfg.get("allowed_roles")
        self.role_attribute = cfg.get("role_attribute") or "role"
        self.bind_devices = bool(cfg.get("bind_devices"))
        self.devices = {}
        self.lock = threading.Lock()

    def check(self, name_id, name_id_format, attributes, device):
        """None, or (code, reason) for the first rule the login breaks. Rules
        about the NameID are skipped when there is none: that the library let
        it through is the library's behaviour, to be seen as such."""
        if name_id:
            if self.bind_devices and device:
                with self.lock:
                    enrolled = self.devices.setdefault(device, name_id)
                if enrolled != name_id:
                    return ("APP_USER_INCONSISTENT",
                            "client %s is enrolled for NameID %s, this login is for %s" % (device, enrolled, name_id))
            if self.name_id_formats is not None and name_id_format not in self.name_id_formats:
                return ("APP_NAME_ID_FORMAT",
                        "NameID format %s is not accepted (accepted: %s)" % (name_id_format, ", ".join(self.name_id_formats)))
            if self.allowed_domains is not None:
                if "@" not in name_id:
                    return ("APP_USER_DOMAIN", "NameID %s has no domain to find the organization by" % name_id)
                domain = name_id.rsplit("@", 1)[1]
                if domain not in self.allowed_domains:
                    return ("APP_USER_DOMAIN", "domain %s of %s is not one of the organization's" % (domain, name_id))
            if self.known_users is not None and name_id not in self.known_users:
                return ("APP_UNKNOWN_USER", "no user account for %s" % name_id)
            if name_id in self.locked_users:
                return ("APP_ACCOUNT_LOCKED", "the account of %s is locked" % name_id)
        for name in self.required_attributes:
            if not attributes.get(name):
                return ("APP_ATTRIBUTE_MISSING", "required attribute %s is missing" % name)
        for name, pattern in self.attribute_patterns.items():
            for value in attributes.get(name) or []:
                if not pattern.fullmatch(str(value)):
                    return ("APP_ATTRIBUTE_INVALID", "attribute %s has an invalid value %r" % (name, value))
        if self.allowed_roles is not None:
            roles = attributes.get(self.role_attribute) or []
            if not any(role in self.allowed_roles for role in roles):
                return ("APP_ROLE_NOT_ALLOWED", "roles %s may not sign in" % (", ".join(map(str, roles)) or "(none)"))
        return None


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
    if cfg.get("app_policy_file"):
        # The policy shared with ../node-saml/server.js; keys in the config itself win.
        policy_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), cfg["app_policy_file"])
        with open(policy_path, encoding="utf-8") as fh:
            cfg = {**json.load(fh), **cfg}
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
    if cfg.get("want_assertions_encrypted"):
        security["wantAssertionsEncrypted"] = True
    if "want_attribute_statement" in cfg:
        security["wantAttributeStatement"] = bool(cfg["want_attribute_statement"])
    # Escape hatch: raw python3-saml security settings merged last.
    security.update(cfg.get("security") or {})
    sp_keys = {}
    if cfg.get("sp_encryption_key_pem"):
        # The SP's key pair: python3-saml decrypts EncryptedAssertion/EncryptedID with sp.privateKey.
        sp_keys = {"privateKey": cfg["sp_encryption_key_pem"], "x509cert": cfg.get("sp_encryption_cert_pem") or ""}
    return {
        "strict": bool(cfg.get("strict", True)),
        "debug": False,
        "sp": {
            "entityId": cfg.get("sp_entity_id") or base + "/metadata",
            "assertionConsumerService": {
                "url": base + "/acs",
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
            "singleLogoutService": {
                "url": base + "/slo",
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            **sp_keys,
        },
        "idp": {
            "entityId": cfg.get("idp_entity_id") or "https://idp.mockidp.test/metadata",
            "singleSignOnService": {
                "url": cfg.get("idp_sso_url") or "https://idp.mockidp.test/sso",
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            "singleLogoutService": {
                "url": cfg.get("idp_slo_url") or "https://idp.mockidp.test/slo",
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
    policy = None
    max_body = None

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

    def discard_body(self):
        """Read and drop the body, so the client can finish sending and read the answer."""
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)

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
            elif path == "/logout":
                self.logout(path, query)
            elif path == "/slo":
                self.slo(path, query, {})
            else:
                self.send_json(404, {"error": "not found", "path": path})
        except Exception:  # pragma: no cover - last resort, keep the server up
            self.internal_error()

    def do_POST(self):
        path, query = self.split_path()
        try:
            if self.max_body is not None and int(self.headers.get("Content-Length") or 0) > self.max_body:
                self.discard_body()
                self.send_json(413, {
                    "accepted": False,
                    "errors": ["body_too_large"],
                    "code": "APP_BODY_TOO_LARGE",
                    "reason": "request body of %s bytes exceeds max_body_bytes %d"
                              % (self.headers.get("Content-Length"), self.max_body),
                    "library": LIBRARY,
                    "stage": "app",
                })
                return
            body = self.read_body()
            if path == "/idp-metadata":
                self.idp_metadata(body)
                return
            if path not in ("/acs", "/slo"):
                self.send_json(404, {"error": "not found", "path": path})
                return
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            post_data = {}
            if ctype == "application/x-www-form-urlencoded":
                text = body.decode("utf-8", errors="replace")
                post_data = first_values(urllib.parse.parse_qsl(text, keep_blank_values=True))
            if path == "/slo":
                self.slo(path, query, post_data)
            else:
                self.acs(path, query, post_data)
        except Exception:  # pragma: no cover
            self.internal_error()

    def send_library_exception(self, exc, auth, request_id, extra=None):
        """400: the library raised instead of reporting an error (malformed input, wrong binding)."""
        answer = {
            "accepted": False,
            "errors": ["exception"],
            "reason": "%s: %s" % (exception_name(exc), exc),
            "exception": exception_name(exc),
            "library_errors": auth.get_errors(),
            "code": VALIDATION_CODES.get(getattr(exc, "code", None))
            if isinstance(exc, OneLogin_Saml2_ValidationError) else None,
            "library": LIBRARY,
            "request_id": request_id,
        }
        answer.update(extra or {})
        self.send_json(400, answer)

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

    def idp_metadata(self, body):
        """Configure the IdP from uploaded metadata as an app would: the
        library's own parser, then the library's settings check."""
        try:
            data = OneLogin_Saml2_IdPMetadataParser.parse(body.decode("utf-8", errors="replace"))
            settings = self.settings
            settings["idp"] = {}
            merged = OneLogin_Saml2_IdPMetadataParser.merge_settings(settings, data)
            checked = OneLogin_Saml2_Settings(merged)
        except Exception as exc:
            self.send_json(403, {
                "accepted": False,
                "errors": ["metadata"],
                "reason": "%s: %s" % (exception_name(exc), exc),
                "exception": exception_name(exc),
                "code": ERROR_CODES.get(getattr(exc, "code", None))
                if isinstance(exc, OneLogin_Saml2_Error) else None,
                "library": LIBRARY,
                "stage": "metadata",
            })
            return
        idp = checked.get_idp_data()
        self.send_json(200, {
            "accepted": True,
            "idp_entity_id": idp.get("entityId"),
            "sso_url": idp.get("singleSignOnService", {}).get("url"),
            "has_certificate": bool(idp.get("x509cert") or idp.get("x509certMulti")),
            "library": LIBRARY,
            "stage": "metadata",
        })

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

    def logout(self, path, query):
        """SP-initiated Single Logout: redirect to the IdP's SLO URL with a
        LogoutRequest for `name_id` (the app keeps no sessions), remembering
        its ID in a cookie as /login does."""
        params = first_values(urllib.parse.parse_qsl(query, keep_blank_values=True))
        req = self.saml_request_data(path, query, {})
        auth = OneLogin_Saml2_Auth(req, self.settings)
        settings = auth.get_settings()
        request = OneLogin_Saml2_Logout_Request(
            settings,
            name_id=params.get("name_id") or DEFAULT_LOGOUT_NAME_ID,
            name_id_format=OneLogin_Saml2_Constants.NAMEID_EMAIL_ADDRESS,
            session_index=params.get("session_index") or None,
        )
        parameters = {"SAMLRequest": request.get_request()}
        if params.get("relay_state"):
            parameters["RelayState"] = params["relay_state"]
        location = auth.redirect_to(auth.get_slo_url(), parameters)
        cookie = "%s=%s; Path=/; HttpOnly" % (LOGOUT_COOKIE, request.id)
        self.send_body(302, "", "text/plain", [("Location", location), ("Set-Cookie", cookie)])

    def slo(self, path, query, post_data):
        """The IdP's LogoutResponse, checked by process_slo() against the
        LogoutRequest ID in the cookie. python3-saml reads SLO messages from the
        query string only (HTTP-Redirect binding): a POSTed one is refused."""
        req = self.saml_request_data(path, query, post_data)
        request_id = self.request_cookie(LOGOUT_COOKIE)
        auth = OneLogin_Saml2_Auth(req, self.settings)
        try:
            auth.process_slo(keep_local_session=True, request_id=request_id)
        except Exception as exc:
            self.send_library_exception(exc, auth, request_id, {"stage": "logout"})
            return
        errors = auth.get_errors()
        if not errors and "SAMLResponse" in req["get_data"]:
            self.send_json(200, {
                "accepted": True,
                "logged_out": True,
                "library": LIBRARY,
                "request_id": request_id,
                "stage": "logout",
            })
            return
        self.send_json(403, {
            "accepted": False,
            "errors": errors or ["no_logout_response"],
            "reason": auth.get_last_error_reason()
            or ("; ".join(errors) if errors else "no SAMLResponse in the query string (HTTP-Redirect)"),
            "library": LIBRARY,
            "request_id": request_id,
            "stage": "logout",
        })

    def acs(self, path, query, post_data):
        req = self.saml_request_data(path, query, post_data)
        request_id = self.request_cookie(COOKIE_NAME)
        auth = OneLogin_Saml2_Auth(req, self.settings)
        relay_state = post_data.get("RelayState", req["get_data"].get("RelayState"))
        try:
            auth.process_response(request_id=request_id)
        except Exception as exc:  # malformed input, wrong binding, ...
            self.send_library_exception(exc, auth, request_id)
            return
        errors = auth.get_errors()
        if not errors and auth.is_authenticated():
            device = self.request_cookie(DEVICE_COOKIE)
            # A client without a device cookie is enrolled now, as an app that binds devices does.
            new_device = None if device or not self.policy.bind_devices else uuid.uuid4().hex
            broken = self.policy.check(auth.get_nameid(), auth.get_nameid_format(), auth.get_attributes(),
                                       device or new_device)
            if broken:
                self.send_json(403, {
                    "accepted": False,
                    "errors": ["app_policy"],
                    "code": broken[0],
                    "reason": broken[1],
                    "library": LIBRARY,
                    "request_id": request_id,
                    "stage": "app",
                })
                return
            self.send_json(200, {
                "accepted": True,
                "name_id": auth.get_nameid(),
                "name_id_format": auth.get_nameid_format(),
                "session_index": auth.get_session_index(),
                "attributes": auth.get_attributes(),
                "relay_state": relay_state,
                "library": LIBRARY,
                "request_id": request_id,
            }, [("Set-Cookie", "%s=%s; Path=/; HttpOnly" % (DEVICE_COOKIE, new_device))] if new_device else ())
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
    Handler.policy = Policy(cfg)
    Handler.max_body = int(cfg["max_body_bytes"]) if cfg.get("max_body_bytes") else None
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
