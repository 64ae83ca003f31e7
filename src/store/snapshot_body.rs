//! What a snapshot file's body holds. Since the threads' lists moved into the store's history
//! tree, a snapshot holds the rows alone, tagged so they are never mistaken for the full model
//! an earlier t3rs wrote (whose rows carry their lists, and which only a start-up that moves
//! those lists into the store reads).

use serde::{Deserialize, Serialize};
use t3rs_core::orchestration::{FullModel, ReadModel};

/// The `format` of a snapshot of the rows.
pub const ROWS_FORMAT: &str = "t3rs-rows-v2";

#[derive(Serialize)]
struct RowsOut<'a> {
    format: &'static str,
    model: &'a ReadModel,
}

#[derive(Deserialize)]
struct RowsIn {
    format: String,
    model: ReadModel,
}

/// A decoded body.
pub enum SnapshotBody {
    Rows(ReadModel),
    /// An earlier t3rs's snapshot: the full model, lists in its rows.
    Full(Box<FullModel>),
}

impl SnapshotBody {
    pub fn sequence(&self) -> u64 {
        match self {
            SnapshotBody::Rows(model) => model.snapshot_sequence,
            SnapshotBody::Full(model) => model.snapshot_sequence,
        }
    }
}

pub fn encode_rows(model: &ReadModel) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&RowsOut {
        format: ROWS_FORMAT,
        model,
    })
}

pub fn decode(bytes: &[u8]) -> Result<SnapshotBody, String> {
    let tagged = format!("{{\"format\":\"{ROWS_FORMAT}\"");
    if bytes.starts_with(tagged.as_bytes()) {
        let rows: RowsIn = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if rows.format != ROWS_FORMAT {
            return Err(format!("unknown snapshot format {:?}", rows.format));
        }
        return Ok(SnapshotBody::Rows(rows.model));
    }
    serde_json::from_slice::<FullModel>(bytes)
        .map(|full| SnapshotBody::Full(Box::new(full)))
        .map_err(|e| e.to_string())
}
