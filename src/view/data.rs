//! Reading an output folder of `newsx extract` (or any folder in the CSV contract, a gold set
//! included) into rows grouped by document, with the positions needed for messages.

use crate::output::{CsvError, CsvTable};
use std::collections::BTreeMap;
use std::path::Path;

/// One row of `entities.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityRec {
    /// Line in the file (for messages).
    pub line: u64,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The `text` cell.
    pub text: String,
    /// `PER`, `ORG`, `LOC`, `MISC` (or whatever the file says).
    pub label: String,
    /// Document-local entity id (may be empty).
    pub entity_id: String,
    /// Canonical name (may be empty).
    pub canonical: String,
    /// The score cell as written.
    pub score: String,
}

/// One row of `quotes.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteRec {
    /// Line in the file.
    pub line: u64,
    /// `Q1`…
    pub quote_id: String,
    /// `direct`, `mixed`, `indirect` (lower-cased) or empty.
    pub kind: String,
    /// First code point of the quoted content.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// The `text` cell.
    pub text: String,
    /// Reporting verb or phrase.
    pub cue: String,
    /// Cue span, when given.
    pub cue_span: Option<(usize, usize)>,
    /// The speaker mention as it stands in the text.
    pub speaker_text: String,
    /// Speaker mention span, when given.
    pub speaker_span: Option<(usize, usize)>,
    /// Entity the speaker resolves to (may be empty).
    pub speaker_entity_id: String,
    /// Canonical speaker.
    pub speaker: String,
    /// The score cell as written.
    pub score: String,
}

/// One row of `relations.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelationRec {
    /// `R1`…
    pub relation_id: String,
    /// Subject entity id.
    pub subject_id: String,
    /// `said`, `has_role`…
    pub relation: String,
    /// Object id (a quote id) or empty.
    pub object_id: String,
    /// Literal object (a role).
    pub object_text: String,
    /// The score cell as written.
    pub score: String,
}

/// One row of `documents.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocStatus {
    /// The input path as `extract` saw it.
    pub path: String,
    /// `ok` or `error`.
    pub status: String,
    /// Length in code points.
    pub chars: Option<usize>,
    /// The one-line reason of an error.
    pub error: String,
}

/// Everything the folder says about one document.
#[derive(Debug, Clone, Default)]
pub struct DocRecords {
    /// Entity mentions in file order.
    pub entities: Vec<EntityRec>,
    /// Quotes in file order.
    pub quotes: Vec<QuoteRec>,
    /// Relations in file order.
    pub relations: Vec<RelationRec>,
    /// The `documents.csv` row, when there is one.
    pub status: Option<DocStatus>,
}

/// An output folder read whole, by `doc_id`.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Documents by id.
    pub docs: BTreeMap<String, DocRecords>,
    /// Which of the four files were there.
    pub files: Vec<&'static str>,
}

/// An optional span: both cells empty is `None`; one of them empty, or `end < start`, is an
/// error.
fn opt_span(
    t: &CsvTable,
    line: u64,
    row: &[String],
    sc: Option<usize>,
    ec: Option<usize>,
) -> Result<Option<(usize, usize)>, CsvError> {
    match (t.number(line, row, sc)?, t.number(line, row, ec)?) {
        (None, None) => Ok(None),
        (Some(s), Some(e)) if s <= e => Ok(Some((s, e))),
        (Some(s), Some(e)) => Err(t.error(line, ec, format!("end {e} is before start {s}"))),
        _ => Err(t.error(line, sc, "only one end of the span is given".into())),
    }
}

/// Read the folder `dir`: `entities.csv`, `quotes.csv`, `relations.csv`, `documents.csv`, each
/// optional, at least one present.
///
/// # Errors
/// No such file at all, an unreadable file, a missing required column, a malformed number or
/// span; the message names the file, line and column.
pub fn read_batch(dir: &Path) -> anyhow::Result<Batch> {
    let mut b = Batch::default();
    let present = |f: &str| dir.join(f).is_file();
    if ![
        "entities.csv",
        "quotes.csv",
        "relations.csv",
        "documents.csv",
    ]
    .iter()
    .any(|f| present(f))
    {
        anyhow::bail!(
            "{}: no entities.csv, quotes.csv, relations.csv or documents.csv: not an output folder of newsx extract",
            dir.display()
        );
    }
    if present("documents.csv") {
        b.files.push("documents.csv");
        let t = CsvTable::read(&dir.join("documents.csv"))?;
        let dc = t.require("doc_id")?;
        let col = |n| t.column(n);
        let (pc, sc, cc, ec) = (col("path"), col("status"), col("chars"), col("error"));
        for (line, row) in &t.rows {
            let d = t.doc_id(*line, row, dc)?;
            b.docs.entry(d.to_string()).or_default().status = Some(DocStatus {
                path: t.cell(row, pc).to_string(),
                status: t.cell(row, sc).trim().to_string(),
                chars: t.number(*line, row, cc)?,
                error: t.cell(row, ec).to_string(),
            });
        }
    }
    if present("entities.csv") {
        b.files.push("entities.csv");
        let t = CsvTable::read(&dir.join("entities.csv"))?;
        let (dc, sc, ec, lc) = (
            t.require("doc_id")?,
            t.require("start")?,
            t.require("end")?,
            t.require("label")?,
        );
        let col = |n| t.column(n);
        let (tc, ic, cc, scc) = (
            col("text"),
            col("entity_id"),
            col("canonical"),
            col("score"),
        );
        for (line, row) in &t.rows {
            let d = t.doc_id(*line, row, dc)?;
            let (start, end) = t.span(*line, row, sc, ec)?;
            b.docs
                .entry(d.to_string())
                .or_default()
                .entities
                .push(EntityRec {
                    line: *line,
                    start,
                    end,
                    text: t.cell(row, tc).to_string(),
                    label: t.cell(row, Some(lc)).trim().to_string(),
                    entity_id: t.cell(row, ic).trim().to_string(),
                    canonical: t.cell(row, cc).to_string(),
                    score: t.cell(row, scc).trim().to_string(),
                });
        }
    }
    if present("quotes.csv") {
        b.files.push("quotes.csv");
        let t = CsvTable::read(&dir.join("quotes.csv"))?;
        let (dc, sc, ec) = (t.require("doc_id")?, t.require("start")?, t.require("end")?);
        let col = |n| t.column(n);
        for (line, row) in &t.rows {
            let d = t.doc_id(*line, row, dc)?;
            let (start, end) = t.span(*line, row, sc, ec)?;
            let cell = |n| t.cell(row, col(n)).to_string();
            let q = QuoteRec {
                line: *line,
                quote_id: cell("quote_id").trim().to_string(),
                kind: cell("kind").trim().to_lowercase(),
                start,
                end,
                text: cell("text"),
                cue: cell("cue"),
                cue_span: opt_span(&t, *line, row, col("cue_start"), col("cue_end"))?,
                speaker_text: cell("speaker_text"),
                speaker_span: opt_span(&t, *line, row, col("speaker_start"), col("speaker_end"))?,
                speaker_entity_id: cell("speaker_entity_id").trim().to_string(),
                speaker: cell("speaker"),
                score: cell("score").trim().to_string(),
            };
            b.docs.entry(d.to_string()).or_default().quotes.push(q);
        }
    }
    if present("relations.csv") {
        b.files.push("relations.csv");
        let t = CsvTable::read(&dir.join("relations.csv"))?;
        let dc = t.require("doc_id")?;
        let col = |n| t.column(n);
        for (line, row) in &t.rows {
            let d = t.doc_id(*line, row, dc)?;
            let cell = |n| t.cell(row, col(n)).to_string();
            b.docs
                .entry(d.to_string())
                .or_default()
                .relations
                .push(RelationRec {
                    relation_id: cell("relation_id").trim().to_string(),
                    subject_id: cell("subject_id").trim().to_string(),
                    relation: cell("relation").trim().to_string(),
                    object_id: cell("object_id").trim().to_string(),
                    object_text: cell("object_text"),
                    score: cell("score").trim().to_string(),
                });
        }
    }
    Ok(b)
}
