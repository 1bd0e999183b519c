//! `isms import workspace` of a workspace.json whose one asset has a long note (4 MiB and
//! 16 MiB of commas, quotes, line breaks and tabs; the change log carries it a second time),
//! so that the import's cost per byte of text can be read off: linear if the 16 MiB run takes
//! about four times the 4 MiB one.
//!
//! Run with `cargo bench --bench import`. Prints median, min and max; asserts nothing.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use isms::domain::asset::{Asset, AssetKind};
use isms::export::workspace_json;
use isms::import::workspace;
use isms::store::{OpenMode, Store};

const RUNS: usize = 7;

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<44} median {:>9.1} ms   min {:>9.1} ms   max {:>9.1} ms",
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
}

/// A workspace.json in `dir` whose one asset's note is `mib` MiB long.
fn workspace_json_with_note(dir: &Path, mib: usize) -> std::path::PathBuf {
    let unit = "word, \"other\",\n\tline ";
    let note = unit.repeat((mib << 20) / unit.len());
    let db = dir.join(format!("note-{mib}.sqlite3"));
    let mut store =
        Store::open_as(&db, OpenMode::Create { organisation: None }, "bench").expect("a workspace");
    store
        .write(|writer| {
            writer.insert(&Asset {
                name: "Big laptop".into(),
                kind: AssetKind::Hardware,
                owner: String::new(),
                location: String::new(),
                classification: String::new(),
                confidentiality: 2,
                integrity: 2,
                availability: 2,
                in_scope: true,
                notes: note,
            })
        })
        .expect("the asset");
    let json = dir.join(format!("note-{mib}.json"));
    let mut out = fs::File::create(&json).expect("the workspace.json");
    workspace_json::write_from(&store, &mut out).expect("the workspace.json written");
    json
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for mib in [4, 16] {
        let json = workspace_json_with_note(dir.path(), mib);
        let mut samples = Vec::with_capacity(RUNS);
        for run in 0..RUNS {
            let target = dir.path().join(format!("restored-{mib}-{run}.sqlite3"));
            let started = Instant::now();
            workspace::run(&json, &target, false, "bench").expect("the import");
            samples.push(started.elapsed());
            fs::remove_file(&target).expect("the restored workspace removed");
        }
        summary(&format!("import workspace, a {mib} MiB note"), samples);
    }
}
