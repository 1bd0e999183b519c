//! The `isms` binary: everything happens in `isms::cli`.

/// mimalloc rather than the system allocator: reading a large register makes and frees
/// hundreds of thousands of small strings, and with glibc's allocator a fresh process spent
/// a third of its first frame in malloc and free (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    isms::cli::main()
}
