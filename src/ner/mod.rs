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

use crate::doc::{Label, Mention, Span};
pub mod tokenizer;

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
        Ok(Self {
            engine: Engine::build(dims(config), get)?,
            #[cfg(feature = "ort")]
            ort: None,
            tokenizer,
            tags,
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
        pack_windows(n, &can_cut, WINDOW, MARGIN)
    }

    /// Per-word label logits, `labels` per word (the first WordPiece's row); a word without
    /// pieces gets a row that gives `O` probability 1. `starts[i]` marks word `i` as the start of
    /// a sentence (where windows may be cut).
    pub fn word_logits(&self, pieces: &Pieces, starts: &[bool]) -> Result<Vec<f32>> {
        let n = pieces.ids.len();
        let o = self.tags.iter().position(|t| *t == Tag::O).unwrap_or(0);
        let labels = self.tags.len();
        let wins = self.windows(pieces, starts);
        let per_window: Vec<Vec<f32>> = wins
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
                let logits = self.logits(&ids, &sh)?;
                let c = &self.stats;
                c.nanos
                    .fetch_add(t0.elapsed().as_nanos() as u64, Ordering::Relaxed);
                c.fed.fetch_add(ids.len() as u64, Ordering::Relaxed);
                c.owned
                    .fetch_add((w.own_end - w.own_start) as u64, Ordering::Relaxed);
                c.flop
                    .fetch_add(self.engine.flop(ids.len()), Ordering::Relaxed);
                let own = (w.own_start - w.start + 1) * labels..(w.own_end - w.start + 1) * labels;
                Ok(logits[own].to_vec())
            })
            .collect::<Result<_>>()?;
        let mut piece_logits: Vec<f32> = Vec::with_capacity(n * labels);
        for v in per_window {
            piece_logits.extend(v);
        }
        debug_assert_eq!(piece_logits.len(), n * labels);
        let mut no_piece = vec![f32::NEG_INFINITY; labels];
        no_piece[o] = 0.0;
        let mut out = Vec::with_capacity(pieces.first_piece.len() * labels);
        for fp in &pieces.first_piece {
            match fp.and_then(|p| piece_logits.get(p * labels..(p + 1) * labels)) {
                Some(row) => out.extend_from_slice(row),
                None => out.extend_from_slice(&no_piece),
            }
        }
        Ok(out)
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
        let text = analysis.text;
        let words: Vec<&str> = analysis.words.iter().map(|s| s.as_str(text)).collect();
        let pieces = self.tokenizer.encode_words(&words)?;
        let logits = self.word_logits(&pieces, &analysis.sentence_starts)?;
        // A sequence starts where `decode` ends entities: at the first word and after line breaks.
        let breaks: Vec<bool> = (0..words.len())
            .map(|i| i == 0 || line_break_before(text, &analysis.words, i))
            .collect();
        let tags = self.decode_logits(&logits, &breaks);
        Ok(decode(text, &analysis.words, &tags))
    }
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
    let labels = tags.len();
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
            if allowed(None, tags[j]) {
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
            for k in 0..labels {
                let ok = if brk {
                    allowed(None, tags[j])
                } else {
                    allowed(Some(tags[k]), tags[j])
                };
                if ok && best.is_none_or(|(_, b)| score[k] > b) {
                    best = Some((k, score[k]));
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
mod tests {
    use super::*;

    /// The quantized engine computes what the candle model (the training graph) computes: a small
    /// random model with every kind of layer, logits compared on windows of several lengths.
    #[test]
    fn engine_matches_the_candle_model() {
        use candle_core::{Device, Tensor};
        use candle_nn::VarBuilder;
        use model::{attention_mask, pad_u32, DropoutRng, NerModel, NUM_SHAPES};
        let dev = Device::Cpu;
        let varmap = VarMap::new();
        let cfg = NerConfig {
            vocab_size: 60,
            hidden_size: 48,
            num_hidden_layers: 2,
            num_attention_heads: 4,
            intermediate_size: 96,
            max_position_embeddings: 64,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            hidden_dropout_prob: 0.1,
            attention_probs_dropout_prob: 0.1,
            num_shapes: NUM_SHAPES,
            id2label: ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
                .map(String::from)
                .to_vec(),
        };
        let m = NerModel::load(VarBuilder::from_varmap(&varmap, DType::F32, &dev), &cfg).unwrap();
        let rng = DropoutRng::new(3);
        for (name, var) in varmap.data().lock().unwrap().iter() {
            let t = Tensor::from_vec(rng.normal(var.elem_count(), 0.3), var.shape(), &dev).unwrap();
            let t = if name.contains("LayerNorm.weight") {
                (t + 1.0).unwrap()
            } else {
                t
            };
            var.set(&t).unwrap();
        }
        let tok = || {
            NerTokenizer::load(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner/tokenizer.json"),
            )
            .unwrap()
        };
        let mut portable = Ner::from_varmap(&varmap, &cfg, tok()).unwrap();
        portable.engine.force_portable();
        let engines = [
            Ner::from_varmap(&varmap, &cfg, tok()).unwrap().engine,
            portable.engine,
        ];
        for len in [1usize, 2, 7, 17, 40] {
            let ids: Vec<u32> = (0..len).map(|i| (i * 7 % 60) as u32).collect();
            let shapes: Vec<u32> = (0..len).map(|i| (i % NUM_SHAPES) as u32).collect();
            let want = m
                .forward(
                    &pad_u32(&[&ids], 0, &dev).unwrap(),
                    &pad_u32(&[&shapes], 0, &dev).unwrap(),
                    &attention_mask(&[len], &dev).unwrap(),
                    None,
                )
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let scale = want.iter().fold(0f32, |a, v| a.max(v.abs()));
            for e in &engines {
                let got = e.logits(&ids, &shapes).unwrap();
                assert_eq!(got.len(), want.len());
                let diff = got
                    .iter()
                    .zip(&want)
                    .fold(0f32, |a, (g, w)| a.max((g - w).abs()));
                assert!(diff < 0.02 * scale, "len {len}: max diff {diff} of {scale}");
            }
        }
        // Bad input is an error, not a panic.
        assert!(engines[0].logits(&[99], &[0]).is_err());
        assert!(engines[0].logits(&[1, 2], &[0]).is_err());
        assert!(engines[0].logits(&vec![1; 65], &vec![0; 65]).is_err());
    }

    /// A model without token types (DistilBERT) runs in the engine as the same model with a zero
    /// token-type row: identical logits.
    #[test]
    fn engine_without_token_types_adds_nothing() {
        use candle_core::{Device, Tensor};
        use candle_nn::VarBuilder;
        use model::{DropoutRng, NerModel, NUM_SHAPES};
        let dev = Device::Cpu;
        let cfg = |types| NerConfig {
            vocab_size: 60,
            hidden_size: 48,
            num_hidden_layers: 2,
            num_attention_heads: 4,
            intermediate_size: 96,
            max_position_embeddings: 64,
            type_vocab_size: types,
            layer_norm_eps: 1e-12,
            hidden_dropout_prob: 0.1,
            attention_probs_dropout_prob: 0.1,
            num_shapes: NUM_SHAPES,
            id2label: ["O", "B-PER", "I-PER"].map(String::from).to_vec(),
        };
        let with = VarMap::new();
        NerModel::load(VarBuilder::from_varmap(&with, DType::F32, &dev), &cfg(2)).unwrap();
        let without = VarMap::new();
        NerModel::load(VarBuilder::from_varmap(&without, DType::F32, &dev), &cfg(0)).unwrap();
        let rng = DropoutRng::new(11);
        let mut tensors = std::collections::HashMap::new();
        for (name, var) in with.data().lock().unwrap().iter() {
            let t = Tensor::from_vec(rng.normal(var.elem_count(), 0.3), var.shape(), &dev).unwrap();
            let t = if name.contains("token_type") {
                t.zeros_like().unwrap()
            } else {
                t
            };
            var.set(&t).unwrap();
            tensors.insert(name.clone(), t);
        }
        for (name, var) in without.data().lock().unwrap().iter() {
            var.set(&tensors[name]).unwrap();
        }
        let tok = || {
            NerTokenizer::load(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner/tokenizer.json"),
            )
            .unwrap()
        };
        let a = Ner::from_varmap(&with, &cfg(2), tok()).unwrap();
        let b = Ner::from_varmap(&without, &cfg(0), tok()).unwrap();
        let ids: Vec<u32> = (0..23).map(|i| (i * 11 % 60) as u32).collect();
        let shapes: Vec<u32> = (0..23).map(|i| (i % NUM_SHAPES) as u32).collect();
        assert_eq!(
            a.engine.logits(&ids, &shapes).unwrap(),
            b.engine.logits(&ids, &shapes).unwrap()
        );
        // A model that has token types must have the tensor.
        let mut dims = dims(&cfg(2));
        dims.types = 3;
        let data = with.data().lock().unwrap();
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
            let t = data.get(name).context("missing")?.as_tensor();
            Ok((t.dims().to_vec(), t.flatten_all()?.to_vec1::<f32>()?))
        };
        assert!(Engine::build(dims, &get).is_err());
    }

    fn check_tiling(n: usize, can_cut: &[bool], size: usize, margin: usize) -> Vec<Window> {
        let ws = pack_windows(n, can_cut, size, margin);
        let mut next = 0;
        for w in &ws {
            assert!(w.end - w.start <= size, "{w:?}");
            assert!(w.start <= w.own_start && w.own_start < w.own_end && w.own_end <= w.end);
            assert_eq!(w.own_start, next, "owned ranges must be contiguous: {ws:?}");
            next = w.own_end;
            // A window either ends at a boundary (owning its whole input) or keeps context.
            if w.end < n && !can_cut[w.end] {
                assert_eq!(w.end - w.own_end, margin, "{w:?}");
            }
        }
        assert_eq!(next, n, "n={n}: {ws:?}");
        ws
    }

    #[test]
    fn windows_tile_exactly_once_and_end_at_sentences() {
        for n in [0, 1, 5, 126, 127, 200, 500, 1000, 1234] {
            // No boundaries at all: overlapping windows with context.
            check_tiling(n, &vec![false; n + 1], 126, 16);
            // A boundary every 30 pieces: windows are whole sentences, no piece computed twice.
            let cuts: Vec<bool> = (0..=n).map(|p| p % 30 == 0).collect();
            let ws = check_tiling(n, &cuts, 126, 16);
            for w in &ws {
                assert_eq!((w.start, w.end), (w.own_start, w.own_end));
                assert!(w.end == n || w.end % 30 == 0);
                assert!(
                    w.end == n || w.end - w.start == 120,
                    "packed greedily: {w:?}"
                );
            }
            // A long sentence among short ones.
            let cuts: Vec<bool> = (0..=n).map(|p| p == 10 || p == 400 || p == 420).collect();
            check_tiling(n, &cuts, 126, 16);
        }
        // Windows of a sentence longer than the window keep context on the inner side.
        let ws = pack_windows(300, &[false; 301], 126, 16);
        assert_eq!(
            ws[0],
            Window {
                start: 0,
                end: 126,
                own_start: 0,
                own_end: 110
            }
        );
        assert_eq!(ws[1].start, 94);
    }

    fn five_tags() -> Vec<Tag> {
        ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
            .map(|s| Tag::parse(s).unwrap())
            .to_vec()
    }

    /// Logits whose softmax is the given probability rows (each sums to 1).
    fn logits_of(rows: &[[f32; 5]]) -> Vec<f32> {
        rows.iter().flat_map(|r| r.iter().map(|p| p.ln())).collect()
    }

    fn labels_of(v: &[(usize, f32)]) -> Vec<usize> {
        v.iter().map(|x| x.0).collect()
    }

    #[test]
    fn viterbi_repairs_invalid_bio() {
        let tags = five_tags();
        // Word 1's arg-max is I-PER after O: invalid. B-PER is the best valid label there.
        let lg = logits_of(&[
            [0.8, 0.1, 0.0001, 0.05, 0.0499],
            [0.05, 0.4, 0.5, 0.03, 0.02],
            [0.1, 0.05, 0.8, 0.03, 0.02],
        ]);
        let am: Vec<(usize, f32)> = lg.chunks_exact(5).map(best_label).collect();
        assert_eq!(labels_of(&am), [0, 2, 2]);
        let v = viterbi(&tags, &lg, &[true, false, false]);
        assert_eq!(labels_of(&v), [0, 1, 2]);
        assert!((v[1].1 - 0.4).abs() < 1e-5 && (v[2].1 - 0.8).abs() < 1e-5);
        // The repair may change an earlier word: O (0.6) then I-PER (0.9) becomes B-PER I-PER
        // (0.4 × 0.9 = 0.36 beats the best path through O, 0.6 × 0.05).
        let lg = logits_of(&[
            [0.6, 0.39997, 0.00001, 0.00001, 0.00001],
            [0.05, 0.02, 0.9, 0.02, 0.01],
        ]);
        assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, false])), [1, 2]);
        // An inside label opening the sequence, and I-ORG after B-PER, are invalid too (word 0:
        // O, B-PER and B-ORG tie, and the tie goes to the lower index).
        let lg = logits_of(&[
            [0.1, 0.1, 0.6, 0.1, 0.1],
            [0.1, 0.7, 0.1, 0.05, 0.05],
            [0.1, 0.1, 0.1, 0.3, 0.4],
        ]);
        assert_eq!(
            labels_of(&viterbi(&tags, &lg, &[true, false, false])),
            [0, 1, 3]
        );
        // A break starts a new sequence: no I- label right after it.
        let lg = logits_of(&[[0.02, 0.9, 0.04, 0.02, 0.02], [0.05, 0.3, 0.6, 0.03, 0.02]]);
        assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, false])), [1, 2]);
        assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, true])), [1, 1]);
        // Nothing at all.
        assert!(viterbi(&tags, &[], &[]).is_empty());
    }

    #[test]
    fn viterbi_keeps_a_valid_argmax() {
        let tags = five_tags();
        let lg = logits_of(&[
            [0.02, 0.9, 0.04, 0.02, 0.02],
            [0.1, 0.05, 0.8, 0.03, 0.02],
            [0.7, 0.1, 0.1, 0.05, 0.05],
            [0.1, 0.1, 0.1, 0.6, 0.1],
            [0.2, 0.1, 0.1, 0.1, 0.5],
            [0.1, 0.1, 0.1, 0.6, 0.1],
        ]);
        let am: Vec<(usize, f32)> = lg.chunks_exact(5).map(best_label).collect();
        assert_eq!(labels_of(&am), [1, 2, 0, 3, 4, 3]);
        // Same labels and the very same probabilities (entity scores do not move).
        assert_eq!(
            viterbi(&tags, &lg, &[true, false, true, false, false, true]),
            am
        );
        let mut from_start = [false; 6];
        from_start[0] = true;
        assert_eq!(viterbi(&tags, &lg, &from_start), am);
    }

    /// On random tables, Viterbi's sequence is valid BIO and no valid sequence scores higher
    /// (checked against every sequence).
    #[test]
    fn viterbi_finds_the_best_valid_sequence() {
        let tags = five_tags();
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as f32 / (1u64 << 31) as f32) * 8.0 - 4.0
        };
        for case in 0..200 {
            let n = 1 + case % 5;
            let lg: Vec<f32> = (0..n * 5).map(|_| rnd()).collect();
            let breaks: Vec<bool> = (0..n).map(|i| i == 0 || rnd() > 2.0).collect();
            let logp = |i: usize, j: usize| {
                let row = &lg[i * 5..i * 5 + 5];
                let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = row.iter().map(|v| (v - mx).exp()).sum();
                (row[j] - mx) as f64 - (sum as f64).ln()
            };
            let valid = |seq: &[usize]| {
                (0..seq.len()).all(|i| {
                    let prev = (!breaks[i]).then(|| tags[seq[i - 1]]);
                    allowed(prev, tags[seq[i]])
                })
            };
            let total = |seq: &[usize]| (0..seq.len()).map(|i| logp(i, seq[i])).sum::<f64>();
            let got = labels_of(&viterbi(&tags, &lg, &breaks));
            assert!(valid(&got), "case {case}: {got:?}");
            let mut best = f64::NEG_INFINITY;
            for code in 0..5usize.pow(n as u32) {
                let seq: Vec<usize> = (0..n).map(|i| code / 5usize.pow(i as u32) % 5).collect();
                if valid(&seq) {
                    best = best.max(total(&seq));
                }
            }
            assert!(
                total(&got) >= best - 1e-9,
                "case {case}: {} < {best}",
                total(&got)
            );
        }
    }

    #[test]
    fn decode_follows_conlleval() {
        let spans: Vec<Span> = (0..6).map(|i| Span::new(i * 2, i * 2 + 1)).collect();
        let t = |s: &str| Tag::parse(s).unwrap();
        let tags = vec![
            (t("B-PER"), 0.9),
            (t("I-PER"), 0.7),
            (t("O"), 1.0),
            (t("I-ORG"), 0.5),
            (t("B-ORG"), 0.5),
            (t("I-LOC"), 0.5),
        ];
        let text = "a b c d e f";
        let e = decode(text, &spans, &tags);
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].span, Span::new(0, 3));
        assert!((e[0].score - 0.8).abs() < 1e-6);
        assert_eq!(e[1].label, Label::Org);
        assert_eq!(e[1].span, Span::new(6, 7));
        assert_eq!(e[2].span, Span::new(8, 9));
        assert_eq!(e[3].label, Label::Loc);
        // A line break ends an entity: I-PER after it starts a new one.
        let text = "a\nb";
        let spans = [Span::new(0, 1), Span::new(2, 3)];
        let e = decode(text, &spans, &[(t("B-PER"), 0.9), (t("I-PER"), 0.9)]);
        assert_eq!(e.len(), 2);
    }
}
