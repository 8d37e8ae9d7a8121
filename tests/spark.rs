//! The Apache Spark example (`examples/spark/`) in local mode: its JSON Lines results, through
//! `newsx convert`, equal a plain `newsx extract` byte for byte. Needs Java and PySpark: the test
//! makes a venv under the target folder (`pip install pyspark`). Where Java or PySpark is
//! missing it skips, saying why, unless `NEWSX_REQUIRE_SPARK=1` (set by `.ci/run`) makes that a
//! failure.

use crate::util::{newsx, root, show, tempdir, write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn skip_or_fail(reason: &str) {
    if std::env::var("NEWSX_REQUIRE_SPARK").as_deref() == Ok("1") {
        panic!("NEWSX_REQUIRE_SPARK=1 but {reason}");
    }
    eprintln!("SKIP spark_local_mode_equals_extract: {reason}");
}

fn ok(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// `target/spark-venv` with PySpark, made on first use.
fn venv_python() -> Result<PathBuf, String> {
    let target = Path::new(env!("CARGO_BIN_EXE_newsx"))
        .ancestors()
        .nth(2)
        .expect("target folder")
        .to_path_buf();
    let venv = target.join("spark-venv");
    let py = venv.join("bin/python");
    let has_pyspark = |py: &Path| ok(Command::new(py).args(["-c", "import pyspark"]));
    if py.exists() && has_pyspark(&py) {
        return Ok(py);
    }
    if !ok(Command::new("python3").arg("-m").arg("venv").arg(&venv)) {
        return Err(format!("cannot create a venv in {}", venv.display()));
    }
    let o = Command::new(&py)
        .args(["-m", "pip", "install", "-q", "pyspark"])
        .output()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !o.status.success() || !has_pyspark(&py) {
        return Err(format!(
            "pip install pyspark failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(py)
}

#[test]
fn spark_local_mode_equals_extract() {
    if !ok(Command::new("java").arg("-version")) {
        return skip_or_fail("no java on PATH");
    }
    let py = match venv_python() {
        Ok(p) => p,
        Err(e) => return skip_or_fail(&e),
    };
    let d = tempdir();
    let gen = d.path().join("gen");
    crate::stream::generate_docs(&gen, 300);
    write(&gen, "bad/latin1.txt", b"caf\xe9 au lait");
    write(
        &gen,
        "bad/bom.txt",
        "\u{feff}\u{201c}Yes,\u{201d} said Li Na.",
    );
    let corpus = root().join("corpus");
    let want = d.path().join("want");
    let o = newsx()
        .args(["extract", "--quiet", "--threads", "2", "--out"])
        .arg(&want)
        .arg(&corpus)
        .arg(&gen)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "one bad file: {}", show(&o));

    let results = d.path().join("results");
    let o = Command::new(&py)
        .arg(root().join("examples/spark/newsx_spark.py"))
        .args(["--master", "local[2]", "--partitions", "4", "--input"])
        .arg(&corpus)
        .arg(&gen)
        .arg("--output")
        .arg(&results)
        .arg("--newsx")
        .arg(env!("CARGO_BIN_EXE_newsx"))
        .arg("--model")
        .arg(root().join("models/ner"))
        .env("PYSPARK_PYTHON", &py)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "spark job: {}", show(&o));

    let got = d.path().join("got");
    let o = newsx()
        .args(["convert", "--quiet", "--out"])
        .arg(&got)
        .arg(&results)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "the bad file's error record: {}",
        show(&o)
    );
    for f in [
        "entities.csv",
        "quotes.csv",
        "relations.csv",
        "documents.csv",
    ] {
        let a = std::fs::read(want.join(f)).unwrap();
        let b = std::fs::read(got.join(f)).unwrap();
        assert!(
            a == b,
            "{f}: the Spark job's converted output differs from newsx extract"
        );
    }
    let docs = std::fs::read_to_string(got.join("documents.csv")).unwrap();
    assert_eq!(docs.lines().count(), 1 + 5 + 302, "every document once");
}
