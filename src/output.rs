//! The CSV edge: flat row types for the four files of the output contract
//! (`shared/spec/output-format.md`), the [`CsvSink`] that writes them, and the readers `eval` uses
//! for gold and predicted folders.
//!
//! Contract rules implemented here: RFC 4180 with a header row and `\n` line ends; code-point
//! offsets (converted from the byte spans of [`crate::doc`]); the formula-injection guard on text
//! cells (a leading `'` before `= + - @ TAB CR`, stripped again by the readers); an optional UTF-8
//! BOM for spreadsheet programs (`--excel`); rows sorted by `doc_id, start, end`; files written
//! under a temporary name and renamed only when complete.
//!
//! Memory stays bounded: [`CsvSink`] puts each document's rows on disk as it comes (a JSON line
//! of [`crate::jsonl`] in a spool that `--resume` reads back) and writes the sorted CSV files
//! from there at the end, one document at a time ([`CsvWriter`]).
#![deny(missing_docs)]

use crate::corpus::InputFile;
use crate::doc::{CharIndex, DocOutput, Document, EntityId, RelationKind, Span};
use crate::jsonl::DocRecord;
use anyhow::Context;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, Seek, Write};
use std::path::{Path, PathBuf};

/// Columns of `entities.csv`.
pub const ENTITY_COLUMNS: [&str; 8] = [
    "doc_id",
    "start",
    "end",
    "text",
    "label",
    "entity_id",
    "canonical",
    "score",
];
/// Columns of `quotes.csv`.
pub const QUOTE_COLUMNS: [&str; 15] = [
    "doc_id",
    "quote_id",
    "kind",
    "start",
    "end",
    "text",
    "cue",
    "cue_start",
    "cue_end",
    "speaker_text",
    "speaker_start",
    "speaker_end",
    "speaker_entity_id",
    "speaker",
    "score",
];
/// Columns of `relations.csv`.
pub const RELATION_COLUMNS: [&str; 9] = [
    "doc_id",
    "relation_id",
    "subject_id",
    "relation",
    "object_id",
    "object_text",
    "start",
    "end",
    "score",
];
/// Columns of `documents.csv`.
pub const DOCUMENT_COLUMNS: [&str; 7] = [
    "doc_id", "path", "status", "chars", "entities", "quotes", "error",
];

/// Characters that make a spreadsheet read a cell as a formula.
const GUARD_CHARS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The formula-injection guard for a text cell: a leading `'` when the cell starts with
/// `= + - @ TAB CR`.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(GUARD_CHARS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undo [`guard`]: drop a leading `'` that stands before `= + - @ TAB CR`.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(GUARD_CHARS) => rest,
        _ => cell,
    }
}

/// A score cell: at most 4 decimals, no trailing zeros; empty when not finite.
pub fn format_score(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let r = (x * 10_000.0).round() / 10_000.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    format!("{r}")
}

fn opt_num(v: Option<usize>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// One row of `entities.csv` (offsets in code points).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityRow {
    /// Document id.
    pub doc_id: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The mention text.
    pub text: String,
    /// `PER`, `ORG`, `LOC` or `MISC`.
    pub label: String,
    /// `E1`, `E2`… (empty when unknown).
    pub entity_id: String,
    /// Canonical name of the entity.
    pub canonical: String,
    /// Confidence (empty when unknown).
    pub score: Option<f64>,
}

impl EntityRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.start.to_string(),
            self.end.to_string(),
            guard(&self.text),
            self.label.clone(),
            self.entity_id.clone(),
            guard(&self.canonical),
            self.score.map(format_score).unwrap_or_default(),
        ]
    }
}

/// One row of `quotes.csv` (offsets in code points).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteRow {
    /// Document id.
    pub doc_id: String,
    /// `Q1`, `Q2`… in text order.
    pub quote_id: String,
    /// `direct`, `mixed`, `indirect` (empty when unknown).
    pub kind: String,
    /// First code point of the quoted content.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// The quoted content.
    pub text: String,
    /// The reporting verb or phrase.
    pub cue: String,
    /// Cue start.
    pub cue_start: Option<usize>,
    /// Cue end.
    pub cue_end: Option<usize>,
    /// The speaker mention.
    pub speaker_text: String,
    /// Speaker mention start.
    pub speaker_start: Option<usize>,
    /// Speaker mention end.
    pub speaker_end: Option<usize>,
    /// The entity the speaker resolves to (`E3`), empty for an unnamed speaker.
    pub speaker_entity_id: String,
    /// Canonical speaker name, or the mention for an unnamed speaker.
    pub speaker: String,
    /// Confidence (empty when unknown).
    pub score: Option<f64>,
}

impl QuoteRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.quote_id.clone(),
            self.kind.clone(),
            self.start.to_string(),
            self.end.to_string(),
            guard(&self.text),
            guard(&self.cue),
            opt_num(self.cue_start),
            opt_num(self.cue_end),
            guard(&self.speaker_text),
            opt_num(self.speaker_start),
            opt_num(self.speaker_end),
            self.speaker_entity_id.clone(),
            guard(&self.speaker),
            self.score.map(format_score).unwrap_or_default(),
        ]
    }
}

/// One row of `relations.csv` (offsets in code points).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelationRow {
    /// Document id.
    pub doc_id: String,
    /// `R1`, `R2`…
    pub relation_id: String,
    /// Subject entity id.
    pub subject_id: String,
    /// `said` or `has_role`.
    pub relation: String,
    /// Object id (a quote id for `said`).
    pub object_id: String,
    /// Literal object (a role for `has_role`).
    pub object_text: String,
    /// Evidence start.
    pub start: usize,
    /// Evidence end.
    pub end: usize,
    /// Confidence (empty when unknown).
    pub score: Option<f64>,
}

impl RelationRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            self.relation_id.clone(),
            self.subject_id.clone(),
            self.relation.clone(),
            self.object_id.clone(),
            guard(&self.object_text),
            self.start.to_string(),
            self.end.to_string(),
            self.score.map(format_score).unwrap_or_default(),
        ]
    }
}

/// One row of `documents.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentRow {
    /// Document id.
    pub doc_id: String,
    /// Path it was read from.
    pub path: String,
    /// `ok` or `error`.
    pub status: String,
    /// Length in code points (empty on error).
    pub chars: Option<usize>,
    /// Number of entity mentions.
    pub entities: Option<usize>,
    /// Number of quotes.
    pub quotes: Option<usize>,
    /// One-line reason when `status` is `error`.
    pub error: String,
}

impl DocumentRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.doc_id.clone(),
            guard(&self.path),
            self.status.clone(),
            opt_num(self.chars),
            opt_num(self.entities),
            opt_num(self.quotes),
            guard(&self.error),
        ]
    }
}

/// Code-point offsets of a byte span; an end off a char boundary (a bug upstream) is moved back
/// to the boundary before it rather than aborting the run.
fn chars_of(ix: &CharIndex, text: &str, span: Span) -> (usize, usize) {
    let floor = |mut b: usize| {
        b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        ix.byte_to_char(b).unwrap_or(0)
    };
    (floor(span.start), floor(span.end))
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}

/// All rows of one document, converted to the contract (code points, ids, canonical names).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocRows {
    /// `entities.csv` rows, sorted.
    pub entities: Vec<EntityRow>,
    /// `quotes.csv` rows, sorted and numbered.
    pub quotes: Vec<QuoteRow>,
    /// `relations.csv` rows, sorted and numbered.
    pub relations: Vec<RelationRow>,
    /// The `documents.csv` row.
    pub document: DocumentRow,
}

/// Convert one document's output to CSV rows: byte spans become code points, entity indices
/// become `E{n+1}`, quotes are numbered `Q1`… in text order and relations `R1`… in span order.
pub fn doc_rows(doc: &Document, out: &DocOutput) -> DocRows {
    let ix = doc.char_index();
    let text = doc.text.as_str();
    let id = &doc.id;
    let eid = |n: EntityId| format!("E{}", n.0 + 1);
    let mut entities: Vec<EntityRow> = out
        .mentions
        .iter()
        .zip(&out.entities.of_mention)
        .map(|(e, &entity)| {
            let (start, end) = chars_of(&ix, text, e.span);
            EntityRow {
                doc_id: id.clone(),
                start,
                end,
                text: slice(text, e.span).to_string(),
                label: e.label.as_str().to_string(),
                entity_id: eid(entity),
                canonical: out
                    .entities
                    .list
                    .get(entity.0)
                    .map(|g| g.canonical.clone())
                    .unwrap_or_default(),
                score: Some(f64::from(e.score)),
            }
        })
        .collect();
    entities.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));

    // Quotes in text order; `qnum[i]` is the number of `out.quotes[i]`.
    let mut order: Vec<usize> = (0..out.quotes.len()).collect();
    order.sort_by_key(|&i| (out.quotes[i].span.start, out.quotes[i].span.end, i));
    let mut qnum = vec![0; out.quotes.len()];
    for (n, &i) in order.iter().enumerate() {
        qnum[i] = n + 1;
    }
    let quotes: Vec<QuoteRow> = order
        .iter()
        .map(|&i| {
            let q = &out.quotes[i];
            let a = out.attributions.get(i).cloned().unwrap_or_default();
            let (start, end) = chars_of(&ix, text, q.span);
            let cue = q.cue.map(|s| chars_of(&ix, text, s));
            let sp = q.speaker.map(|s| chars_of(&ix, text, s));
            QuoteRow {
                doc_id: id.clone(),
                quote_id: format!("Q{}", qnum[i]),
                kind: q.kind.as_str().to_string(),
                start,
                end,
                text: slice(text, q.span).to_string(),
                cue: q
                    .cue
                    .map(|s| slice(text, s).to_string())
                    .unwrap_or_default(),
                cue_start: cue.map(|c| c.0),
                cue_end: cue.map(|c| c.1),
                speaker_text: q
                    .speaker
                    .map(|s| slice(text, s).to_string())
                    .unwrap_or_default(),
                speaker_start: sp.map(|c| c.0),
                speaker_end: sp.map(|c| c.1),
                speaker_entity_id: a.entity.map(eid).unwrap_or_default(),
                speaker: a.name.unwrap_or_default(),
                score: Some(f64::from(a.score)),
            }
        })
        .collect();

    let mut rels: Vec<&crate::doc::Relation> = out.relations.iter().collect();
    rels.sort_by_key(|r| (r.span.start, r.span.end, r.subject));
    let relations = rels
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let (start, end) = chars_of(&ix, text, r.span);
            let (relation, object_id) = match r.kind {
                RelationKind::Said => (
                    "said",
                    r.quote
                        .and_then(|q| qnum.get(q.0))
                        .map(|n| format!("Q{n}"))
                        .unwrap_or_default(),
                ),
                RelationKind::HasRole => ("has_role", String::new()),
            };
            RelationRow {
                doc_id: id.clone(),
                relation_id: format!("R{}", n + 1),
                subject_id: eid(r.subject),
                relation: relation.to_string(),
                object_id,
                object_text: r.object_text.clone().unwrap_or_default(),
                start,
                end,
                score: Some(f64::from(r.score)),
            }
        })
        .collect();
    let document = DocumentRow {
        doc_id: id.clone(),
        path: doc.path.display().to_string(),
        status: "ok".to_string(),
        chars: Some(ix.char_len()),
        entities: Some(entities.len()),
        quotes: Some(quotes.len()),
        error: String::new(),
    };
    DocRows {
        entities,
        quotes,
        relations,
        document,
    }
}

/// The folder, inside the output folder, where a run keeps the documents it has finished
/// (`spool.jsonl`, one [`DocRecord`] a line, and `settings.json`) until the CSV files are written.
pub const PARTIAL_DIR: &str = ".newsx-partial";
const SPOOL: &str = "spool.jsonl";
const SETTINGS: &str = "settings.json";
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
fn remove_temp_csvs(dir: &Path) -> anyhow::Result<()> {
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

// --------------------------------------------------------------------------------- reading

/// A problem in a CSV file, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (field number), when the problem is in one field.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ": line {}", self.line)?;
        }
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CsvError {}

/// A CSV file read whole: header and records, the guard stripped from every cell.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// The file.
    pub path: PathBuf,
    /// Column names (surrounding blanks trimmed).
    pub header: Vec<String>,
    /// Records with the line each starts on; blank records are skipped.
    pub rows: Vec<(u64, Vec<String>)>,
}

impl CsvTable {
    /// Read a CSV file (a UTF-8 BOM is tolerated; short records read as empty cells).
    ///
    /// # Errors
    /// The file cannot be read or is not valid CSV/UTF-8; the error has the line.
    pub fn read(path: &Path) -> Result<CsvTable, CsvError> {
        let err = |line, message: String| CsvError {
            path: path.to_path_buf(),
            line,
            column: None,
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err(0, format!("cannot read: {e}")))?;
        let body = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&bytes);
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut header = None;
        let mut rows = Vec::new();
        for rec in rd.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                err(line, format!("bad CSV: {e}"))
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if header.is_none() {
                header = Some(rec.iter().map(|h| h.trim().to_string()).collect());
                continue;
            }
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((line, rec.iter().map(|c| unguard(c).to_string()).collect()));
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            header: header.unwrap_or_default(),
            rows,
        })
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Index of a column that must be there.
    ///
    /// # Errors
    /// The header lacks it.
    pub fn require(&self, name: &str) -> Result<usize, CsvError> {
        self.column(name).ok_or_else(|| CsvError {
            path: self.path.clone(),
            line: 1,
            column: None,
            message: format!(
                "missing column {name:?} (header: {})",
                self.header.join(",")
            ),
        })
    }

    /// A cell (empty when the column is absent or the record short).
    pub fn cell<'a>(&self, row: &'a [String], col: Option<usize>) -> &'a str {
        col.and_then(|c| row.get(c))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// A non-negative integer cell; `None` when the column is absent or the cell empty.
    ///
    /// # Errors
    /// The cell holds something else; the error has line and column.
    pub fn number(
        &self,
        line: u64,
        row: &[String],
        col: Option<usize>,
    ) -> Result<Option<usize>, CsvError> {
        let v = self.cell(row, col).trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<usize>().map(Some).map_err(|_| CsvError {
            path: self.path.clone(),
            line,
            column: col.map(|c| c + 1),
            message: format!(
                "{}: expected a non-negative integer, found {v:?}",
                col.and_then(|c| self.header.get(c))
                    .map(|s| s.as_str())
                    .unwrap_or("?")
            ),
        })
    }

    /// The start and end cells of a row (columns `sc`, `ec`): both required, `start <= end`.
    ///
    /// # Errors
    /// A cell is empty or not a number, or the end is before the start.
    pub fn span(
        &self,
        line: u64,
        row: &[String],
        sc: usize,
        ec: usize,
    ) -> Result<(usize, usize), CsvError> {
        let s = self.number(line, row, Some(sc))?;
        let e = self.number(line, row, Some(ec))?;
        let (Some(s), Some(e)) = (s, e) else {
            let col = if s.is_none() { sc } else { ec };
            return Err(self.error(line, Some(col), format!("{} is empty", self.header[col])));
        };
        if e < s {
            return Err(self.error(line, Some(ec), format!("end {e} is before start {s}")));
        }
        Ok((s, e))
    }

    /// The `doc_id` cell of a row (column `dc`), trimmed.
    ///
    /// # Errors
    /// The cell is empty.
    pub fn doc_id<'a>(&self, line: u64, row: &'a [String], dc: usize) -> Result<&'a str, CsvError> {
        let d = self.cell(row, Some(dc)).trim();
        if d.is_empty() {
            return Err(self.error(line, Some(dc), "doc_id is empty".into()));
        }
        Ok(d)
    }

    /// An error at a record and column.
    pub fn error(&self, line: u64, col: Option<usize>, message: String) -> CsvError {
        CsvError {
            path: self.path.clone(),
            line,
            column: col.map(|c| c + 1),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{
        Attribution, Entities, Entity, Label, Mention, Quote, QuoteId, QuoteKind, Relation,
    };

    #[test]
    fn guard_round_trip() {
        for s in [
            "=1+2", "+x", "-3", "@a", "\tx", "\rx", "'x", "plain", "", "'",
        ] {
            assert_eq!(unguard(&guard(s)), s);
        }
        // The contract's one ambiguity: a text that itself starts with `'=` reads back without
        // its apostrophe (as in every reader of the contract).
        assert_eq!(unguard(&guard("'=x")), "=x");
        assert_eq!(guard("-5"), "'-5");
        assert_eq!(guard("a-5"), "a-5");
        assert_eq!(unguard("'hello"), "'hello");
    }

    proptest::proptest! {
        /// Any cells survive writing and reading back (the guard added and stripped), except a
        /// text that itself starts with `'` before a guard character (the contract's ambiguity).
        #[test]
        fn csv_round_trip(cells in proptest::collection::vec("[=+@'\t\r\n\",a-z\u{201c}\u{e9} -]{0,8}", 1..6)) {
            proptest::prop_assume!(cells.iter().all(|c| unguard(c) == c.as_str()));
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.csv");
            let columns: Vec<String> = (0..cells.len()).map(|i| format!("c{i}")).collect();
            let cols: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
            let row: Vec<String> = cells.iter().map(|c| guard(c)).collect();
            // A row of blank cells is skipped by the reader; keep one non-blank cell.
            let rows = vec![row, vec!["x".to_string(); cells.len()]];
            write_csv_file(&path, &cols, &rows, true).unwrap();
            let t = CsvTable::read(&path).unwrap();
            proptest::prop_assert_eq!(&t.header, &columns);
            let blank = cells.iter().all(|c| c.trim().is_empty());
            let first = &t.rows[0].1;
            if !blank {
                proptest::prop_assert_eq!(first, &cells);
            }
        }
    }

    #[test]
    fn scores_have_at_most_four_decimals() {
        assert_eq!(format_score(0.123456), "0.1235");
        assert_eq!(format_score(f64::from(0.95f32)), "0.95");
        assert_eq!(format_score(1.0), "1");
        assert_eq!(format_score(f64::NAN), "");
        assert_eq!(format_score(-0.00001), "0");
    }

    #[test]
    fn rows_use_code_points_and_ids() {
        let text = "\u{201c}Go,\u{201d} said Ann Lee. Lee left.";
        let doc = Document {
            id: "d".into(),
            path: "d.txt".into(),
            text: text.into(),
        };
        let b = |s: &str| {
            let i = text.find(s).unwrap();
            Span::new(i, i + s.len())
        };
        let ann = b("Ann Lee");
        let lee2 = Span::new(text.rfind("Lee").unwrap(), text.rfind("Lee").unwrap() + 3);
        let out = DocOutput {
            mentions: vec![
                Mention {
                    span: lee2,
                    label: Label::Per,
                    score: 0.5,
                },
                Mention {
                    span: ann,
                    label: Label::Per,
                    score: 0.9,
                },
            ],
            entities: Entities {
                list: vec![Entity {
                    canonical: "Ann Lee".into(),
                    label: Label::Per,
                }],
                of_mention: vec![EntityId(0), EntityId(0)],
            },
            quotes: vec![Quote {
                kind: QuoteKind::Direct,
                span: b("Go,"),
                cue: Some(b("said")),
                speaker: Some(ann),
                score: 0.9,
            }],
            attributions: vec![Attribution {
                entity: Some(EntityId(0)),
                name: Some("Ann Lee".into()),
                score: 0.8,
            }],
            relations: vec![Relation {
                subject: EntityId(0),
                kind: RelationKind::Said,
                quote: Some(QuoteId(0)),
                object_text: None,
                span: b("said Ann Lee"),
                score: 0.8,
            }],
        };
        let rows = doc_rows(&doc, &out);
        assert_eq!(rows.entities[0].start, 11);
        assert_eq!(rows.entities[0].text, "Ann Lee");
        assert_eq!(rows.entities[1].canonical, "Ann Lee");
        assert_eq!(rows.quotes[0].start, 1);
        assert_eq!(rows.quotes[0].end, 4);
        assert_eq!(rows.quotes[0].cue_start, Some(6));
        assert_eq!(rows.quotes[0].speaker_entity_id, "E1");
        assert_eq!(rows.relations[0].object_id, "Q1");
        assert_eq!(rows.document.chars, Some(text.chars().count()));
    }
}
