//! The command line's exit status (0 all done, 1 some documents failed, 2 usage or fatal error)
//! and a closed stdout, which is not an error.

use crate::util::{newsx, run, show, tempdir, write};
use std::io::Write;
use std::process::{Child, Output, Stdio};

/// Wait for `child` after closing the read end of its stdout first, so that every write it makes
/// there fails with a broken pipe; `input` is fed on stdin from another thread.
fn with_closed_stdout(mut child: Child, input: String) -> Output {
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The child may stop reading once its output is gone: a failed write here is expected.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    o
}

fn assert_quiet_about_the_pipe(o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("Broken pipe") && !err.contains("panicked") && !err.contains("newsx: error"),
        "{}",
        show(o)
    );
}

/// `newsx extract --jsonl < in | head -1`: the reader leaving is not an error.
#[test]
fn extract_jsonl_into_a_closed_pipe_exits_0() {
    let mut input = String::new();
    for i in 0..300 {
        input.push_str(&format!(
            "{{\"doc_id\":\"d{i}\",\"text\":\"\\u201cWe are ready,\\u201d said Ann Lee of Reuters.\"}}\n"
        ));
    }
    let child = newsx()
        .args(["extract", "--jsonl", "--quiet", "--threads", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = with_closed_stdout(child, input);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_quiet_about_the_pipe(&o);
}

/// `newsx eval … | head`: no panic, exit 0, and `--out` is still written.
#[test]
fn eval_into_a_closed_pipe_exits_0_and_writes_its_files() {
    let d = tempdir();
    let out = d.path().join("eval");
    let child = newsx()
        .args([
            "eval",
            "--gold",
            "corpus/gold",
            "--pred",
            "corpus/gold",
            "--out",
        ])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = with_closed_stdout(child, String::new());
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_quiet_about_the_pipe(&o);
    for f in ["scores.csv", "errors.csv"] {
        assert!(out.join(f).is_file(), "{f} not written: {}", show(&o));
    }
}

/// 0 when every document was processed, 1 when some failed (the others still written), 2 for
/// a usage error or a fatal one (an input that does not exist).
#[test]
fn exit_status_policy() {
    let d = tempdir();
    let good = write(d.path(), "in/good.txt", "Ann Lee said it was fine.");
    let out = d.path().join("out");
    let extract = |inputs: &[&std::path::Path]| {
        let mut c = newsx();
        c.args(["extract", "--quiet", "--threads", "2", "--out"])
            .arg(&out)
            .args(inputs);
        c.output().unwrap()
    };
    let o = extract(&[&good]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));

    let bad = write(d.path(), "in/bad.txt", b"NUL \0 inside".as_slice());
    let o = extract(&[&good, &bad]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let docs = std::fs::read_to_string(out.join("documents.csv")).unwrap();
    assert!(
        docs.contains("good,") && docs.contains("NUL byte at byte 4"),
        "{docs}"
    );

    let o = extract(&[&d.path().join("missing.txt")]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("newsx: error: ") && err.contains("missing.txt"),
        "{err}"
    );

    let o = run(&["extract", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let o = run(&["extract", "corpus", "--engine", "gpu"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("expected native or ort"),
        "{}",
        show(&o)
    );
}

/// `--window N` reads documents in windows of N WordPieces: a size the encoder cannot hold is a
/// usage error naming the flag and the range; a longer window than the model's still labels every
/// sample article.
#[test]
fn extract_window_flag() {
    let d = tempdir();
    let out = d.path().join("out");
    let out = out.to_str().unwrap();
    let o = run(&[
        "extract", "corpus", "--out", out, "--quiet", "--window", "600",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--window") && err.contains("8 to 510"),
        "{err}"
    );
    let o = run(&[
        "extract", "corpus", "--out", out, "--quiet", "--window", "254",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let ents = std::fs::read_to_string(d.path().join("out/entities.csv")).unwrap();
    assert!(ents.lines().count() > 50, "{ents}");
}
