//! The internal audit part of the audit pack (`05-internal-audit/`): the programme, the
//! nonconformity register as CSV and a report per audit, made from the demo organisation
//! (a reported audit with two minor nonconformities and a planned one) on a fixed date.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use isms::demo::write_demo_on;
use isms::domain::audit::{Audit, Finding, NcSource, Nonconformity};
use isms::domain::dates::{self, Date};
use isms::export::{self, audit_programme, audit_report, nonconformities, PackData};
use isms::store::{OpenMode, Store};

const PROGRAMME: &str = "05-internal-audit/audit-programme.md";
const NCS: &str = "05-internal-audit/nonconformities.csv";
const REPORTED: &str = "05-internal-audit/IA-2026-01-report.md";
const PLANNED: &str = "05-internal-audit/IA-2027-01-report.md";
/// The management review minutes that follow the audit files.
const MINUTES: [&str; 2] = [
    "06-management-review/MR-2026-01-minutes.md",
    "06-management-review/MR-2027-01-minutes.md",
];
/// The top-level files: the report and the whole workspace, then the index and the seal,
/// written after every other file.
const INDEX: [&str; 4] = ["report.html", "workspace.json", "README.md", "SHA256SUMS"];
const SCOPE: &str = "01-scope/isms-scope.md";
/// The risk files, after the scope as in the pack's folder numbering.
const RISK: [&str; 6] = [
    "02-risk/risk-assessment-method.md",
    "02-risk/asset-register.csv",
    "02-risk/risk-register.csv",
    "02-risk/risk-register.xlsx",
    "02-risk/risk-treatment-plan.md",
    "02-risk/risk-heatmap.svg",
];
const SOA: [&str; 3] = [
    "03-soa/statement-of-applicability.csv",
    "03-soa/statement-of-applicability.xlsx",
    "03-soa/statement-of-applicability.md",
];

/// The document register, after the SoA files.
const EVIDENCE: &str = "04-evidence/document-register.csv";
const REQUIRED: &str = "04-evidence/required-documents.csv";

fn date(text: &str) -> Date {
    dates::parse(text).unwrap()
}

/// The demo's anchor and the export date: the reported audit's NC-002 is overdue on it.
fn today() -> Date {
    date("2026-11-28")
}

fn open(path: &Path, organisation: Option<String>) -> Store {
    let mut store = Store::open_as(path, OpenMode::Create { organisation }, "export-test").unwrap();
    store.set_fixed_time("2026-11-28T09:00:00Z");
    store
}

/// The demo organisation written on [`today`].
fn workspace(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("workspace.sqlite3");
    let mut store = open(&path, None);
    write_demo_on(&mut store, today()).unwrap();
    let audits = store.load_audits().unwrap();
    let refs: Vec<&str> = audits.audits.iter().map(|a| a.reference.as_str()).collect();
    assert_eq!(refs, ["IA-2026-01", "IA-2027-01"], "the demo's audits");
    (path, store)
}

fn export_to(store: &Store, out: &Path, day: Date) -> Vec<String> {
    export::export(store, out, false, day).unwrap()
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_str().unwrap().to_string());
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found.sort();
    found
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = fs::read(path).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn cell<'a>(rows: &'a [Vec<String>], reference: &str, header: &str) -> &'a str {
    let column = nonconformities::headers()
        .iter()
        .position(|h| *h == header)
        .unwrap();
    &rows.iter().find(|r| r[0] == reference).unwrap()[column]
}

/// The text of a Markdown section, from its heading to the next heading of any level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading:?}"))
        + 1;
    let rest = &text[start + heading.len()..];
    let end = rest
        .find("\n#")
        .map_or(text.len(), |n| start + heading.len() + n);
    &text[start..end]
}

/// Table borders in a Markdown line: pipes that are not escaped.
fn borders(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn export_writes_the_programme_the_register_and_a_report_per_audit() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    let written = export_to(&store, &out, today());
    let mut expected: Vec<&str> = vec![SCOPE];
    expected.extend(RISK);
    expected.extend(SOA);
    expected.extend([EVIDENCE, REQUIRED]);
    expected.extend([PROGRAMME, NCS, REPORTED, PLANNED]);
    expected.extend(MINUTES);
    expected.extend(INDEX);
    assert_eq!(written, expected, "in the order of the FILES table");
    let mut sorted: Vec<String> = written.clone();
    sorted.sort();
    assert_eq!(files_under(&out), sorted, "no temporary file is left");
    for path in &written {
        assert!(!fs::read(out.join(path)).unwrap().is_empty(), "{path}");
    }

    // The same workspace and date give the same bytes.
    let again = dir.path().join("again");
    export_to(&store, &again, today());
    for path in [PROGRAMME, NCS, REPORTED, PLANNED] {
        assert_eq!(
            fs::read(out.join(path)).unwrap(),
            fs::read(again.join(path)).unwrap(),
            "{path}"
        );
    }
}

#[test]
fn exported_nonconformities_csv_reads_back_with_the_overdue_flag_of_the_export_date() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    export_to(&store, &out, today());

    let bytes = fs::read(out.join(NCS)).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFReference,Source,Audit,Checklist item,Grade,"));
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.matches("\r\n").count(), 3, "a header and two records");

    let rows = csv_rows(&out.join(NCS));
    assert_eq!(
        rows[0],
        [
            "Reference",
            "Source",
            "Audit",
            "Checklist item",
            "Grade",
            "Statement",
            "Evidence",
            "Correction",
            "Root cause",
            "Corrective action",
            "Owner",
            "Due date",
            "Status",
            "Overdue",
            "Checked by",
            "Checked on",
            "Effectiveness result",
        ]
    );
    let data = &rows[1..];
    assert_eq!(data.len(), 2);
    assert!(data.iter().all(|row| row.len() == 17));

    assert_eq!(cell(data, "NC-001", "Source"), "Internal audit");
    assert_eq!(cell(data, "NC-001", "Audit"), "IA-2026-01");
    assert_eq!(cell(data, "NC-001", "Checklist item"), "IA-2026-01/A.5.18");
    assert_eq!(cell(data, "NC-001", "Grade"), "Minor");
    assert_eq!(cell(data, "NC-001", "Status"), "Closed");
    assert_eq!(
        cell(data, "NC-001", "Overdue"),
        "No",
        "closed is never overdue"
    );
    assert!(!cell(data, "NC-001", "Checked by").is_empty());
    assert!(!cell(data, "NC-001", "Checked on").is_empty());
    assert!(!cell(data, "NC-001", "Effectiveness result").is_empty());

    assert_eq!(cell(data, "NC-002", "Checklist item"), "IA-2026-01/A.8.13");
    assert_eq!(cell(data, "NC-002", "Status"), "Action planned");
    assert!(!cell(data, "NC-002", "Root cause").is_empty());
    let due = date(cell(data, "NC-002", "Due date"));
    assert!(due < today());
    assert_eq!(cell(data, "NC-002", "Overdue"), "Yes");

    // Exported on its due date, it is not overdue yet.
    let earlier = dir.path().join("earlier");
    export_to(&store, &earlier, due);
    let rows = csv_rows(&earlier.join(NCS));
    assert_eq!(cell(&rows[1..], "NC-002", "Overdue"), "No");
}

#[test]
fn exported_nonconformity_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = workspace(dir.path());
    let nc = Nonconformity {
        source: NcSource::CertificationBody,
        statement: "=HYPERLINK(\"http://evil.example\",\"Click\")".into(),
        root_cause: "+1 too many admins".into(),
        owner: "@ops".into(),
        due_date: Some(date("2027-01-31")),
        ..Nonconformity::default()
    };
    let reference = store.insert(&nc).unwrap();
    assert_eq!(reference, "NC-003");

    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let rows = csv_rows(&out.join(NCS));
    let data = &rows[1..];
    assert_eq!(
        cell(data, "NC-003", "Statement"),
        "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    );
    assert_eq!(cell(data, "NC-003", "Root cause"), "'+1 too many admins");
    assert_eq!(cell(data, "NC-003", "Owner"), "'@ops");
    assert_eq!(cell(data, "NC-003", "Source"), "Certification body");
    assert_eq!(cell(data, "NC-003", "Audit"), "");
    assert_eq!(cell(data, "NC-003", "Overdue"), "No");

    // A finding of the certification body belongs to no internal audit's report.
    let report = fs::read_to_string(out.join(REPORTED)).unwrap();
    assert!(!report.contains("NC-003") && !report.contains("HYPERLINK"));
}

#[test]
fn exported_programme_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let text = fs::read_to_string(out.join(PROGRAMME)).unwrap();
    assert_eq!(
        text,
        audit_programme::programme(&PackData::load(&store, today()).unwrap()),
        "the file is the document"
    );
    // The planned audit's auditor owns controls and risks in its scope.
    let planned = section(
        &text,
        "## IA-2027-01 Risk treatment, resilience and supplier controls",
    );
    assert!(planned.contains("- Independence warnings:\n  - Warning: Dev Okafor"));
    let coverage = section(&text, "## Coverage of the cycle");
    assert!(coverage.contains("- Clauses: 34 of 34 audited, 0 not yet."));
    insta::assert_snapshot!("audit_programme", text);
}

#[test]
fn exported_report_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let text = fs::read_to_string(out.join(REPORTED)).unwrap();
    let data = PackData::load(&store, today()).unwrap();
    assert_eq!(
        text,
        audit_report::report(&data, &data.audits.audits[0]),
        "the file is the document"
    );

    let results = section(&text, "## Results by kind");
    assert!(results.contains("54 checklist items, 54 audited."));
    assert!(results.contains("| Minor nonconformity | 2 |"));
    assert!(results.contains("| Total | 54 |"));
    let ncs = section(&text, "## Nonconformities");
    let nc_001 = ncs.lines().find(|l| l.starts_with("| NC-001 |")).unwrap();
    let nc_002 = ncs.lines().find(|l| l.starts_with("| NC-002 |")).unwrap();
    assert!(nc_001.ends_with("| Closed | 2026-10-09 |"), "{nc_001}");
    assert!(nc_002.ends_with(" **overdue** |"), "{nc_002}");
    let checklist = section(&text, "## Checklist");
    let rows: Vec<&str> = checklist.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 2 + 54);
    assert!(rows.iter().all(|row| borders(row) == 7), "six cells a row");
    insta::assert_snapshot!("audit_report_ia_2026_01", text);
}

#[test]
fn exported_results_reach_the_report_escaped_and_the_coverage_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = workspace(dir.path());
    let audits = store.load_audits().unwrap();
    let stored = audits
        .items_of("IA-2027-01")
        .find(|i| i.value.target.label() == "A.5.7")
        .unwrap();
    let mut item = stored.value.clone();
    item.result = Finding::Observation;
    item.evidence = "Feeds | tickets".into();
    item.records = "*Sample* of `3`".into();
    item.notes = "Two feeds | one unread\nfor a month".into();
    store.record_result(&stored.reference, &item).unwrap();

    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let report = fs::read_to_string(out.join(PLANNED)).unwrap();
    assert!(section(&report, "## Observations")
        .contains("- **A.5.7 Threat intelligence**: Two feeds \\| one unread<br>for a month"));
    let row = section(&report, "## Checklist")
        .lines()
        .find(|l| l.starts_with("| A.5.7 |"))
        .unwrap();
    assert_eq!(
        row,
        "| A.5.7 | Threat intelligence | Observation | Feeds \\| tickets | \\*Sample\\* of \\`3\\` \
         | Two feeds \\| one unread<br>for a month |"
    );
    assert_eq!(borders(row), 7);
    assert!(section(&report, "## Results by kind").contains("22 checklist items, 1 audited."));

    let programme = fs::read_to_string(out.join(PROGRAMME)).unwrap();
    let coverage = section(&programme, "### Gaps: applicable controls not yet audited");
    assert!(!coverage.contains("| A.5.7 |"), "audited now");
    assert!(coverage.contains("| A.5.20 | "), "still a gap");
    let before = section(&programme, "## Coverage of the cycle");
    assert!(before.contains("- Applicable controls: 21 of "), "{before}");
}

#[test]
fn export_without_audits_writes_the_programme_and_an_empty_register() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("w.sqlite3"), Some("Acme | Co".into()));
    let out = dir.path().join("pack");
    let written = export_to(&store, &out, today());
    assert_eq!(
        &written[10..],
        [EVIDENCE, REQUIRED, PROGRAMME, NCS, INDEX[0], INDEX[1], INDEX[2], INDEX[3]],
        "no report without an audit"
    );
    let programme = fs::read_to_string(out.join(PROGRAMME)).unwrap();
    assert!(programme.starts_with("# Internal audit programme — Acme \\| Co\n"));
    assert!(programme.contains("No audit has been planned yet."));
    assert!(programme.contains("- Clauses: 0 of 34 audited, 34 not yet."));
    assert!(programme.contains("| 9.2.2 | Internal audit programme | **no audit yet** |"));
    assert_eq!(csv_rows(&out.join(NCS)).len(), 1, "the header only");
}

#[test]
fn export_gives_a_new_audit_its_own_report() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = workspace(dir.path());
    let audit = Audit {
        title: "Follow-up on NC-002".into(),
        clauses: vec!["10.2".into()],
        controls: vec!["8.13".into()],
        lead_auditor: "Ruth Okonjo".into(),
        planned_start: Some(date("2027-03-01")),
        ..Audit::default()
    };
    let reference = store.create_audit(&audit, today()).unwrap();
    assert_eq!(reference, "IA-2027-02");
    let out = dir.path().join("pack");
    let written = export_to(&store, &out, today());
    let new_report = "05-internal-audit/IA-2027-02-report.md";
    let position = written
        .iter()
        .position(|w| w == new_report)
        .expect("the new audit's report");
    assert_eq!(
        written[position + 1],
        MINUTES[0],
        "reports come before the minutes"
    );
    let report = fs::read_to_string(out.join(new_report)).unwrap();
    assert!(report.starts_with("# Internal audit report IA-2027-02: Follow-up on NC-002 — "));
    assert!(report.contains("- Planned: from 2027-03-01\n- Conducted: not yet\n"));
    assert!(report.contains("- Audit team: the lead auditor alone\n"));
    assert!(report.contains("- Clauses in scope: 10.2\n- Controls in scope: 1 control: A.8.13\n"));
    assert!(report.contains("## Conclusion\n\nNot concluded yet.\n"));
}

#[test]
fn export_command_prints_the_internal_audit_files() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    let run = Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir.path())
        .env_remove("ISMS_DB")
        .env("HOME", dir.path().join("home"))
        .env("XDG_DATA_HOME", dir.path().join("xdg-data"))
        .env("ISMS_ACTOR", "export-test")
        .env("NO_COLOR", "1")
        // The day the test is written for, whatever the clock says.
        .env("ISMS_TODAY", "2026-11-28")
        .args(["export", "--db", db.to_str().unwrap(), "--out", "pack"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], SCOPE, "{text}");
    assert_eq!(&lines[1..7], RISK, "{text}");
    assert_eq!(&lines[10..12], [EVIDENCE, REQUIRED], "{text}");
    assert_eq!(
        &lines[12..16],
        [PROGRAMME, NCS, REPORTED, PLANNED],
        "{text}"
    );
    assert_eq!(&lines[16..18], MINUTES, "{text}");
    assert_eq!(&lines[18..22], INDEX, "{text}");
    assert_eq!(lines.len(), 23, "{text}");
    assert!(
        lines[22].starts_with("Wrote 22 files of the audit pack"),
        "{text}"
    );
    for path in &lines[..22] {
        assert!(dir.path().join("pack").join(path).is_file(), "{path}");
    }
}

#[test]
fn the_pack_is_indexed_and_sealed() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    let written = export_to(&store, &out, today());

    // The seal names every other file once, with the SHA-256 of the bytes on disk.
    let seal = fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    // The first line names the change-log entry the pack was sealed at, a comment
    // `sha256sum -c` skips.
    let (anchor, listing) = seal.split_once('\n').unwrap();
    assert!(anchor.starts_with("# isms change-log entry "), "{anchor}");
    let sealed: Vec<&str> = listing.lines().map(|line| &line[66..]).collect();
    assert_eq!(sealed, written[..written.len() - 1], "{seal}");
    for line in listing.lines() {
        let (hash, path) = line.split_once("  ").unwrap();
        let digest = Sha256::digest(fs::read(out.join(path)).unwrap());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, hex, "{path}");
    }

    // The README says the demo is a draft and lists its blockers, then every file.
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.starts_with("# ISMS audit pack — Larchmere Ledger Ltd\n"),
        "{readme}"
    );
    assert!(
        readme.contains("**DRAFT: 8 blockers open on the export date**"),
        "{readme}"
    );
    assert!(readme.contains("| 6.1.3 | R-010 |"), "{readme}");
    for path in &written[..written.len() - 2] {
        assert!(
            readme.contains(&format!("| `{path}` |")),
            "{path} not listed"
        );
    }
    // The anchor's hash covers the entries' times, which this workspace takes from the clock.
    let hash = anchor.rsplit(' ').next().unwrap();
    assert_eq!(hash.len(), 64, "{anchor}");
    assert!(readme.contains(&format!(", hash {hash}: `isms verify --against")));
    insta::assert_snapshot!("pack_readme", readme.replace(hash, "HASH"));

    // The same workspace and date give the same seal.
    let again = dir.path().join("again");
    export_to(&store, &again, today());
    assert_eq!(fs::read_to_string(again.join("SHA256SUMS")).unwrap(), seal);
}

#[test]
fn the_html_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing runs and nothing is fetched: no script, no linked file, no external style.
    for banned in ["<script", " src=", " href=", "<link", "@import", "url("] {
        assert!(!html.contains(banned), "{banned} in the report");
    }
    assert!(
        html.contains("<svg") && html.contains("</svg>"),
        "the heat map"
    );
    assert!(html.contains("<strong>DRAFT:</strong> 8 blockers"));
    for text in [
        "R-010",
        "IA-2026-01",
        "NC-002",
        "MR-2026-01",
        "Physical security monitoring",
        // Readiness per stage and the milestones.
        "<td>Stage 2</td>",
        "Management review held in the last 12 months, after the internal audit",
        "Certification milestones",
        "due by 2029-12-18",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    // 93 SoA rows + the blockers, audits, nonconformities and reviews, each in its own row.
    assert!(html.matches("<tr>").count() > 93 + 4);
}

#[test]
fn the_html_report_shows_markup_in_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(
        &dir.path().join("w.sqlite3"),
        Some("<b>Acme</b> & \"Co\" <script>alert(1)</script>".into()),
    );
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("<b>Acme") && !html.contains("<script"),
        "{html}"
    );
    assert!(html.contains(
        "&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot; &lt;script&gt;alert(1)&lt;/script&gt;"
    ));
}

#[test]
fn the_risk_files_hold_the_method_the_assets_and_the_heat_map() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let risks = store.load_risks().unwrap();
    let out = dir.path().join("pack");
    export_to(&store, &out, today());

    let bytes = fs::read(out.join(RISK[1])).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]); // after the byte-order mark
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Reference");
    assert_eq!(&headers[9], "In scope");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), risks.assets.len());
    assert_eq!(&rows[0][0], risks.assets[0].reference);
    assert_eq!(&rows[0][1], risks.assets[0].value.name);

    let svg = fs::read_to_string(out.join(RISK[5])).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    let size = usize::from(risks.method.size);
    assert_eq!(
        svg.matches("<rect").count(),
        size * size,
        "one cell per score"
    );

    // The register: a row per risk, the same cells in the CSV and the workbook.
    let bytes = fs::read(out.join(RISK[2])).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), risks.risks.len());
    let r010 = rows.iter().find(|row| row[0] == "R-010").unwrap();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(r010[column("Score")], "10");
    assert_eq!(
        r010[column("Treatment")],
        "",
        "the demo leaves R-010 untreated"
    );
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(out.join(RISK[3])).unwrap();
    let range = workbook.worksheet_range("Risk register").unwrap();
    let sheet: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect();
    assert_eq!(sheet[0], headers);
    assert_eq!(sheet[1..], rows[..]);

    let method = fs::read_to_string(out.join(RISK[0])).unwrap();
    insta::assert_snapshot!("pack_risk_method", method);

    let plan = fs::read_to_string(out.join(RISK[4])).unwrap();
    insta::assert_snapshot!("pack_treatment_plan", plan);

    let scope = fs::read_to_string(out.join(SCOPE)).unwrap();
    insta::assert_snapshot!("pack_scope", scope);
}

#[test]
fn two_exports_of_the_same_workspace_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    let written = export_to(&store, &first, today());
    assert_eq!(export_to(&store, &second, today()), written);
    let files = files_under(&first);
    assert_eq!(files, files_under(&second));
    assert!(files.len() >= written.len());
    for file in &files {
        let a = fs::read(first.join(file)).unwrap();
        let b = fs::read(second.join(file)).unwrap();
        assert!(a == b, "{file} differs between two exports");
    }
}

#[test]
fn the_document_register_reads_back_with_links_and_overdue_reviews() {
    use isms::domain::document::{Document, DocumentKind};
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = workspace(dir.path());
    let injected = store
        .insert(&Document {
            title: "=HYPERLINK(\"http://x\",\"click\")".into(),
            kind: DocumentKind::Evidence,
            location: "@cmd".into(),
            ..Document::default()
        })
        .unwrap();
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let bytes = fs::read(out.join(EVIDENCE)).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFReference,Title,Kind,Version,Owner,"));
    let rows = csv_rows(&out.join(EVIDENCE));
    assert_eq!(
        rows[0],
        [
            "Reference",
            "Title",
            "Kind",
            "Version",
            "Owner",
            "Reviewer",
            "Approved by",
            "Approved on",
            "Next review",
            "Location",
            "Status",
            "Clauses",
            "Controls",
            "Requirements",
            "Review overdue",
        ]
    );
    assert_eq!(rows.len(), 1 + 21, "a header and every document");
    let row = |reference: &str| rows.iter().find(|r| r[0] == reference).unwrap().clone();
    let risk = row("DOC-005");
    assert_eq!(risk[1], "Risk register and treatment plan 2026");
    assert_eq!(risk[11], "6.1.2, 6.1.3, 8.2, 8.3");
    assert_eq!(risk[13], "6.1.3 e, 8.2, 8.3");
    assert_eq!(risk[14], "No");
    let overdue = row("DOC-013");
    assert_eq!(
        (overdue[8].as_str(), overdue[14].as_str()),
        ("2026-10-24", "Yes")
    );
    assert_eq!(overdue[12], "5.10");
    let retired = row("DOC-020");
    assert_eq!(
        (retired[10].as_str(), retired[14].as_str()),
        ("Retired", "No")
    );
    // Text a spreadsheet would run is neutralised.
    let injected = row(&injected);
    assert_eq!(injected[1], "'=HYPERLINK(\"http://x\",\"click\")");
    assert_eq!(injected[9], "'@cmd");
}

#[test]
fn the_scope_document_writes_multi_line_text_as_paragraphs_without_br() {
    use isms::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = workspace(dir.path());
    let workspace = isms::domain::workspace::Workspace {
        scope_statement: "First paragraph,\nsame paragraph.\n\n# Not a heading\n\n- one\n- two"
            .into(),
        climate_relevant: Some(true),
        climate_note: "Floods close the depot.\n\nCustomers ask for emissions.".into(),
        ..store.workspace().unwrap()
    };
    store.update_workspace(&workspace).unwrap();
    store
        .insert(&ContextIssue {
            kind: IssueKind::External,
            description: "New rules for hosting\nin the EU".into(),
            effect: "Move backups | tighten contracts".into(),
        })
        .unwrap();
    store
        .insert(&InterestedParty {
            name: "Customers".into(),
            needs: "Yearly emissions figures\nand uptime".into(),
            addressed: String::new(),
        })
        .unwrap();
    store
        .insert(&ScopeItem {
            kind: ScopeItemKind::Site,
            name: "Old depot".into(),
            in_scope: false,
            justification: "Closing in March.\n\nNo data kept there.".into(),
        })
        .unwrap();
    let out = dir.path().join("pack");
    export_to(&store, &out, today());
    let scope = fs::read_to_string(out.join(SCOPE)).unwrap();
    assert!(!scope.contains("<br>"), "{scope}");
    assert!(
        // User text adds no structure: not a heading, not list items (issue 15).
        scope.contains(
            "First paragraph,\nsame paragraph.\n\n\\# Not a heading\n\n\\- one\n\\- two\n"
        ),
        "{scope}"
    );
    assert!(
        scope.contains(
            "**Climate change as a relevant issue:** Relevant\n\nFloods close the depot.\n\n\
             Customers ask for emissions.\n"
        ),
        "{scope}"
    );
    assert!(
        scope.contains("New rules for hosting\nin the EU\n\n**Effect on the ISMS:**\n\nMove backups \\| tighten contracts\n"),
        "{scope}"
    );
    assert!(
        scope.contains("**Needs and expectations:**\n\nYearly emissions figures\nand uptime\n"),
        "{scope}"
    );
    assert!(
        scope.contains(": Old depot\n\nClosing in March.\n\nNo data kept there.\n"),
        "{scope}"
    );
}
