//! The store of what each terminal showed: one sled entry per (thread, terminal), capped in
//! size, read when a terminal opens and written as it changes.

use super::Key;

/// The history store for terminals.
pub fn history_tree(db: &sled::Db) -> sled::Result<sled::Tree> {
    db.open_tree("terminal_history")
}

pub(super) fn history_key(key: &Key) -> Vec<u8> {
    let mut out = key.0.as_bytes().to_vec();
    out.push(0);
    out.extend_from_slice(key.1.as_bytes());
    out
}

/// Keeps the last `limit` bytes, cut at a line start when one is near, else at a char boundary.
pub(super) fn cap_history(history: &mut String, limit: usize) {
    if history.len() <= limit {
        return;
    }
    let mut cut = history.len() - limit;
    while !history.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(newline) = history[cut..].find('\n').filter(|n| *n < 4096) {
        cut += newline + 1;
    }
    history.drain(..cut);
}

/// The stored history of `key`, empty when there is none (or it cannot be read).
pub(super) fn load(tree: &sled::Tree, key: &Key) -> String {
    match tree.get(history_key(key)) {
        Ok(Some(raw)) => String::from_utf8_lossy(&raw).into_owned(),
        Ok(None) => String::new(),
        Err(err) => {
            log::warn!("terminal history unreadable: {err}");
            String::new()
        }
    }
}

pub(super) fn save(tree: &sled::Tree, key: &Key, history: &str) {
    if let Err(err) = tree.insert(history_key(key), history.as_bytes()) {
        log::warn!("terminal history not saved: {err}");
    }
}

pub(super) fn delete(tree: &sled::Tree, key: &Key) -> sled::Result<()> {
    tree.remove(history_key(key)).map(|_| ())
}

/// The terminals of `thread_id` that have a stored history.
pub(super) fn stored_terminals(tree: &sled::Tree, thread_id: &str) -> Vec<String> {
    let mut prefix = thread_id.as_bytes().to_vec();
    prefix.push(0);
    tree.scan_prefix(&prefix)
        .flatten()
        .map(|(raw, _)| String::from_utf8_lossy(&raw[prefix.len()..]).into_owned())
        .collect()
}
