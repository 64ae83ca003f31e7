//! Opening the store at start-up, when the disk may be full.

use std::path::Path;

use crate::runtime::root;
use crate::store::space::DiskSpace;
use crate::store::{Store, StoreError};

/// Opens the store; on a full disk, releases the space reserve file and tries once more, so a
/// server started on a full disk comes up read-only instead of failing in a loop. The error
/// carries the exit code: 75 (try again later) when the disk is full.
pub(super) fn open_store(
    state_dir: &Path,
    cache_bytes: u64,
    space: &DiskSpace,
) -> Result<Store, (String, u8)> {
    let full = |err: StoreError| {
        (
            format!(
                "{err}. The disk holding {} is full and no space reserve file is left to \
                 release: free some space and start again",
                state_dir.display()
            ),
            root::EXIT_STORE_CANNOT_WRITE,
        )
    };
    match Store::open_with_cache(state_dir, cache_bytes) {
        Ok(store) => Ok(store),
        Err(err) if err.is_no_space() => {
            if !space.release_ballast() {
                return Err(full(err));
            }
            Store::open_with_cache(state_dir, cache_bytes).map_err(|err| {
                if err.is_no_space() {
                    full(err)
                } else {
                    (err.to_string(), 1)
                }
            })
        }
        Err(err) => Err((err.to_string(), 1)),
    }
}
