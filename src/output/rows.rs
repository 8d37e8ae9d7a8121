//! The rows of the four files of the contract, and [`doc_rows`]: one document's output as
//! rows (code points, ids, canonical names).

use super::table::{format_score, guard};
use crate::doc::{CharIndex, DocOutput, Document, EntityId, RelationKind, Span};
use serde::{Deserialize, Serialize};

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

fn opt_num(v: Option<usize>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// One row of `entities.csv` (offsets in code points).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EntityRow {
    /// Document id (not in the JSON form: a [`crate::jsonl::DocRecord`] has it once).
    #[serde(skip)]
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
    /// The CSV cells of the row (text cells guarded, scores formatted).
    pub(super) fn cells(&self) -> Vec<String> {
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuoteRow {
    /// Document id (not in the JSON form: a [`crate::jsonl::DocRecord`] has it once).
    #[serde(skip)]
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
    /// The CSV cells of the row (text cells guarded, scores formatted).
    pub(super) fn cells(&self) -> Vec<String> {
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RelationRow {
    /// Document id (not in the JSON form: a [`crate::jsonl::DocRecord`] has it once).
    #[serde(skip)]
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
    /// The CSV cells of the row (text cells guarded, scores formatted).
    pub(super) fn cells(&self) -> Vec<String> {
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
    /// The CSV cells of the row (text cells guarded, scores formatted).
    pub(super) fn cells(&self) -> Vec<String> {
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
            let speaker_span = q.speaker.or(a.mention);
            let sp = speaker_span.map(|s| chars_of(&ix, text, s));
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
                speaker_text: speaker_span
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
