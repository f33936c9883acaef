//! mockidp: a mock SAML 2.0 Identity Provider for negative testing of Service Providers.

pub mod catalog;
pub mod clock;
pub mod dsig;
pub mod exit_codes;
pub mod keys;
pub mod pipeline;
pub mod profile;
pub mod runner;
pub mod saml;
pub mod scenario;
pub mod server;
mod toml_file;
pub mod xml;
pub mod xmlenc;
