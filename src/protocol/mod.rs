//! Wire types only: envelopes, method params and results, push payloads. No logic beyond
//! decoding and field validation; nothing here knows about actors or I/O.

pub mod envelope;
pub mod errors;
pub mod git;
pub mod keybindings;
pub mod methods;
pub mod provider_status;
pub mod terminal;
pub mod welcome;

pub use errors::FieldError;
