//! Parameters of the DP Code methods for choosing a folder (`filesystem.browse`,
//! `projects.listDirectories`, `projects.searchLocalEntries`, dpcode.md §6, limits from DP
//! Code's `filesystem.ts` and `project.ts`) and of `terminal.ackOutput` (`terminal.ts`),
//! decoded and validated at the boundary. The server-wide methods of §3 (`getEnvironment`,
//! `getDiagnostics`, `listWorktrees`) take no parameters.

use serde::Deserialize;
use serde_json::Value;

use super::params::{
    bounded_text, decode_fields, integer_in, DEFAULT_TERMINAL_ID, TERMINAL_ID_MAX_CHARS,
};
use crate::field_error::FieldError;

/// `filesystem.browse`'s `partialPath` and `cwd`.
pub const BROWSE_PATH_MAX_CHARS: usize = 512;
/// `projects.listDirectories`' `relativePath` and deepest `depth`.
pub const LIST_RELATIVE_PATH_MAX_CHARS: usize = 1024;
pub const LIST_DEPTH_MAX: u64 = 32;
/// `projects.searchLocalEntries`' `query` and `limit`.
pub const LOCAL_QUERY_MAX_CHARS: usize = 256;
pub const LOCAL_LIMIT_MAX: u64 = 100;
/// `terminal.ackOutput`'s largest `bytes`.
pub const ACK_BYTES_MAX: u64 = 8_388_608;
const ROOT_MAX_CHARS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseParams {
    /// As typed, only trimmed: a trailing `/` means "inside this directory".
    pub partial_path: String,
    pub cwd: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDirectoriesParams {
    pub cwd: String,
    pub relative_path: Option<String>,
    pub depth: Option<u32>,
    pub include_files: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchLocalParams {
    pub root_path: String,
    pub query: String,
    pub limit: Option<usize>,
    /// DP Code's default: files are included unless `includeFiles: false`.
    pub include_files: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalAckParams {
    pub thread_id: String,
    pub terminal_id: String,
    pub bytes: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBrowse {
    partial_path: String,
    cwd: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawListDirectories {
    cwd: String,
    relative_path: Option<String>,
    depth: Option<Value>,
    include_files: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSearchLocal {
    root_path: String,
    query: String,
    limit: Option<Value>,
    include_files: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAck {
    thread_id: String,
    terminal_id: Option<String>,
    bytes: Value,
}

fn optional_text(
    field: &str,
    raw: &Option<String>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    raw.as_deref()
        .map(|v| bounded_text(field, v, max))
        .transpose()
}

pub fn decode_browse(body: Value) -> Result<BrowseParams, FieldError> {
    let raw: RawBrowse = decode_fields(body)?;
    Ok(BrowseParams {
        partial_path: bounded_text("body.partialPath", &raw.partial_path, BROWSE_PATH_MAX_CHARS)?,
        cwd: optional_text("body.cwd", &raw.cwd, BROWSE_PATH_MAX_CHARS)?,
    })
}

pub fn decode_list_directories(body: Value) -> Result<ListDirectoriesParams, FieldError> {
    let raw: RawListDirectories = decode_fields(body)?;
    Ok(ListDirectoriesParams {
        cwd: bounded_text("body.cwd", &raw.cwd, ROOT_MAX_CHARS)?,
        relative_path: optional_text(
            "body.relativePath",
            &raw.relative_path,
            LIST_RELATIVE_PATH_MAX_CHARS,
        )?,
        depth: match &raw.depth {
            None | Some(Value::Null) => None,
            Some(v) => Some(integer_in("body.depth", v, 1, LIST_DEPTH_MAX)? as u32),
        },
        include_files: raw.include_files.unwrap_or(false),
    })
}

pub fn decode_search_local(body: Value) -> Result<SearchLocalParams, FieldError> {
    let raw: RawSearchLocal = decode_fields(body)?;
    Ok(SearchLocalParams {
        root_path: bounded_text("body.rootPath", &raw.root_path, ROOT_MAX_CHARS)?,
        query: bounded_text("body.query", &raw.query, LOCAL_QUERY_MAX_CHARS)?,
        limit: match &raw.limit {
            None | Some(Value::Null) => None,
            Some(v) => Some(integer_in("body.limit", v, 1, LOCAL_LIMIT_MAX)? as usize),
        },
        include_files: raw.include_files.unwrap_or(true),
    })
}

pub fn decode_terminal_ack(body: Value) -> Result<TerminalAckParams, FieldError> {
    let raw: RawAck = decode_fields(body)?;
    Ok(TerminalAckParams {
        thread_id: bounded_text("body.threadId", &raw.thread_id, ROOT_MAX_CHARS)?,
        terminal_id: match &raw.terminal_id {
            Some(id) => bounded_text("body.terminalId", id, TERMINAL_ID_MAX_CHARS)?,
            None => DEFAULT_TERMINAL_ID.to_string(),
        },
        bytes: integer_in("body.bytes", &raw.bytes, 1, ACK_BYTES_MAX)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(result: Result<impl std::fmt::Debug, FieldError>) -> String {
        result.unwrap_err().field
    }

    #[test]
    fn browse_names_each_bad_field() {
        assert_eq!(
            field(decode_browse(json!({"partialPath": "  "}))),
            "body.partialPath"
        );
        assert_eq!(
            field(decode_browse(json!({"partialPath": 3}))),
            "body.partialPath"
        );
        let long = "a".repeat(513);
        assert_eq!(
            field(decode_browse(json!({"partialPath": long}))),
            "body.partialPath"
        );
        assert_eq!(
            field(decode_browse(json!({"partialPath": "~/", "cwd": ""}))),
            "body.cwd"
        );
        let ok = decode_browse(json!({"partialPath": " ~/code/ "})).unwrap();
        assert_eq!(ok.partial_path, "~/code/");
    }

    #[test]
    fn list_directories_names_each_bad_field() {
        assert_eq!(
            field(decode_list_directories(json!({"cwd": ""}))),
            "body.cwd"
        );
        let bad = json!({"cwd": "/h", "relativePath": ""});
        assert_eq!(field(decode_list_directories(bad)), "body.relativePath");
        for depth in [json!(0), json!(33), json!(1.5), json!("2")] {
            let bad = json!({"cwd": "/h", "depth": depth});
            assert_eq!(field(decode_list_directories(bad)), "body.depth");
        }
        let bad = json!({"cwd": "/h", "includeFiles": "yes"});
        assert_eq!(field(decode_list_directories(bad)), "body.includeFiles");
        let ok = decode_list_directories(json!({"cwd": "/h", "depth": 32})).unwrap();
        assert_eq!((ok.depth, ok.include_files), (Some(32), false));
    }

    #[test]
    fn search_local_names_each_bad_field() {
        assert_eq!(
            field(decode_search_local(json!({"rootPath": "", "query": "a"}))),
            "body.rootPath"
        );
        assert_eq!(
            field(decode_search_local(json!({"rootPath": "/h", "query": " "}))),
            "body.query"
        );
        for limit in [json!(0), json!(101), json!(-1)] {
            let bad = json!({"rootPath": "/h", "query": "a", "limit": limit});
            assert_eq!(field(decode_search_local(bad)), "body.limit");
        }
        let ok = decode_search_local(json!({"rootPath": "/h", "query": "a"})).unwrap();
        assert!(ok.include_files);
    }

    #[test]
    fn ack_names_each_bad_field() {
        assert_eq!(
            field(decode_terminal_ack(json!({"threadId": "", "bytes": 1}))),
            "body.threadId"
        );
        let long = "t".repeat(129);
        let bad = json!({"threadId": "a", "terminalId": long, "bytes": 1});
        assert_eq!(field(decode_terminal_ack(bad)), "body.terminalId");
        for bytes in [
            json!(0),
            json!(8_388_609),
            json!(-5),
            json!("9"),
            json!(null),
        ] {
            let bad = json!({"threadId": "a", "bytes": bytes});
            assert_eq!(field(decode_terminal_ack(bad)), "body.bytes");
        }
        let ok = decode_terminal_ack(json!({"threadId": "a", "bytes": 8_388_608})).unwrap();
        assert_eq!((ok.terminal_id.as_str(), ok.bytes), ("default", 8_388_608));
    }
}
