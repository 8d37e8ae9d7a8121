//! The single writer of an output folder during a run: documents spooled to disk as they
//! finish (what `--resume` reads back), the CSV files written from the spool at the end.

use super::rows::{doc_rows, DocRows};
use super::writer::{remove_temp_csvs, CsvWriter};
use crate::corpus::InputFile;
use crate::doc::{DocOutput, Document};
use crate::jsonl::DocRecord;
use anyhow::Context;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Seek, Write};
use std::path::{Path, PathBuf};

/// The folder, inside the output folder, where a run keeps the documents it has finished
/// (`spool.jsonl`, one [`DocRecord`] a line, and `settings.json`) until the CSV files are written.
pub const PARTIAL_DIR: &str = ".newsx-partial";
const SPOOL: &str = "spool.jsonl";
const SETTINGS: &str = "settings.json";

/// A document an interrupted run had finished, as [`CsvSink::resume`] found it in the spool.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The path it was read from.
    pub path: String,
    /// The content hash of that file when it was processed.
    pub hash: Option<String>,
    /// Whether it was processed (`ok`) rather than refused.
    pub ok: bool,
}

/// What [`CsvSink::resume`] found.
#[derive(Debug, Default)]
pub struct Resumed {
    /// Documents already finished, by `doc_id`.
    pub finished: HashMap<String, Finished>,
    /// Why nothing could be resumed (no interrupted run, other settings), for the user.
    pub note: Option<String>,
    /// Bytes of a torn last record cut off the spool.
    pub cut_bytes: u64,
}

/// The single writer of an output folder. Each document's rows go to disk as it is added (one
/// JSON line in `OUT/.newsx-partial/spool.jsonl`, with an index of where, kept in memory);
/// [`CsvSink::finish`] writes `entities.csv`, `quotes.csv`, `relations.csv` and
/// `documents.csv` from the spool in `doc_id` order, each under a temporary name renamed when
/// complete, and removes the spool. Memory does not grow with the rows, only with the number of
/// documents (the index). An interrupted run leaves no half-written CSV; a sink made with
/// [`CsvSink::create`] and dropped unfinished removes its spool, one made for resuming
/// ([`CsvSink::create_resumable`], [`CsvSink::resume`]) keeps it for `--resume`.
pub struct CsvSink {
    dir: PathBuf,
    excel: bool,
    spool_path: PathBuf,
    spool: Option<std::io::BufWriter<std::fs::File>>,
    pos: u64,
    index: BTreeMap<String, Vec<u64>>,
    keep_on_drop: bool,
    error: Option<anyhow::Error>,
    done: bool,
}

impl CsvSink {
    /// Prepare writing into `out_dir` (created if missing); `excel` adds a UTF-8 BOM to every
    /// file. What an interrupted run left there (spool, temporary files) is removed.
    ///
    /// # Errors
    /// The folder cannot be created or written to.
    pub fn create(out_dir: &Path, excel: bool) -> anyhow::Result<CsvSink> {
        Self::fresh(out_dir, excel, None)
    }

    /// As [`CsvSink::create`], recording `settings` (anything that changes the rows: model,
    /// limits) for a later [`CsvSink::resume`], and keeping the spool if dropped unfinished.
    ///
    /// # Errors
    /// The folder cannot be created or written to.
    pub fn create_resumable(
        out_dir: &Path,
        excel: bool,
        settings: &str,
    ) -> anyhow::Result<CsvSink> {
        Self::fresh(out_dir, excel, Some(settings))
    }

    fn fresh(out_dir: &Path, excel: bool, settings: Option<&str>) -> anyhow::Result<CsvSink> {
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("{}: cannot create output folder", out_dir.display()))?;
        let partial = out_dir.join(PARTIAL_DIR);
        if partial.exists() {
            std::fs::remove_dir_all(&partial)
                .with_context(|| format!("{}: cannot remove leftover", partial.display()))?;
        }
        remove_temp_csvs(out_dir)?;
        std::fs::create_dir(&partial)
            .with_context(|| format!("{}: cannot create", partial.display()))?;
        if let Some(s) = settings {
            let p = partial.join(SETTINGS);
            let tmp = partial.join(format!("{SETTINGS}.tmp"));
            std::fs::write(&tmp, s)
                .and_then(|_| std::fs::rename(&tmp, &p))
                .with_context(|| format!("{}: cannot write", p.display()))?;
        }
        let spool_path = partial.join(SPOOL);
        let file = std::fs::File::create(&spool_path)
            .with_context(|| format!("{}: cannot create", spool_path.display()))?;
        Ok(CsvSink {
            dir: out_dir.to_path_buf(),
            excel,
            spool_path,
            spool: Some(std::io::BufWriter::new(file)),
            pos: 0,
            index: BTreeMap::new(),
            keep_on_drop: settings.is_some(),
            error: None,
            done: false,
        })
    }

    /// Continue the interrupted run in `out_dir` that had the same `settings`: its finished
    /// documents are kept (a torn last record is cut off), temporary files are removed. With no
    /// such run (none, or other settings), start afresh and say why in [`Resumed::note`].
    ///
    /// # Errors
    /// The folder or the spool cannot be read or written.
    pub fn resume(
        out_dir: &Path,
        excel: bool,
        settings: &str,
    ) -> anyhow::Result<(CsvSink, Resumed)> {
        let partial = out_dir.join(PARTIAL_DIR);
        let spool_path = partial.join(SPOOL);
        let old = std::fs::read_to_string(partial.join(SETTINGS)).ok();
        let note = match &old {
            _ if !spool_path.is_file() => Some(format!(
                "--resume: no interrupted run in {}; starting afresh",
                out_dir.display()
            )),
            None => Some(format!(
                "--resume: {} has no settings; starting afresh",
                partial.display()
            )),
            Some(s) if s != settings => Some(format!(
                "--resume: the interrupted run in {} had other settings (model, engine or limits); starting afresh",
                out_dir.display()
            )),
            Some(_) => None,
        };
        if note.is_some() {
            let sink = Self::fresh(out_dir, excel, Some(settings))?;
            return Ok((
                sink,
                Resumed {
                    note,
                    ..Resumed::default()
                },
            ));
        }
        remove_temp_csvs(out_dir)?;
        let mut resumed = Resumed::default();
        let mut index: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let ctx = || format!("{}: cannot read", spool_path.display());
        let total = std::fs::metadata(&spool_path).with_context(ctx)?.len();
        let mut rd = std::io::BufReader::new(std::fs::File::open(&spool_path).with_context(ctx)?);
        let mut pos = 0u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = rd.read_until(b'\n', &mut line).with_context(ctx)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break; // the end, or a record cut short by the kill
            }
            let Ok(rec) = serde_json::from_slice::<DocRecord>(&line) else {
                break; // a damaged record: it and everything after it is redone
            };
            if let Some(id) = rec.doc_id.clone() {
                resumed.finished.insert(
                    id.clone(),
                    Finished {
                        path: rec.path.clone(),
                        hash: rec.hash.clone(),
                        ok: rec.is_ok(),
                    },
                );
                index.insert(id, vec![pos]);
            }
            pos += n as u64;
        }
        drop(rd);
        resumed.cut_bytes = total - pos;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&spool_path)
            .with_context(|| format!("{}: cannot open", spool_path.display()))?;
        file.set_len(pos)
            .with_context(|| format!("{}: cannot truncate", spool_path.display()))?;
        let mut buf = std::io::BufWriter::new(file);
        buf.seek(std::io::SeekFrom::Start(pos))?;
        Ok((
            CsvSink {
                dir: out_dir.to_path_buf(),
                excel,
                spool_path,
                spool: Some(buf),
                pos,
                index,
                keep_on_drop: true,
                error: None,
                done: false,
            },
            resumed,
        ))
    }

    /// Add the results of one document.
    pub fn add(&mut self, doc: &Document, out: &DocOutput) {
        self.add_rows(doc_rows(doc, out));
    }

    /// Add rows already converted (see [`doc_rows`]).
    pub fn add_rows(&mut self, rows: DocRows) {
        self.add_record(&DocRecord::from_rows(&rows), false);
    }

    /// Record a document that could not be read or processed: a `documents.csv` row with
    /// `status=error` and the message on one line.
    pub fn add_error(&mut self, f: &InputFile, message: &str) {
        let rec = DocRecord::error(
            Some(f.doc_id.clone()),
            f.path.display().to_string(),
            message,
        );
        self.add_record(&rec, false);
    }

    /// Set the record of a document, replacing any earlier one of the same `doc_id` (a record
    /// without `doc_id` is ignored).
    pub fn put(&mut self, rec: &DocRecord) {
        self.add_record(rec, true);
    }

    /// Keep only the documents whose `doc_id` passes `keep` (after a resume: drop documents that
    /// are no longer among the inputs).
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.index.retain(|id, _| keep(id));
    }

    fn add_record(&mut self, rec: &DocRecord, replace: bool) {
        let Some(id) = rec.doc_id.clone() else {
            return;
        };
        if self.error.is_some() {
            return;
        }
        let mut line = rec.to_line();
        line.push('\n');
        let spool = self.spool.as_mut().expect("open until finish");
        if let Err(e) = spool.write_all(line.as_bytes()) {
            self.error = Some(
                anyhow::Error::new(e)
                    .context(format!("{}: cannot write", self.spool_path.display())),
            );
            return;
        }
        let offsets = self.index.entry(id).or_default();
        if replace {
            offsets.clear();
        }
        offsets.push(self.pos);
        self.pos += line.len() as u64;
    }

    /// Flush the spool to disk (what is flushed survives a kill or a power loss).
    ///
    /// # Errors
    /// An earlier write, the flush or the sync failed.
    pub fn checkpoint(&mut self) -> anyhow::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let spool = self.spool.as_mut().expect("open until finish");
        spool
            .flush()
            .and_then(|_| spool.get_ref().sync_data())
            .with_context(|| format!("{}: cannot write", self.spool_path.display()))
    }

    /// Write every file from the spool in `doc_id` order, rename each into place, and remove
    /// the spool.
    ///
    /// # Errors
    /// Writing, flushing or renaming failed.
    pub fn finish(mut self) -> anyhow::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let spool = self.spool.take().expect("open until finish");
        spool
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))
            .with_context(|| format!("{}: cannot write", self.spool_path.display()))?;
        let ctx = || format!("{}: cannot read", self.spool_path.display());
        let mut rd =
            std::io::BufReader::new(std::fs::File::open(&self.spool_path).with_context(ctx)?);
        let mut at = 0u64;
        let mut out = CsvWriter::create(&self.dir, self.excel)?;
        let mut line = Vec::new();
        let mut recs = Vec::new();
        for (id, offsets) in &self.index {
            recs.clear();
            for &off in offsets {
                if off != at {
                    rd.seek(std::io::SeekFrom::Start(off)).with_context(ctx)?;
                }
                line.clear();
                let n = rd.read_until(b'\n', &mut line).with_context(ctx)?;
                at = off + n as u64;
                let rec: DocRecord = serde_json::from_slice(&line).with_context(|| {
                    format!(
                        "{}: damaged record at byte {off}",
                        self.spool_path.display()
                    )
                })?;
                recs.push(rec);
            }
            out.write_doc(id, &recs)?;
        }
        out.commit()?;
        let partial = self.dir.join(PARTIAL_DIR);
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("{}: cannot remove", partial.display()))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for CsvSink {
    fn drop(&mut self) {
        if !self.done && !self.keep_on_drop {
            self.spool = None;
            let _ = std::fs::remove_dir_all(self.dir.join(PARTIAL_DIR));
        }
    }
}
