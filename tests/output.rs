//! CSV output: contract columns, code-point offsets, guard, sorting, atomic files, and a round
//! trip through a real spreadsheet program (LibreOffice).

use crate::util::{read_csv, tempdir};
use newsx::doc::{
    Attribution, DocOutput, Document, Entities, Entity, EntityId, Label, Mention, Quote, QuoteKind,
    Span,
};
use newsx::output::{unguard, CsvSink, CsvTable};
use std::path::{Path, PathBuf};
use std::process::Command;

fn span(text: &str, s: &str) -> Span {
    let i = text.find(s).unwrap();
    Span::new(i, i + s.len())
}

/// A document with awkward cells: curly quotes, accents, emoji, cells that look like formulas.
fn tricky() -> (Document, DocOutput) {
    let text =
        "=SUM(A1) \u{1F600} \u{201c}-5 points,\u{201d} said Zo\u{eb} M\u{fc}ller. +Plus @home";
    let doc = Document {
        id: "tricky".into(),
        path: "tricky.txt".into(),
        text: text.into(),
    };
    let out = DocOutput {
        mentions: vec![
            Mention {
                span: span(text, "@home"),
                label: Label::Loc,
                score: 0.5,
            },
            Mention {
                span: span(text, "Zo\u{eb} M\u{fc}ller"),
                label: Label::Per,
                score: 0.9,
            },
            Mention {
                span: span(text, "=SUM(A1)"),
                label: Label::Misc,
                score: 0.25,
            },
        ],
        entities: Entities {
            list: vec![
                Entity {
                    canonical: "Zo\u{eb} M\u{fc}ller".into(),
                    label: Label::Per,
                },
                Entity {
                    canonical: "@home".into(),
                    label: Label::Loc,
                },
                Entity {
                    canonical: "=SUM(A1)".into(),
                    label: Label::Misc,
                },
            ],
            of_mention: vec![EntityId(1), EntityId(0), EntityId(2)],
        },
        quotes: vec![Quote {
            kind: QuoteKind::Direct,
            span: span(text, "-5 points,"),
            cue: Some(span(text, "said")),
            speaker: Some(span(text, "Zo\u{eb} M\u{fc}ller")),
            score: 0.9,
        }],
        attributions: vec![Attribution {
            entity: Some(EntityId(0)),
            name: Some("Zo\u{eb} M\u{fc}ller".into()),
            score: 0.75,
            mention: None,
        }],
        relations: vec![],
    };
    (doc, out)
}

fn write_tricky(dir: &Path, excel: bool) {
    let (doc, out) = tricky();
    let mut sink = CsvSink::create(dir, excel).unwrap();
    let other = Document {
        id: "a-first".into(),
        path: "a.txt".into(),
        text: "x".into(),
    };
    sink.add(&doc, &out);
    sink.add(&other, &DocOutput::default());
    sink.finish().unwrap();
}

#[test]
fn sink_writes_the_contract() {
    let d = tempdir();
    write_tricky(d.path(), false);
    let mut names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // No temporary files left behind.
    assert_eq!(
        names,
        [
            "documents.csv",
            "entities.csv",
            "quotes.csv",
            "relations.csv"
        ]
    );

    let raw = std::fs::read_to_string(d.path().join("entities.csv")).unwrap();
    assert_eq!(
        raw,
        "doc_id,start,end,text,label,entity_id,canonical,score\n\
         tricky,0,8,'=SUM(A1),MISC,E3,'=SUM(A1),0.25\n\
         tricky,29,39,Zo\u{eb} M\u{fc}ller,PER,E1,Zo\u{eb} M\u{fc}ller,0.9\n\
         tricky,47,52,'@home,LOC,E2,'@home,0.5\n"
    );
    let (_, q) = read_csv(&d.path().join("quotes.csv"));
    assert_eq!(
        &q[0][..6],
        ["tricky", "Q1", "direct", "12", "22", "'-5 points,"]
    );
    assert_eq!(
        &q[0][6..],
        [
            "said",
            "24",
            "28",
            "Zo\u{eb} M\u{fc}ller",
            "29",
            "39",
            "E1",
            "Zo\u{eb} M\u{fc}ller",
            "0.75"
        ]
    );
    // Offsets are code points, not bytes.
    let (doc, _) = tricky();
    let chars: Vec<char> = doc.text.chars().collect();
    assert_eq!(
        chars[29..39].iter().collect::<String>(),
        "Zo\u{eb} M\u{fc}ller"
    );
    let (_, docs) = read_csv(&d.path().join("documents.csv"));
    assert_eq!(docs[0][0], "a-first"); // sorted by doc_id
    assert_eq!(docs[1][3], chars.len().to_string());

    // Readers strip the guard.
    let t = CsvTable::read(&d.path().join("entities.csv")).unwrap();
    assert_eq!(t.rows[0].1[3], "=SUM(A1)");
    assert_eq!(t.rows[0].0, 2);
}

#[test]
fn excel_flag_adds_a_bom_that_readers_accept() {
    let d = tempdir();
    write_tricky(d.path(), true);
    let raw = std::fs::read(d.path().join("quotes.csv")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFdoc_id,quote_id"));
    let t = CsvTable::read(&d.path().join("quotes.csv")).unwrap();
    assert_eq!(t.header[0], "doc_id");
}

#[test]
fn an_unfinished_sink_leaves_no_files() {
    let d = tempdir();
    {
        let (doc, out) = tricky();
        let mut sink = CsvSink::create(d.path(), false).unwrap();
        sink.add(&doc, &out);
        // dropped without finish(), as when a run is interrupted by an error
    }
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
}

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Convert `inputs` with LibreOffice headless into `outdir`; returns the new files.
fn convert(bin: &str, profile: &Path, inputs: &[PathBuf], to: &str, outdir: &Path) -> Vec<PathBuf> {
    let mut cmd = Command::new(bin);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ));
    cmd.arg("--headless");
    if inputs[0].extension().is_some_and(|e| e == "csv") {
        // comma-separated, double-quoted, UTF-8 (76), from line 1
        cmd.arg("--infilter=CSV:44,34,76,1");
    }
    let out = cmd
        .args(["--convert-to", to, "--outdir"])
        .arg(outdir)
        .args(inputs)
        .output()
        .expect("run soffice");
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = to.split(':').next().unwrap();
    inputs
        .iter()
        .map(|i| {
            let p = outdir.join(i.with_extension(ext).file_name().unwrap());
            assert!(
                p.exists(),
                "soffice wrote no {}: {}",
                p.display(),
                String::from_utf8_lossy(&out.stdout)
            );
            p
        })
        .collect()
}

/// Our CSV → xlsx / ods → CSV again with LibreOffice: every cell keeps its text (curly quotes,
/// accents, emoji, leading `-` `=` `@`), and no cell became a formula.
#[test]
fn libreoffice_round_trip_keeps_text_and_evaluates_nothing() {
    let Some(bin) = soffice() else {
        assert!(
            std::env::var_os("NEWSX_REQUIRE_SOFFICE").is_none(),
            "NEWSX_REQUIRE_SOFFICE is set but soffice is not installed"
        );
        eprintln!("SKIP libreoffice_round_trip: soffice not found (install libreoffice-calc-nogui; .ci/run does)");
        return;
    };
    let d = tempdir();
    let out = d.path().join("out");
    write_tricky(&out, false);
    let profile = d.path().join("profile");
    let files: Vec<PathBuf> = ["entities.csv", "quotes.csv", "documents.csv"]
        .iter()
        .map(|f| out.join(f))
        .collect();
    for ext in ["xlsx", "ods"] {
        let dir = d.path().join(ext);
        let sheets = convert(bin, &profile, &files, ext, &dir);
        // A flat XML copy of a spreadsheet shows any formula as table:formula.
        for flat in convert(bin, &profile, &sheets, "fods", &dir.join("flat")) {
            let xml = std::fs::read_to_string(&flat).unwrap();
            assert!(
                !xml.contains("table:formula"),
                "{}: a cell became a formula",
                flat.display()
            );
        }
        let csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1";
        let back = convert(bin, &profile, &sheets, csv_filter, &dir.join("back"));
        for (orig, back) in files.iter().zip(&back) {
            let original = CsvTable::read(orig).unwrap();
            let again = CsvTable::read(back).unwrap();
            let what = format!("{} via {ext}", orig.display());
            assert_eq!(again.header, original.header, "{what}");
            assert_eq!(again.rows.len(), original.rows.len(), "{what}");
            for ((_, a), (_, b)) in original.rows.iter().zip(&again.rows) {
                let b: Vec<&str> = b.iter().map(|c| unguard(c)).collect();
                assert_eq!(
                    a.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                    b,
                    "{what}"
                );
            }
        }
    }
}
