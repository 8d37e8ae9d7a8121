//! Named-entity recognition with the shipped transformer model.
//!
//! Windows: the WordPieces of a document are packed into windows of at most [`WINDOW`] pieces
//! (plus `[CLS]`/`[SEP]`) that end at sentence boundaries, as training packs CoNLL sentences, so
//! each piece is computed once and sees the context it was trained with. A sentence longer than a
//! window is cut into overlapping windows that own all but [`MARGIN`] pieces of context on each
//! inner side. Every piece is labelled by exactly one window; windows run in parallel (rayon) and
//! each depends only on its own pieces, so output does not depend on the thread count.
//!
//! Inference runs in [`engine`] (quantized weights, pure Rust); [`model`] is the candle model used for
//! training.
//!
//! Decoding: a word's label distribution is the softmax of its first WordPiece's logits. The
//! word labels of a document are the most probable sequence (sum of log-probabilities) among those
//! that are valid BIO ([`viterbi`]: no `I-X` at the start of the document or of a line, nor after
//! `O`, `B-Y` or `I-Y` with Y ≠ X). [`Decoding::Argmax`], each word's own most probable label,
//! is the decoding before it, kept for ablations (`newsx extract --decode argmax`). Words are
//! chunked into entities with conlleval's rule (a chunk starts at `B-X`, or at `I-X` after `O`
//! or after another type; a line break ends a chunk). An entity's score is the mean probability
//! of its words' labels.

pub mod engine;
pub mod model;
#[cfg(feature = "ort")]
pub mod ort_engine;
pub mod sources;
pub mod tokenizer;
pub mod trim;

use crate::doc::{Label, Mention, Span};

use crate::text::TextAnalysis;
use anyhow::{bail, Context, Result};
use candle_core::DType;
use candle_nn::VarMap;
use engine::{Dims, Engine, Getter};
use model::NerConfig;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokenizer::{NerTokenizer, Pieces, SHAPE_SPECIAL};

/// Content pieces in one window (128 with `[CLS]` and `[SEP]`).
pub const WINDOW: usize = 126;
/// Context pieces on each inner side of a window cut inside a sentence.
pub const MARGIN: usize = 16;

/// A BIO tag parsed from the label map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Outside.
    O,
    /// Begins an entity.
    B(Label),
    /// Inside an entity.
    I(Label),
}

impl Tag {
    /// Parse `O`, `B-PER`, `I-LOC`, …
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (p, l) = s.split_once('-')?;
        let l = Label::parse(l)?;
        match p {
            "B" => Some(Tag::B(l)),
            "I" => Some(Tag::I(l)),
            _ => None,
        }
    }
}

/// How word labels are chosen from their label probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decoding {
    /// The most probable label sequence that is valid BIO ([`viterbi`]).
    #[default]
    Viterbi,
    /// Each word's most probable label on its own (may give `I-X` after `O`).
    Argmax,
}

impl Decoding {
    /// Its name on the command line (and in the settings a resumable run records).
    pub fn as_str(self) -> &'static str {
        match self {
            Decoding::Viterbi => "viterbi",
            Decoding::Argmax => "argmax",
        }
    }

    /// Parse `viterbi` or `argmax`.
    pub fn parse(s: &str) -> Option<Decoding> {
        match s {
            "viterbi" => Some(Decoding::Viterbi),
            "argmax" => Some(Decoding::Argmax),
            _ => None,
        }
    }
}

/// A window: pieces `[start, end)` go in, pieces `[own_start, own_end)` are labelled from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First piece fed to the model.
    pub start: usize,
    /// One past the last piece fed.
    pub end: usize,
    /// First piece this window labels.
    pub own_start: usize,
    /// One past the last piece it labels.
    pub own_end: usize,
}

/// Pack `n` pieces into windows of at most `size`. `can_cut[p]` (`p` in `0..=n`) says that a
/// window may end before piece `p` (a sentence boundary). Each window ends at the last boundary
/// that fits; where none fits (a sentence longer than `size`), the window is cut inside the
/// sentence with `margin` pieces of context on each inner side. The owned ranges tile `0..n`.
pub fn pack_windows(n: usize, can_cut: &[bool], size: usize, margin: usize) -> Vec<Window> {
    assert!(size > 2 * margin);
    let mut out = Vec::with_capacity(n / size.max(1) + 1);
    let mut own = 0;
    let mut inside = false; // the previous window was cut inside a sentence
    while own < n {
        let start = if inside { own - margin } else { own };
        let limit = (start + size).min(n);
        if limit == n {
            out.push(Window {
                start,
                end: n,
                own_start: own,
                own_end: n,
            });
            break;
        }
        if let Some(c) = (own + 1..=limit)
            .rev()
            .find(|&c| can_cut.get(c) == Some(&true))
        {
            out.push(Window {
                start,
                end: c,
                own_start: own,
                own_end: c,
            });
            own = c;
            inside = false;
        } else {
            let own_end = limit - margin;
            out.push(Window {
                start,
                end: limit,
                own_start: own,
                own_end,
            });
            own = own_end;
            inside = true;
        }
    }
    out
}

/// The loaded NER model: tokenizer, inference engine, label map. Load once, share by reference.
pub struct Ner {
    engine: Engine,
    #[cfg(feature = "ort")]
    ort: Option<ort_engine::OrtEngine>,
    tokenizer: NerTokenizer,
    tags: Vec<Tag>,
    /// Most WordPieces in one window (the model config's `window`).
    window: usize,
    decoding: Decoding,
    stats: Counters,
}

/// Work counters, summed over every thread (for `newsx extract --stats` and the benchmark).
#[derive(Default)]
struct Counters {
    fed: AtomicU64,
    owned: AtomicU64,
    flop: AtomicU64,
    nanos: AtomicU64,
}

/// What the encoder did so far.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct EncoderStats {
    /// Pieces fed to the encoder, `[CLS]`/`[SEP]` and window context included.
    pub encoder_pieces: u64,
    /// Pieces of the documents themselves.
    pub owned_pieces: u64,
    /// Floating-point operations of the encoder and head ([`Engine::flop`]).
    pub encoder_flop: u64,
    /// Thread time spent in the encoder, summed over threads.
    pub ner_seconds: f64,
}

/// Parse a label map (`O`, `B-PER`, …) into tags; an unknown label is an error naming it.
fn parse_tags(id2label: &[String]) -> Result<Vec<Tag>> {
    id2label
        .iter()
        .map(|l| Tag::parse(l).with_context(|| format!("unknown label {l:?} in id2label")))
        .collect()
}

/// Check that windows of `window` pieces fit an encoder of `max_pos` positions (`[CLS]` and
/// `[SEP]` take two): the one rule for a model's config, `extract --window` and `train --window`.
pub fn check_window(window: usize, max_pos: usize) -> Result<()> {
    if window < 8 || window + 2 > max_pos {
        bail!(
            "window {window}: expected 8 to {} WordPieces",
            max_pos.saturating_sub(2)
        );
    }
    Ok(())
}

/// The words of `text` split at single spaces: the word spans the unit tests of the
/// corrections after decoding ([`sources`], [`trim`]) give them.
#[cfg(test)]
pub(crate) fn space_words(text: &str) -> Vec<Span> {
    let mut at = 0;
    text.split(' ')
        .map(|w| {
            let s = Span::new(at, at + w.len());
            at += w.len() + 1;
            s
        })
        .collect()
}

/// The engine's sizes from a model configuration.
fn dims(c: &NerConfig) -> Dims {
    Dims {
        vocab: c.vocab_size,
        hidden: c.hidden_size,
        heads: c.num_attention_heads,
        inter: c.intermediate_size,
        layers: c.num_hidden_layers,
        max_pos: c.max_position_embeddings,
        types: c.type_vocab_size,
        shapes: c.num_shapes,
        labels: c.id2label.len(),
        eps: c.layer_norm_eps as f32,
    }
}

/// Where to read the model files and what each is.
fn model_file(dir: &Path, name: &str) -> Result<PathBuf> {
    let p = dir.join(name);
    if !p.is_file() {
        bail!(
            "model file {} is missing (see models/README.md for what belongs in {})",
            p.display(),
            dir.display()
        );
    }
    Ok(p)
}

impl Ner {
    /// Load `config.json`, `tokenizer.json` and `model.safetensors` from `dir` and check that the
    /// label map covers the head's width.
    pub fn load(dir: &Path) -> Result<Self> {
        let cfg_path = model_file(dir, "config.json")?;
        let config: NerConfig = serde_json::from_str(
            &std::fs::read_to_string(&cfg_path)
                .with_context(|| format!("{}: cannot read", cfg_path.display()))?,
        )
        .with_context(|| {
            format!(
                "{}: not a newsx model config (see models/README.md)",
                cfg_path.display()
            )
        })?;
        let tags = parse_tags(&config.id2label)
            .with_context(|| format!("{}: bad id2label", cfg_path.display()))?;
        check_window(config.window, config.max_position_embeddings)
            .with_context(|| format!("{}: bad window", cfg_path.display()))?;
        let tokenizer = NerTokenizer::load(&model_file(dir, "tokenizer.json")?)?;
        let weights = model_file(dir, "model.safetensors")?;
        let bytes = std::fs::read(&weights)
            .with_context(|| format!("{}: cannot read", weights.display()))?;
        let damaged = || {
            format!(
                "{}: damaged weights file (see models/README.md)",
                weights.display()
            )
        };
        let st = safetensors::SafeTensors::deserialize(&bytes).with_context(damaged)?;
        let head = st.tensor("classifier.weight").with_context(|| {
            format!(
                "{}: no classifier.weight (see models/README.md)",
                weights.display()
            )
        })?;
        if head.shape().first() != Some(&tags.len()) {
            bail!(
                "{}: the head has {} outputs but config.json's id2label has {} labels",
                weights.display(),
                head.shape().first().copied().unwrap_or(0),
                tags.len()
            );
        }
        let engine = Engine::from_safetensors(dims(&config), &st)
            .with_context(|| format!("{}: weights do not fit config.json", weights.display()))?;
        Ok(Self {
            engine,
            #[cfg(feature = "ort")]
            ort: None,
            tokenizer,
            tags,
            window: config.window,
            decoding: Decoding::default(),
            stats: Counters::default(),
        })
    }

    /// The inference model of weights being trained (training's dev evaluation uses this, so the
    /// trainer scores the same quantized engine that `newsx extract` runs).
    pub fn from_varmap(
        varmap: &VarMap,
        config: &NerConfig,
        tokenizer: NerTokenizer,
    ) -> Result<Self> {
        let data = varmap.data().lock().expect("varmap lock");
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
            let t = data
                .get(name)
                .with_context(|| format!("no tensor {name} in the model being trained"))?
                .as_tensor();
            Ok((
                t.dims().to_vec(),
                t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?,
            ))
        };
        Self::from_parts(config, tokenizer, &get)
    }

    /// Build from a configuration and named tensors.
    fn from_parts(config: &NerConfig, tokenizer: NerTokenizer, get: &Getter) -> Result<Self> {
        let tags = parse_tags(&config.id2label)?;
        check_window(config.window, config.max_position_embeddings)?;
        Ok(Self {
            engine: Engine::build(dims(config), get)?,
            #[cfg(feature = "ort")]
            ort: None,
            tokenizer,
            tags,
            window: config.window,
            decoding: Decoding::default(),
            stats: Counters::default(),
        })
    }

    /// The model's tokenizer.
    pub fn tokenizer(&self) -> &NerTokenizer {
        &self.tokenizer
    }

    /// Run windows in ONNX Runtime instead of the native engine: `onnx` is the graph
    /// `tools/export_onnx.py` wrote from this model, with one session per thread.
    #[cfg(feature = "ort")]
    pub fn use_onnx_runtime(&mut self, onnx: &Path, threads: usize) -> Result<()> {
        self.ort = Some(ort_engine::OrtEngine::load(onnx, threads, self.tags.len())?);
        Ok(())
    }

    fn logits(&self, ids: &[u32], shapes: &[u32]) -> Result<Vec<f32>> {
        #[cfg(feature = "ort")]
        if let Some(o) = &self.ort {
            return o.logits(ids, shapes);
        }
        self.engine.logits(ids, shapes)
    }

    /// Read documents in windows of at most `window` WordPieces instead of the model config's
    /// (`newsx extract --window`); it must leave room for `[CLS]` and `[SEP]` in the encoder's
    /// positions.
    pub fn set_window(&mut self, window: usize) -> Result<()> {
        check_window(window, self.engine.max_positions())?;
        self.window = window;
        Ok(())
    }

    /// Choose how word labels are decoded (default [`Decoding::Viterbi`]).
    pub fn set_decoding(&mut self, decoding: Decoding) {
        self.decoding = decoding;
    }

    /// Label map.
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// The encoder's work so far.
    pub fn stats(&self) -> EncoderStats {
        EncoderStats {
            encoder_pieces: self.stats.fed.load(Ordering::Relaxed),
            owned_pieces: self.stats.owned.load(Ordering::Relaxed),
            encoder_flop: self.stats.flop.load(Ordering::Relaxed),
            ner_seconds: self.stats.nanos.load(Ordering::Relaxed) as f64 * 1e-9,
        }
    }

    /// The windows a document's pieces are cut into, given the words that start a sentence.
    pub fn windows(&self, pieces: &Pieces, starts: &[bool]) -> Vec<Window> {
        let n = pieces.ids.len();
        let mut can_cut = vec![false; n + 1];
        for (fp, &s) in pieces.first_piece.iter().zip(starts) {
            if let (Some(p), true) = (fp, s) {
                can_cut[*p] = true;
            }
        }
        pack_windows(n, &can_cut, self.window, MARGIN)
    }

    /// Per-word label logits, `labels` per word (the first WordPiece's row); a word without
    /// pieces gets a row that gives `O` probability 1. `starts[i]` marks word `i` as the start of
    /// a sentence (where windows may be cut).
    pub fn word_logits(&self, pieces: &Pieces, starts: &[bool]) -> Result<Vec<f32>> {
        Ok(self.word_rows(pieces, starts, None)?.0)
    }

    /// [`Ner::word_logits`] and, from the same forward pass, each word's features (the first
    /// WordPiece's hidden state after layer `tap` and its final one, `2 × hidden` values; zeros
    /// for a word without pieces).
    ///
    /// # Errors
    /// The optional ONNX Runtime engine gives no features; a `tap` outside the layers.
    pub fn word_logits_and_features(
        &self,
        pieces: &Pieces,
        starts: &[bool],
        tap: usize,
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        #[cfg(feature = "ort")]
        if self.ort.is_some() {
            bail!("the ONNX Runtime engine gives no features for the attribution tagger");
        }
        self.word_rows(pieces, starts, Some(tap))
    }

    /// Width of a word's features ([`Ner::word_logits_and_features`]).
    pub fn feature_width(&self) -> usize {
        2 * self.engine.hidden()
    }

    fn word_rows(
        &self,
        pieces: &Pieces,
        starts: &[bool],
        tap: Option<usize>,
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        let n = pieces.ids.len();
        let o = self.tags.iter().position(|t| *t == Tag::O).unwrap_or(0);
        let labels = self.tags.len();
        let fw = self.feature_width();
        let wins = self.windows(pieces, starts);
        let per_window: Vec<(Vec<f32>, Vec<f32>)> = wins
            .par_iter()
            .map(|w| {
                let mut ids = Vec::with_capacity(w.end - w.start + 2);
                ids.push(self.tokenizer.cls);
                ids.extend_from_slice(&pieces.ids[w.start..w.end]);
                ids.push(self.tokenizer.sep);
                let mut sh = Vec::with_capacity(ids.len());
                sh.push(SHAPE_SPECIAL);
                sh.extend_from_slice(&pieces.shapes[w.start..w.end]);
                sh.push(SHAPE_SPECIAL);
                let t0 = Instant::now();
                let (logits, features) = match tap {
                    None => (self.logits(&ids, &sh)?, Vec::new()),
                    Some(tap) => self.engine.logits_and_features(&ids, &sh, tap)?,
                };
                let c = &self.stats;
                c.nanos
                    .fetch_add(t0.elapsed().as_nanos() as u64, Ordering::Relaxed);
                c.fed.fetch_add(ids.len() as u64, Ordering::Relaxed);
                c.owned
                    .fetch_add((w.own_end - w.own_start) as u64, Ordering::Relaxed);
                c.flop
                    .fetch_add(self.engine.flop(ids.len()), Ordering::Relaxed);
                let (a, b) = (w.own_start - w.start + 1, w.own_end - w.start + 1);
                let own_features = if tap.is_some() {
                    features[a * fw..b * fw].to_vec()
                } else {
                    Vec::new()
                };
                Ok((logits[a * labels..b * labels].to_vec(), own_features))
            })
            .collect::<Result<_>>()?;
        let mut piece_logits: Vec<f32> = Vec::with_capacity(n * labels);
        let mut piece_features: Vec<f32> = Vec::new();
        for (l, f) in per_window {
            piece_logits.extend(l);
            piece_features.extend(f);
        }
        debug_assert_eq!(piece_logits.len(), n * labels);
        let mut no_piece = vec![f32::NEG_INFINITY; labels];
        no_piece[o] = 0.0;
        let out = first_piece_rows(&pieces.first_piece, &piece_logits, &no_piece);
        let features = if tap.is_some() {
            first_piece_rows(&pieces.first_piece, &piece_features, &vec![0.0; fw])
        } else {
            Vec::new()
        };
        Ok((out, features))
    }

    /// Word tags and their probabilities from [`Ner::word_logits`], decoded as set by
    /// [`Ner::set_decoding`]; `breaks[i]` marks word `i` as the start of a new sequence (no
    /// entity continues into it).
    pub fn decode_logits(&self, logits: &[f32], breaks: &[bool]) -> Vec<(Tag, f32)> {
        let labels = self.tags.len();
        let best: Vec<(usize, f32)> = match self.decoding {
            Decoding::Argmax => logits.chunks_exact(labels).map(best_label).collect(),
            Decoding::Viterbi => viterbi(&self.tags, logits, breaks),
        };
        best.into_iter().map(|(i, p)| (self.tags[i], p)).collect()
    }

    /// Tags of pre-split words; `starts[i]` marks word `i` as a sentence start (windows may be
    /// cut there, and no entity continues across it).
    pub fn predict_words(&self, words: &[&str], starts: &[bool]) -> Result<Vec<(Tag, f32)>> {
        let pieces = self.tokenizer.encode_words(words)?;
        let logits = self.word_logits(&pieces, starts)?;
        Ok(self.decode_logits(&logits, starts))
    }

    /// Entity mentions of a text, sorted by span (alias merging groups them into entities).
    pub fn recognize(&self, analysis: &TextAnalysis) -> Result<Vec<Mention>> {
        Ok(self.recognize_rows(analysis, None)?.0)
    }

    /// [`Ner::recognize`] and, from the same encoder pass, the features of every NER word
    /// ([`Ner::word_logits_and_features`] with layer `tap`) for the attribution tagger.
    pub fn recognize_with_features(
        &self,
        analysis: &TextAnalysis,
        tap: usize,
    ) -> Result<(Vec<Mention>, Vec<f32>)> {
        self.recognize_rows(analysis, Some(tap))
    }

    fn recognize_rows(
        &self,
        analysis: &TextAnalysis,
        tap: Option<usize>,
    ) -> Result<(Vec<Mention>, Vec<f32>)> {
        let text = analysis.text;
        let words: Vec<&str> = analysis.words.iter().map(|s| s.as_str(text)).collect();
        let pieces = self.tokenizer.encode_words(&words)?;
        let (logits, features) = match tap {
            None => (
                self.word_logits(&pieces, &analysis.sentence_starts)?,
                Vec::new(),
            ),
            Some(tap) => self.word_logits_and_features(&pieces, &analysis.sentence_starts, tap)?,
        };
        // A sequence starts where `decode` ends entities: at the first word and after line breaks.
        let breaks: Vec<bool> = (0..words.len())
            .map(|i| i == 0 || line_break_before(text, &analysis.words, i))
            .collect();
        let tags = self.decode_logits(&logits, &breaks);
        let mut mentions = decode(text, &analysis.words, &tags);
        trim::trim_lower_case_tails(text, &analysis.words, &mut mentions);
        sources::outlets_as_sources(text, &analysis.words, &mut mentions);
        Ok((mentions, features))
    }
}

/// Each word's row (`missing.len()` values) of per-piece `rows`: its first piece's, or `missing`
/// for a word without pieces.
fn first_piece_rows(first_piece: &[Option<usize>], rows: &[f32], missing: &[f32]) -> Vec<f32> {
    let w = missing.len();
    let mut out = Vec::with_capacity(first_piece.len() * w);
    for fp in first_piece {
        match fp.and_then(|p| rows.get(p * w..(p + 1) * w)) {
            Some(row) => out.extend_from_slice(row),
            None => out.extend_from_slice(missing),
        }
    }
    out
}

/// The arg-max of a row of logits and its softmax probability.
fn best_label(logits: &[f32]) -> (usize, f32) {
    let (best, mx) =
        logits
            .iter()
            .copied()
            .enumerate()
            .fold(
                (0, f32::NEG_INFINITY),
                |a, (i, v)| if v > a.1 { (i, v) } else { a },
            );
    let sum: f32 = logits.iter().map(|v| (v - mx).exp()).sum();
    (best, 1.0 / sum)
}

/// Whether a line break separates word `i - 1` from word `i` (`i > 0`).
fn line_break_before(text: &str, spans: &[Span], i: usize) -> bool {
    text[spans[i - 1].end..spans[i].start].contains('\n')
}

/// Whether `cur` may follow `prev` in BIO (`prev` is `None` at the start of a sequence):
/// `I-X` only after `B-X` or `I-X`; anything else anywhere.
fn allowed(prev: Option<Tag>, cur: Tag) -> bool {
    match cur {
        Tag::I(l) => matches!(prev, Some(Tag::B(m) | Tag::I(m)) if m == l),
        _ => true,
    }
}

/// Constrained Viterbi: for word logits (`tags.len()` per word), the label sequence with the
/// largest sum of log-probabilities among the valid BIO sequences ([`allowed`], with
/// `breaks[i]` starting a new sequence at word `i`; word 0 always starts one). Returns each
/// word's label index and its probability. Where the per-word arg-max is already valid BIO it
/// is the answer (up to exact ties, which go to the lower label index). Deterministic; O(words ×
/// labels²).
pub fn viterbi(tags: &[Tag], logits: &[f32], breaks: &[bool]) -> Vec<(usize, f32)> {
    viterbi_by(tags.len(), logits, breaks, |prev, cur| {
        allowed(prev.map(|k| tags[k]), tags[cur])
    })
}

/// [`viterbi`] over `labels` label indices, with `allowed(prev, cur)` saying whether label `cur`
/// may follow label `prev` (`None` at the start of a sequence). Other BIO label sets (the
/// attribution tagger's) decode with it.
pub fn viterbi_by(
    labels: usize,
    logits: &[f32],
    breaks: &[bool],
    allowed: impl Fn(Option<usize>, usize) -> bool,
) -> Vec<(usize, f32)> {
    let n = logits.len() / labels.max(1);
    if n == 0 || labels == 0 {
        return Vec::new();
    }
    // Log-probabilities and probabilities of each word's labels.
    let mut logp = Vec::with_capacity(n * labels);
    let mut prob = Vec::with_capacity(n * labels);
    for row in logits.chunks_exact(labels) {
        let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f32 = row.iter().map(|v| (v - mx).exp()).sum();
        let ln_sum = (sum as f64).ln();
        for &v in row {
            logp.push((v - mx) as f64 - ln_sum);
            prob.push((v - mx).exp() / sum);
        }
    }
    let mut back = vec![0u32; n * labels];
    let mut score: Vec<f64> = (0..labels)
        .map(|j| {
            if allowed(None, j) {
                logp[j]
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let mut next = vec![0f64; labels];
    for i in 1..n {
        let brk = breaks.get(i) == Some(&true);
        for j in 0..labels {
            let mut best: Option<(usize, f64)> = None;
            for (k, &sk) in score.iter().enumerate() {
                let ok = if brk {
                    allowed(None, j)
                } else {
                    allowed(Some(k), j)
                };
                if ok && best.is_none_or(|(_, b)| sk > b) {
                    best = Some((k, sk));
                }
            }
            match best {
                Some((k, b)) => {
                    next[j] = b + logp[i * labels + j];
                    back[i * labels + j] = k as u32;
                }
                None => next[j] = f64::NEG_INFINITY,
            }
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut j = (0..labels).fold(0, |a, j| if score[j] > score[a] { j } else { a });
    let mut out = vec![(0, 0.0); n];
    for i in (0..n).rev() {
        out[i] = (j, prob[i * labels + j]);
        j = back[i * labels + j] as usize;
    }
    out
}

/// Chunk word tags into entities (conlleval rule, with a line break ending any entity, as a
/// sentence end does in CoNLL); score = mean word probability.
pub fn decode(text: &str, spans: &[Span], tags: &[(Tag, f32)]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Label, f32, usize)> = None; // start word, label, sum p, count
    let close =
        |open: &mut Option<(usize, Label, f32, usize)>, end_word: usize, out: &mut Vec<Mention>| {
            if let Some((s, l, sum, n)) = open.take() {
                out.push(Mention {
                    span: Span::new(spans[s].start, spans[end_word - 1].end),
                    label: l,
                    score: sum / n as f32,
                });
            }
        };
    for (i, &(tag, p)) in tags.iter().enumerate() {
        if i > 0 && line_break_before(text, spans, i) {
            close(&mut open, i, &mut out);
        }
        match tag {
            Tag::O => close(&mut open, i, &mut out),
            Tag::B(l) => {
                close(&mut open, i, &mut out);
                open = Some((i, l, p, 1));
            }
            Tag::I(l) => match &mut open {
                Some((_, ol, sum, n)) if *ol == l => {
                    *sum += p;
                    *n += 1;
                }
                _ => {
                    close(&mut open, i, &mut out);
                    open = Some((i, l, p, 1));
                }
            },
        }
    }
    close(&mut open, tags.len(), &mut out);
    out
}

#[cfg(test)]
mod tests;
