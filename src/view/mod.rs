//! `newsx view`: a static HTML review of an output folder, to read articles the way a reviewer
//! marks them up instead of matching offsets in four CSV files by hand.
//!
//! It sits after `extract` (and beside `eval`): it reads an output folder ([`data`]), the input
//! texts ([`crate::corpus`]) and, optionally, a gold set compared as `eval` compares it
//! ([`diff`]), and writes `index.html` plus one page per document under `docs/` ([`html`]). The
//! pages need no server and no network: CSS and a small script are inlined, the charts are
//! inline SVG. Every article text and CSV cell is escaped, offsets are code points as in the
//! contract, and marks are laid over the text from sorted boundaries ([`markup`]), so nested and
//! crossing spans come out right. The same inputs give byte-identical pages.
#![deny(missing_docs)]

pub mod data;
pub mod diff;
pub mod html;
pub mod markup;

use crate::corpus::{collect_inputs, read_document, InputFile, DEFAULT_MAX_BYTES};
use anyhow::Context;
use data::{Batch, DocRecords};
use diff::{Comparison, DocDiff};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// What to build a report from (the library's form of the `newsx view` command line).
#[derive(Debug, Clone)]
pub struct ReportSpec {
    /// The output folder.
    pub output: PathBuf,
    /// The input files or folders.
    pub inputs: Vec<PathBuf>,
    /// Where to write.
    pub out: PathBuf,
    /// Optional gold set.
    pub gold: Option<PathBuf>,
}

/// Which rows of a document can be marked in its text.
#[derive(Debug, Clone, Default)]
pub struct Valid {
    /// Per entity row.
    pub entities: Vec<bool>,
    /// Per quote row (the quoted content).
    pub quotes: Vec<bool>,
    /// Per quote row (its cue span).
    pub cues: Vec<bool>,
    /// Per quote row (its speaker span).
    pub speakers: Vec<bool>,
}

/// Everything one document's page shows.
#[derive(Debug, Clone)]
pub struct DocPage<'a> {
    /// The document.
    pub doc_id: &'a str,
    /// Its text, when it could be read.
    pub text: Option<&'a str>,
    /// Why there is no text.
    pub text_problem: Option<String>,
    /// Its rows.
    pub rec: &'a DocRecords,
    /// Which rows can be marked.
    pub valid: Valid,
    /// Rows that do not fit the text.
    pub warnings: Vec<String>,
    /// The comparison with gold, when the document is scored.
    pub diff: Option<&'a DocDiff>,
    /// Whether a gold set was given at all.
    pub gold_given: bool,
}

/// One line of the index.
#[derive(Debug, Clone, Default)]
pub struct IndexRow {
    /// The document.
    pub doc_id: String,
    /// Its page, relative to the index.
    pub file: String,
    /// `ok`, `error` or empty (from documents.csv).
    pub status: String,
    /// The error of documents.csv, or why the text is missing.
    pub error: String,
    /// Length in code points.
    pub chars: Option<usize>,
    /// Entity mentions.
    pub entities: usize,
    /// Quotes.
    pub quotes: usize,
    /// Relations.
    pub relations: usize,
    /// Rows that do not fit the text.
    pub warnings: usize,
    /// The text could not be read.
    pub text_problem: bool,
    /// With gold: differences, entity strict F1, quote F1 at g>=0.3.
    pub diff: Option<(usize, Option<f64>, Option<f64>)>,
}

/// The batch summary of the index.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Page title.
    pub title: String,
    /// People quoted most: canonical name and number of quotes.
    pub top_speakers: Vec<(String, usize)>,
    /// Caption of the quotes chart.
    pub quotes_caption: String,
    /// Quotes per document (few documents) or documents per number of quotes (many).
    pub quotes_chart: Vec<(String, usize)>,
    /// Entity mentions by label.
    pub entities_by_label: Vec<(String, usize)>,
    /// With gold: its name, the batch comparison, the number of documents scored.
    pub gold: Option<(String, DocDiff, usize)>,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct ReportStats {
    /// Pages written (documents).
    pub pages: usize,
    /// Documents whose page is incomplete: `(doc_id, reason)`.
    pub problems: Vec<(String, String)>,
}

/// Which rows fit `text` (`None`: no text, nothing can be marked), with a warning for each row
/// that does not.
pub fn check_rows(text: Option<&str>, rec: &DocRecords) -> (Valid, Vec<String>) {
    let mut warn = Vec::new();
    let Some(text) = text else {
        let v = Valid {
            entities: vec![false; rec.entities.len()],
            quotes: vec![false; rec.quotes.len()],
            cues: vec![false; rec.quotes.len()],
            speakers: vec![false; rec.quotes.len()],
        };
        return (v, warn);
    };
    let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    bytes.push(text.len());
    let n = bytes.len() - 1;
    let mut check = |file: &str, line: u64, what: &str, (s, e): (usize, usize), cell: &str| {
        if e > n {
            warn.push(format!(
                "{file} line {line}: {what} [{s}, {e}) is past the end of the text ({n} characters); not marked"
            ));
            return false;
        }
        if s == e {
            warn.push(format!(
                "{file} line {line}: {what} [{s}, {e}) is empty; not marked"
            ));
            return false;
        }
        let actual = &text[bytes[s]..bytes[e]];
        if !cell.is_empty() && cell != actual {
            warn.push(format!(
                "{file} line {line}: {what} text {cell:?} differs from the document's {actual:?} at [{s}, {e})"
            ));
        }
        true
    };
    let mut v = Valid::default();
    for e in &rec.entities {
        v.entities.push(check(
            "entities.csv",
            e.line,
            "entity",
            (e.start, e.end),
            &e.text,
        ));
    }
    for q in &rec.quotes {
        v.quotes.push(check(
            "quotes.csv",
            q.line,
            "quote",
            (q.start, q.end),
            &q.text,
        ));
        v.cues.push(
            q.cue_span
                .is_some_and(|sp| check("quotes.csv", q.line, "cue", sp, &q.cue)),
        );
        v.speakers.push(
            q.speaker_span
                .is_some_and(|sp| check("quotes.csv", q.line, "speaker", sp, &q.speaker_text)),
        );
    }
    if let Some(c) = rec.status.as_ref().and_then(|s| s.chars) {
        if c != n {
            warn.push(format!(
                "documents.csv gives {c} characters, the input has {n}: has the input changed since extract?"
            ));
        }
    }
    (v, warn)
}

/// 32-bit FNV-1a: a short, stable suffix for file names.
fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// File names under `docs/` for `doc_ids` (sorted): the id with every character outside
/// `[A-Za-z0-9._-]` made `_` (and `/` made `__`), cut to 80 characters; a hash of the id is
/// appended when that changed it or when two names would be equal ignoring case.
pub fn page_names<'a>(doc_ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for id in doc_ids {
        let mut s: String = id
            .chars()
            .flat_map(|c| match c {
                '/' => vec!['_', '_'],
                c if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' => vec![c],
                _ => vec!['_'],
            })
            .collect();
        if s.starts_with('.') || s.is_empty() {
            s.insert(0, '_');
        }
        let cut = s.len() > 80;
        s.truncate(80);
        if cut || s != id || used.contains(&s.to_lowercase()) {
            s = format!("{s}-{:08x}", fnv1a(id));
        }
        used.insert(s.to_lowercase());
        out.push(format!("docs/{s}.html"));
    }
    out
}

/// The batch summary from the rows.
pub fn summarise(batch: &Batch, title: String) -> Summary {
    let mut speakers: BTreeMap<String, usize> = BTreeMap::new();
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for rec in batch.docs.values() {
        let label_of: HashMap<&str, &str> = rec
            .entities
            .iter()
            .map(|e| (e.entity_id.as_str(), e.label.as_str()))
            .collect();
        for e in &rec.entities {
            *labels.entry(e.label.clone()).or_default() += 1;
        }
        for q in &rec.quotes {
            if q.speaker_entity_id.is_empty() {
                continue; // no named entity
            }
            if label_of
                .get(q.speaker_entity_id.as_str())
                .is_some_and(|l| *l != "PER")
            {
                continue; // an organisation speaking
            }
            let name = q.speaker.split_whitespace().collect::<Vec<_>>().join(" ");
            if !name.is_empty() {
                *speakers.entry(name).or_default() += 1;
            }
        }
    }
    let mut top: Vec<(String, usize)> = speakers.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(15);
    let mut by_label: Vec<(String, usize)> = Vec::new();
    for l in ["PER", "ORG", "LOC", "MISC"] {
        by_label.push((l.to_string(), labels.remove(l).unwrap_or(0)));
    }
    by_label.extend(labels);
    let (quotes_caption, quotes_chart) = if batch.docs.len() <= 40 {
        (
            "Quotes per document".to_string(),
            batch
                .docs
                .iter()
                .map(|(d, r)| (d.clone(), r.quotes.len()))
                .collect(),
        )
    } else {
        let mut h = [0usize; 11];
        for r in batch.docs.values() {
            h[r.quotes.len().min(10)] += 1;
        }
        (
            "Documents by number of quotes".to_string(),
            h.iter()
                .enumerate()
                .map(|(k, &c)| {
                    let l = if k == 10 {
                        "10 or more quotes".to_string()
                    } else {
                        format!("{k} quotes")
                    };
                    (l, c)
                })
                .collect(),
        )
    };
    Summary {
        title,
        top_speakers: top,
        quotes_caption,
        quotes_chart,
        entities_by_label: by_label,
        gold: None,
    }
}

fn f1s(d: &DocDiff) -> (usize, Option<f64>, Option<f64>) {
    use crate::eval::matching::Criterion;
    (
        d.errors.len(),
        d.entities.as_ref().map(|e| e.strict.f1()),
        d.quotes.as_ref().and_then(|q| {
            q.prf
                .get(&("all".to_string(), Criterion::Gold30))
                .map(|p| p.f1())
        }),
    )
}

/// Build the report described by `spec`: read everything, write `index.html` and `docs/*.html`.
///
/// A document whose text cannot be read, or whose rows do not fit its text, still gets its page
/// (saying so) and is listed in [`ReportStats::problems`].
///
/// # Errors
/// The output folder or the gold set cannot be read or is malformed (the message names file,
/// line and column), an input path does not exist, or the report cannot be written.
pub fn write_report(spec: &ReportSpec) -> anyhow::Result<ReportStats> {
    let mut batch = data::read_batch(&spec.output)?;
    let comparison: Option<Comparison> = match &spec.gold {
        Some(g) => Some(diff::compare(g, &spec.output)?),
        None => None,
    };
    if let Some(c) = &comparison {
        for d in c.docs.keys() {
            batch.docs.entry(d.clone()).or_default();
        }
    }
    let inputs: HashMap<String, InputFile> = collect_inputs(&spec.inputs)?
        .into_iter()
        .map(|f| (f.doc_id.clone(), f))
        .collect();
    let docs_dir = spec.out.join("docs");
    std::fs::create_dir_all(&docs_dir)
        .with_context(|| format!("{}: cannot create the report folder", docs_dir.display()))?;
    let names = page_names(batch.docs.keys().map(String::as_str));
    let mut stats = ReportStats::default();
    let mut rows = Vec::with_capacity(batch.docs.len());
    for ((doc_id, rec), file) in batch.docs.iter().zip(names) {
        let (text, text_problem) = match inputs.get(doc_id) {
            Some(f) => match read_document(f, DEFAULT_MAX_BYTES) {
                Ok(d) => (Some(d.text), None),
                Err(e) => (None, Some(format!("cannot show the text: {e}"))),
            },
            None => (
                None,
                Some(format!(
                    "cannot show the text: no input file has the doc_id {doc_id:?} (inputs: {})",
                    spec.inputs
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
        };
        let (valid, warnings) = check_rows(text.as_deref(), rec);
        let extract_failed = rec.status.as_ref().is_some_and(|s| s.status == "error");
        if let Some(p) = &text_problem {
            if !extract_failed {
                stats.problems.push((doc_id.clone(), p.clone()));
            }
        } else if !warnings.is_empty() {
            stats.problems.push((
                doc_id.clone(),
                format!(
                    "{} rows do not fit the text: {}",
                    warnings.len(),
                    warnings[0]
                ),
            ));
        }
        let diff = comparison.as_ref().and_then(|c| c.docs.get(doc_id));
        let page = DocPage {
            doc_id,
            text: text.as_deref(),
            text_problem: text_problem.clone(),
            rec,
            valid,
            warnings,
            diff,
            gold_given: comparison.is_some(),
        };
        let html = html::doc_page(&page);
        let path = spec.out.join(&file);
        std::fs::write(&path, html).with_context(|| format!("{}: cannot write", path.display()))?;
        stats.pages += 1;
        let st = rec.status.as_ref();
        let mut error = st.map(|s| s.error.clone()).unwrap_or_default();
        if error.is_empty() {
            if let Some(p) = &text_problem {
                error = p.clone();
            }
        }
        rows.push(IndexRow {
            doc_id: doc_id.clone(),
            file,
            status: st.map(|s| s.status.clone()).unwrap_or_default(),
            error,
            chars: text
                .as_deref()
                .map(markup::char_len)
                .or(st.and_then(|s| s.chars)),
            entities: rec.entities.len(),
            quotes: rec.quotes.len(),
            relations: rec.relations.len(),
            warnings: page.warnings.len(),
            text_problem: text_problem.is_some(),
            diff: diff.map(f1s),
        });
    }
    let mut summary = summarise(&batch, format!("Review of {}", spec.output.display()));
    if let Some(c) = comparison {
        let n = c.docs.len();
        summary.gold = Some((c.source, c.total, n));
    }
    let index = spec.out.join("index.html");
    std::fs::write(&index, html::index_page(&summary, &rows))
        .with_context(|| format!("{}: cannot write", index.display()))?;
    Ok(stats)
}
