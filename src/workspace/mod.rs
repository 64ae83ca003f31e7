//! The user's project directories.
pub mod editors;
