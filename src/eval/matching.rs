//! Matching predictions to gold and counting: entity mentions (strict, exact span, overlap,
//! partial credit) and quotes (greedy one-to-one matching by character overlap).
//!
//! Offsets may be in any unit as long as gold and prediction agree; `eval` uses code points.
#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use unicode_normalization_alignments::char::canonical_combining_class;
use unicode_normalization_alignments::UnicodeNormalization;

/// Counts behind a precision/recall pair: precision = `tp_pred / pred`, recall =
/// `tp_gold / gold` (the two true-positive counts differ only for subsets and partial credit).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prf {
    /// Correct predictions (may be fractional under partial credit).
    pub tp_pred: f64,
    /// All predictions.
    pub pred: usize,
    /// Gold items found (may be fractional under partial credit).
    pub tp_gold: f64,
    /// All gold items.
    pub gold: usize,
}

/// `a / b`, or 0 when `b` is 0: no NaN ever.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

impl Prf {
    /// Counts with one true-positive figure for both sides.
    pub fn new(tp: usize, pred: usize, gold: usize) -> Prf {
        Prf {
            tp_pred: tp as f64,
            pred,
            tp_gold: tp as f64,
            gold,
        }
    }
    /// Precision (0 when nothing was predicted).
    pub fn p(&self) -> f64 {
        ratio(self.tp_pred, self.pred as f64)
    }
    /// Recall (0 when there is no gold).
    pub fn r(&self) -> f64 {
        ratio(self.tp_gold, self.gold as f64)
    }
    /// Harmonic mean of P and R (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        ratio(2.0 * p * r, p + r)
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:6.2}  R {:6.2}  F1 {:6.2}",
            100.0 * self.p(),
            100.0 * self.r(),
            100.0 * self.f1()
        )
    }
}

// ----------------------------------------------------------------------------- entities

/// One entity mention for scoring.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mention {
    /// Document id.
    pub doc_id: String,
    /// Start offset.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// Entity class.
    pub label: String,
    /// The text, for error reports (not compared).
    pub text: String,
}

/// Entity scores.
///
/// - `strict`: conlleval: a prediction is correct iff document, start, end and label equal a gold
///   mention's; duplicates count once. `per_label`: precision per predicted label, recall per
///   gold label; `macro_f1`: mean F1 over the gold labels.
/// - `span`: type-insensitive exact match (document, start, end).
/// - `overlap`: nervaluate's "type" scheme: a prediction is correct when it overlaps a gold
///   mention of its label; a gold mention is found when a prediction of its label overlaps it.
/// - `partial`: nervaluate's "partial" scheme, type-insensitive: credit 1 for an exact span,
///   0.5 for an overlap; precision averages the best credit of each prediction, recall that of
///   each gold mention.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityScores {
    /// Exact span and label, micro-averaged.
    pub strict: Prf,
    /// Strict, per label.
    pub per_label: BTreeMap<String, Prf>,
    /// Mean strict F1 over the labels present in gold.
    pub macro_f1: f64,
    /// Exact span, any label.
    pub span: Prf,
    /// Overlapping span, same label.
    pub overlap: Prf,
    /// Exact span 1, overlap 0.5, any label.
    pub partial: Prf,
}

impl fmt::Display for EntityScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "entities strict   {}  (gold {}, pred {}, tp {})",
            self.strict, self.strict.gold, self.strict.pred, self.strict.tp_gold
        )?;
        for (label, s) in &self.per_label {
            writeln!(f, "  {label:<15} {s}  (gold {}, pred {})", s.gold, s.pred)?;
        }
        writeln!(f, "  macro F1 {:.2}", 100.0 * self.macro_f1)?;
        writeln!(f, "entities span     {}", self.span)?;
        writeln!(f, "entities overlap  {}", self.overlap)?;
        write!(f, "entities partial  {}", self.partial)
    }
}

/// One line of the error report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorRow {
    /// Document id.
    pub doc_id: String,
    /// `entity` or `quote`.
    pub part: &'static str,
    /// `false_positive`, `false_negative`, `boundary`, `type`, `speaker`, `cue`.
    pub error: &'static str,
    /// Gold start offset.
    pub gold_start: Option<usize>,
    /// Gold end offset.
    pub gold_end: Option<usize>,
    /// Gold text.
    pub gold_text: String,
    /// Gold label, kind, speaker or cue (by error).
    pub gold_value: String,
    /// Predicted start offset.
    pub pred_start: Option<usize>,
    /// Predicted end offset.
    pub pred_end: Option<usize>,
    /// Predicted text.
    pub pred_text: String,
    /// Predicted label, kind, speaker or cue (by error).
    pub pred_value: String,
    /// Explanation.
    pub detail: String,
}

impl ErrorRow {
    /// A row for a gold item, a predicted item, or a pair; values and detail left empty.
    pub fn new<T: InDoc>(
        part: &'static str,
        error: &'static str,
        g: Option<&T>,
        p: Option<&T>,
    ) -> ErrorRow {
        ErrorRow {
            doc_id: g.or(p).map(|x| x.doc_id().to_string()).unwrap_or_default(),
            part,
            error,
            gold_start: g.map(|x| x.span().0),
            gold_end: g.map(|x| x.span().1),
            gold_text: g.map(|x| x.text().to_string()).unwrap_or_default(),
            pred_start: p.map(|x| x.span().0),
            pred_end: p.map(|x| x.span().1),
            pred_text: p.map(|x| x.text().to_string()).unwrap_or_default(),
            ..ErrorRow::default()
        }
    }

    /// Sort key: document, then the first offset either side has.
    pub fn key(&self) -> (String, usize, usize) {
        let s = self.gold_start.or(self.pred_start).unwrap_or(0);
        let e = self.gold_end.or(self.pred_end).unwrap_or(0);
        (self.doc_id.clone(), s, e)
    }
}

/// Score `(doc_id, start, end, label)` tuples (any consistent offset unit) with the schemes of
/// [`EntityScores`]. Meant for the training loop.
pub fn score_entities(
    gold: &[(String, usize, usize, crate::doc::Label)],
    pred: &[(String, usize, usize, crate::doc::Label)],
) -> EntityScores {
    let conv = |v: &[(String, usize, usize, crate::doc::Label)]| -> Vec<Mention> {
        v.iter()
            .map(|(d, s, e, l)| Mention {
                doc_id: d.clone(),
                start: *s,
                end: *e,
                label: l.as_str().to_string(),
                text: String::new(),
            })
            .collect()
    };
    score_mentions(&conv(gold), &conv(pred)).0
}

fn dedup(v: &[Mention]) -> Vec<&Mention> {
    let mut seen = BTreeSet::new();
    v.iter()
        .filter(|m| seen.insert((&m.doc_id, m.start, m.end, &m.label)))
        .collect()
}

fn by_doc<'a>(v: &[&'a Mention]) -> HashMap<&'a str, Vec<&'a Mention>> {
    let mut out: HashMap<&str, Vec<&Mention>> = HashMap::new();
    for m in v {
        out.entry(m.doc_id.as_str()).or_default().push(m);
    }
    out
}

fn overlaps(a: &Mention, b: &Mention) -> bool {
    a.start < b.end && b.start < a.end
}

/// Score entity mentions and list the errors (see [`EntityScores`] for the schemes).
pub fn score_mentions(gold: &[Mention], pred: &[Mention]) -> (EntityScores, Vec<ErrorRow>) {
    let g = dedup(gold);
    let p = dedup(pred);
    let gset: BTreeSet<(&str, usize, usize, &str)> = g
        .iter()
        .map(|m| (m.doc_id.as_str(), m.start, m.end, m.label.as_str()))
        .collect();
    let pset: BTreeSet<(&str, usize, usize, &str)> = p
        .iter()
        .map(|m| (m.doc_id.as_str(), m.start, m.end, m.label.as_str()))
        .collect();
    let tp = gset.intersection(&pset).count();
    let mut s = EntityScores {
        strict: Prf::new(tp, pset.len(), gset.len()),
        ..Default::default()
    };

    let labels: BTreeSet<&str> = gset.iter().chain(pset.iter()).map(|k| k.3).collect();
    for lab in &labels {
        let gl: BTreeSet<_> = gset.iter().filter(|k| k.3 == *lab).collect();
        let pl: BTreeSet<_> = pset.iter().filter(|k| k.3 == *lab).collect();
        let t = gl.intersection(&pl).count();
        s.per_label
            .insert(lab.to_string(), Prf::new(t, pl.len(), gl.len()));
    }
    let gold_labels: BTreeSet<&str> = gset.iter().map(|k| k.3).collect();
    s.macro_f1 = ratio(
        gold_labels.iter().map(|l| s.per_label[*l].f1()).sum(),
        gold_labels.len() as f64,
    );

    let gs: BTreeSet<_> = gset.iter().map(|k| (k.0, k.1, k.2)).collect();
    let ps: BTreeSet<_> = pset.iter().map(|k| (k.0, k.1, k.2)).collect();
    s.span = Prf::new(gs.intersection(&ps).count(), ps.len(), gs.len());

    // Overlap-based schemes, document by document.
    let gd = by_doc(&g);
    let pd = by_doc(&p);
    let empty = Vec::new();
    let (mut ov_p, mut ov_g, mut pa_p, mut pa_g) = (0.0, 0.0, 0.0, 0.0);
    let credit = |a: &Mention, b: &Mention| {
        if a.start == b.start && a.end == b.end {
            1.0
        } else if overlaps(a, b) {
            0.5
        } else {
            0.0
        }
    };
    for m in &p {
        let golds = gd.get(m.doc_id.as_str()).unwrap_or(&empty);
        if golds.iter().any(|x| x.label == m.label && overlaps(x, m)) {
            ov_p += 1.0;
        }
        pa_p += golds.iter().map(|x| credit(x, m)).fold(0.0, f64::max);
    }
    for m in &g {
        let preds = pd.get(m.doc_id.as_str()).unwrap_or(&empty);
        if preds.iter().any(|x| x.label == m.label && overlaps(x, m)) {
            ov_g += 1.0;
        }
        pa_g += preds.iter().map(|x| credit(x, m)).fold(0.0, f64::max);
    }
    s.overlap = Prf {
        tp_pred: ov_p,
        pred: p.len(),
        tp_gold: ov_g,
        gold: g.len(),
    };
    s.partial = Prf {
        tp_pred: pa_p,
        pred: p.len(),
        tp_gold: pa_g,
        gold: g.len(),
    };

    (s, entity_errors(&g, &p, &gset, &pset))
}

type Key<'a> = (&'a str, usize, usize, &'a str);

/// One row per error: a label error on an exact span (`type`), an overlapping pair with other
/// boundaries (`boundary`), and the rest as false positives and false negatives.
fn entity_errors(
    g: &[&Mention],
    p: &[&Mention],
    gset: &BTreeSet<Key<'_>>,
    pset: &BTreeSet<Key<'_>>,
) -> Vec<ErrorRow> {
    let mut gl: Vec<&Mention> = g
        .iter()
        .copied()
        .filter(|m| !pset.contains(&(m.doc_id.as_str(), m.start, m.end, m.label.as_str())))
        .collect();
    let mut pl: Vec<&Mention> = p
        .iter()
        .copied()
        .filter(|m| !gset.contains(&(m.doc_id.as_str(), m.start, m.end, m.label.as_str())))
        .collect();
    gl.sort();
    pl.sort();
    let mut g_used = vec![false; gl.len()];
    let mut out = Vec::new();
    let row = |error, gm: Option<&Mention>, pm: Option<&Mention>, detail: &str| ErrorRow {
        gold_value: gm.map(|m| m.label.clone()).unwrap_or_default(),
        pred_value: pm.map(|m| m.label.clone()).unwrap_or_default(),
        detail: detail.to_string(),
        ..ErrorRow::new("entity", error, gm, pm)
    };
    let mut p_used = vec![false; pl.len()];
    // Pass 1: same span, other label. Pass 2: overlap.
    for exact in [true, false] {
        for (j, pm) in pl.iter().enumerate() {
            if p_used[j] {
                continue;
            }
            // `gl` is sorted by document: search only this document's gold mentions.
            let lo = gl.partition_point(|g| g.doc_id < pm.doc_id);
            let hi = gl.partition_point(|g| g.doc_id <= pm.doc_id);
            let hit = (lo..hi).find(|&i| {
                let gm = gl[i];
                !g_used[i]
                    && if exact {
                        gm.start == pm.start && gm.end == pm.end
                    } else {
                        overlaps(gm, pm)
                    }
            });
            if let Some(i) = hit {
                g_used[i] = true;
                p_used[j] = true;
                let (error, detail) = if exact {
                    ("type", "right span, wrong label")
                } else if gl[i].label == pm.label {
                    ("boundary", "overlapping span, right label")
                } else {
                    ("boundary", "overlapping span, wrong label")
                };
                out.push(row(error, Some(gl[i]), Some(pm), detail));
            }
        }
    }
    for (j, pm) in pl.iter().enumerate() {
        if !p_used[j] {
            out.push(row(
                "false_positive",
                None,
                Some(pm),
                "no matching gold mention",
            ));
        }
    }
    for (i, gm) in gl.iter().enumerate() {
        if !g_used[i] {
            out.push(row("false_negative", Some(gm), None, "not predicted"));
        }
    }
    out
}

// ----------------------------------------------------------------------------- quotes

/// One quote for scoring.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteMention {
    /// Document id.
    pub doc_id: String,
    /// Start of the quoted content.
    pub start: usize,
    /// End of the quoted content.
    pub end: usize,
    /// `direct`, `mixed`, `indirect` or empty (lower-cased).
    pub kind: String,
    /// The quoted text (for reports).
    pub text: String,
    /// Canonical speaker.
    pub speaker: String,
    /// Speaker mention start.
    pub speaker_start: Option<usize>,
    /// Speaker mention end.
    pub speaker_end: Option<usize>,
    /// Cue.
    pub cue: String,
}

/// A scored item: it belongs to one document and has a span and a text.
pub trait InDoc {
    /// Its document id.
    fn doc_id(&self) -> &str;
    /// Start and end offsets.
    fn span(&self) -> (usize, usize);
    /// Its text.
    fn text(&self) -> &str;
}

impl InDoc for Mention {
    fn doc_id(&self) -> &str {
        &self.doc_id
    }
    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }
    fn text(&self) -> &str {
        &self.text
    }
}

impl InDoc for QuoteMention {
    fn doc_id(&self) -> &str {
        &self.doc_id
    }
    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }
    fn text(&self) -> &str {
        &self.text
    }
}

impl QuoteMention {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// A criterion a matched pair must meet to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Criterion {
    /// overlap >= 0.3 × gold length (Gender Gap Tracker).
    Gold30,
    /// overlap >= 0.8 × gold length.
    Gold80,
    /// overlap >= 0.5 × the longer of the two (symmetric).
    Sym50,
    /// identical span.
    Exact,
}

impl Criterion {
    /// All criteria, in report order.
    pub const ALL: [Criterion; 4] = [
        Criterion::Gold30,
        Criterion::Gold80,
        Criterion::Sym50,
        Criterion::Exact,
    ];
    /// The report name.
    pub fn name(&self) -> &'static str {
        match self {
            Criterion::Gold30 => "g>=0.3",
            Criterion::Gold80 => "g>=0.8",
            Criterion::Sym50 => "s>=0.5",
            Criterion::Exact => "exact",
        }
    }
    /// Does a pair with overlap `ov` meet it? Exact integer arithmetic.
    pub fn meets(&self, ov: usize, g: &QuoteMention, p: &QuoteMention) -> bool {
        match self {
            Criterion::Gold30 => ov * 100 >= 30 * g.len(),
            Criterion::Gold80 => ov * 100 >= 80 * g.len(),
            Criterion::Sym50 => ov * 100 >= 50 * g.len().max(p.len()),
            Criterion::Exact => g.start == p.start && g.end == p.end,
        }
    }
}

/// Attribution figures on the pairs matched at g>=0.3 (of one subset).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attribution {
    /// Pairs matched at g>=0.3 whose gold quote is in the subset.
    pub matched: usize,
    /// Of those, pairs whose gold quote has a speaker.
    pub speaker_n: usize,
    /// Speaker equal (case-insensitive, whitespace collapsed).
    pub speaker_strict: usize,
    /// Strict, or last names agree, or speaker spans overlap.
    pub speaker_lenient: usize,
    /// Pairs whose gold quote has a cue.
    pub cue_n: usize,
    /// Cue equal (lower-cased, whitespace collapsed).
    pub cue_ok: usize,
    /// Pairs where both sides have a kind.
    pub kind_n: usize,
    /// Kind equal.
    pub kind_ok: usize,
    /// Quote + speaker: a pair counts when matched at g>=0.3 and the speaker is lenient-correct
    /// (or the gold quote has no speaker).
    pub e2e: Prf,
}

/// Quote scores.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteScores {
    /// Gold quotes.
    pub gold: usize,
    /// Predicted quotes.
    pub pred: usize,
    /// Gold quotes by kind.
    pub gold_by_kind: BTreeMap<String, usize>,
    /// Predicted quotes by kind.
    pub pred_by_kind: BTreeMap<String, usize>,
    /// Whether the prediction has kinds (else every prediction is in every kind subset).
    pub pred_has_kind: bool,
    /// Matched pairs (any overlap).
    pub matched_pairs: usize,
    /// `(subset, criterion) -> P/R/F1`; subsets `all`, `direct`, `mixed`, `indirect`.
    pub prf: BTreeMap<(String, Criterion), Prf>,
    /// Attribution figures by subset (`all`, `direct`, `mixed`, `indirect`).
    pub attribution: BTreeMap<String, Attribution>,
}

/// The subsets quotes are reported by.
pub const QUOTE_SUBSETS: [&str; 4] = ["all", "direct", "mixed", "indirect"];

/// Greedy one-to-one matching per document: every (gold, prediction) pair with a positive
/// character overlap is a candidate; candidates are taken by largest overlap (ties: larger
/// overlap / longer span, then earlier gold span, then earlier predicted span, then input order),
/// each quote used at most once. Returns `(gold index, pred index, overlap)`.
pub fn match_quotes(gold: &[QuoteMention], pred: &[QuoteMention]) -> Vec<(usize, usize, usize)> {
    let mut gd: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut pd: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, g) in gold.iter().enumerate() {
        gd.entry(&g.doc_id).or_default().push(i);
    }
    for (j, p) in pred.iter().enumerate() {
        pd.entry(&p.doc_id).or_default().push(j);
    }
    let mut pairs = Vec::new();
    for (doc, gi) in gd {
        let Some(pj) = pd.get(doc) else { continue };
        let mut cands = Vec::new();
        for &i in &gi {
            for &j in pj {
                let (g, p) = (&gold[i], &pred[j]);
                let ov = g.end.min(p.end).saturating_sub(g.start.max(p.start));
                if ov > 0 {
                    cands.push((i, j, ov, g.len().max(p.len())));
                }
            }
        }
        cands.sort_by(|a, b| {
            let (ga, pa, gb, pb) = (&gold[a.0], &pred[a.1], &gold[b.0], &pred[b.1]);
            b.2.cmp(&a.2)
                .then_with(|| (b.2 * a.3).cmp(&(a.2 * b.3)))
                .then_with(|| {
                    (ga.start, ga.end, pa.start, pa.end, a.0, a.1)
                        .cmp(&(gb.start, gb.end, pb.start, pb.end, b.0, b.1))
                })
        });
        let mut ug = BTreeSet::new();
        let mut up = BTreeSet::new();
        for (i, j, ov, _) in cands {
            if ug.contains(&i) || up.contains(&j) {
                continue;
            }
            ug.insert(i);
            up.insert(j);
            pairs.push((i, j, ov));
        }
    }
    pairs
}

/// Text normalised for comparing speakers and cues: NFKC, `’` → `'`, lower case, whitespace
/// collapsed.
pub fn norm_text(s: &str) -> String {
    let s: String = s
        .nfkc()
        .map(|(c, _)| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    s.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A name normalised for comparison: accents dropped, `’` → `'`, lower case, possessive `'s`
/// dropped, punctuation other than `'` and `-` turned into spaces.
pub fn norm_name(s: &str) -> String {
    let s: String = s
        .nfkd()
        .map(|(c, _)| c)
        .filter(|&c| canonical_combining_class(c) == 0)
        .collect();
    let s = s.replace('\u{2019}', "'").to_lowercase();
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\''
            && chars.get(i + 1) == Some(&'s')
            && !chars.get(i + 2).is_some_and(|&n| is_word(n))
        {
            i += 2;
            continue;
        }
        out.push(
            if is_word(c) || c.is_whitespace() || c == '\'' || c == '-' {
                c
            } else {
                ' '
            },
        );
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

const NAME_SUFFIXES: [&str; 7] = ["jr", "sr", "ii", "iii", "iv", "phd", "md"];

/// The last word of a name (see [`norm_name`]), suffixes such as "Jr." dropped.
pub fn last_word(s: &str) -> String {
    let n = norm_name(s);
    let mut toks: Vec<&str> = n
        .split_whitespace()
        .map(|t| t.trim_matches(['\'', '-']))
        .filter(|t| !t.is_empty())
        .collect();
    while toks.len() > 1 && toks.last().is_some_and(|t| NAME_SUFFIXES.contains(t)) {
        toks.pop();
    }
    toks.last().map(|t| t.to_string()).unwrap_or_default()
}

/// `(strict, lenient)` correctness of the predicted speaker of a matched pair.
pub fn speaker_verdict(g: &QuoteMention, p: &QuoteMention) -> (bool, bool) {
    let (gs, ps) = (norm_text(&g.speaker), norm_text(&p.speaker));
    let strict = !gs.is_empty() && gs == ps;
    let mut lenient = strict;
    if !lenient && !ps.is_empty() {
        let lg = last_word(&g.speaker);
        lenient = !lg.is_empty() && lg == last_word(&p.speaker);
    }
    if !lenient {
        if let (Some(gs), Some(ge), Some(ps), Some(pe)) = (
            g.speaker_start,
            g.speaker_end,
            p.speaker_start,
            p.speaker_end,
        ) {
            lenient = ge > gs && pe > ps && ge.min(pe) > gs.max(ps);
        }
    }
    (strict, lenient)
}

/// Score quotes and list the errors. `pred_has_kind_column`: whether the predicted file has a
/// `kind` column (without kinds, every prediction counts in every kind subset).
pub fn score_quotes(
    gold: &[QuoteMention],
    pred: &[QuoteMention],
    pred_has_kind_column: bool,
) -> (QuoteScores, Vec<ErrorRow>) {
    let pred_has_kind = pred_has_kind_column && pred.iter().any(|p| !p.kind.is_empty());
    let pairs = match_quotes(gold, pred);
    let mut s = QuoteScores {
        gold: gold.len(),
        pred: pred.len(),
        pred_has_kind,
        matched_pairs: pairs.len(),
        ..Default::default()
    };
    for q in gold {
        *s.gold_by_kind.entry(kind_name(&q.kind)).or_default() += 1;
    }
    for q in pred {
        *s.pred_by_kind.entry(kind_name(&q.kind)).or_default() += 1;
    }
    let in_gold = |sub: &str, i: usize| sub == "all" || gold[i].kind == sub;
    let in_pred = |sub: &str, j: usize| sub == "all" || !pred_has_kind || pred[j].kind == sub;
    for sub in QUOTE_SUBSETS {
        let n_gold = (0..gold.len()).filter(|&i| in_gold(sub, i)).count();
        let n_pred = (0..pred.len()).filter(|&j| in_pred(sub, j)).count();
        for c in Criterion::ALL {
            let ok: Vec<_> = pairs
                .iter()
                .filter(|&&(i, j, ov)| c.meets(ov, &gold[i], &pred[j]))
                .collect();
            let tp_gold = ok.iter().filter(|&&&(i, _, _)| in_gold(sub, i)).count();
            let tp_pred = ok.iter().filter(|&&&(_, j, _)| in_pred(sub, j)).count();
            s.prf.insert(
                (sub.to_string(), c),
                Prf {
                    tp_pred: tp_pred as f64,
                    pred: n_pred,
                    tp_gold: tp_gold as f64,
                    gold: n_gold,
                },
            );
        }
    }
    // Attribution on pairs matched at g>=0.3.
    let ok: Vec<(usize, usize)> = pairs
        .iter()
        .filter(|&&(i, j, ov)| Criterion::Gold30.meets(ov, &gold[i], &pred[j]))
        .map(|&(i, j, _)| (i, j))
        .collect();
    let verdicts: Vec<(bool, bool, bool)> = ok
        .iter()
        .map(|&(i, j)| {
            let has = !norm_text(&gold[i].speaker).is_empty();
            let (st, le) = speaker_verdict(&gold[i], &pred[j]);
            (has, st, le)
        })
        .collect();
    for sub in QUOTE_SUBSETS {
        let mut a = Attribution::default();
        let (mut e2e_g, mut e2e_p) = (0usize, 0usize);
        for (&(i, j), &(has, st, le)) in ok.iter().zip(&verdicts) {
            let counts = !has || le;
            if in_pred(sub, j) && counts {
                e2e_p += 1;
            }
            if !in_gold(sub, i) {
                continue;
            }
            let (g, p) = (&gold[i], &pred[j]);
            a.matched += 1;
            if has {
                a.speaker_n += 1;
                a.speaker_strict += usize::from(st);
                a.speaker_lenient += usize::from(le);
            }
            e2e_g += usize::from(counts);
            let gc = norm_text(&g.cue);
            if !gc.is_empty() {
                a.cue_n += 1;
                a.cue_ok += usize::from(gc == norm_text(&p.cue));
            }
            if pred_has_kind && !g.kind.is_empty() {
                a.kind_n += 1;
                a.kind_ok += usize::from(g.kind == p.kind);
            }
        }
        let n_gold = (0..gold.len()).filter(|&i| in_gold(sub, i)).count();
        let n_pred = (0..pred.len()).filter(|&j| in_pred(sub, j)).count();
        a.e2e = Prf {
            tp_pred: e2e_p as f64,
            pred: n_pred,
            tp_gold: e2e_g as f64,
            gold: n_gold,
        };
        s.attribution.insert(sub.to_string(), a);
    }
    let errors = quote_errors(gold, pred, &pairs, pred_has_kind);
    (s, errors)
}

fn kind_name(k: &str) -> String {
    if k.is_empty() {
        "?".to_string()
    } else {
        k.to_string()
    }
}

fn quote_errors(
    gold: &[QuoteMention],
    pred: &[QuoteMention],
    pairs: &[(usize, usize, usize)],
    pred_has_kind: bool,
) -> Vec<ErrorRow> {
    let row = |error, g: Option<&QuoteMention>, p: Option<&QuoteMention>| {
        ErrorRow::new("quote", error, g, p)
    };
    let mut out = Vec::new();
    let mut g_used = vec![false; gold.len()];
    let mut p_used = vec![false; pred.len()];
    for &(i, j, ov) in pairs {
        let (g, p) = (&gold[i], &pred[j]);
        g_used[i] = true;
        p_used[j] = true;
        let gr = ratio(ov as f64, g.len() as f64);
        if !Criterion::Gold30.meets(ov, g, p) {
            let mut r = row("boundary", Some(g), Some(p));
            r.detail = format!(
                "overlap {gr:.2} of the gold span is below 0.3: a miss and a false positive"
            );
            out.push(r);
            continue;
        }
        if !Criterion::Exact.meets(ov, g, p) {
            let mut r = row("boundary", Some(g), Some(p));
            r.detail = format!("matched; overlap {gr:.2} of the gold span, spans differ");
            out.push(r);
        }
        if pred_has_kind && !g.kind.is_empty() && g.kind != p.kind {
            let mut r = row("type", Some(g), Some(p));
            r.gold_value = g.kind.clone();
            r.pred_value = p.kind.clone();
            r.detail = "kind differs".to_string();
            out.push(r);
        }
        if !norm_text(&g.speaker).is_empty() {
            let (st, le) = speaker_verdict(g, p);
            if !st {
                let mut r = row("speaker", Some(g), Some(p));
                r.gold_value = g.speaker.clone();
                r.pred_value = p.speaker.clone();
                r.detail = if le {
                    "lenient match only"
                } else {
                    "wrong speaker"
                }
                .to_string();
                out.push(r);
            }
        }
        if !norm_text(&g.cue).is_empty() && norm_text(&g.cue) != norm_text(&p.cue) {
            let mut r = row("cue", Some(g), Some(p));
            r.gold_value = g.cue.clone();
            r.pred_value = p.cue.clone();
            r.detail = "cue differs".to_string();
            out.push(r);
        }
    }
    for (j, p) in pred.iter().enumerate() {
        if !p_used[j] {
            let mut r = row("false_positive", None, Some(p));
            r.pred_value = p.kind.clone();
            r.detail = "no matching gold quote".to_string();
            out.push(r);
        }
    }
    for (i, g) in gold.iter().enumerate() {
        if !g_used[i] {
            let mut r = row("false_negative", Some(g), None);
            r.gold_value = g.kind.clone();
            r.detail = "not predicted".to_string();
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests;
