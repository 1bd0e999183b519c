//! A hook by which the binary lets the library hand freed memory back to the system.
//!
//! The library does not know which allocator it runs under: the `isms` binary uses mimalloc,
//! which keeps freed pages for a while before it returns them, and installs a hook that asks
//! it to return them at once; tests, benches and other users of the library install none, and
//! [`release_freed`] then does nothing. The import calls it before it writes a row holding a
//! long text: reading that text grew a buffer by doubling, and the smaller buffers it left
//! behind would otherwise still count against the process while SQLite copies the text
//! (see BENCHMARKS.md).

use std::sync::OnceLock;

static HOOK: OnceLock<fn()> = OnceLock::new();

/// A text at least this long is worth handing freed memory back for: smaller ones leave too
/// little behind, and the call costs a walk over the allocator's pages.
pub const LONG_TEXT: usize = 1 << 20;

/// Installs `hook` as the way to hand freed memory back; only the first call counts.
pub fn set_release_hook(hook: fn()) {
    let _ = HOOK.set(hook);
}

/// Hands freed memory back to the system, if the binary said how.
pub fn release_freed() {
    if let Some(hook) = HOOK.get() {
        hook();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn the_installed_hook_is_called_and_a_second_is_ignored() {
        set_release_hook(|| {
            CALLS.fetch_add(1, Ordering::SeqCst);
        });
        set_release_hook(|| panic!("a second hook replaced the first"));
        release_freed();
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    }
}
