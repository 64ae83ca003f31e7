//! `server.getEnvironment` (DP Code's `ExecutionEnvironmentDescriptor`, C/environment.ts):
//! `{environmentId, label, platform: {os, arch}, serverVersion, capabilities}`.

use std::io;
use std::path::Path;

use serde_json::{json, Value};

use super::ServerInfo;
use crate::store::atomic_file::AtomicWrite;

/// Where the id is kept, as DP Code keeps it (`<state dir>/environment-id`).
pub const ENVIRONMENT_ID_FILE: &str = "environment-id";

/// The stored id, or a new UUID written there first.
pub fn load_or_create_id(state_dir: &Path) -> io::Result<String> {
    let path = state_dir.join(ENVIRONMENT_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(stored) if valid_id(stored.trim()) => return Ok(stored.trim().to_string()),
        Ok(_) => log::warn!("{} holds no usable id; writing a new one", path.display()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(err),
    }
    let id = uuid::Uuid::new_v4().to_string();
    AtomicWrite::to(&path).write(format!("{id}\n").as_bytes())?;
    Ok(id)
}

/// DP Code's id is a trimmed non-empty string; one line of printable ASCII is kept as is.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// DP Code's label: the host name, else the server's directory name, else a fixed one.
pub fn label(cwd: &Path) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    host.or_else(|| {
        cwd.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.trim().is_empty())
    })
    .unwrap_or_else(|| "t3rs".to_string())
}

/// DP Code's `os` enum: darwin, linux, windows, unknown.
fn platform_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        "linux" => "linux",
        "windows" => "windows",
        _ => "unknown",
    }
}

/// DP Code's `arch` enum: arm64, x64, other.
fn platform_arch() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "arm64",
        "x86_64" => "x64",
        _ => "other",
    }
}

/// The descriptor. `capabilities` keeps DP Code's one flag, `repositoryIdentity` (false: t3rs
/// has no repository-identity lookup), and adds what a client cannot learn otherwise: that
/// terminal output may be acknowledged (flow control), that folder browsing is confined to the
/// home directory, and every method this server answers.
pub fn descriptor(info: &ServerInfo) -> Value {
    json!({
        "environmentId": info.environment_id(),
        "label": info.label(),
        "platform": { "os": platform_os(), "arch": platform_arch() },
        "serverVersion": env!("CARGO_PKG_VERSION"),
        "capabilities": {
            "repositoryIdentity": false,
            "terminalOutputAck": true,
            "folderBrowsing": info.home_dir().is_some(),
            "methods": crate::protocol::methods::KNOWN_METHODS,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_created_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_id(dir.path()).unwrap();
        assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
        assert_eq!(load_or_create_id(dir.path()).unwrap(), first);
        // A damaged file is replaced, not trusted.
        std::fs::write(dir.path().join(ENVIRONMENT_ID_FILE), "\u{1}\n").unwrap();
        let replaced = load_or_create_id(dir.path()).unwrap();
        assert_ne!(replaced, first);
        assert_eq!(load_or_create_id(dir.path()).unwrap(), replaced);
    }
}
