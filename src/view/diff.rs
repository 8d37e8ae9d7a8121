//! The differences from a gold set, per document, counted exactly as `newsx eval` counts them:
//! the same loading ([`crate::eval::gold::load`]), the same documents scored, the same matching
//! ([`crate::eval::matching`]), applied one document at a time (every matching in `eval` is
//! per document, so the union of these errors is `eval`'s error list).

use crate::eval::gold::{self, Format, Warnings};
use crate::eval::matching::{
    score_mentions, score_quotes, EntityScores, ErrorRow, InDoc, Mention, QuoteMention, QuoteScores,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One document's comparison.
#[derive(Debug, Clone, Default)]
pub struct DocDiff {
    /// The errors, sorted by offset (as in `errors.csv`).
    pub errors: Vec<ErrorRow>,
    /// Entity scores, when the gold set has entities.
    pub entities: Option<EntityScores>,
    /// Quote scores, when the gold set has quotes.
    pub quotes: Option<QuoteScores>,
}

/// The whole comparison.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// What was read as gold.
    pub source: String,
    /// The documents scored (those of the gold set, as in `eval`), each with its comparison.
    pub docs: BTreeMap<String, DocDiff>,
    /// Scores over the whole batch.
    pub total: DocDiff,
    /// Problems that did not stop scoring.
    pub warnings: Warnings,
}

fn group<T: InDoc + Clone>(
    v: &Option<Vec<T>>,
    universe: &BTreeSet<String>,
    warn: &mut Warnings,
    what: &str,
) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for x in v.iter().flatten() {
        if universe.contains(x.doc_id()) {
            out.entry(x.doc_id().to_string())
                .or_default()
                .push(x.clone());
        } else {
            warn.add(
                format!("{what} rows outside the scored documents (ignored)"),
                x.doc_id(),
            );
        }
    }
    out
}

/// Compare the predictions in `pred` (a folder in the CSV contract) with the gold set `gold`
/// (any format `eval` reads).
///
/// # Errors
/// As [`crate::eval::evaluate`]: a set cannot be read or is malformed, or the gold set has
/// neither entities nor quotes.
pub fn compare(gold_path: &Path, pred: &Path) -> anyhow::Result<Comparison> {
    let mut warn = Warnings::default();
    let g = gold::load(gold_path, Format::Auto, true, &mut warn)?;
    let p = gold::load(pred, Format::Csv, false, &mut warn)?;
    if g.entities.is_none() && g.quotes.is_none() {
        anyhow::bail!(
            "{}: the gold set has neither entities nor quotes",
            gold_path.display()
        );
    }
    let universe: BTreeSet<String> = match &g.documents {
        Some(d) => d.clone(),
        None => {
            let mut ids = BTreeSet::new();
            for s in [&g, &p] {
                ids.extend(s.entities.iter().flatten().map(|m| m.doc_id.clone()));
                ids.extend(s.quotes.iter().flatten().map(|q| q.doc_id.clone()));
            }
            ids
        }
    };
    let ge = group(&g.entities, &universe, &mut warn, "gold entities");
    let pe = group(&p.entities, &universe, &mut warn, "predicted entities");
    let gq = group(&g.quotes, &universe, &mut warn, "gold quotes");
    let pq = group(&p.quotes, &universe, &mut warn, "predicted quotes");
    let empty_m: Vec<Mention> = Vec::new();
    let empty_q: Vec<QuoteMention> = Vec::new();
    let mut out = Comparison {
        source: g.source.clone(),
        ..Default::default()
    };
    for d in &universe {
        let mut dd = DocDiff::default();
        if g.entities.is_some() {
            let (s, e) =
                score_mentions(ge.get(d).unwrap_or(&empty_m), pe.get(d).unwrap_or(&empty_m));
            dd.entities = Some(s);
            dd.errors.extend(e);
        }
        if g.quotes.is_some() {
            let (s, e) = score_quotes(
                gq.get(d).unwrap_or(&empty_q),
                pq.get(d).unwrap_or(&empty_q),
                p.quotes_have_kind,
            );
            dd.quotes = Some(s);
            dd.errors.extend(e);
        }
        dd.errors.sort_by_key(|e| e.key());
        out.docs.insert(d.clone(), dd);
    }
    // Batch scores from all rows at once, as `eval` computes them.
    if g.entities.is_some() {
        let all_g: Vec<Mention> = ge.into_values().flatten().collect();
        let all_p: Vec<Mention> = pe.into_values().flatten().collect();
        out.total.entities = Some(score_mentions(&all_g, &all_p).0);
    }
    if g.quotes.is_some() {
        let all_g: Vec<QuoteMention> = gq.into_values().flatten().collect();
        let all_p: Vec<QuoteMention> = pq.into_values().flatten().collect();
        out.total.quotes = Some(score_quotes(&all_g, &all_p, p.quotes_have_kind).0);
    }
    out.total.errors = out.docs.values().flat_map(|d| d.errors.clone()).collect();
    out.warnings = warn;
    Ok(out)
}

/// The reviewer's name for an error of `eval` (`part`, `error`).
pub fn error_name(part: &str, error: &str) -> &'static str {
    match (part, error) {
        (_, "false_negative") => "missed",
        (_, "false_positive") => "spurious",
        (_, "boundary") => "wrong boundary",
        ("entity", "type") => "wrong label",
        (_, "type") => "wrong kind",
        (_, "speaker") => "wrong speaker",
        (_, "cue") => "wrong cue",
        _ => "other",
    }
}
