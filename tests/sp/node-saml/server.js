#!/usr/bin/env node
// A minimal SAML 2.0 Service Provider built on @node-saml/node-saml.
//
// It exists so that mockidp's tests can throw crafted responses at a *real*
// SP library and see what it accepts. Only node's own `http` module is used
// around the library.
//
//     node server.js --config CONFIG.json --port 0
//
// Endpoints: GET /login, POST|GET /acs, GET /logout, GET|POST /slo, GET /metadata,
// GET /healthz, POST /idp-metadata (can the library be configured from this IdP metadata?).
// See tests/sp/README.md for the config keys, the optional app policy and the
// answers.
"use strict";

const fs = require("fs");
const http = require("http");
const pathModule = require("path");
const crypto = require("crypto");
const zlib = require("zlib");
const { SAML } = require("@node-saml/node-saml");
// The library's own XML parser and XPath helpers, for reading IdP metadata.
const samlXml = require("@node-saml/node-saml/lib/xml");

const LIBRARY = "node-saml";
const COOKIE_NAME = "sp_request_id";
const LOGOUT_COOKIE = "sp_logout_request_id";
const DEFAULT_LOGOUT_NAME_ID = "alice@example.com";
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const DEVICE_COOKIE = "sp_device";
const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const MAX_BODY = 16 * 1024 * 1024;

function parseArgs(argv) {
  const out = { config: null, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const take = () => {
      if (i + 1 >= argv.length) die(`missing value for ${arg}`);
      return argv[++i];
    };
    if (arg === "--config") out.config = take();
    else if (arg.startsWith("--config=")) out.config = arg.slice("--config=".length);
    else if (arg === "--port") out.port = Number(take());
    else if (arg.startsWith("--port=")) out.port = Number(arg.slice("--port=".length));
    else die(`unknown argument: ${arg}`);
  }
  if (!out.config) die("usage: server.js --config CONFIG.json [--port PORT]");
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) die("bad --port");
  return out;
}

function die(msg) {
  process.stderr.write(`server.js: ${msg}\n`);
  process.exit(2);
}

function loadConfig(path) {
  const cfg = JSON.parse(fs.readFileSync(path, "utf8"));
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) {
    die("config must be a JSON object");
  }
  if (!cfg.idp_cert_pem && cfg.idp_cert_file) {
    cfg.idp_cert_pem = fs.readFileSync(cfg.idp_cert_file, "utf8");
  }
  if (!cfg.idp_cert_pem) die("config needs idp_cert_pem or idp_cert_file");
  if (cfg.app_policy_file) {
    // The policy shared with ../python3-saml/app.py; keys in the config itself win.
    const policy = JSON.parse(fs.readFileSync(pathModule.resolve(__dirname, cfg.app_policy_file), "utf8"));
    return { ...policy, ...cfg };
  }
  return cfg;
}

// Our small config -> node-saml options. Keys absent from the config are not
// passed at all, so the library's own defaults apply.
function samlOptions(cfg, port) {
  const base = `http://127.0.0.1:${port}`;
  const has = (k) => Object.prototype.hasOwnProperty.call(cfg, k) && cfg[k] !== null;
  const opts = {
    issuer: cfg.sp_entity_id || `${base}/metadata`,
    callbackUrl: `${base}/acs`,
    entryPoint: cfg.idp_sso_url || "https://idp.mockidp.test/sso",
    logoutUrl: cfg.idp_slo_url || "https://idp.mockidp.test/slo",
    logoutCallbackUrl: `${base}/slo`,
    idpIssuer: cfg.idp_entity_id || "https://idp.mockidp.test/metadata",
    idpCert: cfg.idp_cert_pem,
  };
  if (has("want_assertions_signed")) opts.wantAssertionsSigned = Boolean(cfg.want_assertions_signed);
  if (has("want_messages_signed")) opts.wantAuthnResponseSigned = Boolean(cfg.want_messages_signed);
  if (has("audience")) opts.audience = cfg.audience;
  if (has("validate_in_response_to")) opts.validateInResponseTo = cfg.validate_in_response_to;
  if (has("accepted_clock_skew_ms")) opts.acceptedClockSkewMs = Number(cfg.accepted_clock_skew_ms);
  if (has("max_assertion_age_ms")) opts.maxAssertionAgeMs = Number(cfg.max_assertion_age_ms);
  // The SP's key pair: node-saml decrypts EncryptedAssertion/EncryptedID with decryptionPvk (it has
  // no option to require encryption; want_assertions_encrypted is python3-saml's).
  if (has("sp_encryption_key_pem")) opts.decryptionPvk = cfg.sp_encryption_key_pem;
  if (has("sp_encryption_cert_pem")) opts.decryptionCert = cfg.sp_encryption_cert_pem;
  // Escape hatch: raw node-saml options merged last.
  Object.assign(opts, cfg.extra_options || {});
  return opts;
}

function send(res, status, body, contentType, headers) {
  const buf = Buffer.from(body, "utf8");
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": buf.length,
    ...(headers || {}),
  });
  res.end(buf);
}

function sendJson(res, status, obj, headers) {
  send(res, status, JSON.stringify(obj) + "\n", "application/json", headers);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// First value of each field, like most web frameworks' body parsers.
function firstValues(params) {
  const out = {};
  for (const [k, v] of params) {
    if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
  }
  return out;
}

function cookieValue(req, name) {
  const raw = req.headers.cookie;
  if (!raw) return null;
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value || null;
    }
  }
  return null;
}

// The AuthnRequest ID, read back out of the redirect URL that node-saml built.
// (`element` LogoutRequest for the one getLogoutUrlAsync built.)
function requestIdFromUrl(url, element = "AuthnRequest") {
  const samlRequest = new URL(url).searchParams.get("SAMLRequest");
  if (!samlRequest) return null;
  const xml = zlib.inflateRawSync(Buffer.from(samlRequest, "base64")).toString("utf8");
  const m = new RegExp(`<(?:\\w+:)?${element}\\b[^>]*?\\sID="([^"]*)"`).exec(xml);
  return m ? m[1] : null;
}

// node-saml gives a value or an array of values per attribute; answer
// {name: [values]} like python3-saml does.
function attributesOf(profile) {
  const out = {};
  const attrs = (profile && profile.attributes) || {};
  for (const [name, value] of Object.entries(attrs)) {
    const list = Array.isArray(value) ? value : [value];
    out[name] = list.map((v) => (v === null || typeof v !== "object" ? v : JSON.stringify(v)));
  }
  return out;
}

// What a real application built on the library checks after the library
// accepted a response: its user directory, domains, roles, required
// attributes, enrolled clients. Every key is optional; without them the app
// accepts whatever the library accepts. Same rules, same order as the
// Policy class in ../python3-saml/app.py.
class Policy {
  constructor(cfg) {
    this.nameIdFormats = cfg.name_id_formats || null;
    this.allowedDomains = cfg.allowed_domains || null;
    this.knownUsers = cfg.known_users || null;
    this.lockedUsers = cfg.locked_users || [];
    this.requiredAttributes = cfg.required_attributes || [];
    this.attributePatterns = Object.entries(cfg.attribute_patterns || {}).map(
      ([name, pattern]) => [name, new RegExp(`^(?:${pattern})$`)],
    );
    this.allowedRoles = cfg.allowed_roles || null;
    this.roleAttribute = cfg.role_attribute || "role";
    this.bindDevices = Boolean(cfg.bind_devices);
    this.devices = new Map();
  }

  // null, or [code, reason] for the first rule the login breaks. Rules about
  // the NameID are skipped when there is none: that the library let it
  // through is the library's behaviour, to be seen as such.
  check(nameId, nameIdFormat, attributes, device) {
    if (nameId) {
      if (this.bindDevices && device) {
        if (!this.devices.has(device)) this.devices.set(device, nameId);
        const enrolled = this.devices.get(device);
        if (enrolled !== nameId) {
          return ["APP_USER_INCONSISTENT", `client ${device} is enrolled for NameID ${enrolled}, this login is for ${nameId}`];
        }
      }
      if (this.nameIdFormats && !this.nameIdFormats.includes(nameIdFormat)) {
        return ["APP_NAME_ID_FORMAT", `NameID format ${nameIdFormat} is not accepted (accepted: ${this.nameIdFormats.join(", ")})`];
      }
      if (this.allowedDomains) {
        const at = nameId.lastIndexOf("@");
        if (at < 0) return ["APP_USER_DOMAIN", `NameID ${nameId} has no domain to find the organization by`];
        const domain = nameId.slice(at + 1);
        if (!this.allowedDomains.includes(domain)) {
          return ["APP_USER_DOMAIN", `domain ${domain} of ${nameId} is not one of the organization's`];
        }
      }
      if (this.knownUsers && !this.knownUsers.includes(nameId)) {
        return ["APP_UNKNOWN_USER", `no user account for ${nameId}`];
      }
      if (this.lockedUsers.includes(nameId)) return ["APP_ACCOUNT_LOCKED", `the account of ${nameId} is locked`];
    }
    for (const name of this.requiredAttributes) {
      if (!(attributes[name] || []).length) return ["APP_ATTRIBUTE_MISSING", `required attribute ${name} is missing`];
    }
    for (const [name, pattern] of this.attributePatterns) {
      for (const value of attributes[name] || []) {
        if (!pattern.test(String(value))) {
          return ["APP_ATTRIBUTE_INVALID", `attribute ${name} has an invalid value ${JSON.stringify(value)}`];
        }
      }
    }
    if (this.allowedRoles) {
      const roles = attributes[this.roleAttribute] || [];
      if (!roles.some((role) => this.allowedRoles.includes(role))) {
        return ["APP_ROLE_NOT_ALLOWED", `roles ${roles.join(", ") || "(none)"} may not sign in`];
      }
    }
    return null;
  }
}

// Configure the IdP from uploaded metadata as an app on node-saml must (the
// library has no metadata reader): parse it with the library's XML parser,
// take the IDPSSODescriptor's signing certificates and HTTP-Redirect
// SingleSignOnService, build a SAML instance from them and start a login.
// The library's own checks (idpCert, entryPoint) decide.
async function idpFromMetadata(text, cfg, port) {
  const doc = await samlXml.parseDomFromString(text);
  const select = (node, xpath) => samlXml.xpath.selectElements(node, xpath);
  const entity = select(doc, "/*[local-name()='EntityDescriptor']")[0];
  const idp = entity ? select(entity, "./*[local-name()='IDPSSODescriptor']")[0] : undefined;
  const certs = idp
    ? select(idp, "./*[local-name()='KeyDescriptor'][not(@use) or @use='signing']//*[local-name()='X509Certificate']")
        .map((e) => e.textContent.replace(/\s+/g, ""))
        .filter((c) => c.length > 0)
    : [];
  const sso = idp ? select(idp, `./*[local-name()='SingleSignOnService'][@Binding='${REDIRECT_BINDING}']`)[0] : undefined;
  const opts = samlOptions(cfg, port);
  opts.idpCert = certs.length ? certs : undefined;
  opts.entryPoint = sso ? sso.getAttribute("Location") : undefined;
  opts.idpIssuer = entity ? entity.getAttribute("entityID") : undefined;
  const saml = new SAML(opts);
  await saml.getAuthorizeUrlAsync("", undefined, {});
  return { idp_entity_id: opts.idpIssuer, sso_url: opts.entryPoint, certificates: certs.length };
}

function rejection(err, requestId) {
  return {
    accepted: false,
    errors: [(err && err.name) || "Error"],
    reason: err && err.message !== undefined ? String(err.message) : String(err),
    library: LIBRARY,
    request_id: requestId,
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = loadConfig(args.config);
  let saml = null; // built once the port is known; one instance = one request-ID cache
  let port = 0;
  const policy = new Policy(cfg);
  const maxBody = cfg.max_body_bytes ? Number(cfg.max_body_bytes) : null;

  async function handle(req, res) {
    const url = new URL(req.url, "http://127.0.0.1");
    const path = url.pathname;
    const requestId = cookieValue(req, COOKIE_NAME);

    if (req.method === "GET" && path === "/healthz") {
      return send(res, 200, "ok\n", "text/plain; charset=utf-8");
    }
    if (req.method === "GET" && path === "/metadata") {
      // With a decryption key, the metadata says use="encryption" with its certificate.
      const xml = saml.generateServiceProviderMetadata(cfg.sp_encryption_cert_pem || null, null);
      return send(res, 200, xml, "application/samlmetadata+xml");
    }
    if (req.method === "GET" && path === "/login") {
      const relayState = url.searchParams.get("relay_state") || "";
      const location = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
      const id = requestIdFromUrl(location);
      const headers = { Location: location };
      if (id) headers["Set-Cookie"] = `${COOKIE_NAME}=${id}; Path=/; HttpOnly`;
      return send(res, 302, "", "text/plain", headers);
    }
    if (req.method === "GET" && path === "/logout") {
      // SP-initiated Single Logout for `name_id` (the app keeps no sessions). node-saml keeps the
      // LogoutRequest ID in its request-ID cache; the cookie is for symmetry with /login.
      const user = {
        nameID: url.searchParams.get("name_id") || DEFAULT_LOGOUT_NAME_ID,
        nameIDFormat: EMAIL_FORMAT,
        sessionIndex: url.searchParams.get("session_index") || undefined,
      };
      const location = await saml.getLogoutUrlAsync(user, url.searchParams.get("relay_state") || "", {});
      const id = requestIdFromUrl(location, "LogoutRequest");
      const headers = { Location: location };
      if (id) headers["Set-Cookie"] = `${LOGOUT_COOKIE}=${id}; Path=/; HttpOnly`;
      return send(res, 302, "", "text/plain", headers);
    }
    if (req.method === "POST" && maxBody !== null && Number(req.headers["content-length"] || 0) > maxBody) {
      // Read and drop the body, so the client can finish sending and read the answer.
      req.resume();
      await new Promise((resolve) => req.on("end", resolve));
      return sendJson(res, 413, {
        accepted: false,
        errors: ["body_too_large"],
        code: "APP_BODY_TOO_LARGE",
        reason: `request body of ${req.headers["content-length"]} bytes exceeds max_body_bytes ${maxBody}`,
        library: LIBRARY,
        stage: "app",
      });
    }
    if (req.method === "POST" && path === "/idp-metadata") {
      const body = await readBody(req);
      try {
        const idp = await idpFromMetadata(body.toString("utf8"), cfg, port);
        return sendJson(res, 200, { accepted: true, ...idp, library: LIBRARY, stage: "metadata" });
      } catch (err) {
        return sendJson(res, 403, { ...rejection(err, null), stage: "metadata" });
      }
    }
    if (path === "/slo" && (req.method === "POST" || req.method === "GET")) {
      // The IdP's LogoutResponse. HTTP-Redirect (GET): validateRedirectAsync, which checks the
      // status, the issuer and InResponseTo against the cache. node-saml has no POST-binding
      // check for a LogoutResponse but validatePostResponseAsync, which is what a POST gets.
      const logoutRequestId = cookieValue(req, LOGOUT_COOKIE);
      let container;
      let result;
      try {
        if (req.method === "POST") {
          const body = await readBody(req);
          container = firstValues(new URLSearchParams(body.toString("utf8")));
          result = await saml.validatePostResponseAsync(container);
        } else {
          container = firstValues(url.searchParams);
          const rawQuery = url.search.startsWith("?") ? url.search.slice(1) : url.search;
          result = await saml.validateRedirectAsync(container, rawQuery);
        }
      } catch (err) {
        const missing = !container || typeof container.SAMLResponse !== "string";
        const answer = { ...rejection(err, logoutRequestId), stage: "logout" };
        if (missing) answer.missing_field = "SAMLResponse";
        return sendJson(res, missing ? 400 : 403, answer);
      }
      if (!result || !result.loggedOut) {
        return sendJson(res, 403, {
          accepted: false,
          errors: ["NotALogout"],
          reason: "library did not report a logout",
          library: LIBRARY,
          request_id: logoutRequestId,
          stage: "logout",
        });
      }
      return sendJson(res, 200, {
        accepted: true,
        logged_out: true,
        library: LIBRARY,
        request_id: logoutRequestId,
        stage: "logout",
      });
    }
    if (path === "/acs" && (req.method === "POST" || req.method === "GET")) {
      let container;
      let relayState = null;
      let result;
      try {
        if (req.method === "POST") {
          const body = await readBody(req);
          const ctype = (req.headers["content-type"] || "").split(";")[0].trim().toLowerCase();
          container = {};
          if (ctype === "application/x-www-form-urlencoded") {
            container = firstValues(new URLSearchParams(body.toString("utf8")));
          }
          relayState = container.RelayState === undefined ? null : container.RelayState;
          result = await saml.validatePostResponseAsync(container);
        } else {
          // A GET delivery: what passport-saml does with a query-string
          // SAMLResponse, i.e. the library's HTTP-Redirect validation.
          container = firstValues(url.searchParams);
          relayState = container.RelayState === undefined ? null : container.RelayState;
          const rawQuery = url.search.startsWith("?") ? url.search.slice(1) : url.search;
          result = await saml.validateRedirectAsync(container, rawQuery);
        }
      } catch (err) {
        const missing = !container || typeof container.SAMLResponse !== "string";
        const answer = rejection(err, requestId);
        if (missing) answer.missing_field = "SAMLResponse";
        return sendJson(res, missing ? 400 : 403, answer);
      }
      const profile = result && result.profile;
      if (!profile || result.loggedOut) {
        return sendJson(res, 403, {
          accepted: false,
          errors: ["NotALogin"],
          reason: result && result.loggedOut
            ? "library reported a logout, not a login"
            : "library returned no profile",
          library: LIBRARY,
          request_id: requestId,
        });
      }
      const attributes = attributesOf(profile);
      const device = cookieValue(req, DEVICE_COOKIE);
      // A client without a device cookie is enrolled now, as an app that binds devices does.
      const newDevice = device || !policy.bindDevices ? null : crypto.randomUUID().replace(/-/g, "");
      const broken = policy.check(profile.nameID, profile.nameIDFormat, attributes, device || newDevice);
      if (broken) {
        return sendJson(res, 403, {
          accepted: false,
          errors: ["app_policy"],
          code: broken[0],
          reason: broken[1],
          library: LIBRARY,
          request_id: requestId,
          stage: "app",
        });
      }
      return sendJson(res, 200, {
        accepted: true,
        name_id: profile.nameID === undefined ? null : profile.nameID,
        name_id_format: profile.nameIDFormat === undefined ? null : profile.nameIDFormat,
        session_index: profile.sessionIndex === undefined ? null : profile.sessionIndex,
        attributes,
        relay_state: relayState,
        issuer: profile.issuer === undefined ? null : profile.issuer,
        in_response_to: profile.inResponseTo === undefined ? null : profile.inResponseTo,
        library: LIBRARY,
        request_id: requestId,
      }, newDevice ? { "Set-Cookie": `${DEVICE_COOKIE}=${newDevice}; Path=/; HttpOnly` } : undefined);
    }
    return sendJson(res, 404, { error: "not found", path });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.stderr.write(`${(err && err.stack) || err}\n`);
      if (!res.headersSent) {
        sendJson(res, 500, {
          accepted: false,
          errors: ["internal"],
          reason: `${(err && err.name) || "Error"}: ${(err && err.message) || err}`,
          library: LIBRARY,
        });
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1000;

  server.listen(args.port, "127.0.0.1", () => {
    port = server.address().port;
    saml = new SAML(samlOptions(cfg, port));
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  });

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
