//! Image attachments: uploads arrive inline as base64 data URLs in `thread.turn.start`; they are
//! written under `<state dir>/attachments/` before the command reaches the Engine, which only
//! records the stored form (id, name, mimeType, sizeBytes). `GET /attachments/<id>` serves them.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::orchestration::commands::TurnAttachment;
use crate::store::atomic_file::AtomicWrite;

/// T3 Code's limit for one image.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
const THREAD_SEGMENT_MAX_CHARS: usize = 80;
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

/// The image type `bytes` hold, found by their magic numbers: PNG, JPEG, GIF or WebP, the only
/// types stored and served. Anything else, SVG included (it can carry script), is `None`. The
/// HTTP route serves an attachment with this type, never one derived from a name.
pub fn sniff_image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn extension_for_sniffed(mime_type: &str) -> &'static str {
    match mime_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        _ => "webp",
    }
}

/// An upload that passed every check, ready to be written.
struct Checked {
    index: usize,
    bytes: Vec<u8>,
    mime_type: &'static str,
}

/// Stores every inline upload of a turn and rewrites it into its stored form. Runs before the
/// command is dispatched. Every upload is checked (payload, size, type by its bytes) before any
/// is written, and a write that fails removes what this call wrote, so a refusal leaves nothing
/// behind. Returns the ids stored, for [`remove_stored`] if the command is then refused.
pub fn store_uploads(
    state_dir: &Path,
    thread_id: &str,
    attachments: &mut [TurnAttachment],
) -> Result<Vec<String>, String> {
    let mut checked = Vec::new();
    for (index, attachment) in attachments.iter().enumerate() {
        let Some(data_url) = attachment.data_url.as_deref() else {
            continue;
        };
        let field = format!("message.attachments[{index}]");
        let bytes = decode_data_url(data_url).map_err(|why| {
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
        let Some(mime_type) = sniff_image_type(&bytes) else {
            return Err(format!(
                "Image attachment '{}' is refused: {field}.dataUrl does not hold a PNG, JPEG, GIF or \
                 WebP image (its bytes were checked; SVG and other types are not accepted).",
                attachment.name
            ));
        };
        checked.push(Checked {
            index,
            bytes,
            mime_type,
        });
    }
    if checked.is_empty() {
        return Ok(Vec::new());
    }
    let dir = attachments_dir(state_dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("Failed to create {}: {e}", dir.display()))?;
    let mut stored: Vec<(usize, String, &'static str, u64)> = Vec::new();
    for upload in checked {
        let name = &attachments[upload.index].name;
        match write_upload(&dir, thread_id, name, &upload) {
            Ok(id) => stored.push((
                upload.index,
                id,
                upload.mime_type,
                upload.bytes.len() as u64,
            )),
            Err(err) => {
                let ids: Vec<String> = stored.into_iter().map(|(_, id, _, _)| id).collect();
                remove_stored(state_dir, &ids);
                return Err(err);
            }
        }
    }
    let mut ids = Vec::with_capacity(stored.len());
    for (index, id, mime_type, size) in stored {
        let attachment = &mut attachments[index];
        attachment.data_url = None;
        attachment.mime_type = mime_type.to_string();
        attachment.size_bytes = size;
        attachment.id = Some(id.clone());
        ids.push(id);
    }
    Ok(ids)
}

fn write_upload(
    dir: &Path,
    thread_id: &str,
    name: &str,
    upload: &Checked,
) -> Result<String, String> {
    let id = new_attachment_id(thread_id)
        .ok_or_else(|| "Failed to create a safe attachment id.".to_string())?;
    let path = dir.join(format!("{id}.{}", extension_for_sniffed(upload.mime_type)));
    AtomicWrite::to(&path)
        .write(&upload.bytes)
        .map_err(|e| format!("Failed to persist attachment '{name}': {e}"))?;
    Ok(id)
}

/// Removes stored uploads (of a command that was then refused). Best effort.
pub fn remove_stored(state_dir: &Path, ids: &[String]) {
    for id in ids {
        if let Some(path) = find(state_dir, id) {
            if let Err(err) = std::fs::remove_file(&path) {
                log::warn!("attachment {} not removed: {err}", path.display());
            }
        }
    }
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

    /// A PNG signature and the start of its header: enough for the type check.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn stores_uploads_and_finds_them_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(PNG);
        let mut list = vec![upload(&format!("data:image/png;base64,{encoded}"))];
        store_uploads(dir.path(), "Thread 42/../x", &mut list).unwrap();
        let id = list[0].id.clone().unwrap();
        assert!(id.starts_with("thread-42-x-"), "{id}");
        assert!(list[0].data_url.is_none());
        assert!(list[0].stored().is_some());
        let path = find(dir.path(), &id).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), PNG);
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
    fn types_come_from_the_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff_image_type(png), Some("image/png"));
        assert_eq!(
            sniff_image_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(sniff_image_type(b"GIF89a\x01\0\x01\0"), Some("image/gif"));
        assert_eq!(sniff_image_type(b"GIF87a\x01\0"), Some("image/gif"));
        assert_eq!(
            sniff_image_type(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        for refused in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
            b"<?xml version=\"1.0\"?><svg/>",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"RIFF",
            b"\x89PNG",
            b"BM\x36\0\0\0",
            b"",
            b"plain text",
        ] {
            assert_eq!(sniff_image_type(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn non_images_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let svg = base64::engine::general_purpose::STANDARD.encode(b"<svg onload=\"alert(1)\"/>");
        let mut list = vec![
            upload(&format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(PNG)
            )),
            TurnAttachment {
                name: "evil.svg".into(),
                mime_type: "image/svg+xml".into(),
                ..upload(&format!("data:image/svg+xml;base64,{svg}"))
            },
        ];
        let err = store_uploads(dir.path(), "t", &mut list).unwrap_err();
        assert!(err.contains("message.attachments[1]"), "{err}");
        assert!(err.contains("'evil.svg'"), "{err}");
        assert!(err.contains("PNG, JPEG, GIF or WebP"), "{err}");
        // The valid first image was not written either, and nothing was rewritten.
        assert!(!attachments_dir(dir.path()).exists());
        assert!(list.iter().all(|a| a.id.is_none() && a.data_url.is_some()));
    }

    #[test]
    fn the_stored_type_is_the_sniffed_one() {
        let dir = tempfile::tempdir().unwrap();
        let gif = base64::engine::general_purpose::STANDARD.encode(b"GIF89a\x01\0\x01\0");
        // Claimed to be a PNG named .svg: stored and recorded as what it is.
        let mut list = vec![TurnAttachment {
            name: "x.svg".into(),
            ..upload(&format!("data:image/png;base64,{gif}"))
        }];
        let ids = store_uploads(dir.path(), "t", &mut list).unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(list[0].mime_type, "image/gif");
        let path = find(dir.path(), &ids[0]).unwrap();
        assert_eq!(path.extension().unwrap(), "gif");
        remove_stored(dir.path(), &ids);
        assert_eq!(find(dir.path(), &ids[0]), None);
    }
}
