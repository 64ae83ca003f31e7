//! An error reply (DP Code's `WsRpcError`, dpcode.md §8): `{message}`, plus `cause` exactly when
//! the server wrapped an underlying error (an I/O error, a store error, a process that would not
//! start). Errors the server builds itself (validation, refusals) carry no `cause`, so a client
//! can tell "you asked for something wrong" from "something under the server failed".

use std::fmt;

/// Longest `cause` sent: it is a hint for a log or a bug report, not a report of its own.
pub const CAUSE_MAX_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyError {
    pub message: String,
    pub cause: Option<String>,
}

impl ReplyError {
    /// An error built directly: no `cause`.
    pub fn new(message: impl Into<String>) -> ReplyError {
        ReplyError {
            message: message.into(),
            cause: None,
        }
    }

    /// `message`, wrapping the underlying error `cause` (shortened to [`CAUSE_MAX_CHARS`]).
    pub fn wrapped(message: impl Into<String>, cause: impl fmt::Display) -> ReplyError {
        let cause = crate::text::ellipsize_chars(cause.to_string().trim(), CAUSE_MAX_CHARS);
        ReplyError {
            message: message.into(),
            cause: (!cause.is_empty()).then_some(cause),
        }
    }
}

/// Every existing `Result<_, String>` error is one the server built: no `cause`.
impl From<String> for ReplyError {
    fn from(message: String) -> ReplyError {
        ReplyError::new(message)
    }
}

impl From<&str> for ReplyError {
    fn from(message: &str) -> ReplyError {
        ReplyError::new(message)
    }
}

impl From<crate::field_error::FieldError> for ReplyError {
    fn from(error: crate::field_error::FieldError) -> ReplyError {
        ReplyError::new(error.to_string())
    }
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(cause) => write!(f, "{} ({cause})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::envelope::{encode_error, encode_reply_error};

    #[test]
    fn a_built_error_encodes_exactly_as_before() {
        let built = ReplyError::from("body.cwd: must not be empty".to_string());
        assert_eq!(
            encode_reply_error("1", &built),
            encode_error("1", "body.cwd: must not be empty")
        );
    }

    #[test]
    fn a_wrapped_error_carries_a_short_cause() {
        let long = "x".repeat(1000);
        let wrapped = ReplyError::wrapped("Unable to read", format!("  {long}  "));
        let json: serde_json::Value =
            serde_json::from_str(&encode_reply_error("7", &wrapped)).unwrap();
        assert_eq!(json["error"]["message"], "Unable to read");
        assert_eq!(
            json["error"]["cause"].as_str().unwrap().chars().count(),
            CAUSE_MAX_CHARS
        );
        assert!(ReplyError::wrapped("m", "  ").cause.is_none());
    }
}
