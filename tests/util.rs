//! Test helpers: temporary folders, running the binary, locating optional data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("newsx-test")
        .tempdir()
        .expect("temporary folder")
}

/// Write `contents` to `dir/name`, creating parent folders.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, contents).unwrap();
    p
}

/// The binary under test, with a clean environment.
pub fn newsx() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsx"));
    c.current_dir(root())
        .env_remove("RUST_LOG")
        .env_remove("RAYON_NUM_THREADS");
    c
}

/// Run the binary with `args`.
pub fn run(args: &[&str]) -> Output {
    newsx().args(args).output().expect("run newsx")
}

/// stdout and stderr of a finished command, for assertion messages.
pub fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `../shared/data/<rel>` when it exists; otherwise `None`, after saying that the test skips.
pub fn shared_data(rel: &str, test: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIP {test}: {} is absent (needs the shared data folder)",
            p.display()
        );
        None
    }
}

/// Read a CSV file into a header and rows (plain RFC 4180; the guard is left as is).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    let mut rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let header = rows.remove(0);
    (header, rows)
}
