//! Image attachments: uploads arrive inline as base64 data URLs in `thread.turn.start`; they are
//! written under `<state dir>/attachments/` before the command reaches the Engine, which only
//! records the stored form (id, name, mimeType, sizeBytes). `GET /attachments/<id>` serves them.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::orchestration::commands::TurnAttachment;

/// T3 Code's limit for one image.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
const THREAD_SEGMENT_MAX_CHARS: usize = 80;
const SAFE_EXTENSIONS: &[&str] = &[
    "avif", "bmp", "gif", "heic", "heif", "ico", "jpeg", "jpg", "png", "svg", "tiff", "webp",
];

pub fn attachments_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("attachments")
}

/// `<thread segment>-<uuid>`: names the thread for humans browsing the directory, and contains
/// nothing that could walk out of it.
pub fn new_attachment_id(thread_id: &str) -> Option<String> {
    let mut segment = String::new();
    for c in thread_id.trim().to_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        };
        if c == '-' && (segment.is_empty() || segment.ends_with('-')) {
            continue;
        }
        segment.push(c);
    }
    let segment: String = segment.chars().take(THREAD_SEGMENT_MAX_CHARS).collect();
    let segment = segment.trim_matches(|c| c == '-' || c == '_');
    if segment.is_empty() {
        return None;
    }
    Some(format!("{segment}-{}", uuid::Uuid::new_v4()))
}

/// True for ids this module could have made: no separators, dots or traversal.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn extension_for(mime_type: &str, name: &str) -> &'static str {
    let from_mime = match mime_type.to_ascii_lowercase().as_str() {
        "image/png" => Some("png"),
        "image/jpeg" | "image/jpg" => Some("jpg"),
        "image/gif" => Some("gif"),
        "image/webp" => Some("webp"),
        "image/avif" => Some("avif"),
        "image/bmp" => Some("bmp"),
        "image/svg+xml" => Some("svg"),
        "image/tiff" => Some("tiff"),
        "image/heic" => Some("heic"),
        "image/heif" => Some("heif"),
        "image/x-icon" | "image/vnd.microsoft.icon" => Some("ico"),
        _ => None,
    };
    if let Some(ext) = from_mime {
        return ext;
    }
    let from_name = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    SAFE_EXTENSIONS
        .iter()
        .find(|ext| from_name.as_deref() == Some(**ext))
        .copied()
        .unwrap_or("bin")
}

pub fn content_type_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "tiff" => "image/tiff",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Decodes `data:<mime>;base64,<payload>`.
fn decode_data_url(data_url: &str) -> Result<Vec<u8>, String> {
    let rest = data_url.strip_prefix("data:").ok_or("is not a data: URL")?;
    let (meta, payload) = rest
        .split_once(',')
        .ok_or("has no ',' before its payload")?;
    if !meta.ends_with(";base64") {
        return Err("is not base64-encoded".into());
    }
    base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|e| format!("has an invalid base64 payload ({e})"))
}

/// Stores every inline upload of a turn and rewrites it into its stored form. Runs before the
/// command is dispatched, so a failure here leaves nothing recorded.
pub fn store_uploads(
    state_dir: &Path,
    thread_id: &str,
    attachments: &mut [TurnAttachment],
) -> Result<(), String> {
    for (index, attachment) in attachments.iter_mut().enumerate() {
        let Some(data_url) = attachment.data_url.take() else {
            continue;
        };
        let field = format!("message.attachments[{index}]");
        let bytes = decode_data_url(&data_url).map_err(|why| {
            format!(
                "Invalid image attachment payload for '{}': {field}.dataUrl {why}.",
                attachment.name
            )
        })?;
        if bytes.is_empty() || bytes.len() > MAX_IMAGE_BYTES {
            return Err(format!(
                "Image attachment '{}' is empty or too large ({} bytes; the limit is {MAX_IMAGE_BYTES}).",
                attachment.name,
                bytes.len()
            ));
        }
        let id = new_attachment_id(thread_id)
            .ok_or_else(|| "Failed to create a safe attachment id.".to_string())?;
        let dir = attachments_dir(state_dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("Failed to create {}: {e}", dir.display()))?;
        let path = dir.join(format!(
            "{id}.{}",
            extension_for(&attachment.mime_type, &attachment.name)
        ));
        let mut file = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| format!("Failed to persist attachment '{}': {e}", attachment.name))?;
        file.write_all(&bytes)
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| format!("Failed to persist attachment '{}': {e}", attachment.name))?;
        file.persist(&path).map_err(|e| {
            format!(
                "Failed to persist attachment '{}': {}",
                attachment.name, e.error
            )
        })?;
        attachment.size_bytes = bytes.len() as u64;
        attachment.id = Some(id);
    }
    Ok(())
}

/// The stored file for an attachment id, if there is one.
pub fn find(state_dir: &Path, id: &str) -> Option<PathBuf> {
    if !is_safe_id(id) {
        return None;
    }
    let dir = attachments_dir(state_dir);
    std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orchestration::commands::ImageKind;

    fn upload(data_url: &str) -> TurnAttachment {
        TurnAttachment {
            kind: ImageKind::Image,
            id: None,
            name: "shot.png".into(),
            mime_type: "image/png".into(),
            size_bytes: 3,
            data_url: Some(data_url.into()),
        }
    }

    #[test]
    fn stores_uploads_and_finds_them_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = vec![upload("data:image/png;base64,AQID")];
        store_uploads(dir.path(), "Thread 42/../x", &mut list).unwrap();
        let id = list[0].id.clone().unwrap();
        assert!(id.starts_with("thread-42-x-"), "{id}");
        assert!(list[0].data_url.is_none());
        assert!(list[0].stored().is_some());
        let path = find(dir.path(), &id).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), vec![1, 2, 3]);
        assert_eq!(content_type_for(&path), "image/png");
        assert_eq!(find(dir.path(), "../etc"), None);
        assert_eq!(find(dir.path(), "missing-id"), None);
    }

    #[test]
    fn bad_payloads_are_named() {
        let dir = tempfile::tempdir().unwrap();
        for (url, expected) in [
            ("http://x/y.png", "not a data: URL"),
            ("data:image/png,AAAA", "not base64"),
            ("data:image/png;base64,***", "invalid base64"),
            ("data:image/png;base64,", "empty or too large"),
        ] {
            let err = store_uploads(dir.path(), "t", &mut [upload(url)]).unwrap_err();
            assert!(err.contains(expected), "{url}: {err}");
        }
    }

    #[test]
    fn extensions_come_from_the_mime_type_then_the_name() {
        assert_eq!(extension_for("image/jpeg", "a.png"), "jpg");
        assert_eq!(extension_for("image/x-unknown", "a.WEBP"), "webp");
        assert_eq!(extension_for("image/x-unknown", "a.exe"), "bin");
    }
}
