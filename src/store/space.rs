//! Free space on the state directory's filesystem. The Engine writes a batch only while at
//! least `reserve` bytes are free, so sled (whose handle cannot write again after one failed
//! write) normally never meets ENOSPC: a full disk makes the store read-only, and freeing space
//! resumes writes without a restart. A ballast file holds part of the reserve so that a server
//! started on a full disk can release it and open its store (sled needs room to open).

use std::path::{Path, PathBuf};

/// The default of `disk_reserve_bytes`.
pub const DEFAULT_RESERVE_BYTES: u64 = 64 * 1024 * 1024;
const BALLAST_NAME: &str = "space-reserve";

#[derive(Debug, Clone)]
pub struct DiskSpace {
    dir: PathBuf,
    reserve: u64,
}

/// Too little free space to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the store is read-only: no space left on device ({} free on {}, t3rs keeps {} free); \
     nothing was recorded. Free some space: writes resume by themselves",
    human(*free), dir.display(), human(*reserve)
)]
pub struct NoSpace {
    pub free: u64,
    pub reserve: u64,
    pub dir: PathBuf,
}

impl DiskSpace {
    pub fn new(dir: impl Into<PathBuf>, reserve: u64) -> DiskSpace {
        DiskSpace {
            dir: dir.into(),
            reserve,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn reserve(&self) -> u64 {
        self.reserve
    }

    /// Bytes an unprivileged writer may still use on the filesystem. An error reading it counts
    /// as plenty: the write itself will then say what is wrong.
    pub fn free(&self) -> Option<u64> {
        let stat = nix::sys::statvfs::statvfs(&self.dir).ok()?;
        Some((stat.blocks_available() as u64).saturating_mul(stat.fragment_size() as u64))
    }

    /// Ok while at least the reserve is free.
    pub fn check(&self) -> Result<(), NoSpace> {
        self.check_for(0)
    }

    /// Ok while `bytes` more can be written and the reserve still be free.
    pub fn check_for(&self, bytes: u64) -> Result<(), NoSpace> {
        match self.free() {
            Some(free) if free < self.reserve.saturating_add(bytes) => Err(NoSpace {
                free,
                reserve: self.reserve,
                dir: self.dir.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn ballast_path(&self) -> PathBuf {
        self.dir.join(BALLAST_NAME)
    }

    fn ballast_bytes(&self) -> u64 {
        self.reserve / 4
    }

    /// Writes the ballast file if it is missing and there is room for it beyond the reserve.
    pub fn ensure_ballast(&self) {
        let size = self.ballast_bytes();
        let path = self.ballast_path();
        if size == 0 || path.exists() || self.check_for(size).is_err() {
            return;
        }
        // Written for real (not a sparse file), so its blocks are truly held.
        let chunk = vec![0u8; 1 << 20];
        let result = (|| -> std::io::Result<()> {
            use std::io::Write;
            let mut file = std::fs::File::create(&path)?;
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                file.write_all(&chunk[..n])?;
                left -= n as u64;
            }
            file.sync_all()
        })();
        if let Err(err) = result {
            let _ = std::fs::remove_file(&path);
            log::warn!("space reserve file {} not written: {err}", path.display());
        }
    }

    /// Deletes the ballast file, giving its space back; true if there was one.
    pub fn release_ballast(&self) -> bool {
        match std::fs::remove_file(self.ballast_path()) {
            Ok(()) => {
                log::warn!(
                    "released the {} space reserve file in {} to open the store",
                    human(self.ballast_bytes()),
                    self.dir.display()
                );
                true
            }
            Err(_) => false,
        }
    }
}

/// `12.3 MiB`: sizes in messages people read.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_larger_than_the_disk_refuses_and_names_the_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let space = DiskSpace::new(dir.path(), u64::MAX / 2);
        let err = space.check().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("no space left on device"), "{text}");
        assert!(text.contains(&dir.path().display().to_string()), "{text}");
        assert!(DiskSpace::new(dir.path(), 0).check().is_ok());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(8 * 1024 * 1024), "8.0 MiB");
        assert_eq!(human(1536), "1.5 KiB");
    }

    #[test]
    fn the_ballast_is_written_once_and_released() {
        let dir = tempfile::tempdir().unwrap();
        let space = DiskSpace::new(dir.path(), 4 * 1024 * 1024);
        space.ensure_ballast();
        let len = std::fs::metadata(dir.path().join(BALLAST_NAME))
            .unwrap()
            .len();
        assert_eq!(len, 1024 * 1024);
        assert!(space.release_ballast());
        assert!(!space.release_ballast());
    }
}
