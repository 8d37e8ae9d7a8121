//! The CSV edge: flat row types for the four files of the output contract
//! (`shared/spec/output-format.md`), the [`CsvSink`] that writes them, and the readers `eval` uses
//! for gold and predicted folders.
//!
//! Contract rules implemented here: RFC 4180 with a header row and `\n` line ends; code-point
//! offsets (converted from the byte spans of [`crate::doc`]); the formula-injection guard on text
//! cells (a leading `'` before `= + - @ TAB CR`, stripped again by the readers); an optional UTF-8
//! BOM for spreadsheet programs (`--excel`); rows sorted by `doc_id, start, end`; files written
//! under a temporary name and renamed only when complete.
#![deny(missing_docs)]

use crate::corpus::InputFile;
use crate::doc::{CharIndex, DocOutput, Document, RelationKind, Span};
use anyhow::Context;
use std::fmt;
use std::io::Write;
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
    let eid = |n: usize| format!("E{}", n + 1);
    let mut entities: Vec<EntityRow> = out
        .entities
        .iter()
        .map(|e| {
            let (start, end) = chars_of(&ix, text, e.span);
            EntityRow {
                doc_id: id.clone(),
                start,
                end,
                text: slice(text, e.span).to_string(),
                label: e.label.as_str().to_string(),
                entity_id: eid(e.entity),
                canonical: out
                    .groups
                    .get(e.entity)
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
                speaker_entity_id: q.speaker_entity.map(eid).unwrap_or_default(),
                speaker: q.speaker_name.clone().unwrap_or_default(),
                score: Some(f64::from(q.score)),
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
                        .and_then(|q| qnum.get(q))
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

/// A row buffered by the sink with its sort key.
type Keyed = ((String, usize, usize), Vec<String>);

/// One output file being prepared: its final and temporary path, and its rows.
struct Table {
    path: PathBuf,
    tmp: PathBuf,
    columns: &'static [&'static str],
    rows: Vec<Keyed>,
}

impl Table {
    fn new(dir: &Path, name: &str, columns: &'static [&'static str]) -> anyhow::Result<Table> {
        let path = dir.join(name);
        let tmp = temp_path(&path);
        // Create it now so that an unwritable output folder fails before any work.
        std::fs::File::create(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
        Ok(Table {
            path,
            tmp,
            columns,
            rows: Vec::new(),
        })
    }

    fn push(&mut self, doc_id: &str, start: usize, end: usize, cells: Vec<String>) {
        self.rows.push(((doc_id.to_string(), start, end), cells));
    }

    fn write(&mut self, excel: bool) -> anyhow::Result<()> {
        // Stable: rows of one key keep the order they were added in.
        self.rows.sort_by(|a, b| a.0.cmp(&b.0));
        write_csv_file(
            &self.path,
            self.columns,
            self.rows.iter().map(|r| &r.1),
            excel,
        )
    }
}

/// The temporary name a CSV file is written under before it is renamed into place.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
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

/// The single writer of an output folder. Collects the rows of every document, then
/// [`CsvSink::finish`] sorts them and writes `entities.csv`, `quotes.csv`, `relations.csv` and
/// `documents.csv`, each under a temporary name renamed when complete: an interrupted run leaves
/// no half-written CSV (and a dropped, unfinished sink removes its temporary files).
pub struct CsvSink {
    excel: bool,
    tables: Vec<Table>,
}

const ENTITIES: usize = 0;
const QUOTES: usize = 1;
const RELATIONS: usize = 2;
const DOCUMENTS: usize = 3;

impl CsvSink {
    /// Prepare writing into `out_dir` (created if missing); `excel` adds a UTF-8 BOM to every file.
    ///
    /// # Errors
    /// The folder cannot be created or written to.
    pub fn create(out_dir: &Path, excel: bool) -> anyhow::Result<CsvSink> {
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("{}: cannot create output folder", out_dir.display()))?;
        let mut sink = CsvSink {
            excel,
            tables: Vec::new(),
        };
        sink.tables
            .push(Table::new(out_dir, "entities.csv", &ENTITY_COLUMNS)?);
        sink.tables
            .push(Table::new(out_dir, "quotes.csv", &QUOTE_COLUMNS)?);
        sink.tables
            .push(Table::new(out_dir, "relations.csv", &RELATION_COLUMNS)?);
        sink.tables
            .push(Table::new(out_dir, "documents.csv", &DOCUMENT_COLUMNS)?);
        Ok(sink)
    }

    /// Add the results of one document.
    pub fn add(&mut self, doc: &Document, out: &DocOutput) {
        self.add_rows(doc_rows(doc, out));
    }

    /// Add rows already converted (see [`doc_rows`]).
    pub fn add_rows(&mut self, rows: DocRows) {
        for r in rows.entities {
            self.tables[ENTITIES].push(&r.doc_id, r.start, r.end, r.cells());
        }
        for r in rows.quotes {
            self.tables[QUOTES].push(&r.doc_id, r.start, r.end, r.cells());
        }
        for r in rows.relations {
            self.tables[RELATIONS].push(&r.doc_id, r.start, r.end, r.cells());
        }
        let d = rows.document;
        self.tables[DOCUMENTS].push(&d.doc_id, 0, 0, d.cells());
    }

    /// Record a document that could not be read or processed: a `documents.csv` row with
    /// `status=error` and the message on one line.
    pub fn add_error(&mut self, f: &InputFile, message: &str) {
        let row = DocumentRow {
            doc_id: f.doc_id.clone(),
            path: f.path.display().to_string(),
            status: "error".to_string(),
            error: message.split_whitespace().collect::<Vec<_>>().join(" "),
            ..DocumentRow::default()
        };
        self.tables[DOCUMENTS].push(&row.doc_id, 0, 0, row.cells());
    }

    /// Sort and write every file, then rename each into place.
    ///
    /// # Errors
    /// Writing, flushing or renaming failed.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let excel = self.excel;
        for t in &mut self.tables {
            t.write(excel)?;
        }
        Ok(())
    }
}

impl Drop for CsvSink {
    fn drop(&mut self) {
        for t in &self.tables {
            let _ = std::fs::remove_file(&t.tmp); // gone already after a successful finish
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
    use crate::doc::{Entity, EntityGroup, Label, Quote, QuoteKind, Relation};

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
            entities: vec![
                Entity {
                    span: lee2,
                    label: Label::Per,
                    score: 0.5,
                    entity: 0,
                },
                Entity {
                    span: ann,
                    label: Label::Per,
                    score: 0.9,
                    entity: 0,
                },
            ],
            groups: vec![EntityGroup {
                canonical: "Ann Lee".into(),
                label: Label::Per,
            }],
            quotes: vec![Quote {
                kind: QuoteKind::Direct,
                span: b("Go,"),
                cue: Some(b("said")),
                speaker: Some(ann),
                speaker_entity: Some(0),
                speaker_name: Some("Ann Lee".into()),
                score: 0.8,
            }],
            relations: vec![Relation {
                subject: 0,
                kind: RelationKind::Said,
                quote: Some(0),
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
