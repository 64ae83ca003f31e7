//! Signed-in sessions, kept in the store's `auth_sessions` tree so they survive restarts. A
//! record holds the SHA-256 of its token, never the token.

use crate::store::space::DiskSpace;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Role, SessionMethod};

/// What is known of the device behind a session (DP Code's `AuthClientMetadata`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    pub device_type: String,
}

impl ClientMetadata {
    pub fn from_request(ip: Option<String>, user_agent: Option<&str>) -> ClientMetadata {
        let user_agent = user_agent
            .map(|ua| ua.chars().take(300).collect::<String>())
            .filter(|ua| !ua.trim().is_empty());
        let device_type = match user_agent.as_deref() {
            None => "unknown",
            Some(ua) if ua.contains("iPad") || ua.contains("Tablet") => "tablet",
            Some(ua) if ua.contains("Mobile") || ua.contains("Android") => "mobile",
            Some(ua) if ua.starts_with("Mozilla/") => "desktop",
            Some(_) => "bot",
        };
        ClientMetadata {
            label: None,
            ip_address: ip,
            user_agent,
            device_type: device_type.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    pub session_id: String,
    pub subject: String,
    pub role: Role,
    pub method: SessionMethod,
    pub client: ClientMetadata,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub token_digest: String,
    pub last_connected_at: Option<DateTime<Utc>>,
}

#[derive(Clone)]
pub struct SessionStore {
    tree: sled::Tree,
    /// Checked before every write: sled, once a write of its meets a full disk, cannot write
    /// again, and the event log shares its handle.
    space: Option<DiskSpace>,
}

fn store_err(e: impl std::fmt::Display) -> String {
    format!("the session store failed: {e}")
}

impl SessionStore {
    pub const TREE: &'static str = "auth_sessions";

    /// Opens the tree and drops sessions that have expired (unless the disk is too full to
    /// write: they authenticate no one anyway). With `space`, writes are refused while less
    /// than its reserve is free.
    pub fn open(db: &sled::Db, space: Option<DiskSpace>) -> Result<SessionStore, String> {
        let store = SessionStore {
            tree: db.open_tree(Self::TREE).map_err(store_err)?,
            space,
        };
        if store.room_to_write().is_err() {
            return Ok(store);
        }
        let now = Utc::now();
        for record in store.all()? {
            if record.expires_at <= now {
                store.remove(&record.session_id)?;
            }
        }
        Ok(store)
    }

    fn room_to_write(&self) -> Result<(), String> {
        match &self.space {
            Some(space) => space.check().map_err(|short| short.to_string()),
            None => Ok(()),
        }
    }

    /// Writes a record and waits for it to reach the disk: a session the client was told of
    /// must still be there after a crash.
    pub fn put(&self, record: &SessionRecord) -> Result<(), String> {
        self.room_to_write()?;
        let bytes = serde_json::to_vec(record).map_err(store_err)?;
        self.tree
            .insert(record.session_id.as_bytes(), bytes)
            .map_err(store_err)?;
        self.tree.flush().map_err(store_err)?;
        Ok(())
    }

    pub fn get(&self, session_id: &str) -> Result<Option<SessionRecord>, String> {
        match self.tree.get(session_id.as_bytes()).map_err(store_err)? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes).map_err(store_err)?)),
            None => Ok(None),
        }
    }

    /// Every readable record; an unreadable one is logged and skipped (it authenticates no one).
    pub fn all(&self) -> Result<Vec<SessionRecord>, String> {
        let mut out = Vec::new();
        for entry in self.tree.iter() {
            let (key, bytes) = entry.map_err(store_err)?;
            match serde_json::from_slice(&bytes) {
                Ok(record) => out.push(record),
                Err(err) => log::warn!(
                    "skipping unreadable session {}: {err}",
                    String::from_utf8_lossy(&key)
                ),
            }
        }
        Ok(out)
    }

    pub fn remove(&self, session_id: &str) -> Result<bool, String> {
        self.room_to_write()?;
        let existed = self
            .tree
            .remove(session_id.as_bytes())
            .map_err(store_err)?
            .is_some();
        self.tree.flush().map_err(store_err)?;
        Ok(existed)
    }

    /// Notes when a session last opened a socket (not flushed: it is only informative).
    pub fn touch(&self, session_id: &str, at: DateTime<Utc>) -> Result<(), String> {
        if self.room_to_write().is_err() {
            // Only informative: skipped on a full disk rather than refusing the connection.
            return Ok(());
        }
        if let Some(mut record) = self.get(session_id)? {
            record.last_connected_at = Some(at);
            let bytes = serde_json::to_vec(&record).map_err(store_err)?;
            self.tree
                .insert(session_id.as_bytes(), bytes)
                .map_err(store_err)?;
        }
        Ok(())
    }
}
