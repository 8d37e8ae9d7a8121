//! `newsx train`: fine-tune the encoder and a token-classification head on CoNLL-2003 BIO files.
//!
//! Recipe: word labels on the first WordPiece of each word; consecutive whole sentences of one
//! document packed into windows of at most `--window` WordPieces (126 by default; every word
//! labelled), optionally a share of sentences read in Title Case (`--title-case`); a word-shape
//! embedding added to the input embeddings; AdamW (encoder and shape embedding at `--lr`, head
//! at `--head-lr`, weight decay 0.01 except biases and layer norms), linear warm-up then linear
//! decay, gradient clipping at 1.0, dropout 0.1, fixed seed. Dev strict F1 after every epoch.
//! Checkpoints every `--checkpoint-every` steps; `--resume` continues an interrupted run.

use crate::conll::{chunks, read_conll, ConllDoc};
use crate::doc::Label;
use crate::eval::score_entities;
use crate::ner::model::{
    attention_mask, distilbert_name, pad_u32, DropoutRng, NerConfig, NerModel, NUM_SHAPES,
};
use crate::ner::tokenizer::{NerTokenizer, SHAPE_SPECIAL};
use crate::ner::{Ner, WINDOW};
use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The label map of a CoNLL-2003 model.
pub const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

const IGNORE: u32 = u32::MAX;
/// A word's first piece with teacher labels but no gold tag.
const NO_GOLD: u32 = u32::MAX - 1;

pub mod average;
pub mod soft;

/// What `newsx train` is to do (the library's form of its command line; see there for each
/// field's meaning and default).
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// CoNLL-2003 training file (BIO, IOB1 or IOB2); not read when `soft` is given.
    pub train: Option<PathBuf>,
    /// Teacher labels ([`soft`], `newsx teacher-labels`): the training documents, their gold
    /// tags where they have them, and the teacher's word distributions (distillation).
    pub soft: Option<PathBuf>,
    /// Weight of the distillation loss against the gold cross-entropy (`soft` only).
    pub kd_weight: f64,
    /// Temperature of the teacher's and the student's distributions in the distillation loss.
    pub temperature: f64,
    /// CoNLL-2003 dev file, scored after every epoch.
    pub dev: PathBuf,
    /// Base encoder folder: config.json, model.safetensors, tokenizer.json.
    pub base: PathBuf,
    /// Output folder: checkpoints, per-epoch models, train.log; the final model lands here.
    pub out: PathBuf,
    /// Start from these weights instead of a fresh head on the base encoder.
    pub init: Option<PathBuf>,
    /// Epochs.
    pub epochs: usize,
    /// Windows per batch.
    pub batch: usize,
    /// Peak learning rate of the encoder.
    pub lr: f64,
    /// Peak learning rate of the classification head.
    pub head_lr: f64,
    /// Warm-up share of all steps.
    pub warmup: f64,
    /// Random seed (shuffling, dropout, head initialisation).
    pub seed: u64,
    /// Without the word-shape (casing) embedding.
    pub no_shape: bool,
    /// Most WordPieces in one training window; written to the model's config, so that
    /// `newsx extract` packs the same windows.
    pub window: usize,
    /// Share of training sentences whose words are all read in Title Case (case augmentation:
    /// the labels, gold and teacher's, stay those of the original casing).
    pub title_case: f64,
    /// Save a checkpoint every N steps.
    pub checkpoint_every: usize,
    /// Continue from the checkpoint in `out`.
    pub resume: bool,
    /// Stop after this many epochs, keeping the learning-rate schedule of `epochs`.
    pub stop_after: Option<usize>,
    /// Stop after N steps in all.
    pub max_steps: Option<usize>,
    /// Only the first N training documents.
    pub limit_docs: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

/// What [`run`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSummary {
    /// Optimizer steps in all (a resumed run counts those before the resume too).
    pub steps: usize,
    /// Seconds this process trained.
    pub seconds: f64,
}

/// One packed training window.
#[derive(Debug, Clone)]
pub struct Example {
    /// `[CLS] pieces [SEP]`.
    pub ids: Vec<u32>,
    /// Shape ids, same length.
    pub shapes: Vec<u32>,
    /// Label ids at first pieces ([`NO_GOLD`] for a word without a gold tag), [`u32::MAX`]
    /// elsewhere.
    pub labels: Vec<u32>,
    /// The teacher's log-probabilities ([`LABELS`] order) of each first piece, in order; empty
    /// without teacher labels.
    pub soft: Vec<f32>,
}

/// How [`pack_with`] cuts and reads the training text.
#[derive(Debug, Clone, Copy)]
pub struct Packing {
    /// Most WordPieces in one window.
    pub window: usize,
    /// Share of sentences read in Title Case ([`TrainOptions::title_case`]).
    pub title_case: f64,
    /// Picks those sentences (a hash of seed, document and sentence index).
    pub seed: u64,
}

impl Default for Packing {
    fn default() -> Self {
        Self {
            window: WINDOW,
            title_case: 0.0,
            seed: 0,
        }
    }
}

/// Pack the sentences of each document into windows of at most [`WINDOW`] pieces.
pub fn pack(docs: &[ConllDoc], tok: &NerTokenizer) -> Result<Vec<Example>> {
    pack_with(docs, None, tok, Packing::default())
}

/// Whether sentence `s` of document `d` is read in Title Case: a hash of the three numbers
/// (splitmix64), so the choice does not depend on the order of packing.
fn title_cased(how: &Packing, d: usize, s: usize) -> bool {
    if how.title_case <= 0.0 {
        return false;
    }
    let mut z = how
        .seed
        .wrapping_add((d as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add((s as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 11) as f64 / (1u64 << 53) as f64) < how.title_case
}

/// `w` with its first letter upper-cased when it starts with a lower-case letter.
fn title(w: &str) -> Cow<'_, str> {
    let mut c = w.chars();
    match c.next() {
        Some(f) if f.is_lowercase() => Cow::Owned(f.to_uppercase().chain(c).collect()),
        _ => Cow::Borrowed(w),
    }
}

/// [`pack`] with the teacher's word log-probabilities of every document (`soft[d]`,
/// [`LABELS`]`.len()` per word; a word tagged [`soft::NO_TAG`] has no gold label), windows of
/// at most `how.window` pieces, and case augmentation.
pub fn pack_with(
    docs: &[ConllDoc],
    soft: Option<&[Vec<f32>]>,
    tok: &NerTokenizer,
    how: Packing,
) -> Result<Vec<Example>> {
    let window = how.window;
    let nl = LABELS.len();
    let label_id: HashMap<&str, u32> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, i as u32))
        .collect();
    let mut out = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        let doc_soft = soft.map(|s| s[di].as_slice());
        let mut word_base = 0;
        let mut cur: Option<Example> = None;
        for (si, s) in doc.sentences.iter().enumerate() {
            let titled = title_cased(&how, di, si);
            let words: Vec<Cow<str>> = s
                .words
                .iter()
                .map(|w| {
                    if titled {
                        title(w)
                    } else {
                        Cow::Borrowed(w.as_str())
                    }
                })
                .collect();
            let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
            let p = tok.encode_words(&words)?;
            // Per-word piece ranges, so that a long sentence can be cut between words.
            let mut seg_ids = Vec::new();
            let mut seg_shapes = Vec::new();
            let mut seg_labels = Vec::new();
            let mut seg_soft = Vec::new();
            let mut word_breaks = vec![0usize];
            // The next row of `seg_soft` to go into a window.
            let mut soft_next = 0;
            for (wi, fp) in p.first_piece.iter().enumerate() {
                let Some(start) = *fp else { continue };
                let end = p.first_piece[wi + 1..]
                    .iter()
                    .flatten()
                    .next()
                    .copied()
                    .unwrap_or(p.ids.len());
                let tag = &s.tags[wi];
                let lab = if tag == soft::NO_TAG && doc_soft.is_some() {
                    NO_GOLD
                } else {
                    *label_id
                        .get(tag.as_str())
                        .with_context(|| format!("unknown tag {tag}"))?
                };
                if let Some(ds) = doc_soft {
                    let w = word_base + wi;
                    let row = ds
                        .get(w * nl..(w + 1) * nl)
                        .context("teacher labels cover fewer words than the document")?;
                    seg_soft.push(row);
                }
                for k in start..end {
                    seg_ids.push(p.ids[k]);
                    seg_shapes.push(p.shapes[k]);
                    seg_labels.push(if k == start { lab } else { IGNORE });
                }
                word_breaks.push(seg_ids.len());
            }
            word_base += s.words.len();
            // Cut an over-long sentence into pieces at word breaks.
            let mut from = 0;
            while from < seg_ids.len() {
                let mut to = seg_ids.len();
                if to - from > window {
                    to = *word_breaks
                        .iter()
                        .rev()
                        .find(|&&b| b > from && b - from <= window)
                        .unwrap_or(&(from + window));
                }
                let len = to - from;
                let fits = cur
                    .as_ref()
                    .is_some_and(|c| c.ids.len() - 1 + len <= window);
                if !fits {
                    if let Some(c) = cur.take() {
                        out.push(close(c, tok));
                    }
                    cur = Some(Example {
                        ids: vec![tok.cls],
                        shapes: vec![SHAPE_SPECIAL],
                        labels: vec![IGNORE],
                        soft: Vec::new(),
                    });
                }
                let c = cur.as_mut().expect("window open");
                c.ids.extend_from_slice(&seg_ids[from..to]);
                c.shapes.extend_from_slice(&seg_shapes[from..to]);
                // The teacher rows of the first pieces in `from..to`, in order.
                if !seg_soft.is_empty() {
                    let count = seg_labels[from..to]
                        .iter()
                        .filter(|&&l| l != IGNORE)
                        .count();
                    for row in &seg_soft[soft_next..soft_next + count] {
                        c.soft.extend_from_slice(row);
                    }
                    soft_next += count;
                }
                c.labels.extend_from_slice(&seg_labels[from..to]);
                from = to;
            }
        }
        if let Some(c) = cur.take() {
            out.push(close(c, tok));
        }
    }
    Ok(out)
}

fn close(mut c: Example, tok: &NerTokenizer) -> Example {
    c.ids.push(tok.sep);
    c.shapes.push(SHAPE_SPECIAL);
    c.labels.push(IGNORE);
    c
}

/// HF BERT `config.json` fields we read from the base model; a DistilBERT config (`dim`,
/// `n_layers`, `n_heads`, `hidden_dim`, no token types) is read as the same architecture.
#[derive(Deserialize)]
struct HfConfig {
    vocab_size: usize,
    #[serde(alias = "dim")]
    hidden_size: usize,
    #[serde(alias = "n_layers")]
    num_hidden_layers: usize,
    #[serde(alias = "n_heads")]
    num_attention_heads: usize,
    #[serde(alias = "hidden_dim")]
    intermediate_size: usize,
    max_position_embeddings: usize,
    #[serde(default)]
    type_vocab_size: usize,
    #[serde(default = "default_eps")]
    layer_norm_eps: f64,
    #[serde(default)]
    model_type: String,
    #[serde(default)]
    sinusoidal_pos_embds: bool,
    #[serde(default)]
    activation: Option<String>,
}

fn default_eps() -> f64 {
    1e-12
}

/// Build the model config from the base encoder's `config.json`.
pub fn config_from_base(base: &Path, shapes: bool, window: usize) -> Result<NerConfig> {
    let p = base.join("config.json");
    let hf: HfConfig = serde_json::from_str(
        &std::fs::read_to_string(&p).with_context(|| format!("{}: cannot read", p.display()))?,
    )
    .with_context(|| format!("{}: not a BERT config", p.display()))?;
    if hf.model_type == "distilbert" && hf.sinusoidal_pos_embds {
        bail!(
            "{}: sinusoidal position embeddings are not supported",
            p.display()
        );
    }
    if let Some(a) = hf.activation.as_deref().filter(|a| *a != "gelu") {
        bail!(
            "{}: activation {a:?} is not supported (gelu only)",
            p.display()
        );
    }
    Ok(NerConfig {
        vocab_size: hf.vocab_size,
        hidden_size: hf.hidden_size,
        num_hidden_layers: hf.num_hidden_layers,
        num_attention_heads: hf.num_attention_heads,
        intermediate_size: hf.intermediate_size,
        max_position_embeddings: hf.max_position_embeddings,
        type_vocab_size: hf.type_vocab_size,
        layer_norm_eps: hf.layer_norm_eps,
        hidden_dropout_prob: 0.1,
        attention_probs_dropout_prob: 0.1,
        num_shapes: if shapes { NUM_SHAPES } else { 0 },
        id2label: LABELS.iter().map(|s| s.to_string()).collect(),
        window,
    })
}

/// A fresh model whose encoder tensors come from `base/model.safetensors`; returns the var map
/// and the model. Errors when a base tensor the encoder needs is missing.
pub fn init_model(
    base: &Path,
    config: &NerConfig,
    dev: &Device,
    rng: &DropoutRng,
) -> Result<(VarMap, NerModel)> {
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, dev);
    let model = NerModel::load(vb, config)?;
    let wpath = base.join("model.safetensors");
    let base_t = candle_core::safetensors::load(&wpath, dev)
        .with_context(|| format!("{}: cannot load", wpath.display()))?;
    let data = varmap.data().lock().expect("varmap lock");
    let mut loaded = 0;
    for (name, var) in data.iter() {
        let key = name.strip_prefix("bert.").unwrap_or(name);
        // A base's own head (the teacher's grammar tags) is for another task: never loaded.
        let found = if key.starts_with("classifier.") {
            None
        } else {
            base_t
                .get(key)
                .or_else(|| base_t.get(&format!("bert.{key}")))
                .or_else(|| distilbert_name(key).and_then(|d| base_t.get(&d)))
        };
        match found {
            Some(t) => {
                var.set(&t.to_dtype(DType::F32)?)?;
                loaded += 1;
            }
            None if name == "classifier.weight" => {
                // Normal(0, 0.02) from the seeded generator.
                let shape = var.shape().clone();
                let w = rng.normal(shape.elem_count(), 0.02);
                var.set(&Tensor::from_vec(w, shape, dev)?)?;
            }
            None if name.starts_with("classifier.") || name.contains("shape_embeddings") => {
                var.set(&var.zeros_like()?)?;
            }
            None => bail!("{}: no tensor {name}", wpath.display()),
        }
    }
    drop(data);
    if loaded == 0 {
        bail!("{}: no encoder tensors loaded", wpath.display());
    }
    Ok((varmap, model))
}

fn no_decay(name: &str) -> bool {
    name.ends_with(".bias") || name.contains("LayerNorm")
}

/// AdamW with per-parameter learning-rate scale and weight decay, whose moments can be saved.
struct AdamW {
    params: Vec<(String, Var, f64, f64)>, // name, var, lr scale, weight decay
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    t: usize,
}

impl AdamW {
    fn new(varmap: &VarMap, head_scale: f64) -> Result<Self> {
        let data = varmap.data().lock().expect("varmap lock");
        let mut names: Vec<&String> = data.keys().collect();
        names.sort();
        let mut params = Vec::new();
        let (mut m, mut v) = (Vec::new(), Vec::new());
        for n in names {
            let var = data[n].clone();
            let scale = if n.starts_with("classifier.") {
                head_scale
            } else {
                1.0
            };
            let wd = if no_decay(n) { 0.0 } else { 0.01 };
            m.push(var.zeros_like()?);
            v.push(var.zeros_like()?);
            params.push((n.clone(), var, scale, wd));
        }
        Ok(Self { params, m, v, t: 0 })
    }

    fn step(
        &mut self,
        grads: &candle_core::backprop::GradStore,
        lr: f64,
        clip: f64,
    ) -> Result<f64> {
        let (b1, b2, eps): (f64, f64, f64) = (0.9, 0.999, 1e-8);
        // Global gradient norm for clipping.
        let mut sq = 0f64;
        for (_, var, _, _) in &self.params {
            if let Some(g) = grads.get(var) {
                sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
            }
        }
        let norm = sq.sqrt();
        let gscale = if norm > clip { clip / norm } else { 1.0 };
        self.t += 1;
        let c1 = 1.0 - b1.powi(self.t as i32);
        let c2 = 1.0 - b2.powi(self.t as i32);
        for (i, (_, var, scale, wd)) in self.params.iter().enumerate() {
            let Some(g) = grads.get(var) else { continue };
            let g = (g * gscale)?;
            let m = ((&self.m[i] * b1)? + (&g * (1.0 - b1))?)?;
            let v = ((&self.v[i] * b2)? + (g.sqr()? * (1.0 - b2))?)?;
            let lr_i = lr * scale;
            let update = ((&m / c1)? / ((&v / c2)?.sqrt()? + eps)?)?;
            let mut theta = var.as_tensor().clone();
            if *wd > 0.0 {
                theta = (theta * (1.0 - lr_i * wd))?;
            }
            var.set(&(theta - (update * lr_i)?)?)?;
            self.m[i] = m;
            self.v[i] = v;
        }
        Ok(norm)
    }

    fn save(&self, path: &Path) -> Result<()> {
        let mut map = HashMap::new();
        for (i, (n, _, _, _)) in self.params.iter().enumerate() {
            map.insert(format!("m.{n}"), self.m[i].clone());
            map.insert(format!("v.{n}"), self.v[i].clone());
        }
        candle_core::safetensors::save(&map, path)?;
        Ok(())
    }

    fn load(&mut self, path: &Path, t: usize, dev: &Device) -> Result<()> {
        let map = candle_core::safetensors::load(path, dev)?;
        for (i, (n, _, _, _)) in self.params.iter().enumerate() {
            self.m[i] = map
                .get(&format!("m.{n}"))
                .with_context(|| format!("{}: no m.{n}", path.display()))?
                .clone();
            self.v[i] = map
                .get(&format!("v.{n}"))
                .with_context(|| format!("{}: no v.{n}", path.display()))?
                .clone();
        }
        self.t = t;
        Ok(())
    }
}

/// Where a run stands; saved with every checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    epoch: usize,
    step_in_epoch: usize,
    global_step: usize,
    seed: u64,
}

fn lr_at(step: usize, total: usize, warmup: usize, peak: f64) -> f64 {
    if step < warmup {
        peak * (step + 1) as f64 / warmup.max(1) as f64
    } else {
        peak * (total - step) as f64 / (total - warmup).max(1) as f64
    }
}

/// Strict conlleval scores from word tags: `(precision, recall, f1)` micro plus per label,
/// computed by the same scorer as `newsx eval` ([`crate::eval::score_entities`]) over word-index
/// spans, one pseudo-document per sentence.
pub fn score_tags(gold: &[Vec<String>], pred: &[Vec<String>]) -> (f64, f64, f64, Vec<String>) {
    let mentions = |sents: &[Vec<String>]| -> Vec<(String, usize, usize, Label)> {
        sents
            .iter()
            .enumerate()
            .flat_map(|(i, tags)| {
                chunks(tags)
                    .into_iter()
                    .filter_map(move |(s, e, ty)| Some((i.to_string(), s, e, Label::parse(&ty)?)))
            })
            .collect()
    };
    let scores = score_entities(&mentions(gold), &mentions(pred));
    let per = scores
        .per_label
        .iter()
        .map(|(l, s)| {
            format!(
                "{l}: P {:.2} R {:.2} F1 {:.2}",
                s.p() * 100.0,
                s.r() * 100.0,
                s.f1() * 100.0
            )
        })
        .collect();
    let s = &scores.strict;
    (s.p(), s.r(), s.f1(), per)
}

/// The tags of one sentence.
pub type Tags = Vec<String>;

/// Tag every sentence of the dev documents with the model, document by document (the same
/// windows as `newsx extract`).
pub fn predict_docs(ner: &Ner, docs: &[ConllDoc]) -> Result<(Vec<Tags>, Vec<Tags>)> {
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    for d in docs {
        // Windows may end where a CoNLL sentence starts, as in training.
        let (words, starts) = d.words_and_starts();
        let tags = ner.predict_words(&words, &starts)?;
        gold.extend(d.sentences.iter().map(|s| s.tags.clone()));
        pred.extend(by_sentence(d, tags.iter().map(|t| tag_str(t.0))));
    }
    Ok((gold, pred))
}

/// The word tags of a whole document, cut into its sentences.
fn by_sentence(doc: &ConllDoc, tags: impl IntoIterator<Item = String>) -> Vec<Tags> {
    let mut it = tags.into_iter();
    doc.sentences
        .iter()
        .map(|s| it.by_ref().take(s.words.len()).collect())
        .collect()
}

fn tag_str(t: crate::ner::Tag) -> String {
    match t {
        crate::ner::Tag::O => "O".into(),
        crate::ner::Tag::B(l) => format!("B-{}", l.as_str()),
        crate::ner::Tag::I(l) => format!("I-{}", l.as_str()),
    }
}

/// Write a shippable model folder: config.json, tokenizer.json (truncation and padding off),
/// model.safetensors in f16.
pub fn export(varmap: &VarMap, config: &NerConfig, tok: &NerTokenizer, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let data = varmap.data().lock().expect("varmap lock");
    let tensors: Vec<(String, Tensor)> = data
        .iter()
        .map(|(n, v)| (n.clone(), v.as_tensor().clone()))
        .collect();
    drop(data);
    save_weights_f16(tensors, dir)?;
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(config)? + "\n",
    )?;
    tok.inner()
        .save(dir.join("tokenizer.json"), true)
        .map_err(|e| anyhow::anyhow!("saving tokenizer: {e}"))?;
    Ok(())
}

/// Write `tensors` as the f16 `model.safetensors` of the model folder `dir` (under a temporary
/// name first, so a reader never sees half a file): the weights file of every shipped model.
pub(crate) fn save_weights_f16(
    tensors: impl IntoIterator<Item = (String, Tensor)>,
    dir: &Path,
) -> Result<()> {
    let mut map = HashMap::new();
    for (n, t) in tensors {
        map.insert(n, t.to_dtype(DType::F16)?);
    }
    let tmp = dir.join("model.safetensors.tmp");
    candle_core::safetensors::save(&map, &tmp)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join("model.safetensors"))?;
    Ok(())
}

/// Append `line` to `out/train.log` (the NER and the attribution trainers).
pub(crate) fn log_line(out: &Path, line: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out.join("train.log"))?;
    writeln!(f, "{line}")?;
    Ok(())
}

/// The data and model shape of a run, read once.
struct Setup<'a> {
    opts: &'a TrainOptions,
    device: Device,
    tok: NerTokenizer,
    config: NerConfig,
    dev_docs: Vec<ConllDoc>,
    examples: Vec<Example>,
    /// WordPieces in all windows.
    pieces: usize,
}

impl<'a> Setup<'a> {
    /// Read the tokenizer, the base config and both CoNLL files, and pack the training windows.
    fn load(opts: &'a TrainOptions) -> Result<Setup<'a>> {
        let tok = NerTokenizer::load(&opts.base.join("tokenizer.json"))?;
        let config = config_from_base(&opts.base, !opts.no_shape, opts.window)?;
        crate::ner::check_window(opts.window, config.max_position_embeddings)
            .with_context(|| format!("--window for the base encoder {}", opts.base.display()))?;
        let (mut train_docs, mut teacher) = match (&opts.soft, &opts.train) {
            (Some(p), _) => {
                let sd = soft::read(p)?;
                (sd.docs, Some(sd.logp))
            }
            (None, Some(p)) => (read_conll(p)?, None),
            (None, None) => bail!("no training data: give --train or --soft"),
        };
        if let Some(n) = opts.limit_docs {
            train_docs.truncate(n);
            if let Some(t) = &mut teacher {
                t.truncate(n);
            }
        }
        let dev_docs = read_conll(&opts.dev)?;
        let how = Packing {
            window: opts.window,
            title_case: opts.title_case,
            seed: opts.seed,
        };
        let examples = pack_with(&train_docs, teacher.as_deref(), &tok, how)?;
        let pieces: usize = examples.iter().map(|e| e.ids.len()).sum();
        eprintln!(
            "train: {} documents -> {} windows, {} WordPieces; dev: {} documents",
            train_docs.len(),
            examples.len(),
            pieces,
            dev_docs.len()
        );
        Ok(Setup {
            opts,
            device: Device::Cpu,
            tok,
            config,
            dev_docs,
            examples,
            pieces,
        })
    }
}

/// Set every tensor of `varmap` from the weights at `init` (`--init`).
fn load_init(varmap: &VarMap, init: &Path, dev: &Device) -> Result<()> {
    let t = candle_core::safetensors::load(init, dev)
        .with_context(|| format!("{}: cannot load", init.display()))?;
    for (name, var) in varmap.data().lock().expect("varmap lock").iter() {
        let w = t
            .get(name)
            .with_context(|| format!("{}: no tensor {name}", init.display()))?;
        var.set(&w.to_dtype(DType::F32)?)?;
    }
    eprintln!("initialised from {}", init.display());
    Ok(())
}

/// Load the checkpoint in `ckpt` into `varmap` and `opt`; returns where the run stood. Dropout
/// masks after a resume come from a generator re-seeded at the resumed step.
fn load_checkpoint(
    varmap: &VarMap,
    opt: &mut AdamW,
    ckpt: &Path,
    seed: u64,
    dev: &Device,
) -> Result<(State, DropoutRng)> {
    let state: State = serde_json::from_str(&std::fs::read_to_string(ckpt.join("state.json"))?)?;
    let mut vm = varmap.clone();
    vm.load(ckpt.join("model.safetensors"))?;
    opt.load(&ckpt.join("optim.safetensors"), state.global_step, dev)?;
    let rng = DropoutRng::new(seed + state.global_step as u64);
    eprintln!(
        "resumed at epoch {} step {}",
        state.epoch + 1,
        state.step_in_epoch
    );
    Ok((state, rng))
}

/// The progress bar of a run of `total` steps, at `pos`.
fn progress_bar(quiet: bool, total: usize, pos: usize) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] step {pos}/{len} {msg} ETA {eta_precise}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    bar.set_position(pos as u64);
    bar
}

/// The training loss of one batch, and its WordPieces: the cross-entropy against the gold tags
/// and, with teacher labels, the distillation loss ([`distill_loss`]), weighted
/// `1 - kd_weight` and `kd_weight`.
fn batch_loss(
    s: &Setup,
    model: &NerModel,
    rows: &[&Example],
    rng: &DropoutRng,
) -> Result<(Tensor, usize)> {
    let dev = &s.device;
    let ids = pad_u32(
        &rows.iter().map(|e| e.ids.as_slice()).collect::<Vec<_>>(),
        s.tok.pad,
        dev,
    )?;
    let shapes = pad_u32(
        &rows.iter().map(|e| e.shapes.as_slice()).collect::<Vec<_>>(),
        SHAPE_SPECIAL,
        dev,
    )?;
    let lens: Vec<usize> = rows.iter().map(|e| e.ids.len()).collect();
    let mask = attention_mask(&lens, dev)?;
    let t = *lens.iter().max().unwrap_or(&0);
    // Every labelled position, and which of them have gold tags.
    let mut pos = Vec::new();
    let mut gold_at = Vec::new();
    let mut tgt = Vec::new();
    let mut teacher = Vec::new();
    for (ri, e) in rows.iter().enumerate() {
        for (ti, &l) in e.labels.iter().enumerate() {
            if l != IGNORE {
                if l != NO_GOLD {
                    gold_at.push(pos.len() as u32);
                    tgt.push(l);
                }
                pos.push((ri * t + ti) as u32);
            }
        }
        teacher.extend_from_slice(&e.soft);
    }
    let logits = model.forward(&ids, &shapes, &mask, Some(rng))?;
    let nl = s.config.id2label.len();
    let flat = logits.reshape((rows.len() * t, nl))?;
    let sel = flat.index_select(&Tensor::new(pos.as_slice(), dev)?, 0)?;
    let gold_loss = if tgt.is_empty() {
        None
    } else {
        let g = sel.index_select(&Tensor::new(gold_at.as_slice(), dev)?, 0)?;
        Some(candle_nn::loss::cross_entropy(
            &g,
            &Tensor::new(tgt.as_slice(), dev)?,
        )?)
    };
    // `pack_with` gives every labelled position a teacher row when there are teacher labels.
    let kd = || distill_loss(&sel, &teacher, s.opts.temperature);
    let a = s.opts.kd_weight;
    let loss = match (gold_loss, s.opts.soft.is_some()) {
        (Some(g), false) => g,
        (None, false) => bail!("a batch without gold tags or teacher labels"),
        (None, true) => kd()?,
        (Some(g), true) => ((g * (1.0 - a))? + (kd()? * a)?)?,
    };
    Ok((loss, lens.iter().sum()))
}

/// The distillation loss of student logits `sel` (`n × labels`) against the teacher's
/// log-probabilities `teacher` (row-major, same shape) at temperature `temp`: the mean over rows
/// of the cross-entropy `-Σ p_T log p_S` between both softened distributions, times `temp²` (so
/// its gradients keep their scale across temperatures; Hinton et al. 2015). It differs from
/// KL(p_T ‖ p_S) by the teacher's entropy, a constant.
pub fn distill_loss(sel: &Tensor, teacher: &[f32], temp: f64) -> Result<Tensor> {
    let (n, nl) = sel.dims2()?;
    let mut p = Vec::with_capacity(teacher.len());
    for row in teacher.chunks_exact(nl) {
        let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = row
            .iter()
            .map(|x| ((x - mx) as f64 / temp).exp() as f32)
            .collect();
        let z: f32 = e.iter().sum();
        p.extend(e.into_iter().map(|x| x / z));
    }
    let p = Tensor::from_vec(p, (n, nl), sel.device())?;
    let logq = candle_nn::ops::log_softmax(&(sel / temp)?, 1)?;
    let ce = (p * logq)?.sum(1)?.mean(0)?.neg()?;
    Ok((ce * (temp * temp))?)
}

/// The model and optimizer of a run, where it stands, and its running figures.
struct Trainer<'s, 'a> {
    s: &'s Setup<'a>,
    varmap: VarMap,
    model: NerModel,
    opt: AdamW,
    rng: DropoutRng,
    state: State,
    /// All steps of the schedule, and its warm-up steps.
    total: usize,
    warmup: usize,
    ckpt: PathBuf,
    bar: ProgressBar,
    started: Instant,
    seen_pieces: usize,
    avg_loss: f64,
}

impl Trainer<'_, '_> {
    /// The remaining steps of the current epoch (batches in the epoch's shuffled order).
    fn train_epoch(&mut self) -> Result<()> {
        let opts = self.s.opts;
        let examples = &self.s.examples;
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut shuffle_rng =
            rand::rngs::StdRng::seed_from_u64(opts.seed + self.state.epoch as u64);
        order.shuffle(&mut shuffle_rng);
        let batches: Vec<&[usize]> = order.chunks(opts.batch).collect();
        while self.state.step_in_epoch < batches.len() && self.state.global_step < self.total {
            let b = batches[self.state.step_in_epoch];
            let rows: Vec<&Example> = b.iter().map(|&i| &examples[i]).collect();
            self.step(&rows)?;
        }
        Ok(())
    }

    /// One optimizer step on `rows`, with the progress message and the periodic checkpoint.
    fn step(&mut self, rows: &[&Example]) -> Result<()> {
        let opts = self.s.opts;
        let state = &mut self.state;
        let (loss, pieces) = batch_loss(self.s, &self.model, rows, &self.rng)?;
        let grads = loss.backward()?;
        let lr = lr_at(state.global_step, self.total, self.warmup, opts.lr);
        self.opt.step(&grads, lr, 1.0)?;
        let lv = loss.to_scalar::<f32>()? as f64;
        let avg_loss = if state.global_step == 0 {
            lv
        } else {
            0.98 * self.avg_loss + 0.02 * lv
        };
        self.avg_loss = avg_loss;
        self.seen_pieces += pieces;
        state.step_in_epoch += 1;
        state.global_step += 1;
        let tps = self.seen_pieces as f64 / self.started.elapsed().as_secs_f64();
        self.bar.set_message(format!(
            "epoch {} loss {avg_loss:.4} lr {lr:.2e} {tps:.0} WordPieces/s",
            state.epoch + 1
        ));
        self.bar.inc(1);
        if state.global_step.is_multiple_of(opts.checkpoint_every) {
            save_checkpoint(&self.varmap, &self.opt, state, &self.ckpt)?;
            log_line(
                &opts.out,
                &format!(
                    "step {} epoch {} loss {avg_loss:.4} lr {lr:.3e} {tps:.0} pieces/s elapsed {:.0}s",
                    state.global_step,
                    state.epoch + 1,
                    self.started.elapsed().as_secs_f64()
                ),
            )?;
        }
        Ok(())
    }

    /// End of epoch: dev score, export, checkpoint.
    fn end_epoch(&mut self) -> Result<()> {
        let s = self.s;
        let epoch = self.state.epoch + 1;
        let t0 = Instant::now();
        let ner = Ner::from_varmap(
            &self.varmap,
            &s.config,
            NerTokenizer::load(&s.opts.base.join("tokenizer.json"))?,
        )?;
        let (gold, pred) = predict_docs(&ner, &s.dev_docs)?;
        let (p, r, f, per) = score_tags(&gold, &pred);
        let line = format!(
            "epoch {epoch} dev P {:.2} R {:.2} F1 {:.2} | {} | loss {:.4} | dev in {:.0}s",
            p * 100.0,
            r * 100.0,
            f * 100.0,
            per.join(" | "),
            self.avg_loss,
            t0.elapsed().as_secs_f64()
        );
        self.bar.println(&line);
        log_line(&s.opts.out, &line)?;
        export(
            &self.varmap,
            &s.config,
            &s.tok,
            &s.opts.out.join(format!("epoch{epoch}")),
        )?;
        self.state.epoch += 1;
        self.state.step_in_epoch = 0;
        save_checkpoint(&self.varmap, &self.opt, &self.state, &self.ckpt)
    }
}

/// Train as `opts` says: fine-tune, score the dev file and export a model after every epoch,
/// checkpoint on the way, and export the final model into `opts.out`.
///
/// # Errors
/// A file cannot be read or written, or the model fails.
pub fn run(opts: &TrainOptions) -> Result<TrainSummary> {
    std::fs::create_dir_all(&opts.out)?;
    let s = Setup::load(opts)?;
    let rng = DropoutRng::new(opts.seed);
    let (varmap, model) = init_model(&opts.base, &s.config, &s.device, &rng)?;
    if let Some(init) = &opts.init {
        load_init(&varmap, init, &s.device)?;
    }
    let mut opt = AdamW::new(&varmap, opts.head_lr / opts.lr)?;
    let steps_per_epoch = s.examples.len().div_ceil(opts.batch);
    let total = opts
        .max_steps
        .unwrap_or(usize::MAX)
        .min(steps_per_epoch * opts.epochs);
    let warmup = (total as f64 * opts.warmup) as usize;
    let ckpt = opts.out.join("checkpoint");
    let (state, rng) = if opts.resume && ckpt.join("state.json").is_file() {
        load_checkpoint(&varmap, &mut opt, &ckpt, opts.seed, &s.device)?
    } else {
        let state = State {
            epoch: 0,
            step_in_epoch: 0,
            global_step: 0,
            seed: opts.seed,
        };
        (state, rng)
    };
    log_line(
        &opts.out,
        &format!(
            "# {}",
            serde_json::to_string(&serde_json::json!({
                "epochs": opts.epochs, "batch": opts.batch, "lr": opts.lr, "head_lr": opts.head_lr,
                "warmup": opts.warmup, "seed": opts.seed, "shape": !opts.no_shape,
                "soft": opts.soft, "kd_weight": opts.kd_weight, "temperature": opts.temperature,
                "windows": s.examples.len(), "pieces": s.pieces, "total_steps": total
            }))?
        ),
    )?;
    let bar = progress_bar(opts.quiet, total, state.global_step);
    let mut t = Trainer {
        s: &s,
        varmap,
        model,
        opt,
        rng,
        state,
        total,
        warmup,
        ckpt,
        bar,
        started: Instant::now(),
        seen_pieces: 0,
        avg_loss: 0.0,
    };
    let last_epoch = opts.stop_after.unwrap_or(opts.epochs).min(opts.epochs);
    while t.state.epoch < last_epoch && t.state.global_step < total {
        t.train_epoch()?;
        t.end_epoch()?;
    }
    t.bar.finish_and_clear();
    export(&t.varmap, &s.config, &s.tok, &opts.out)?;
    Ok(TrainSummary {
        steps: t.state.global_step,
        seconds: t.started.elapsed().as_secs_f64(),
    })
}

fn save_checkpoint(varmap: &VarMap, opt: &AdamW, state: &State, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    varmap.save(dir.join("model.safetensors.tmp"))?;
    opt.save(&dir.join("optim.safetensors.tmp"))?;
    std::fs::rename(
        dir.join("model.safetensors.tmp"),
        dir.join("model.safetensors"),
    )?;
    std::fs::rename(
        dir.join("optim.safetensors.tmp"),
        dir.join("optim.safetensors"),
    )?;
    std::fs::write(dir.join("state.json"), serde_json::to_string(state)?)?;
    Ok(())
}

#[cfg(test)]
mod tests;
