//! End-to-end tests of `newsx extract` with the shipped model in `models/ner`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn newsx() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsx"));
    c.current_dir(root());
    c
}

fn extract(inputs: &[&Path], out: &Path, threads: usize) -> std::process::Output {
    let mut c = newsx();
    c.arg("extract");
    for i in inputs {
        c.arg(i);
    }
    c.arg("--out")
        .arg(out)
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--quiet");
    c.output().expect("run newsx")
}

fn read_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let a = tmp.path().join("t1");
    let b = tmp.path().join("t3");
    let oa = extract(&[&corpus], &a, 1);
    assert!(
        oa.status.success(),
        "{}",
        String::from_utf8_lossy(&oa.stderr)
    );
    let ob = extract(&[&corpus], &b, 3);
    assert!(
        ob.status.success(),
        "{}",
        String::from_utf8_lossy(&ob.stderr)
    );
    for f in [
        "entities.csv",
        "quotes.csv",
        "relations.csv",
        "documents.csv",
    ] {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(x == y, "{f} differs between --threads 1 and --threads 3");
    }
    assert!(read_rows(&a.join("entities.csv")).len() > 10);
}

#[test]
fn long_article_windows_lose_and_double_nothing() {
    // About 40 windows of 126 WordPieces: every copy of the paragraph must keep its entities.
    let para = "Barack Obama met Angela Merkel in Paris on Tuesday, officials said.\n\n";
    let n = 300;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("long.txt");
    std::fs::write(&file, para.repeat(n)).unwrap();
    let out = tmp.path().join("out");
    let o = extract(&[&file], &out, 2);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_rows(&out.join("entities.csv"));
    let count = |label: &str, text: &str| {
        rows.iter()
            .filter(|r| &r[4] == label && &r[3] == text)
            .count()
    };
    assert_eq!(count("PER", "Barack Obama"), n);
    assert_eq!(count("PER", "Angela Merkel"), n);
    assert_eq!(count("LOC", "Paris"), n);
    // No two mentions overlap.
    let mut spans: Vec<(usize, usize)> = rows
        .iter()
        .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap()))
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping mentions {:?}", w);
    }
}

#[test]
fn shipped_model_scores_on_the_sample_article() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let seed = root().join("corpus/seed.txt");
    let o = extract(&[&seed], &out, 2);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Score only the seed document against the gold set.
    let gold = tmp.path().join("gold");
    std::fs::create_dir_all(&gold).unwrap();
    let src = std::fs::read_to_string(root().join("corpus/gold/entities.csv")).unwrap();
    let mut lines = src.lines();
    let mut kept = vec![lines.next().unwrap().to_string()];
    kept.extend(lines.filter(|l| l.starts_with("seed,")).map(String::from));
    std::fs::write(gold.join("entities.csv"), kept.join("\n") + "\n").unwrap();
    let e = newsx()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("scores"))
        .output()
        .unwrap();
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let scores = read_rows(&tmp.path().join("scores/scores.csv"));
    let f1 = scores
        .iter()
        .find(|r| &r[0] == "entities" && &r[1] == "strict" && &r[2] == "all")
        .map(|r| r[5].parse::<f64>().unwrap())
        .expect("strict entity F1 row in scores.csv");
    assert!(
        f1 >= 0.90,
        "strict entity F1 on the sample article {f1} < 0.90"
    );
}

/// `--stats` reports the encoder's work: every piece of text is owned by exactly one window,
/// and sentence-packed windows feed few pieces beyond the text's own.
#[test]
fn stats_report_the_encoder_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = newsx()
        .args(["extract", "corpus", "--quiet", "--stats", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("newsx-stats "))
        .unwrap_or_else(|| panic!("no stats line in {err}"));
    let j: serde_json::Value = serde_json::from_str(line).unwrap();
    let fed = j["encoder_pieces"].as_u64().unwrap();
    let owned = j["owned_pieces"].as_u64().unwrap();
    assert!(owned > 500, "{j}");
    assert!(fed >= owned && (fed as f64) < 1.15 * owned as f64, "{j}");
    assert!(
        j["encoder_flop"].as_u64().unwrap() > fed * 10_000_000,
        "{j}"
    );
}

/// An engine the binary was not built with is a clear error, not a silent fallback.
#[cfg(not(feature = "ort"))]
#[test]
fn onnx_runtime_engine_needs_the_feature() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |engine: &str| {
        newsx()
            .args(["extract", "corpus", "--quiet", "--engine", engine, "--out"])
            .arg(tmp.path())
            .output()
            .unwrap()
    };
    let out = run("ort");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--features ort"), "{err}");
    assert!(!run("gpu").status.success());
}

/// The shipped attribution tagger runs on the shipped NER encoder: `--combine tagger` gives the
/// tagger's quotes (sample article: most of its gold quotes), the same bytes on 1 and 2 threads,
/// and a tagger over other encoder weights is refused with a message naming the fix.
#[test]
fn attribution_tagger_runs_on_the_ner_encoder_and_checks_its_weights() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, threads: &str, tagger: &Path| {
        newsx()
            .args([
                "extract",
                "corpus",
                "--quiet",
                "--combine",
                "tagger",
                "--threads",
                threads,
            ])
            .arg("--attribution")
            .arg(tagger)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run newsx")
    };
    let shipped = root().join("models/attribution");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let o = run(&a, "1", &shipped);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(run(&b, "2", &shipped).status.success());
    let qa = std::fs::read(a.join("quotes.csv")).unwrap();
    assert_eq!(qa, std::fs::read(b.join("quotes.csv")).unwrap());
    let quotes = read_rows(&a.join("quotes.csv"));
    let gold = read_rows(&root().join("corpus/gold/quotes.csv"));
    assert!(
        quotes.len() * 2 >= gold.len(),
        "{} tagger quotes for {} gold",
        quotes.len(),
        gold.len()
    );
    // The same head over changed encoder weights is refused.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    for f in ["head.safetensors", "config.json"] {
        std::fs::copy(shipped.join(f), other.join(f)).unwrap();
    }
    let cfg = std::fs::read_to_string(other.join("config.json")).unwrap();
    let cfg = cfg.replace("\"encoder_hash\": \"", "\"encoder_hash\": \"0");
    std::fs::write(other.join("config.json"), cfg).unwrap();
    let o = run(&tmp.path().join("c"), "1", &other);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("train-attribution"), "{err}");
}

/// `newsx teacher-labels` labels good articles with the shipped model, and names a bad one and
/// goes on (exit 1).
#[test]
fn teacher_labels_skip_a_bad_article() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("text");
    std::fs::create_dir(&text).unwrap();
    std::fs::write(
        text.join("a.txt"),
        "Peter Hale met officials of Acme Corp in Paris on Monday.\nHe said the talks went well.\n",
    )
    .unwrap();
    std::fs::write(text.join("b.txt"), b"Caf\xe9 owners in Lyon\n").unwrap();
    let soft = tmp.path().join("soft.tsv");
    let o = newsx()
        .args(["teacher-labels", "--model", "models/ner", "--text"])
        .arg(&text)
        .arg("--out")
        .arg(&soft)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("b.txt: not valid UTF-8 at byte 3 (line 1); skipped"),
        "{err}"
    );
    let written = std::fs::read_to_string(&soft).unwrap();
    assert!(written.contains("Paris\t-\t"), "{written}");
    assert_eq!(written.matches("-DOCSTART-").count(), 1);
}
