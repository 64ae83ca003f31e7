//! Remembers the message of the last panic on each thread, so a supervisor can say *why* a child
//! died instead of only that it did. The actor's future is dropped after tokio has caught the
//! panic, when `std::thread::panicking()` is already false, so the hook is the only witness.

use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    static LAST_PANIC: RefCell<(u64, Option<String>)> = const { RefCell::new((0, None)) };
}

static INSTALL: Once = Once::new();

/// Installs the capturing hook once per process; the previous hook still runs, so panics are
/// still printed/logged as before.
pub fn install() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "non-string panic payload".to_string()
            };
            let located = match info.location() {
                Some(loc) => format!("{text} (at {}:{})", loc.file(), loc.line()),
                None => text,
            };
            LAST_PANIC.with(|cell| {
                let mut slot = cell.borrow_mut();
                slot.0 += 1;
                slot.1 = Some(located);
            });
            previous(info);
        }));
    });
}

/// How many panics this thread has seen so far.
pub fn panic_count() -> u64 {
    LAST_PANIC.with(|cell| cell.borrow().0)
}

/// The last panic message on this thread if a panic happened after `since` (a `panic_count`).
pub fn panic_since(since: u64) -> Option<String> {
    LAST_PANIC.with(|cell| {
        let slot = cell.borrow();
        if slot.0 > since {
            slot.1.clone()
        } else {
            None
        }
    })
}
