//! Streaming output, `--resume` after a real SIGKILL, `--jsonl` and `newsx convert`.

use crate::util::{newsx, show, tempdir, write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const FILES: [&str; 4] = [
    "entities.csv",
    "quotes.csv",
    "relations.csv",
    "documents.csv",
];

/// `n` short, varied news documents under `dir` (nested folders, curly quotes, accents).
pub fn generate_docs(dir: &Path, n: usize) -> Vec<PathBuf> {
    let people = [
        "Maria Okafor",
        "Jonas Weber",
        "Li Na",
        "Ahmed Haddad",
        "Zo\u{eb} M\u{fc}ller",
        "Carlos Ruiz",
    ];
    let orgs = ["Reuters", "the United Nations", "Siemens", "Hamas", "NATO"];
    let places = ["Berlin", "Nairobi", "Lyon", "Wellport", "Gaza"];
    (0..n)
        .map(|i| {
            let p = people[i % people.len()];
            let q = people[(i / 3 + 1) % people.len()];
            let o = orgs[i % orgs.len()];
            let l = places[(i / 2) % places.len()];
            let text = match i % 4 {
                0 => format!(
                    "{p}, a spokesperson for {o}, said on Monday that talks in {l} would resume. \
                     \u{201c}We are ready,\u{201d} {p} told reporters."
                ),
                1 => format!(
                    "\u{201c}The bridge is safe,\u{201d} said {q}, the mayor of {l}. \
                     {o} disagreed. Item {i}."
                ),
                2 => format!(
                    "{o} announced {i} new jobs in {l} on Tuesday, according to {p}.\r\n\
                     \"It is a good day,\" {q} said."
                ),
                _ => format!("Weather in {l} stayed calm (report {i})."),
            };
            let name = format!("batch{}/doc-{i:04}.txt", i % 3);
            write(dir, &name, text)
        })
        .collect()
}

fn extract(args: &[&str]) -> std::process::Command {
    let mut c = newsx();
    c.args(["extract", "--quiet", "--threads", "2"]).args(args);
    c
}

fn files_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_same_output(want: &Path, got: &Path, what: &str) {
    assert_eq!(
        files_of(got),
        csv_names(),
        "{what}: files left in {}",
        got.display()
    );
    for f in FILES {
        let a = std::fs::read(want.join(f)).unwrap();
        let b = std::fs::read(got.join(f)).unwrap();
        assert!(a == b, "{what}: {f} differs from the uninterrupted run");
    }
}

/// The four file names, sorted as a listing is.
fn csv_names() -> Vec<String> {
    let mut v: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn spool_lines(out: &Path) -> usize {
    std::fs::read(out.join(".newsx-partial/spool.jsonl"))
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Start a run, SIGKILL it once `when` says so (or when it ends by itself), return whether it was
/// killed before finishing.
fn run_and_kill(inp: &Path, out: &Path, when: &dyn Fn(Duration, &Path) -> bool) -> bool {
    let mut child = extract(&[inp.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if when(t0.elapsed(), out) {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A run killed at several points and resumed ends with the files of an uninterrupted run, and
/// no temporary files; an edited file is redone, a removed one dropped, a torn record redone.
#[test]
fn killed_runs_resume_to_the_uninterrupted_output() {
    let d = tempdir();
    let inp = d.path().join("in");
    let docs = generate_docs(&inp, 300);
    let want = d.path().join("want");
    let o = extract(&[inp.to_str().unwrap(), "--out", want.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));

    type When = Box<dyn Fn(Duration, &Path) -> bool>;
    let points: Vec<(&str, When)> = vec![
        (
            "while loading the model",
            Box::new(|t, _| t > Duration::from_millis(150)),
        ),
        (
            "after the first chunk",
            Box::new(|_, o| spool_lines(o) >= 1),
        ),
        ("half way", Box::new(|_, o| spool_lines(o) >= 150)),
        (
            "after the last chunk",
            Box::new(|_, o| spool_lines(o) >= 300),
        ),
    ];
    let mut killed = 0;
    for (i, (what, when)) in points.iter().enumerate() {
        let out = d.path().join(format!("out{i}"));
        let was_killed = run_and_kill(&inp, &out, when.as_ref());
        killed += usize::from(was_killed);
        let before = spool_lines(&out);
        if i == 2 {
            // A record torn by the kill: cut the spool in the middle of its last line.
            let p = out.join(".newsx-partial/spool.jsonl");
            let len = std::fs::metadata(&p).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
            f.set_len(len - 40).unwrap();
        }
        let o = extract(&[
            inp.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--resume",
        ])
        .output()
        .unwrap();
        assert_eq!(o.status.code(), Some(0), "{what}: {}", show(&o));
        assert_same_output(
            &want,
            &out,
            &format!("killed {what} ({before} documents done)"),
        );
    }
    assert!(
        killed >= 3,
        "only {killed} of the runs were killed before they ended"
    );

    // Kill half way, then edit one finished document and remove another: the resumed run equals
    // a fresh run on the changed input.
    let out = d.path().join("edited");
    assert!(run_and_kill(&inp, &out, &|_, o| spool_lines(o) >= 128));
    std::fs::write(&docs[0], "\u{201c}Changed,\u{201d} said Li Na in Lyon.").unwrap();
    std::fs::remove_file(&docs[3]).unwrap();
    let o = extract(&[
        inp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--resume",
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let want2 = d.path().join("want2");
    let o = extract(&[inp.to_str().unwrap(), "--out", want2.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_same_output(&want2, &out, "edited after the kill");
    let ents = std::fs::read_to_string(out.join("entities.csv")).unwrap();
    assert!(
        ents.contains("batch0/doc-0000,"),
        "the edited document is there"
    );
    assert!(
        !ents.contains("batch0/doc-0003,"),
        "the removed document is gone"
    );
}

/// `--resume` with other settings starts afresh and says so.
#[test]
fn resume_with_other_settings_starts_afresh() {
    let d = tempdir();
    let inp = d.path().join("in");
    generate_docs(&inp, 3);
    let out = d.path().join("out");
    std::fs::create_dir_all(out.join(".newsx-partial")).unwrap();
    write(&out, ".newsx-partial/settings.json", "{}");
    write(
        &out,
        ".newsx-partial/spool.jsonl",
        "{\"doc_id\":\"batch0/doc-0000\",\"path\":\"x\",\"status\":\"ok\"}\n",
    );
    write(&out, ".entities.csv.tmp-99999", "junk");
    let o = newsx()
        .args(["extract", "--threads", "1", "--resume", "--out"])
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("had other settings"),
        "{}",
        show(&o)
    );
    assert_eq!(files_of(&out), csv_names());
}

fn jsonl_line(doc_id: &str, path: &str, text: &str) -> String {
    serde_json::json!({"doc_id": doc_id, "path": path, "text": text}).to_string()
}

/// `extract --jsonl` then `convert` equals the CSV run byte for byte, whatever the line order;
/// bad lines get error objects in place and the stream goes on.
#[test]
fn jsonl_then_convert_equals_the_csv_run() {
    let d = tempdir();
    let inp = d.path().join("in");
    generate_docs(&inp, 70);
    write(
        &inp,
        "tricky.txt",
        "\u{feff}=SUM(A1) said \u{201c}Zo\u{eb}\u{201d}.\r\n\u{1F600} ok",
    );
    let corpus = crate::util::root().join("corpus");
    let want = d.path().join("want");
    let o = extract(&[
        inp.to_str().unwrap(),
        corpus.to_str().unwrap(),
        "--out",
        want.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));

    // The same documents as JSON Lines (path as the CSV run saw it; BOM dropped as it does),
    // in reverse order, with bad lines between them.
    let mut lines = Vec::new();
    for f in newsx::corpus::collect_inputs(&[inp.clone(), corpus.clone()]).unwrap() {
        let doc = newsx::corpus::read_document(&f, 1 << 20).unwrap();
        lines.push(jsonl_line(
            &f.doc_id,
            &f.path.display().to_string(),
            &doc.text,
        ));
    }
    lines.reverse();
    lines.insert(3, "{not json".to_string());
    lines.insert(10, String::new());
    lines.insert(20, "{\"text\":\"no id\"}".to_string());
    let n_docs = lines.len() - 3;
    let input = lines.join("\n") + "\n";
    let mut child = extract(&["--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(o.status.code(), Some(1), "bad lines fail: {}", show(&o));
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let out_lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        out_lines.len(),
        n_docs + 2,
        "one line per non-blank input line"
    );
    assert_eq!(out_lines[3]["status"], "error");
    assert_eq!(out_lines[3]["line"], 4);
    assert!(out_lines[3]["error"]
        .as_str()
        .unwrap()
        .starts_with("stdin: line 4: invalid JSON at column 2"));
    assert_eq!(
        out_lines[19]["error"], "stdin: line 21: missing field \"doc_id\"",
        "the blank line is skipped but counted"
    );
    assert_eq!(out_lines[0]["status"], "ok");
    assert_eq!(out_lines[0]["doc_id"], "tricky");

    let res = d.path().join("res.jsonl");
    std::fs::write(&res, &o.stdout).unwrap();
    let got = d.path().join("got");
    let o = newsx()
        .args(["convert", "--out"])
        .arg(&got)
        .arg(&res)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "unusable lines are reported: {}",
        show(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("res.jsonl: line 4: a result without doc_id")
    );
    assert_same_output(&want, &got, "convert of --jsonl");
}

/// A document past --max-pieces or --max-bytes gets a clear error row; the others are processed.
#[test]
fn limits_give_error_rows() {
    let d = tempdir();
    let inp = d.path().join("in");
    write(
        &inp,
        "a-long.txt",
        "Anna Lee met Bob Smith in Paris. ".repeat(20),
    );
    write(&inp, "b-short.txt", "Anna Lee left.");
    write(&inp, "c-big.txt", "x".repeat(3000));
    let out = d.path().join("out");
    let o = extract(&[
        inp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--max-pieces",
        "50",
        "--max-bytes",
        "2000",
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let (_, rows) = crate::util::read_csv(&out.join("documents.csv"));
    assert_eq!(rows[0][2], "error");
    assert!(
        rows[0][6].ends_with(
            "a-long.txt: document has 160 WordPieces, more than the limit (50; see --max-pieces)"
        ),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[1][2], "ok");
    assert!(rows[2][6].contains("larger than the limit (3000 bytes > 2000 bytes"));
}
