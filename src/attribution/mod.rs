//! The learned attribution tagger: a small head over the NER encoder's features that tags each
//! word as part of a source, a cue or a content span (BIO), trained on PolNeAR train.
//!
//! It runs on the NER stage's forward pass ([`crate::ner::Ner::word_logits_and_features`]: one
//! encoder pass for both heads), so its cost is the head alone. [`Tagger::quotes`] turns its
//! spans into quotes (content, cue, source mention) that [`combine`] merges with the rule
//! stage's; the link step resolves their speaker mentions like any other.
//!
//! The head is tied to the encoder it was trained on: its `config.json` records the size and a
//! hash of the NER model's weights, and loading it over other weights is an error.

pub mod polnear;
pub mod train;

use crate::doc::{Quote, QuoteKind, Span};
use crate::lexicon::{is_preposition, is_verb_group_word};
use crate::ner::engine::{dot, gelu, simd_available};
use crate::ner::viterbi_by;
use crate::text::paragraphs::paragraphs_between;
use crate::text::TextAnalysis;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The part of an attribution a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Who speaks (the speaker mention).
    Source,
    /// The reporting verb or phrase.
    Cue,
    /// What is said.
    Content,
}

const ROLES: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

/// The tagger's labels: `O`, then `B-`/`I-` of source, cue and content.
pub const LABELS: [&str; 7] = ["O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON"];

/// The role of a label and whether it begins a span (`None` for `O`).
fn label_role(label: usize) -> Option<(Role, bool)> {
    (label > 0 && label < LABELS.len()).then(|| (ROLES[(label - 1) / 2], label % 2 == 1))
}

/// The label index of a role's `B-` (`begin`) or `I-` label.
fn role_label(role: Role, begin: bool) -> u32 {
    let r = ROLES.iter().position(|&x| x == role).unwrap_or(0) as u32;
    1 + 2 * r + u32::from(!begin)
}

/// BIO: an `I-` label only after the same role's `B-` or `I-`.
fn allowed(prev: Option<usize>, cur: usize) -> bool {
    match label_role(cur) {
        Some((role, false)) => prev.and_then(label_role).is_some_and(|(p, _)| p == role),
        _ => true,
    }
}

/// Gold label of each word (by its first byte) from role spans sorted by start: `B-` on the
/// first word inside a span, `I-` on the rest, `O` outside every span.
pub fn word_labels(words: &[Span], spans: &[(Role, Span)]) -> Vec<u32> {
    let mut out = vec![0u32; words.len()];
    let mut last: Option<usize> = None;
    for (i, w) in words.iter().enumerate() {
        // The last span starting at or before the word.
        let k = spans.partition_point(|(_, s)| s.start <= w.start);
        let hit = (0..k)
            .rev()
            .take(4)
            .find(|&j| spans[j].1.start <= w.start && w.start < spans[j].1.end);
        if let Some(j) = hit {
            out[i] = role_label(spans[j].0, last != Some(j));
        }
        last = hit;
    }
    out
}

/// What `config.json` beside the head says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaggerConfig {
    /// The encoder layer (1-based) whose hidden states join the final ones as features.
    pub tap: usize,
    /// Feature width (two hidden states).
    pub input: usize,
    /// Hidden width of the head.
    pub hidden: usize,
    /// Label names, in output order.
    pub labels: Vec<String>,
    /// Size in bytes of the NER model's `model.safetensors` the head was trained on.
    pub encoder_bytes: u64,
    /// FNV-1a hash of those bytes.
    pub encoder_hash: String,
}

/// FNV-1a 64 of a file's bytes, as 16 hex digits.
pub fn file_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The attribution head: features → hidden (GELU) → label logits.
pub struct Tagger {
    config: TaggerConfig,
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
}

/// A span the tagger found: its role, words `start..end`, mean probability of its labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tagged {
    /// Source, cue or content.
    pub role: Role,
    /// First word.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
    /// Mean label probability over its words.
    pub score: f32,
}

impl Tagger {
    /// Load `config.json` and `head.safetensors` from `dir`, checking the head against the NER
    /// model folder `ner_dir` it must run on.
    ///
    /// # Errors
    /// Missing or unreadable files, tensors of the wrong shape, or a head trained on other
    /// encoder weights (retrain it with `newsx train-attribution`).
    pub fn load(dir: &Path, ner_dir: &Path) -> Result<Self> {
        let cfg_path = dir.join("config.json");
        let config: TaggerConfig = serde_json::from_str(
            &std::fs::read_to_string(&cfg_path)
                .with_context(|| format!("reading {}", cfg_path.display()))?,
        )
        .with_context(|| format!("parsing {}", cfg_path.display()))?;
        if config.labels != LABELS {
            bail!(
                "{}: labels {:?}, expected {LABELS:?}",
                cfg_path.display(),
                config.labels
            );
        }
        let enc_path = ner_dir.join("model.safetensors");
        let enc =
            std::fs::read(&enc_path).with_context(|| format!("reading {}", enc_path.display()))?;
        if enc.len() as u64 != config.encoder_bytes || file_hash(&enc) != config.encoder_hash {
            bail!(
                "the attribution head in {} was trained on other NER weights than {} (retrain it: \
                 newsx train-attribution)",
                dir.display(),
                enc_path.display()
            );
        }
        let head_path = dir.join("head.safetensors");
        let raw = std::fs::read(&head_path)
            .with_context(|| format!("reading {}", head_path.display()))?;
        let st = safetensors::SafeTensors::deserialize(&raw)
            .with_context(|| format!("parsing {}", head_path.display()))?;
        let (i, h, l) = (config.input, config.hidden, LABELS.len());
        let get = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
            let t = st
                .tensor(name)
                .with_context(|| format!("{}: no tensor {name}", head_path.display()))?;
            if t.shape() != shape || t.dtype() != safetensors::Dtype::F32 {
                bail!(
                    "{}: {name} is {:?} {:?}, expected F32 {shape:?}",
                    head_path.display(),
                    t.dtype(),
                    t.shape()
                );
            }
            Ok(t.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        Ok(Tagger {
            w1: get("hidden.weight", &[h, i])?,
            b1: get("hidden.bias", &[h])?,
            w2: get("out.weight", &[l, h])?,
            b2: get("out.bias", &[l])?,
            config,
        })
    }

    /// The encoder layer whose states the head reads beside the final ones.
    pub fn tap(&self) -> usize {
        self.config.tap
    }

    /// Label logits of each word (`LABELS.len()` per word) from its features. Words go in
    /// blocks of [`BLOCK`], so each hidden weight row is read once per block.
    pub fn logits(&self, features: &[f32]) -> Vec<f32> {
        #[cfg(target_arch = "x86_64")]
        if simd_available() {
            // SAFETY: AVX2 and FMA were detected.
            return unsafe { self.logits_avx2(features) };
        }
        self.logits_portable(features)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn logits_avx2(&self, features: &[f32]) -> Vec<f32> {
        self.logits_portable(features)
    }

    #[inline(always)]
    fn logits_portable(&self, features: &[f32]) -> Vec<f32> {
        let (i, h, l) = (self.config.input, self.config.hidden, LABELS.len());
        let n = features.len() / i.max(1);
        let mut out = Vec::with_capacity(n * l);
        let mut hid = vec![0f32; BLOCK * h];
        for xs in features[..n * i].chunks(BLOCK * i) {
            let m = xs.len() / i;
            for (k, (w, b)) in self.w1.chunks_exact(i).zip(&self.b1).enumerate() {
                for (j, x) in xs.chunks_exact(i).enumerate() {
                    hid[j * h + k] = gelu(b + dot(w, x));
                }
            }
            for row in hid[..m * h].chunks_exact(h) {
                for (w, b) in self.w2.chunks_exact(h).zip(&self.b2) {
                    out.push(b + dot(w, row));
                }
            }
        }
        out
    }

    /// The spans of a document's words (constrained Viterbi over the label probabilities; a
    /// paragraph break starts a new sequence).
    pub fn spans(&self, features: &[f32], breaks: &[bool]) -> Vec<Tagged> {
        spans_of(&self.logits(features), breaks)
    }

    /// Quotes from a document's tagged spans: each content joined to the nearest cue in its
    /// paragraph (contents sharing a cue become one quote from the first to the last), the
    /// cue's nearest source as the speaker mention (else the likeliest untagged source start
    /// near the cue, [`second_chance_source`]); a content with no cue within [`MAX_GAP`] words
    /// is dropped. Sorted by span.
    pub fn quotes(&self, analysis: &TextAnalysis, features: &[f32]) -> Vec<Quote> {
        let breaks = paragraph_starts(analysis);
        let logits = self.logits(features);
        let spans = spans_of(&logits, &breaks);
        let probs = source_probs(&logits);
        assemble(analysis, &spans, &breaks, &probs)
    }
}

/// Each word's probabilities of `B-SRC`, `I-SRC` and `O`, from its label logits.
fn source_probs(logits: &[f32]) -> Vec<[f32; 3]> {
    let (b, i) = (
        role_label(Role::Source, true) as usize,
        role_label(Role::Source, false) as usize,
    );
    logits
        .chunks_exact(LABELS.len())
        .map(|row| {
            // The softmax `viterbi_by` takes, without a buffer per word.
            let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let sum: f32 = row.iter().map(|v| (v - mx).exp()).sum();
            let p = |k: usize| (row[k] - mx).exp() / sum;
            [p(b), p(i), p(0)]
        })
        .collect()
}

/// The spans of the words' label logits (constrained Viterbi; a break starts a new sequence).
fn spans_of(logits: &[f32], breaks: &[bool]) -> Vec<Tagged> {
    let best = viterbi_by(LABELS.len(), logits, breaks, allowed);
    let mut out: Vec<Tagged> = Vec::new();
    let mut open: Option<(Role, usize, f32)> = None;
    let close = |open: &mut Option<(Role, usize, f32)>, end: usize, out: &mut Vec<Tagged>| {
        if let Some((role, start, sum)) = open.take() {
            out.push(Tagged {
                role,
                start,
                end,
                score: sum / (end - start) as f32,
            });
        }
    };
    for (w, &(label, p)) in best.iter().enumerate() {
        match label_role(label) {
            Some((role, true)) => {
                close(&mut open, w, &mut out);
                open = Some((role, w, p));
            }
            Some((_, false)) => {
                if let Some(o) = open.as_mut() {
                    o.2 += p;
                }
            }
            None => close(&mut open, w, &mut out),
        }
    }
    close(&mut open, best.len(), &mut out);
    out
}

/// Words per block in [`Tagger::logits`].
const BLOCK: usize = 8;

/// Largest gap in words between a content and its cue, or a cue and its source.
pub const MAX_GAP: usize = 12;

/// `breaks[i]`: word `i` starts a paragraph (or the text).
fn paragraph_starts(analysis: &TextAnalysis) -> Vec<bool> {
    let words = &analysis.words;
    (0..words.len())
        .map(|i| {
            i == 0
                || paragraphs_between(
                    analysis.text,
                    &analysis.paragraph_breaks,
                    words[i - 1].end,
                    words[i].start,
                ) > 0
        })
        .collect()
}

/// Word gap between two word ranges (0 when adjacent or overlapping).
fn gap(a: (usize, usize), b: (usize, usize)) -> usize {
    if a.1 <= b.0 {
        b.0 - a.1
    } else {
        a.0.saturating_sub(b.1)
    }
}

fn assemble(
    analysis: &TextAnalysis,
    spans: &[Tagged],
    breaks: &[bool],
    probs: &[[f32; 3]],
) -> Vec<Quote> {
    let words = &analysis.words;
    // Paragraph number of each word.
    let mut para = Vec::with_capacity(breaks.len());
    let mut p = 0usize;
    for (i, &b) in breaks.iter().enumerate() {
        if b && i > 0 {
            p += 1;
        }
        para.push(p);
    }
    let of = |role: Role| spans.iter().filter(move |s| s.role == role);
    let nearest = |role: Role, to: &Tagged| -> Option<Tagged> {
        of(role)
            .filter(|s| para[s.start] == para[to.start])
            .map(|s| (gap((s.start, s.end), (to.start, to.end)), s))
            .filter(|(g, _)| *g <= MAX_GAP)
            .min_by_key(|(g, s)| (*g, s.start))
            .map(|(_, s)| *s)
    };
    // Contents grouped by their cue (by the cue's start word).
    let mut groups: Vec<(Tagged, Vec<Tagged>)> = Vec::new();
    for c in of(Role::Content) {
        let Some(cue) = nearest(Role::Cue, c) else {
            continue;
        };
        match groups.iter_mut().find(|(k, _)| k.start == cue.start) {
            Some((_, v)) => v.push(*c),
            None => groups.push((cue, vec![*c])),
        }
    }
    let text = analysis.text;
    let mut out: Vec<Quote> = groups
        .into_iter()
        .map(|(cue, contents)| {
            let a = contents.iter().map(|c| c.start).min().unwrap_or(cue.start);
            let b = contents.iter().map(|c| c.end).max().unwrap_or(cue.end);
            let span = Span::new(words[a].start, words[b - 1].end);
            let source = nearest(Role::Source, &cue)
                .or_else(|| second_chance_source(&cue, spans, &para, probs));
            let score = contents.iter().map(|c| c.score).sum::<f32>() / contents.len() as f32;
            let (kind, span) = kind_of(analysis, span);
            // The cue is the verb group, as the rule stage writes it ("has also said").
            let mut cs = cue.start;
            while cs > 0
                && para[cs - 1] == para[cue.start]
                && !spans
                    .iter()
                    .any(|t| t.start < cs && cs <= t.end && t.role != Role::Cue)
                && is_verb_group_word(&words[cs - 1].as_str(text).to_lowercase())
            {
                cs -= 1;
            }
            // A preposition between the cue and its content is the cue's ("voted against").
            let mut ce = cue.end;
            if ce + 1 == a && is_preposition(&words[ce].as_str(text).to_lowercase()) {
                ce += 1;
            }
            Quote {
                kind,
                span: trim_period(text, kind, span),
                cue: Some(Span::new(words[cs].start, words[ce - 1].end)),
                speaker: source.map(|s| Span::new(words[s.start].start, words[s.end - 1].end)),
                score: score.clamp(0.0, 1.0),
            }
        })
        .filter(|q| q.span.end > q.span.start)
        .collect();
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// Least `B-SRC` probability of a source start taken by [`second_chance_source`].
pub const SECOND_CHANCE_SOURCE: f32 = 0.1;

/// For a cue the decode gave no source: the word within [`MAX_GAP`] of it, in its paragraph
/// and outside every tagged span, likeliest to begin a source (at least
/// [`SECOND_CHANCE_SOURCE`]), extended over the following words likelier `I-SRC` than `O`.
/// The decode drops a source whose words are each a little likelier `O`, and the cue
/// without a source would leave the speaker to the link step's follow-on guesses.
fn second_chance_source(
    cue: &Tagged,
    spans: &[Tagged],
    para: &[usize],
    probs: &[[f32; 3]],
) -> Option<Tagged> {
    let free = |w: usize| !spans.iter().any(|s| s.start <= w && w < s.end);
    let near =
        |w: usize| para[w] == para[cue.start] && gap((w, w + 1), (cue.start, cue.end)) <= MAX_GAP;
    let lo = cue.start.saturating_sub(MAX_GAP + 1);
    let hi = (cue.end + MAX_GAP + 1).min(probs.len());
    let (start, p) = (lo..hi)
        .filter(|&w| near(w) && free(w))
        .map(|w| (w, probs[w][0]))
        .filter(|&(_, p)| p >= SECOND_CHANCE_SOURCE)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    // The cue is a tagged span (not free), so a source before it ends at it.
    let mut end = start + 1;
    while end < probs.len()
        && end < cue.start.max(start + 1) + MAX_GAP
        && para[end] == para[start]
        && free(end)
        && probs[end][1] > probs[end][2]
    {
        end += 1;
    }
    Some(Tagged {
        role: Role::Source,
        start,
        end,
        score: p,
    })
}

/// Direct when the span is one quotation (then the span is its content, without the marks),
/// mixed when it holds a quotation mark, else indirect.
fn kind_of(analysis: &TextAnalysis, span: Span) -> (QuoteKind, Span) {
    for r in &analysis.quotations {
        let covers = r.outer.start <= span.start + 3 && span.end <= r.outer.end + 3;
        let inside = span.start <= r.inner.start && r.inner.end <= span.end;
        if covers && inside && !r.single {
            return (QuoteKind::Direct, r.inner);
        }
    }
    let marked = analysis
        .quotations
        .iter()
        .any(|r| !r.single && r.outer.start < span.end && span.start < r.outer.end);
    if marked {
        (QuoteKind::Mixed, span)
    } else {
        (QuoteKind::Indirect, span)
    }
}

/// An indirect quote ends before its final period (the GGT convention the rule stage follows).
fn trim_period(text: &str, kind: QuoteKind, span: Span) -> Span {
    if kind == QuoteKind::Indirect
        && text[span.start..span.end].ends_with('.')
        && span.end > span.start + 1
    {
        Span::new(span.start, span.end - 1)
    } else {
        span
    }
}

/// How the tagger's quotes join the rule stage's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Combine {
    /// The rule quotes only (the tagger does not run).
    #[default]
    Rules,
    /// The rule quotes, plus each tagger quote that overlaps none of them.
    Add,
    /// As [`Combine::Add`], but only tagger quotes whose cue holds a reporting verb of the
    /// rule stage's cue lexicon ([`crate::lexicon::is_cue_word`]): the tagger draws the
    /// boundaries, the lexicon decides what counts as speech (PolNeAR also labels beliefs and
    /// intentions, which news quote sets do not count).
    Cued,
    /// The tagger's quotes only.
    Tagger,
}

impl Combine {
    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Combine::Rules => "rules",
            Combine::Add => "add",
            Combine::Cued => "cued",
            Combine::Tagger => "tagger",
        }
    }

    /// Parse a command-line name.
    pub fn parse(s: &str) -> Option<Combine> {
        [Combine::Rules, Combine::Add, Combine::Cued, Combine::Tagger]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// Merge rule quotes and tagger quotes of `text` as `how` says; sorted by span.
pub fn combine(how: Combine, text: &str, rules: Vec<Quote>, tagged: Vec<Quote>) -> Vec<Quote> {
    let cued = |q: &Quote| {
        q.cue.is_some_and(|c| {
            text[c.start..c.end]
                .split(|ch: char| !ch.is_alphanumeric() && ch != '\'' && ch != '’')
                .any(|w| crate::lexicon::is_cue_word(&w.to_lowercase()))
        })
    };
    let mut out = match how {
        Combine::Rules => rules,
        Combine::Tagger => tagged,
        Combine::Add | Combine::Cued => {
            let mut out = rules;
            let extra: Vec<Quote> = tagged
                .into_iter()
                .filter(|t| how == Combine::Add || cued(t))
                .filter(|t| {
                    !out.iter()
                        .any(|r| r.span.start < t.span.end && t.span.start < r.span.end)
                })
                .collect();
            out.extend(extra);
            out
        }
    };
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_bio_is_enforced() {
        for r in ROLES {
            for b in [true, false] {
                assert_eq!(label_role(role_label(r, b) as usize), Some((r, b)));
            }
        }
        assert_eq!(label_role(0), None);
        let (b_con, i_con, i_src) = (5, 6, 2);
        assert!(allowed(Some(b_con), i_con) && allowed(Some(i_con), i_con));
        assert!(!allowed(Some(b_con), i_src) && !allowed(None, i_con) && !allowed(Some(0), i_con));
    }

    #[test]
    fn word_labels_mark_span_starts() {
        let text = "Ana said prices rose . Bo agreed";
        let words = crate::text::words::split_words(text);
        let span = |s: &str| {
            let a = text.find(s).unwrap();
            Span::new(a, a + s.len())
        };
        let spans = vec![
            (Role::Source, span("Ana")),
            (Role::Cue, span("said")),
            (Role::Content, span("prices rose")),
        ];
        let got: Vec<&str> = word_labels(&words, &spans)
            .iter()
            .map(|&l| LABELS[l as usize])
            .collect();
        assert_eq!(got, ["B-SRC", "B-CUE", "B-CON", "I-CON", "O", "O", "O"]);
    }

    #[test]
    fn add_keeps_rule_quotes_and_adds_only_new_ones() {
        let q = |a, b| Quote {
            kind: QuoteKind::Indirect,
            span: Span::new(a, b),
            cue: None,
            speaker: None,
            score: 0.5,
        };
        let text = "x".repeat(60);
        let got = combine(
            Combine::Add,
            &text,
            vec![q(10, 20)],
            vec![q(15, 30), q(40, 50)],
        );
        let spans: Vec<(usize, usize)> = got.iter().map(|q| (q.span.start, q.span.end)).collect();
        assert_eq!(spans, [(10, 20), (40, 50)]);
        assert_eq!(
            combine(Combine::Rules, &text, vec![q(1, 2)], vec![q(3, 4)]).len(),
            1
        );
    }

    #[test]
    fn cued_adds_only_quotes_whose_cue_is_a_reporting_verb() {
        let text = "Ana said taxes rose. Bo plans to cut taxes.";
        let at = |s: &str| {
            let a = text.find(s).unwrap();
            Span::new(a, a + s.len())
        };
        let q = |content: &str, cue: &str| Quote {
            kind: QuoteKind::Indirect,
            span: at(content),
            cue: Some(at(cue)),
            speaker: None,
            score: 0.5,
        };
        let tagged = vec![q("taxes rose", "said"), q("to cut taxes", "plans")];
        let got = combine(Combine::Cued, text, Vec::new(), tagged.clone());
        assert_eq!(got, vec![tagged[0].clone()]);
        assert_eq!(combine(Combine::Add, text, Vec::new(), tagged).len(), 2);
    }

    #[test]
    fn a_cue_without_a_tagged_source_takes_the_likeliest_free_source_start() {
        let t = |role, start, end| Tagged {
            role,
            start,
            end,
            score: 1.0,
        };
        // Words: 0 "Yesterday" 1 "the" 2 "mayor" 3 "said" 4..8 content.
        let cue = t(Role::Cue, 3, 4);
        let spans = [cue, t(Role::Content, 4, 8)];
        let para = vec![0; 9];
        let o = [0.0, 0.0, 1.0];
        let mut probs = vec![o; 9];
        probs[1] = [0.3, 0.1, 0.6];
        probs[2] = [0.05, 0.5, 0.45];
        // A content word more likely B-SRC is not a source: it is inside a tagged span.
        probs[5] = [0.9, 0.0, 0.1];
        let got = second_chance_source(&cue, &spans, &para, &probs).unwrap();
        assert_eq!((got.role, got.start, got.end), (Role::Source, 1, 3));
        // Below the least probability, or in another paragraph: no source.
        probs[1][0] = SECOND_CHANCE_SOURCE / 2.0;
        assert!(second_chance_source(&cue, &spans, &para, &probs).is_none());
        probs[1][0] = 0.3;
        let other = [1, 1, 1, 0, 0, 0, 0, 0, 0];
        assert!(second_chance_source(&cue, &spans, &other, &probs).is_none());
    }
}
