//! The `isms` binary: everything happens in `isms::cli`.

fn main() -> std::process::ExitCode {
    isms::cli::main()
}
