#!/usr/bin/env ruby
# frozen_string_literal: true
#
# The document guard that ruby-saml 1.18.0 added for CVE-2025-25291 and CVE-2025-25292
# (XMLSecurity::BaseDocument.safe_load_xml, with the default check_malformed_doc), applied with the
# same Nokogiri that Debian's ruby-saml 1.13.0 uses: the fixed gem itself cannot be installed here
# (rubygems.org is out of reach, Debian bookworm does not package it). Reads a SAML message on
# stdin; prints "ok", or "refused: WHY" and exits 1. Test only, never shipped.

require "nokogiri"

xml = $stdin.read
options = Nokogiri::XML::ParseOptions::STRICT | Nokogiri::XML::ParseOptions::NONET
begin
  doc = Nokogiri::XML(xml) { |config| config.options = options }
rescue Nokogiri::XML::SyntaxError => e
  puts "refused: not well-formed: #{e.message}"
  exit 1
end
if doc.internal_subset
  puts "refused: Dangerous XML detected. No Doctype nodes allowed"
  exit 1
end
unless doc.errors.empty?
  puts "refused: There were XML errors when parsing: #{doc.errors.map(&:message).join('; ')}"
  exit 1
end
puts "ok"
