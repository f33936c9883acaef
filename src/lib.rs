//! mockidp: a mock SAML 2.0 Identity Provider for negative testing of Service Providers.

pub mod xml;
pub mod clock;
pub mod keys;
pub mod dsig;
pub mod saml;
pub mod scenario;
pub mod pipeline;
pub mod catalog;
pub mod profile;
pub mod runner;
pub mod server;
mod toml_file;
