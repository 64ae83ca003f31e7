//! Whether the store may be written now. Two things refuse writes without stopping anything
//! else: damage found by the background verification of the log (until an operator runs
//! `t3rs doctor`), and too little free space on the state directory's filesystem (until space
//! is back, re-checked at each batch). Reads are never refused here.

use std::sync::{Arc, Mutex};

use super::space::DiskSpace;

#[derive(Clone)]
pub struct StoreHealth {
    inner: Arc<Inner>,
}

struct Inner {
    damage: Mutex<Option<String>>,
    space: DiskSpace,
}

impl StoreHealth {
    pub fn new(space: DiskSpace) -> StoreHealth {
        StoreHealth {
            inner: Arc::new(Inner {
                damage: Mutex::new(None),
                space,
            }),
        }
    }

    /// Damage found in the stored log: every later write is refused with `reason`.
    pub fn mark_damaged(&self, reason: String) {
        log::error!("{reason}");
        if let Ok(mut damage) = self.inner.damage.lock() {
            damage.get_or_insert(reason);
        }
    }

    pub fn damage(&self) -> Option<String> {
        self.inner.damage.lock().ok().and_then(|d| d.clone())
    }

    pub fn space(&self) -> &DiskSpace {
        &self.inner.space
    }

    /// Why a batch must not be written now, if it must not.
    pub fn write_block(&self) -> Option<String> {
        if let Some(damage) = self.damage() {
            return Some(damage);
        }
        self.inner
            .space
            .check()
            .err()
            .map(|short| short.to_string())
    }
}
