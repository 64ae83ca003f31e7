//! `orchestration.searchThreads {query, limit?, includeArchived?}` (issue 17, dpcode.md §7):
//! its parameters, their limits, and the answer's shape.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::params::{bounded_text, decode_fields, integer_in};
use crate::field_error::FieldError;

pub const SEARCH_THREADS_QUERY_MAX_CHARS: usize = 200;
pub const SEARCH_THREADS_LIMIT_MAX: usize = 100;
/// The number of results when a request names no `limit`.
pub const SEARCH_THREADS_DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchThreadsParams {
    /// Trimmed, 1 to [`SEARCH_THREADS_QUERY_MAX_CHARS`] characters.
    pub query: String,
    pub limit: usize,
    pub include_archived: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    query: String,
    #[serde(default)]
    limit: Option<Value>,
    #[serde(default)]
    include_archived: Option<bool>,
}

pub fn decode_search_threads(body: Value) -> Result<SearchThreadsParams, FieldError> {
    let raw: Raw = decode_fields(body)?;
    let query = bounded_text("body.query", &raw.query, SEARCH_THREADS_QUERY_MAX_CHARS)?;
    let limit = match &raw.limit {
        Some(limit) => {
            integer_in("body.limit", limit, 1, SEARCH_THREADS_LIMIT_MAX as u64)? as usize
        }
        None => SEARCH_THREADS_DEFAULT_LIMIT,
    };
    Ok(SearchThreadsParams {
        query,
        limit,
        include_archived: raw.include_archived.unwrap_or(false),
    })
}

/// Where a result matched: its title, or the text of one of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedIn {
    Title,
    Message,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSearchHit {
    pub thread_id: String,
    pub project_id: String,
    pub title: String,
    /// A short window of the matching text around the match, whole characters only.
    pub snippet: String,
    pub matched_in: MatchedIn,
    /// Higher ranks first; only the order means anything.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchThreadsResult {
    pub results: Vec<ThreadSearchHit>,
    /// More threads matched than `limit`.
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn defaults_and_bounds() {
        let p = decode_search_threads(json!({"query": "  deploy  "})).unwrap();
        assert_eq!(
            p,
            SearchThreadsParams {
                query: "deploy".into(),
                limit: SEARCH_THREADS_DEFAULT_LIMIT,
                include_archived: false
            }
        );
        let p = decode_search_threads(json!({"query": "x", "limit": 100, "includeArchived": true}))
            .unwrap();
        assert_eq!((p.limit, p.include_archived), (100, true));
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |body: Value| decode_search_threads(body).unwrap_err().field;
        assert_eq!(field(json!({})), "body");
        assert_eq!(field(json!({"query": 3})), "body.query");
        assert_eq!(field(json!({"query": "   "})), "body.query");
        assert_eq!(field(json!({"query": "é".repeat(201)})), "body.query");
        assert_eq!(field(json!({"query": "a", "limit": 0})), "body.limit");
        assert_eq!(field(json!({"query": "a", "limit": 101})), "body.limit");
        assert_eq!(field(json!({"query": "a", "limit": 2.5})), "body.limit");
        assert_eq!(field(json!({"query": "a", "limit": "5"})), "body.limit");
        assert_eq!(
            field(json!({"query": "a", "includeArchived": "yes"})),
            "body.includeArchived"
        );
        let err = decode_search_threads(json!({})).unwrap_err();
        assert!(err.message.contains("query"), "{err:?}");
    }
}
