//! Helpers shared by the integration tests (`mod support;`).
pub mod rng;
pub mod server;
pub mod sp;
