//! A sled tree beside the event log whose writes first ask for room. sled shares one write-ahead
//! log between its trees, and one write of any tree that meets a full disk leaves the whole
//! handle unable to write again, the event log included; so small side tables (provider thread
//! ids) refuse a write while less than the reserve is free instead.

use super::space::{DiskSpace, NoSpace};

#[derive(Clone)]
pub struct GuardedTree {
    tree: sled::Tree,
    space: Option<DiskSpace>,
}

#[derive(Debug, thiserror::Error)]
pub enum GuardedError {
    #[error(transparent)]
    NoSpace(#[from] NoSpace),
    #[error("store I/O failed: {0}")]
    Store(#[from] sled::Error),
}

impl GuardedTree {
    pub fn new(tree: sled::Tree, space: DiskSpace) -> GuardedTree {
        GuardedTree {
            tree,
            space: Some(space),
        }
    }

    /// Without a space check (tests, and tools that only read).
    pub fn unguarded(tree: sled::Tree) -> GuardedTree {
        GuardedTree { tree, space: None }
    }

    fn room(&self) -> Result<(), NoSpace> {
        self.space.as_ref().map_or(Ok(()), DiskSpace::check)
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<sled::IVec>, GuardedError> {
        Ok(self.tree.get(key)?)
    }

    pub fn insert(&self, key: &[u8], value: &[u8]) -> Result<(), GuardedError> {
        self.room()?;
        self.tree.insert(key, value)?;
        Ok(())
    }

    pub fn remove(&self, key: &[u8]) -> Result<(), GuardedError> {
        self.room()?;
        self.tree.remove(key)?;
        Ok(())
    }

    pub fn clear(&self) -> Result<(), GuardedError> {
        self.room()?;
        Ok(self.tree.clear()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_wait_for_room_and_reads_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        GuardedTree::unguarded(tree.clone())
            .insert(b"k", b"v")
            .unwrap();
        let full = GuardedTree::new(tree, DiskSpace::new(dir.path(), u64::MAX / 2));
        let err = full.insert(b"k2", b"v").unwrap_err();
        assert!(err.to_string().contains("no space left"), "{err}");
        assert!(full.remove(b"k").is_err());
        assert_eq!(full.get(b"k").unwrap().as_deref(), Some(&b"v"[..]));
        assert_eq!(full.get(b"k2").unwrap(), None);
    }
}
