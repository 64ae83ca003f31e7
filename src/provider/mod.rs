//! Provider CLIs.
pub mod health;
