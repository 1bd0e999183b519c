//! The risk register with 10,000 risks: opening the Risks tab, drawing a frame, and one
//! keystroke to the next frame (moving, and typing into the text filter); and the readiness
//! check over them, as `isms check` and the Overview run it.
//!
//! Run with `cargo bench --bench register`. Prints median, min and max; asserts nothing.

use std::time::{Duration, Instant};

use isms::domain::risk::{Risk, RiskStatus, Treatment};
use isms::store::{OpenMode, Store};
use isms::ui::snapshot::render_to_string;
use isms::ui::{App, Theme, ThemeName};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const RISKS: usize = 10_000;
const RUNS: usize = 50;

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<44} median {:>8.3} ms   min {:>8.3} ms   max {:>8.3} ms",
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("large.sqlite3");
    let mut store = Store::open(
        &path,
        OpenMode::Create {
            organisation: Some("Bench".into()),
        },
    )
    .expect("a workspace");
    let words = [
        "phishing",
        "ransomware",
        "outage",
        "supplier",
        "insider",
        "backup",
        "cloud",
        "laptop",
    ];
    store
        .write(|writer| {
            for n in 0..RISKS {
                let word = words[n % words.len()];
                writer.insert(&Risk {
                    title: format!("Risk {n}: {word} affecting service {}", n % 97),
                    threat: format!("{word} threat"),
                    vulnerability: format!("weakness {}", n % 13),
                    owner: format!("Owner {}", n % 40),
                    likelihood: (n % 5 + 1) as u8,
                    impact: (n / 5 % 5 + 1) as u8,
                    treatment: Some(Treatment::Modify),
                    status: RiskStatus::Assessed,
                    ..Risk::default()
                })?;
            }
            Ok(())
        })
        .expect("10,000 risks written");
    drop(store);

    let today = isms::today::today().expect("ISMS_TODAY, if set, is a date");
    let open = |_: ()| {
        let store = Store::open(&path, OpenMode::MustExist).expect("opens");
        let mut app = App::new(store, Theme::new(ThemeName::Dark, false), today).expect("loads");
        key(&mut app, KeyCode::Char('3'));
        app
    };
    let samples = (0..10)
        .map(|_| {
            let start = Instant::now();
            let mut app = open(());
            render_to_string(&mut app, 200, 60);
            start.elapsed()
        })
        .collect();
    summary("open + first frame of Risks (200x60)", samples);

    let mut app = open(());
    render_to_string(&mut app, 200, 60);
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            key(&mut app, KeyCode::Down);
            render_to_string(&mut app, 200, 60);
            start.elapsed()
        })
        .collect();
    summary("keystroke to frame: move down", samples);

    key(&mut app, KeyCode::Char('/'));
    let samples = (0..RUNS)
        .map(|n| {
            let start = Instant::now();
            if n % 2 == 0 {
                key(&mut app, KeyCode::Char('o'));
            } else {
                key(&mut app, KeyCode::Backspace);
            }
            render_to_string(&mut app, 200, 60);
            start.elapsed()
        })
        .collect();
    summary("keystroke to frame: type into the filter", samples);

    let store = Store::open(&path, OpenMode::MustExist).expect("opens");
    let samples = (0..10)
        .map(|_| {
            let start = Instant::now();
            let findings = store.check_with_readiness(today).expect("the check runs");
            std::hint::black_box(findings);
            start.elapsed()
        })
        .collect();
    summary("readiness check and gauges (isms check, Overview)", samples);

    // The workbench opens on the Overview: opening runs the readiness rules once.
    let samples = (0..10)
        .map(|_| {
            let start = Instant::now();
            let mut app = open(());
            render_to_string(&mut app, 200, 60);
            start.elapsed()
        })
        .collect();
    summary("open on the Overview + first frame", samples);

    let mut app = open(());
    key(&mut app, KeyCode::Char('1'));
    render_to_string(&mut app, 200, 60);
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            key(&mut app, KeyCode::PageDown);
            render_to_string(&mut app, 200, 60);
            start.elapsed()
        })
        .collect();
    summary("keystroke to frame: page down the findings", samples);
}
