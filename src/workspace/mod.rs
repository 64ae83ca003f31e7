//! The user's project directories: editors, file search, confined writes.
pub mod editors;
pub mod files;
pub mod search;
