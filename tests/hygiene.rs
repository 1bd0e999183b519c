//! What the program never does with the user's data: send it anywhere, or write it to a log.

use std::process::Command;

/// Crates whose job is talking over a network: HTTP clients and servers, async network
/// runtimes, TLS stacks, and libcurl bindings. `mio` is not on the list: it is an I/O event
/// library that crossterm uses to wait for terminal input (on a file descriptor, with no
/// socket opened), so its presence says nothing about networking.
const NETWORKING: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "h2",
    "http",
    "tokio",
    "async-std",
    "smol",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "native-tls",
    "openssl",
    "openssl-sys",
    "rustls",
    "tokio-rustls",
    "webpki",
    "webpki-roots",
    "trust-dns-resolver",
    "hickory-resolver",
    "socket2",
    "tungstenite",
    "lettre",
];

/// The crates the program is built from (normal dependencies, not test-only ones).
fn dependency_tree() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn no_networking_crate_is_in_the_dependency_tree() {
    let crates = dependency_tree();
    assert!(
        crates.iter().any(|name| name == "rusqlite"),
        "the tree was read: {crates:?}"
    );
    let found: Vec<&String> = crates
        .iter()
        .filter(|name| NETWORKING.contains(&name.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "networking crates in the build: {found:?}"
    );
}

/// The program writes no log file: no logging crate is built in, so nothing from the records
/// can end up in one.
#[test]
fn no_logging_crate_is_in_the_dependency_tree() {
    let crates = dependency_tree();
    let found: Vec<&String> = crates
        .iter()
        .filter(|name| {
            [
                "log4rs",
                "fern",
                "flexi_logger",
                "simplelog",
                "tracing-appender",
                "env_logger",
            ]
            .contains(&name.as_str())
        })
        .collect();
    assert!(found.is_empty(), "logging crates in the build: {found:?}");
}

/// Every file under `dir` whose name ends in `.rs`, recursively.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// "Today" is decided in one place (`src/today.rs`, which honours `ISMS_TODAY`): a second
/// reading of the clock for a date would make a screen, an export or a test depend on the day
/// it runs. The change log's timestamps (`store`) are times, not "today", and stay the clock's.
#[test]
fn only_today_rs_reads_the_date_from_the_clock() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut readers = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let needle = ["Local", "::now("].concat();
            if text.contains(&needle) && !file.ends_with("src/today.rs") {
                readers.push(file.display().to_string());
            }
        }
    }
    assert!(
        readers.is_empty(),
        "these read the clock for a date: {readers:?}"
    );
}
