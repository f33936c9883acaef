#!/usr/bin/env node
// A minimal SAML 2.0 Service Provider built on @node-saml/node-saml.
//
// It exists so that mockidp's tests can throw crafted responses at a *real*
// SP library and see what it accepts. Only node's own `http` module is used
// around the library.
//
//     node server.js --config CONFIG.json --port 0
//
// Endpoints: GET /login, POST|GET /acs, GET /metadata, GET /healthz.
// See tests/sp/README.md for the config keys and the answers.
"use strict";

const fs = require("fs");
const http = require("http");
const zlib = require("zlib");
const { SAML } = require("@node-saml/node-saml");

const LIBRARY = "node-saml";
const COOKIE_NAME = "sp_request_id";
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
    idpIssuer: cfg.idp_entity_id || "https://idp.mockidp.test/metadata",
    idpCert: cfg.idp_cert_pem,
  };
  if (has("want_assertions_signed")) opts.wantAssertionsSigned = Boolean(cfg.want_assertions_signed);
  if (has("want_messages_signed")) opts.wantAuthnResponseSigned = Boolean(cfg.want_messages_signed);
  if (has("audience")) opts.audience = cfg.audience;
  if (has("validate_in_response_to")) opts.validateInResponseTo = cfg.validate_in_response_to;
  if (has("accepted_clock_skew_ms")) opts.acceptedClockSkewMs = Number(cfg.accepted_clock_skew_ms);
  if (has("max_assertion_age_ms")) opts.maxAssertionAgeMs = Number(cfg.max_assertion_age_ms);
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
function requestIdFromUrl(url) {
  const samlRequest = new URL(url).searchParams.get("SAMLRequest");
  if (!samlRequest) return null;
  const xml = zlib.inflateRawSync(Buffer.from(samlRequest, "base64")).toString("utf8");
  const m = /<(?:\w+:)?AuthnRequest\b[^>]*?\sID="([^"]*)"/.exec(xml);
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

  async function handle(req, res) {
    const url = new URL(req.url, "http://127.0.0.1");
    const path = url.pathname;
    const requestId = cookieValue(req, COOKIE_NAME);

    if (req.method === "GET" && path === "/healthz") {
      return send(res, 200, "ok\n", "text/plain; charset=utf-8");
    }
    if (req.method === "GET" && path === "/metadata") {
      const xml = saml.generateServiceProviderMetadata(null, null);
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
      return sendJson(res, 200, {
        accepted: true,
        name_id: profile.nameID === undefined ? null : profile.nameID,
        name_id_format: profile.nameIDFormat === undefined ? null : profile.nameIDFormat,
        session_index: profile.sessionIndex === undefined ? null : profile.sessionIndex,
        attributes: attributesOf(profile),
        relay_state: relayState,
        issuer: profile.issuer === undefined ? null : profile.issuer,
        in_response_to: profile.inResponseTo === undefined ? null : profile.inResponseTo,
        library: LIBRARY,
        request_id: requestId,
      });
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
    const port = server.address().port;
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
