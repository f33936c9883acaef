//! Helpers shared by the integration tests (`mod support;`).
pub mod server;
pub mod sp;
