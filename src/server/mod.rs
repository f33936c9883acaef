//! `mockidp serve`: the mock IdP as an actix-web server that browsers and SPs talk to.
//!
//! SP-initiated login (HTTP-Redirect and HTTP-POST AuthnRequests), IdP-initiated login, per-scenario
//! metadata, arming ("the next login from SP X gets scenario Y"), and a scenario picker page. It
//! only delivers what the pipeline generates; it never judges what an SP did with it.

mod armory;
mod client;
mod config;
mod error;
mod incoming;
mod log;
mod page;
mod routes;
mod sps;
mod start;
mod state;
mod users;

pub use crate::pipeline::logout_response;
pub use armory::{ArmRequest, Armory, ARM_LIMIT};
pub use client::{arm_remote, ClientError};
pub use config::{ConfigError, ConfigFile, ServeConfig, SpEntry, SpFileEntry};
pub use error::ServeError;
pub use log::LOG_VALUE_LIMIT;
pub use sps::{RegisteredSp, SpRegistry};
pub use start::{serve, StartError, MAX_WORKERS};
pub use users::{user_by_hint, users};
