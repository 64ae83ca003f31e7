//! The keybinding wire types, defined beside their parsers in [`crate::keybindings::rule`]
//! (protocol depends on keybindings, never the reverse) and named here with the other wire
//! types.

pub use crate::keybindings::rule::*;
