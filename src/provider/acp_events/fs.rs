//! The client's file-system methods an ACP agent may call, `fs/read_text_file` (`{sessionId,
//! path, line?, limit?}` → `{content}`) and `fs/write_text_file` (`{sessionId, path, content}`
//! → `null`): what the requests say, what their answers look like, and how a write shows in the
//! thread. The driver (`crate::runtime::acp_driver::fs`) confines the paths and does the I/O.

use serde_json::{json, Value};

use super::{truncate, AcpTranslator};
use crate::orchestration::model::ActivityTone;
use crate::provider::effects::Effect;
use crate::provider::jsonrpc::INVALID_PARAMS;

#[derive(Debug, Clone, PartialEq)]
pub enum FsRequest {
    /// `line` is 1-based; `limit` counts lines.
    Read {
        path: String,
        line: Option<usize>,
        limit: Option<usize>,
    },
    Write {
        path: String,
        content: String,
    },
}

impl FsRequest {
    /// The path as the agent sent it (error messages name it so).
    pub fn path(&self) -> &str {
        match self {
            FsRequest::Read { path, .. } | FsRequest::Write { path, .. } => path,
        }
    }
}

/// What serving an [`FsRequest`] came to.
#[derive(Debug, Clone, PartialEq)]
pub enum FsDone {
    Read {
        content: String,
    },
    /// `shown`: the path relative to the thread's cwd.
    Wrote {
        shown: String,
    },
}

/// `Some` when `method` is one of the fs methods t3rs serves: the request, or why its params
/// are unusable (as the JSON-RPC error to answer).
pub fn fs_request(method: &str, params: &Value) -> Option<Result<FsRequest, (i64, String)>> {
    let invalid = |what: &str| Err((INVALID_PARAMS, format!("{method}: {what}")));
    let path = params["path"].as_str().map(str::to_string);
    let number = |name: &str| -> Result<Option<usize>, (i64, String)> {
        match &params[name] {
            Value::Null => Ok(None),
            value => match value.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) => Ok(Some(n)),
                None => Err((
                    INVALID_PARAMS,
                    format!("{method}: {name} must be a non-negative integer, not {value}"),
                )),
            },
        }
    };
    Some(match method {
        "fs/read_text_file" => {
            let Some(path) = path else {
                return Some(invalid("params carry no path"));
            };
            number("line").and_then(|line| {
                Ok(FsRequest::Read {
                    path,
                    line,
                    limit: number("limit")?,
                })
            })
        }
        "fs/write_text_file" => match (path, params["content"].as_str()) {
            (Some(path), Some(content)) => Ok(FsRequest::Write {
                path,
                content: content.to_string(),
            }),
            (None, _) => invalid("params carry no path"),
            (Some(_), None) => invalid("params carry no content string"),
        },
        _ => return None,
    })
}

/// The lines `line` (1-based; 0 reads as 1) to `line + limit - 1` of `content`, line endings
/// kept; no limit reads to the end.
pub fn lines_of(content: &str, line: Option<usize>, limit: Option<usize>) -> String {
    if line.is_none() && limit.is_none() {
        return content.to_string();
    }
    let skip = line.unwrap_or(1).saturating_sub(1);
    content
        .split_inclusive('\n')
        .skip(skip)
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

impl AcpTranslator {
    /// The answer to the agent's fs request `id`, and what the thread shows of it: a write as
    /// a completed file-change tool (the shape tool calls take), a refusal (`INVALID_PARAMS`)
    /// as a warning.
    pub fn fs_answer(
        &mut self,
        id: Value,
        method: &str,
        done: Result<FsDone, (i64, String)>,
        now: &str,
    ) -> Vec<Effect> {
        let turn_id = self.active_turn.clone();
        match done {
            Ok(FsDone::Read { content }) => vec![Effect::Reply {
                id,
                result: Ok(json!({ "content": content })),
            }],
            Ok(FsDone::Wrote { shown }) => {
                let item_id = (self.new_id)();
                let payload = json!({ "itemType": "file_change", "itemId": item_id,
                                      "toolName": method, "status": "completed",
                                      "detail": truncate(&shown) });
                let wrote = self.activity(
                    ActivityTone::Tool,
                    "tool.completed",
                    format!("Wrote {shown}"),
                    payload,
                    turn_id,
                    now,
                );
                vec![
                    Effect::Reply {
                        id,
                        result: Ok(Value::Null),
                    },
                    wrote,
                ]
            }
            // A missing file, a full disk: the agent's own business, answered and not shown.
            Err((code, message)) if code != INVALID_PARAMS => vec![Effect::Reply {
                id,
                result: Err((code, message)),
            }],
            // t3rs would not do what was asked (a path out of the cwd, a file too large).
            Err((code, message)) => {
                let warning = self.activity(
                    ActivityTone::Info,
                    "runtime.warning",
                    "Runtime warning",
                    json!({ "message": truncate(&format!("The agent's {method} was refused: {message}")) }),
                    turn_id,
                    now,
                );
                vec![
                    Effect::Reply {
                        id,
                        result: Err((code, message)),
                    },
                    warning,
                ]
            }
        }
    }
}
