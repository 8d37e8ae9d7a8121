//! `newsx eval`: score a predicted set against a gold set, print a table, and optionally write
//! `scores.csv` and `errors.csv` for review in a spreadsheet.
//!
//! The figures follow the project's reference scorer (`shared/tools/score.py`): conlleval-strict
//! entities, quotes matched one-to-one by character overlap, speaker and cue accuracy on the
//! matched quotes. It adds nervaluate-style overlap and partial-credit entity scores, an `exact`
//! quote criterion, and the `mixed` and `indirect` quote subsets.
#![deny(missing_docs)]

pub mod gold;
pub mod matching;

use crate::output::{format_score, guard, write_csv_file};
use anyhow::Result;
use gold::{Format, Warnings};
pub use matching::{score_entities, Mention, QuoteMention};
use matching::{
    score_mentions, score_quotes, Criterion, EntityScores, ErrorRow, InDoc, Prf, QuoteScores,
    QUOTE_SUBSETS,
};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What `newsx eval` is to score (the library's form of its command line).
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The gold set.
    pub gold: PathBuf,
    /// The predictions.
    pub pred: PathBuf,
    /// Format of the gold set.
    pub gold_format: Format,
    /// Format of the predictions.
    pub pred_format: Format,
    /// The input folder the predictions were made from: also check that every predicted `text`
    /// equals `document[start..end]` (mismatches go to the report's warnings).
    pub input: Option<PathBuf>,
}

/// Everything `eval` computes.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The gold set read.
    pub gold: String,
    /// The predictions read.
    pub pred: String,
    /// Number of documents scored.
    pub documents: usize,
    /// Where the document list came from.
    pub universe: String,
    /// Entity scores, when the gold set has entities.
    pub entities: Option<EntityScores>,
    /// Quote scores, when the gold set has quotes.
    pub quotes: Option<QuoteScores>,
    /// One row per error, sorted by document and offset.
    pub errors: Vec<ErrorRow>,
    /// Problems that did not stop scoring.
    pub warnings: Warnings,
}

/// Score the predictions at `pred` against the gold set at `gold`.
///
/// The documents scored are those the gold set lists (its `documents.csv`, or the documents of
/// a BIO or brat set), else every document either side mentions; rows of other documents are
/// ignored and counted in the warnings.
///
/// # Errors
/// A set cannot be read or is malformed (the message names file, line and column).
pub fn evaluate(
    gold: &Path,
    gold_format: Format,
    pred: &Path,
    pred_format: Format,
) -> Result<Report> {
    let mut warn = Warnings::default();
    let g = gold::load(gold, gold_format, true, &mut warn)?;
    if !pred.exists() {
        anyhow::bail!("{}: prediction folder does not exist", pred.display());
    }
    let p = gold::load(pred, pred_format, false, &mut warn)?;
    let (universe, usrc) = match &g.documents {
        Some(d) => (d.clone(), "the gold set's documents"),
        None => {
            let mut ids = BTreeSet::new();
            for s in [&g, &p] {
                ids.extend(s.entities.iter().flatten().map(|m| m.doc_id.clone()));
                ids.extend(s.quotes.iter().flatten().map(|q| q.doc_id.clone()));
            }
            (ids, "union of gold and predicted doc_ids")
        }
    };
    let mut report = Report {
        gold: g.source.clone(),
        pred: p.source.clone(),
        documents: universe.len(),
        universe: usrc.to_string(),
        ..Default::default()
    };
    if g.entities.is_some() {
        let ge: Vec<Mention> = restrict(&g.entities, "gold entities", &universe, &mut warn);
        if p.entities.is_none() {
            warn.add("the prediction has no entities", p.source.clone());
        }
        let pe: Vec<Mention> = restrict(&p.entities, "predicted entities", &universe, &mut warn);
        let (s, errs) = score_mentions(&ge, &pe);
        report.entities = Some(s);
        report.errors.extend(errs);
    }
    if g.quotes.is_some() {
        let gq: Vec<QuoteMention> = restrict(&g.quotes, "gold quotes", &universe, &mut warn);
        if p.quotes.is_none() {
            warn.add("the prediction has no quotes", p.source.clone());
        }
        let pq: Vec<QuoteMention> = restrict(&p.quotes, "predicted quotes", &universe, &mut warn);
        let (s, errs) = score_quotes(&gq, &pq, p.quotes_have_kind);
        report.quotes = Some(s);
        report.errors.extend(errs);
    }
    if report.entities.is_none() && report.quotes.is_none() {
        anyhow::bail!(
            "{}: the gold set has neither entities nor quotes",
            gold.display()
        );
    }
    report.errors.sort_by_key(|e| e.key());
    report.warnings = warn;
    Ok(report)
}

/// The rows of `v` whose document is in `universe`; the others are counted in `warn`.
fn restrict<T: InDoc + Clone>(
    v: &Option<Vec<T>>,
    what: &str,
    universe: &BTreeSet<String>,
    warn: &mut Warnings,
) -> Vec<T> {
    let mut out = Vec::new();
    for x in v.iter().flatten() {
        if universe.contains(x.doc_id()) {
            out.push(x.clone());
        } else {
            warn.add(
                format!("{what} rows outside the scored documents (ignored)"),
                x.doc_id(),
            );
        }
    }
    out
}

/// Check that every predicted `text` equals `document[start..end]` (code points) for the
/// documents found under `input`; mismatches and offsets past the end go to `warn`.
///
/// # Errors
/// The input folder cannot be listed.
pub fn check_texts(pred: &gold::Set, input: &Path, warn: &mut Warnings) -> Result<()> {
    let mut texts = std::collections::HashMap::new();
    for f in crate::corpus::collect_inputs(&[input.to_path_buf()])? {
        if let Ok(doc) = crate::corpus::read_document(&f, crate::corpus::DEFAULT_MAX_BYTES) {
            texts.insert(f.doc_id, doc.text.chars().collect::<Vec<char>>());
        }
    }
    let items = pred
        .entities
        .iter()
        .flatten()
        .map(|m| ("entities", m.doc_id(), m.span(), m.text()));
    let quotes = pred
        .quotes
        .iter()
        .flatten()
        .map(|q| ("quotes", q.doc_id(), q.span(), q.text()));
    for (what, doc, (s, e), text) in items.chain(quotes) {
        let Some(chars) = texts.get(doc) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let actual: Option<String> = chars.get(s..e).map(|c| c.iter().collect());
        if actual.as_deref() != Some(text) {
            warn.add(
                format!("predicted {what}: text != document[start..end]"),
                format!(
                    "{doc} [{s}, {e}) {text:?} vs {:?}",
                    actual.unwrap_or_default()
                ),
            );
        }
    }
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:6.2}", 100.0 * x)
}

fn prf_cells(s: &Prf) -> String {
    format!("{} {} {}", pct(s.p()), pct(s.r()), pct(s.f1()))
}

/// The report as a readable table (percentages).
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "== {}  vs gold {}  ({} documents)",
        r.pred, r.gold, r.documents
    );
    if let Some(e) = &r.entities {
        let _ = writeln!(
            o,
            "Entities                    P      R     F1    gold   pred"
        );
        let mut line = |name: &str, s: &Prf| {
            let _ = writeln!(
                o,
                "  {name:<22} {}  {:6} {:6}",
                prf_cells(s),
                s.gold,
                s.pred
            );
        };
        line("strict (conlleval)", &e.strict);
        for (lab, s) in &e.per_label {
            line(&format!("  {lab}"), s);
        }
        line("span (any label)", &e.span);
        line("overlap (same label)", &e.overlap);
        line("partial (any label)", &e.partial);
        let _ = writeln!(o, "  macro F1 {:.2}", 100.0 * e.macro_f1);
    }
    if let Some(q) = &r.quotes {
        let _ = writeln!(
            o,
            "Quotes: gold {} {:?}; pred {} {:?}",
            q.gold, q.gold_by_kind, q.pred, q.pred_by_kind
        );
        let _ = writeln!(
            o,
            "                            P      R     F1  [tp_gold/gold tp_pred/pred]"
        );
        for sub in QUOTE_SUBSETS {
            for c in Criterion::ALL {
                let s = &q.prf[&(sub.to_string(), c)];
                let _ = writeln!(
                    o,
                    "  {sub:<9} {:<13} {}  [{}/{} {}/{}]",
                    c.name(),
                    prf_cells(s),
                    s.tp_gold,
                    s.gold,
                    s.tp_pred,
                    s.pred
                );
            }
        }
        for sub in QUOTE_SUBSETS {
            let a = &q.attribution[sub];
            let acc = |k: usize, n: usize| 100.0 * matching::ratio(k as f64, n as f64);
            let _ = writeln!(
                o,
                "  {sub:<9} matched@g>=0.3 {}: speaker strict {:.1}% lenient {:.1}% (n={}); cue {:.1}% (n={}); kind {:.1}% (n={})",
                a.matched,
                acc(a.speaker_strict, a.speaker_n),
                acc(a.speaker_lenient, a.speaker_n),
                a.speaker_n,
                acc(a.cue_ok, a.cue_n),
                a.cue_n,
                acc(a.kind_ok, a.kind_n),
                a.kind_n
            );
            let _ = writeln!(
                o,
                "  {sub:<9} quote+speaker (g>=0.3, lenient) {}",
                prf_cells(&a.e2e)
            );
        }
    }
    let _ = writeln!(o, "Errors: {} (see errors.csv with --out)", r.errors.len());
    if !r.warnings.0.is_empty() {
        let _ = writeln!(o, "Warnings:");
        for (k, (n, ex)) in &r.warnings.0 {
            let _ = writeln!(o, "  {k}: {n} (e.g. {ex})");
        }
    }
    o
}

/// Columns of `scores.csv`.
pub const SCORE_COLUMNS: [&str; 12] = [
    "part", "scheme", "subset", "p", "r", "f1", "tp_gold", "gold", "tp_pred", "pred", "value", "n",
];

/// Columns of `errors.csv`.
pub const ERROR_COLUMNS: [&str; 12] = [
    "doc_id",
    "part",
    "error",
    "gold_start",
    "gold_end",
    "gold_text",
    "gold_value",
    "pred_start",
    "pred_end",
    "pred_text",
    "pred_value",
    "detail",
];

fn prf_row(part: &str, scheme: &str, subset: &str, s: &Prf) -> Vec<String> {
    vec![
        part.into(),
        scheme.into(),
        subset.into(),
        format_score(s.p()),
        format_score(s.r()),
        format_score(s.f1()),
        format_score(s.tp_gold),
        s.gold.to_string(),
        format_score(s.tp_pred),
        s.pred.to_string(),
        String::new(),
        String::new(),
    ]
}

fn value_row(part: &str, scheme: &str, subset: &str, k: usize, n: usize) -> Vec<String> {
    let mut v = vec![String::new(); 12];
    v[0] = part.into();
    v[1] = scheme.into();
    v[2] = subset.into();
    v[10] = format_score(matching::ratio(k as f64, n as f64));
    v[11] = n.to_string();
    v
}

/// The rows of `scores.csv`: one per figure, `p/r/f1` for detection scores, `value` and `n`
/// for accuracies.
pub fn score_rows(r: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    if let Some(e) = &r.entities {
        rows.push(prf_row("entities", "strict", "all", &e.strict));
        for (lab, s) in &e.per_label {
            rows.push(prf_row("entities", "strict", lab, s));
        }
        let mut m = vec![String::new(); 12];
        m[0] = "entities".into();
        m[1] = "macro_f1".into();
        m[2] = "all".into();
        m[10] = format_score(e.macro_f1);
        rows.push(m);
        rows.push(prf_row("entities", "span", "all", &e.span));
        rows.push(prf_row("entities", "overlap", "all", &e.overlap));
        rows.push(prf_row("entities", "partial", "all", &e.partial));
    }
    if let Some(q) = &r.quotes {
        for sub in QUOTE_SUBSETS {
            for c in Criterion::ALL {
                rows.push(prf_row(
                    "quotes",
                    c.name(),
                    sub,
                    &q.prf[&(sub.to_string(), c)],
                ));
            }
        }
        for sub in QUOTE_SUBSETS {
            let a = &q.attribution[sub];
            rows.push(value_row(
                "quotes",
                "speaker_strict",
                sub,
                a.speaker_strict,
                a.speaker_n,
            ));
            rows.push(value_row(
                "quotes",
                "speaker_lenient",
                sub,
                a.speaker_lenient,
                a.speaker_n,
            ));
            rows.push(value_row("quotes", "cue", sub, a.cue_ok, a.cue_n));
            rows.push(value_row("quotes", "kind", sub, a.kind_ok, a.kind_n));
            rows.push(prf_row("quotes", "quote+speaker", sub, &a.e2e));
        }
    }
    rows
}

/// The rows of `errors.csv` (text cells guarded).
pub fn error_rows(r: &Report) -> Vec<Vec<String>> {
    let n = |v: Option<usize>| v.map(|x| x.to_string()).unwrap_or_default();
    r.errors
        .iter()
        .map(|e| {
            vec![
                e.doc_id.clone(),
                e.part.to_string(),
                e.error.to_string(),
                n(e.gold_start),
                n(e.gold_end),
                guard(&e.gold_text),
                guard(&e.gold_value),
                n(e.pred_start),
                n(e.pred_end),
                guard(&e.pred_text),
                guard(&e.pred_value),
                guard(&e.detail),
            ]
        })
        .collect()
}

/// Score as `opts` says: [`evaluate`], then with [`EvalOptions::input`] [`check_texts`].
///
/// # Errors
/// See [`evaluate`] and [`check_texts`].
pub fn run(opts: &EvalOptions) -> Result<Report> {
    let mut report = evaluate(&opts.gold, opts.gold_format, &opts.pred, opts.pred_format)?;
    if let Some(input) = &opts.input {
        let mut warn = Warnings::default();
        let p = gold::load(&opts.pred, opts.pred_format, false, &mut warn)?;
        check_texts(&p, input, &mut report.warnings)?;
    }
    Ok(report)
}

/// Write `scores.csv` and `errors.csv` of `report` into `dir` (created if needed); `excel` adds
/// a UTF-8 BOM. Returns the two paths.
///
/// # Errors
/// The folder or a file cannot be written.
pub fn write_files(report: &Report, dir: &Path, excel: bool) -> Result<[PathBuf; 2]> {
    std::fs::create_dir_all(dir)?;
    let scores = dir.join("scores.csv");
    let errors = dir.join("errors.csv");
    write_csv_file(&scores, &SCORE_COLUMNS, &score_rows(report), excel)?;
    write_csv_file(&errors, &ERROR_COLUMNS, &error_rows(report), excel)?;
    Ok([scores, errors])
}
