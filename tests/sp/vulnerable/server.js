#!/usr/bin/env node
// A minimal SAML Service Provider on one pinned version of one SP library, vulnerable or fixed,
// for mockidp's attack scenarios: the positive controls that show an attack is the attack (the
// vulnerable version logs the attacker in) and that the fix refuses it.
//
//     node server.js --config CONFIG.json --port 0
//
// CONFIG.json names the library (`"library": "samlify-2.9.1"`, one of LIBRARIES below: the
// npm aliases of package.json) and the IdP certificate (`idp_cert_pem`). Test only, never shipped.
//
// Endpoints: POST /acs (form field SAMLResponse, base64), GET /metadata (the SP's entity ID and
// ACS URL), GET /healthz. /acs answers JSON, as the other test SPs do:
//   200 {"accepted": true, "name_id", "attributes": {name: [values]}, "session_index", "library"}
//   403 {"accepted": false, "errors": [name], "reason": message, "library"}
// Responses are IdP-initiated here (no AuthnRequest precedes them): none of these libraries checks
// InResponseTo unless told to, and the attacks are about signatures, not correlation.
"use strict";

const fs = require("fs");
const http = require("http");

const POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const MAX_BODY = 4 * 1024 * 1024;

function die(msg) {
  process.stderr.write(`vulnerable/server.js: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const out = { config: null, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const take = () => (i + 1 < argv.length ? argv[++i] : die(`missing value for ${argv[i]}`));
    if (argv[i] === "--config") out.config = take();
    else if (argv[i] === "--port") out.port = Number(take());
    else die(`unknown argument: ${argv[i]}`);
  }
  if (!out.config) die("usage: server.js --config CONFIG.json [--port PORT]");
  return out;
}

// The library's settings, the same for every version: what a user's SP configures.
function settings(cfg, port) {
  const base = `http://127.0.0.1:${port}`;
  return {
    spEntityId: cfg.sp_entity_id || `${base}/metadata`,
    acsUrl: `${base}/acs`,
    idpEntityId: cfg.idp_entity_id || "https://idp.mockidp.test/metadata",
    idpSsoUrl: cfg.idp_sso_url || "https://idp.mockidp.test/sso",
    idpCertPem: cfg.idp_cert_pem,
  };
}

function certBody(pem) {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}

// Attribute values as lists of strings, whatever shape the library gives them in.
function attributeLists(attributes) {
  const out = {};
  for (const [name, value] of Object.entries(attributes || {})) {
    const values = Array.isArray(value) ? value : [value];
    out[name] = values.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  }
  return out;
}

// samlify (https://github.com/tngan/samlify): CVE-2025-47949 is fixed in 2.10.0.
function samlify(pkg, s) {
  const lib = require(pkg);
  // samlify asks the application for a schema validator; its README's documented choice for an
  // application without one is this pass-through (the fixed version must refuse the attacks on its
  // own signature checks, without schema validation).
  lib.setSchemaValidator({ validate: () => Promise.resolve("skipped") });
  const idp = lib.IdentityProvider({
    entityID: s.idpEntityId,
    signingCert: certBody(s.idpCertPem),
    singleSignOnService: [{ Binding: REDIRECT_BINDING, Location: s.idpSsoUrl }],
  });
  const sp = lib.ServiceProvider({
    entityID: s.spEntityId,
    assertionConsumerService: [{ Binding: POST_BINDING, Location: s.acsUrl }],
  });
  return async (samlResponse) => {
    const { extract } = await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: samlResponse } });
    return {
      name_id: extract.nameID == null ? null : String(extract.nameID),
      attributes: attributeLists(extract.attributes),
      session_index: extract.sessionIndex ? extract.sessionIndex.sessionIndex || null : null,
    };
  };
}

// passport-saml (its SAML class, without passport): CVE-2022-39299 is fixed in 3.2.2. Both versions
// get @xmldom/xmldom 0.7.6 (package.json `overrides`; their range ^0.7.5 would resolve to 0.7.13):
// xmldom 0.7.7 and later (the fix for CVE-2022-39353) drop a second root element, which hides the
// CVE behind the parser; with 0.7.6 the only difference between the two versions is the fix itself.
function passportSaml(pkg, s) {
  const { SAML } = require(`${pkg}/lib/node-saml`);
  const saml = new SAML({
    callbackUrl: s.acsUrl,
    entryPoint: s.idpSsoUrl,
    issuer: s.spEntityId,
    audience: s.spEntityId,
    idpIssuer: s.idpEntityId,
    cert: s.idpCertPem,
  });
  return async (samlResponse) => {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    return {
      name_id: profile && profile.nameID != null ? String(profile.nameID) : null,
      attributes: attributeLists(profile && profile.attributes),
      session_index: (profile && profile.sessionIndex) || null,
    };
  };
}

// saml2-js (https://github.com/Clever/saml2): CVE-2017-11429 is fixed in 2.0.2.
function saml2js(pkg, s) {
  const saml2 = require(pkg);
  const sp = new saml2.ServiceProvider({
    entity_id: s.spEntityId,
    assert_endpoint: s.acsUrl,
    allow_unencrypted_assertion: true,
    // The SP's own key only decrypts (there is nothing to decrypt here); any key will do.
    private_key: "",
    certificate: "",
  });
  const idp = new saml2.IdentityProvider({
    sso_login_url: s.idpSsoUrl,
    sso_logout_url: s.idpSsoUrl,
    certificates: [s.idpCertPem],
  });
  return (samlResponse) =>
    new Promise((resolve, reject) => {
      const options = { request_body: { SAMLResponse: samlResponse }, allow_unencrypted_assertion: true };
      sp.post_assert(idp, options, (err, response) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const user = response.user || {};
        resolve({
          name_id: user.name_id == null ? null : String(user.name_id),
          attributes: attributeLists(user.attributes),
          session_index: user.session_index || null,
        });
      });
    });
}

const LIBRARIES = {
  "samlify-2.9.1": samlify,
  "samlify-2.13.1": samlify,
  "passport-saml-3.2.1": passportSaml,
  "passport-saml-3.2.2": passportSaml,
  "saml2-js-1.12.3": saml2js,
  "saml2-js-4.0.4": saml2js,
};

function sendJson(res, status, obj) {
  const buf = Buffer.from(JSON.stringify(obj) + "\n", "utf8");
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": buf.length });
  res.end(buf);
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
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = JSON.parse(fs.readFileSync(args.config, "utf8"));
  const make = LIBRARIES[cfg.library];
  if (!make) die(`config "library" must be one of ${Object.keys(LIBRARIES).join(", ")}, not ${cfg.library}`);
  if (!cfg.idp_cert_pem) die("config needs idp_cert_pem");
  const library = cfg.library;
  let validate = null;
  let s = null;

  const server = http.createServer(async (req, res) => {
    const path = req.url.split("?")[0];
    try {
      if (req.method === "GET" && path === "/healthz") {
        res.writeHead(200, { "Content-Type": "text/plain" });
        return res.end("ok");
      }
      if (req.method === "GET" && path === "/metadata") {
        return sendJson(res, 200, { entity_id: s.spEntityId, acs_url: s.acsUrl, library });
      }
      if (req.method === "POST" && path === "/acs") {
        const fields = new URLSearchParams(await readBody(req));
        const samlResponse = fields.get("SAMLResponse");
        if (samlResponse == null) {
          return sendJson(res, 400, { accepted: false, errors: ["missing_field"], reason: "no SAMLResponse", library });
        }
        try {
          const user = await validate(samlResponse);
          return sendJson(res, 200, { accepted: true, ...user, library });
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          return sendJson(res, 403, { accepted: false, errors: [e.name], reason: e.message, library });
        }
      }
      sendJson(res, 404, { error: "not found" });
    } catch (err) {
      sendJson(res, 500, { accepted: false, errors: ["internal"], reason: String(err && err.stack), library });
    }
  });
  server.listen(args.port, "127.0.0.1", () => {
    const port = server.address().port;
    s = settings(cfg, port);
    validate = make(library, s);
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  });
}

main();
