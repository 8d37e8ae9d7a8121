//! Writing CSV files: each under a temporary name, flushed, synced and renamed into place when
//! complete; [`CsvWriter`] writes the four files of an output folder from records.

use super::rows::{DOCUMENT_COLUMNS, ENTITY_COLUMNS, QUOTE_COLUMNS, RELATION_COLUMNS};
use crate::jsonl::DocRecord;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The four files of the contract, in the order [`CsvWriter`] keeps them.
const FILES: [&str; 4] = [
    "entities.csv",
    "quotes.csv",
    "relations.csv",
    "documents.csv",
];

/// The temporary name a CSV file is written under before it is renamed into place.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Remove what an interrupted writer left in `dir`: temporary CSV files of any process.
pub(super) fn remove_temp_csvs(dir: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let leftover = FILES
            .iter()
            .any(|f| name.starts_with(&format!(".{f}.tmp-")));
        if leftover {
            std::fs::remove_file(e.path())
                .with_context(|| format!("{}: cannot remove leftover", e.path().display()))?;
        }
    }
    Ok(())
}

/// Write a CSV file (header, then `rows`, cells as given) under a temporary name, flush and sync
/// it, and rename it to `path`: readers never see a half-written file. `excel` adds a UTF-8 BOM.
///
/// # Errors
/// Creating, writing or renaming failed.
pub fn write_csv_file<'a>(
    path: &Path,
    columns: &[&str],
    rows: impl IntoIterator<Item = &'a Vec<String>>,
    excel: bool,
) -> anyhow::Result<()> {
    let tmp = temp_path(path);
    let result = (|| -> anyhow::Result<()> {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        let mut buf = std::io::BufWriter::new(file);
        if excel {
            buf.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(buf);
        w.write_record(columns)?;
        for cells in rows {
            w.write_record(cells)?;
        }
        let buf = w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        let file = buf
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("{}: cannot write", path.display()))
}

/// One CSV file being written under its temporary name.
struct TableOut {
    path: PathBuf,
    tmp: PathBuf,
    w: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
}

/// Writes the four CSV files of an output folder from [`DocRecord`]s given in `doc_id` order,
/// one document at a time (memory: one document), each file under a temporary name that
/// [`CsvWriter::commit`] renames into place. Dropped uncommitted, it removes its temporary files.
pub struct CsvWriter {
    tables: Vec<TableOut>,
    last: Option<String>,
    committed: bool,
}

impl CsvWriter {
    /// Start the four files in `dir` (which must exist); `excel` adds a UTF-8 BOM to each.
    ///
    /// # Errors
    /// A file cannot be created or written.
    pub fn create(dir: &Path, excel: bool) -> anyhow::Result<CsvWriter> {
        let columns: [&[&str]; 4] = [
            &ENTITY_COLUMNS,
            &QUOTE_COLUMNS,
            &RELATION_COLUMNS,
            &DOCUMENT_COLUMNS,
        ];
        let mut out = CsvWriter {
            tables: Vec::new(),
            last: None,
            committed: false,
        };
        for (name, cols) in FILES.iter().zip(columns) {
            let path = dir.join(name);
            let tmp = temp_path(&path);
            let file = std::fs::File::create(&tmp)
                .with_context(|| format!("{}: cannot create", tmp.display()))?;
            let mut buf = std::io::BufWriter::new(file);
            if excel {
                buf.write_all(b"\xEF\xBB\xBF")
                    .with_context(|| format!("{}: cannot write", tmp.display()))?;
            }
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(buf);
            let mut table = TableOut { path, tmp, w: None };
            w.write_record(cols)
                .with_context(|| format!("{}: cannot write", table.tmp.display()))?;
            table.w = Some(w);
            out.tables.push(table);
        }
        Ok(out)
    }

    /// Write every record of one document (usually one; rows of several records of the same
    /// `doc_id` are merged by start and end, earlier records first on a tie).
    ///
    /// # Errors
    /// Writing failed, or the documents do not come in increasing `doc_id` order.
    pub fn write_doc(&mut self, doc_id: &str, records: &[DocRecord]) -> anyhow::Result<()> {
        if let Some(last) = &self.last {
            anyhow::ensure!(
                last.as_str() < doc_id,
                "documents out of order: {doc_id:?} after {last:?}"
            );
        }
        self.last = Some(doc_id.to_string());
        let mut tables: [Vec<Keyed>; 4] = Default::default();
        for rec in records {
            let rows = rec.to_rows();
            for r in rows.entities {
                tables[ENTITIES].push(((r.start, r.end), r.cells()));
            }
            for r in rows.quotes {
                tables[QUOTES].push(((r.start, r.end), r.cells()));
            }
            for r in rows.relations {
                tables[RELATIONS].push(((r.start, r.end), r.cells()));
            }
            tables[DOCUMENTS].push(((0, 0), rows.document.cells()));
        }
        for (rows, t) in tables.iter_mut().zip(&mut self.tables) {
            // Stable: rows of one key keep the order they came in.
            rows.sort_by_key(|r| r.0);
            let w = t.w.as_mut().expect("open until commit");
            for (_, cells) in rows.iter() {
                w.write_record(cells)
                    .with_context(|| format!("{}: cannot write", t.tmp.display()))?;
            }
        }
        Ok(())
    }

    /// Flush and sync every file, then rename each into place.
    ///
    /// # Errors
    /// Flushing, syncing or renaming failed.
    pub fn commit(mut self) -> anyhow::Result<()> {
        for t in &mut self.tables {
            let w = t.w.take().expect("open until commit");
            let ctx = || format!("{}: cannot write", t.tmp.display());
            let buf = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))
                .with_context(ctx)?;
            let file = buf
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))
                .with_context(ctx)?;
            file.sync_all().with_context(ctx)?;
        }
        for t in &self.tables {
            std::fs::rename(&t.tmp, &t.path).with_context(|| {
                format!("cannot rename {} to {}", t.tmp.display(), t.path.display())
            })?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for CsvWriter {
    fn drop(&mut self) {
        if !self.committed {
            for t in &self.tables {
                let _ = std::fs::remove_file(&t.tmp);
            }
        }
    }
}

/// A row with its sort key inside one document.
type Keyed = ((usize, usize), Vec<String>);

const ENTITIES: usize = 0;
const QUOTES: usize = 1;
const RELATIONS: usize = 2;
const DOCUMENTS: usize = 3;
