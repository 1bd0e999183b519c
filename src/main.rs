//! The `isms` binary: everything happens in `isms::cli`.

/// mimalloc rather than the system allocator: reading a large register makes and frees
/// hundreds of thousands of small strings, and with glibc's allocator a fresh process spent
/// a third of its first frame in malloc and free (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    isms::memory::set_release_hook(release_freed);
    isms::cli::main()
}

/// mimalloc keeps freed pages for a while before it returns them; an import that has just read
/// a long text asks for them back at once (see `isms::memory`).
fn release_freed() {
    // SAFETY: mi_collect takes no pointers; it only walks and purges the allocator's own
    // free pages, and is safe to call at any time from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
