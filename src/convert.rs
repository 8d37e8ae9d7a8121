//! `newsx convert`: JSON Lines results (`newsx extract --jsonl`, the Spark job in
//! `examples/spark/`) into the four CSV files of the contract.
//!
//! The lines may come in any order and from many files (one per Spark partition): a first pass
//! indexes where each document's line is (memory: one `doc_id` and position per document), a
//! second writes the documents in `doc_id` order through [`CsvWriter`], the writer `newsx
//! extract` uses, so the files equal those of a CSV run on the same documents byte for byte.
#![deny(missing_docs)]

use crate::jsonl::DocRecord;
use crate::output::CsvWriter;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// What [`convert`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertSummary {
    /// Documents written.
    pub documents: usize,
    /// Of these, documents with `status=error`.
    pub failed: usize,
    /// Lines that could not be used (not a result line, or an error for an input line that had
    /// no `doc_id`); each was reported.
    pub bad_lines: usize,
}

/// The files under `inputs`: files as given, folders' files sorted, recursively.
fn list_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("{}: cannot list folder", dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("{}: cannot list folder", dir.display()))?;
        entries.sort();
        for p in entries {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.starts_with('.') || n.starts_with('_')) {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in inputs {
        let meta =
            std::fs::metadata(p).with_context(|| format!("{}: cannot open input", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut files)?;
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Convert the JSON Lines results in `inputs` into the CSV files in `out` (created if missing);
/// `excel` adds a UTF-8 BOM. Each unusable line is passed to `report` (naming file and line) and
/// counted; the others are converted.
///
/// # Errors
/// A file cannot be read, two lines have the same `doc_id`, or the output cannot be written.
pub fn convert(
    inputs: &[PathBuf],
    out: &Path,
    excel: bool,
    report: &mut dyn FnMut(String),
) -> Result<ConvertSummary> {
    let files = list_files(inputs)?;
    let mut summary = ConvertSummary::default();
    // doc_id -> (file, byte offset, line)
    let mut index: BTreeMap<String, (usize, u64, u64)> = BTreeMap::new();
    let mut line = Vec::new();
    for (fi, path) in files.iter().enumerate() {
        let ctx = || format!("{}: cannot read", path.display());
        let mut rd = BufReader::new(std::fs::File::open(path).with_context(ctx)?);
        let (mut pos, mut line_no) = (0u64, 0u64);
        loop {
            line.clear();
            let n = rd.read_until(b'\n', &mut line).with_context(ctx)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let at = pos;
            pos += n as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let rec: DocRecord = match serde_json::from_slice(&line) {
                Ok(r) => r,
                Err(e) => {
                    report(format!(
                        "{}: line {line_no}: not a newsx result line: {e}",
                        path.display()
                    ));
                    summary.bad_lines += 1;
                    continue;
                }
            };
            let Some(id) = rec.doc_id else {
                report(format!(
                    "{}: line {line_no}: a result without doc_id: {}",
                    path.display(),
                    rec.error
                ));
                summary.bad_lines += 1;
                continue;
            };
            if let Some(&(pf, _, pl)) = index.get(&id) {
                bail!(
                    "two results have the doc_id {id:?}: {} line {pl} and {} line {line_no}",
                    files[pf].display(),
                    path.display()
                );
            }
            index.insert(id, (fi, at, line_no));
        }
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create output folder", out.display()))?;
    let mut w = CsvWriter::create(out, excel)?;
    let mut open: Option<(usize, BufReader<std::fs::File>, u64)> = None;
    for (id, &(fi, off, line_no)) in &index {
        let path = &files[fi];
        let ctx = || format!("{}: cannot read", path.display());
        if open.as_ref().is_none_or(|o| o.0 != fi) {
            open = Some((
                fi,
                BufReader::new(std::fs::File::open(path).with_context(ctx)?),
                0,
            ));
        }
        let (_, rd, at) = open.as_mut().expect("just opened");
        if *at != off {
            rd.seek(SeekFrom::Start(off)).with_context(ctx)?;
        }
        line.clear();
        let n = rd.read_until(b'\n', &mut line).with_context(ctx)?;
        *at = off + n as u64;
        let rec: DocRecord = serde_json::from_slice(&line).with_context(|| {
            format!(
                "{}: line {line_no}: changed while converting",
                path.display()
            )
        })?;
        if !rec.is_ok() {
            summary.failed += 1;
        }
        summary.documents += 1;
        w.write_doc(id, std::slice::from_ref(&rec))?;
    }
    w.commit()?;
    Ok(summary)
}
