//! t3rs-core: T3 Code's wire types and the pure domain, with no I/O and no actors.
//!
//! - [`field_error`]: the one error shape every decode and validation step returns.
//! - [`keybindings`]: rule types, shortcut and `when` parsers, defaults, merging.
//! - [`orchestration`]: read model, commands (+ validation), events, decider, projector.
//! - [`protocol`]: envelopes, method params and results, push payloads; boundary decoding.
//! - [`text`]: cutting untrusted text to a length without splitting a character.
//!
//! Dependencies inside the crate point one way: `protocol` → `orchestration`, `keybindings`
//! → `field_error`. The crate depends only on serde, serde_json, thiserror, indexmap and
//! chrono (parsing only); `make lint` fails if an I/O crate appears beneath it, and
//! `core/clippy.toml` refuses `std::fs`, `std::process` and `std::net`.

pub mod field_error;
pub mod keybindings;
pub mod orchestration;
pub mod protocol;
pub mod text;
