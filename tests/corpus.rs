//! Reading inputs: which files are documents, their doc_ids, and bad input that fails one
//! document only.

use crate::util::{read_csv, tempdir, write};
use newsx::corpus::{collect_inputs, read_document, InputFile, ReadError, DEFAULT_MAX_BYTES};
use newsx::doc::DocOutput;
use newsx::output::CsvSink;
use std::path::PathBuf;

fn ids(v: &[InputFile]) -> Vec<&str> {
    v.iter().map(|f| f.doc_id.as_str()).collect()
}

#[test]
fn folders_are_searched_recursively_and_sorted() {
    let d = tempdir();
    write(d.path(), "b.txt", "b");
    write(d.path(), "a/z.txt", "z");
    write(d.path(), "a/deeper/y.TXT", "y");
    write(d.path(), "notes.md", "not a document");
    write(d.path(), "a.b.txt", "dotted");
    let elsewhere = tempdir();
    let lone = write(elsewhere.path(), "lone.text", "lone");
    let inputs = collect_inputs(&[d.path().to_path_buf(), lone.clone()]).unwrap();
    assert_eq!(ids(&inputs), vec!["a.b", "a/deeper/y", "a/z", "b", "lone"]);
    assert_eq!(inputs[4].path, lone);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_survived() {
    let d = tempdir();
    write(d.path(), "in/x.txt", "x");
    std::os::unix::fs::symlink(d.path().join("in"), d.path().join("in/loop")).unwrap();
    std::os::unix::fs::symlink(d.path().join("in/x.txt"), d.path().join("in/y.txt")).unwrap();
    std::os::unix::fs::symlink(d.path().join("gone.txt"), d.path().join("in/dangling.txt"))
        .unwrap();
    let inputs = collect_inputs(&[d.path().join("in")]).unwrap();
    assert_eq!(ids(&inputs), vec!["dangling", "x", "y"]);
    // The dangling link is an error for that document only.
    let err = read_document(&inputs[0], DEFAULT_MAX_BYTES).unwrap_err();
    assert!(
        err.to_string().contains("dangling.txt: cannot read"),
        "{err}"
    );
    assert_eq!(
        read_document(&inputs[2], DEFAULT_MAX_BYTES).unwrap().text,
        "x"
    );
}

#[test]
fn a_missing_input_is_an_error() {
    let err = collect_inputs(&[PathBuf::from("/no/such/folder")]).unwrap_err();
    assert!(
        format!("{err:#}").contains("/no/such/folder: cannot open input"),
        "{err:#}"
    );
}

#[test]
fn duplicate_doc_ids_are_an_error() {
    let d = tempdir();
    let a = write(d.path(), "one/a.txt", "1");
    write(d.path(), "two/a.txt", "2");
    let err = collect_inputs(&[a, d.path().join("two")]).unwrap_err();
    assert!(
        err.to_string().contains("two inputs have the doc_id \"a\""),
        "{err}"
    );
}

fn input(dir: &std::path::Path, name: &str, bytes: &[u8]) -> InputFile {
    let path = write(dir, name, bytes);
    InputFile {
        doc_id: name.trim_end_matches(".txt").to_string(),
        path,
    }
}

#[test]
fn bom_dropped_crlf_kept_empty_ok() {
    let d = tempdir();
    let doc = read_document(&input(d.path(), "bom.txt", b"\xEF\xBB\xBFHi\r\nthere"), 100).unwrap();
    assert_eq!(doc.text, "Hi\r\nthere");
    assert_eq!(doc.id, "bom");
    let empty = read_document(&input(d.path(), "empty.txt", b""), 100).unwrap();
    assert_eq!(empty.text, "");
}

#[test]
fn bad_documents_are_clear_errors() {
    let d = tempdir();
    let bad = input(d.path(), "latin1.txt", b"line one\ncaf\xE9\n");
    let err = read_document(&bad, 1000).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::InvalidUtf8 {
                offset: 12,
                line: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not valid UTF-8 at byte 12 (line 2)",
            bad.path.display()
        )
    );

    let nul = input(d.path(), "utf16.txt", b"\xFF\xFEa\0b\0");
    assert!(matches!(
        read_document(&nul, 1000),
        Err(ReadError::InvalidUtf8 { offset: 0, .. })
    ));
    let nul = input(d.path(), "nul.txt", b"abc\0def");
    let err = read_document(&nul, 1000).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: NUL byte at byte 3 (line 1); binary or UTF-16 file?",
            nul.path.display()
        )
    );

    let big = input(d.path(), "big.txt", "x".repeat(101).as_bytes());
    let err = read_document(&big, 100).unwrap_err();
    assert!(
        err.to_string()
            .contains("larger than the limit (101 bytes > 100 bytes"),
        "{err}"
    );
    assert_eq!(read_document(&big, 101).unwrap().text.len(), 101);
}

/// The batch goes on past bad documents and documents.csv records each outcome.
#[test]
fn a_bad_document_does_not_stop_the_batch() {
    let d = tempdir();
    let inp = d.path().join("in");
    write(&inp, "1-good.txt", "Fine text.");
    write(&inp, "2-latin1.txt", b"caf\xE9");
    write(&inp, "3-nul.txt", b"a\0b");
    write(&inp, "4-big.txt", "y".repeat(50));
    write(&inp, "5-empty.txt", "");
    write(&inp, "6-good.txt", "\u{201c}Yes,\u{201d} she said.");
    let out = d.path().join("out");
    let mut sink = CsvSink::create(&out, false).unwrap();
    let mut failed = 0;
    for f in collect_inputs(&[inp]).unwrap() {
        match read_document(&f, 40) {
            Ok(doc) => sink.add(&doc, &DocOutput::default()),
            Err(e) => {
                failed += 1;
                sink.add_error(&f, &e.to_string());
            }
        }
    }
    sink.finish().unwrap();
    assert_eq!(failed, 3);
    let (header, rows) = read_csv(&out.join("documents.csv"));
    assert_eq!(
        header,
        ["doc_id", "path", "status", "chars", "entities", "quotes", "error"]
    );
    let summary: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("1-good", "ok", "10"),
            ("2-latin1", "error", ""),
            ("3-nul", "error", ""),
            ("4-big", "error", ""),
            ("5-empty", "ok", "0"),
            ("6-good", "ok", "16"),
        ]
    );
    assert!(
        rows[1][6].ends_with("2-latin1.txt: not valid UTF-8 at byte 3 (line 1)"),
        "{:?}",
        rows[1]
    );
    assert!(rows[2][6].contains("NUL byte at byte 1"));
    assert!(rows[3][6].contains("larger than the limit"));
}

/// Every `text` cell of the corpus gold set is exactly `document[start..end]` in code points.
#[test]
fn corpus_gold_offsets_slice_back() {
    let root = crate::util::root().join("corpus");
    let mut texts = std::collections::HashMap::new();
    for f in collect_inputs(std::slice::from_ref(&root)).unwrap() {
        let doc = read_document(&f, DEFAULT_MAX_BYTES).unwrap();
        texts.insert(f.doc_id, doc.text.chars().collect::<Vec<char>>());
    }
    assert_eq!(texts.len(), 5);
    let slice = |doc: &str, s: &str, e: &str| -> String {
        let chars = &texts[doc];
        let (s, e): (usize, usize) = (s.parse().unwrap(), e.parse().unwrap());
        chars[s..e].iter().collect()
    };
    let check = |file: &str, triples: &[(usize, usize, usize)]| -> usize {
        let t = newsx::output::CsvTable::read(&root.join("gold").join(file)).unwrap();
        for (line, row) in &t.rows {
            for &(s, e, text) in triples {
                assert_eq!(
                    slice(&row[0], &row[s], &row[e]),
                    row[text],
                    "{file} line {line}: {} [{}, {})",
                    t.header[text],
                    row[s],
                    row[e]
                );
            }
        }
        t.rows.len()
    };
    assert_eq!(check("entities.csv", &[(1, 2, 3)]), 73);
    // quotes: text, cue, speaker_text
    assert_eq!(
        check("quotes.csv", &[(3, 4, 5), (7, 8, 6), (10, 11, 9)]),
        34
    );
    let (_, docs) = read_csv(&root.join("gold/documents.csv"));
    for d in docs {
        assert_eq!(d[3], texts[&d[0]].len().to_string(), "{}", d[0]);
    }
}
