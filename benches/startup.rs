//! Start-up: from process start to the first frame, measured on the release binary as
//! `isms snapshot` on the demo workspace (open the file, migrate check, load, draw, print).
//!
//! Run with `cargo bench --bench startup`. Prints median, min and max over many runs; it asserts
//! nothing, because timings depend on the machine.

use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 60;

fn isms() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_isms"));
    command.env_remove("ISMS_DB").env("NO_COLOR", "1");
    command
}

fn summary(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1],
    )
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("demo.sqlite3");
    let status = isms()
        .args(["demo", "--db"])
        .arg(&db)
        .output()
        .expect("isms demo runs");
    assert!(
        status.status.success(),
        "isms demo failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );

    println!(
        "isms snapshot on the demo workspace, {RUNS} runs each (process start to frame printed)"
    );
    println!(
        "{:<10} {:>9} {:>10} {:>10} {:>10}",
        "tab", "size", "median", "min", "max"
    );
    for tab in ["scope", "overview"] {
        for (width, height) in [(80u16, 24u16), (200, 60)] {
            let samples: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    let output = isms()
                        .args([
                            "snapshot",
                            "--tab",
                            tab,
                            "--width",
                            &width.to_string(),
                            "--height",
                            &height.to_string(),
                            "--db",
                        ])
                        .arg(&db)
                        .output()
                        .expect("isms snapshot runs");
                    let elapsed = start.elapsed();
                    assert!(output.status.success());
                    elapsed
                })
                .collect();
            let (median, min, max) = summary(samples);
            println!(
                "{tab:<10} {:>9} {:>8.2}ms {:>8.2}ms {:>8.2}ms",
                format!("{width}x{height}"),
                median.as_secs_f64() * 1e3,
                min.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
    }
}
