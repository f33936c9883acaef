#!/usr/bin/env ruby
# frozen_string_literal: true
#
# A minimal SAML Service Provider on Debian bookworm's ruby-saml (1.13.0-1+deb12u1, unpatched for
# CVE-2025-25291 and CVE-2025-25292), for mockidp's attack scenarios: the positive control that a
# parser-differential attack is the attack. Test only, never shipped.
#
#     ruby ruby-saml.rb --config CONFIG.json --port 0
#
# Answers as tests/sp/vulnerable/server.js does (see there): POST /acs, GET /metadata, GET /healthz.

require "json"
require "webrick"
require "onelogin/ruby-saml"

def die(msg)
  warn "vulnerable/ruby-saml.rb: #{msg}"
  exit 2
end

config_path = nil
port = 0
args = ARGV.dup
until args.empty?
  case (arg = args.shift)
  when "--config" then config_path = args.shift
  when "--port" then port = Integer(args.shift)
  else die("unknown argument: #{arg}")
  end
end
die("usage: ruby-saml.rb --config CONFIG.json [--port PORT]") unless config_path
cfg = JSON.parse(File.read(config_path))
die("config needs idp_cert_pem") unless cfg["idp_cert_pem"]

LIBRARY = "ruby-saml-#{OneLogin::RubySaml::VERSION}"

server = WEBrick::HTTPServer.new(
  BindAddress: "127.0.0.1", Port: port, Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN), AccessLog: []
)
base = "http://127.0.0.1:#{server.config[:Port]}"

# What a user's SP configures: the IdP's entity ID and certificate, its own entity ID and ACS URL.
settings = OneLogin::RubySaml::Settings.new
settings.sp_entity_id = cfg["sp_entity_id"] || "#{base}/metadata"
settings.assertion_consumer_service_url = "#{base}/acs"
settings.idp_entity_id = cfg["idp_entity_id"] || "https://idp.mockidp.test/metadata"
settings.idp_sso_service_url = cfg["idp_sso_url"] || "https://idp.mockidp.test/sso"
settings.idp_cert = cfg["idp_cert_pem"]

def send_json(res, status, obj)
  res.status = status
  res["Content-Type"] = "application/json"
  res.body = "#{JSON.generate(obj)}\n"
end

server.mount_proc("/healthz") { |_req, res| res.body = "ok" }
server.mount_proc("/metadata") do |_req, res|
  send_json(res, 200, { entity_id: settings.sp_entity_id, acs_url: settings.assertion_consumer_service_url, library: LIBRARY })
end
server.mount_proc("/acs") do |req, res|
  next send_json(res, 405, { error: "POST only" }) unless req.request_method == "POST"

  saml_response = req.query["SAMLResponse"]
  next send_json(res, 400, { accepted: false, errors: ["missing_field"], reason: "no SAMLResponse", library: LIBRARY }) unless saml_response

  begin
    response = OneLogin::RubySaml::Response.new(saml_response.to_s, settings: settings)
    if response.is_valid?
      attributes = {}
      response.attributes.each { |name, values| attributes[name] = Array(values).map(&:to_s) }
      send_json(res, 200, { accepted: true, name_id: response.nameid, attributes: attributes,
                            session_index: response.sessionindex, library: LIBRARY })
    else
      send_json(res, 403, { accepted: false, errors: response.errors, reason: response.errors.join("; "), library: LIBRARY })
    end
  rescue StandardError => e
    send_json(res, 403, { accepted: false, errors: [e.class.name], reason: e.message, library: LIBRARY })
  end
end

trap("TERM") { server.shutdown }
trap("INT") { server.shutdown }
$stdout.sync = true
puts "listening on #{base}"
server.start
