//! Named-entity recognition with the shipped transformer model.
//!
//! Long documents: the WordPieces of the whole document are cut into overlapping windows of at
//! most [`WINDOW`] pieces (plus `[CLS]`/`[SEP]`); each window owns the pieces of its core (all
//! but [`MARGIN`] pieces of context on each side; the first and last windows own their outer
//! margins too), so every word is labelled by exactly one window, with context on both sides.
//!
//! Decoding: a word takes the label of its first WordPiece (the arg-max of the softmax); words
//! are chunked into entities with conlleval's rule (a chunk starts at `B-X`, or at `I-X` after
//! `O` or after another type). An entity's score is the mean probability of its words' labels.

pub mod model;

use crate::doc::{Entity, Label, Span};
use crate::tokenize::{split_words, NerTokenizer, Pieces, SHAPE_SPECIAL};
use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, D};
use candle_nn::VarBuilder;
use model::{attention_mask, pad_u32, NerConfig, NerModel};
use std::path::{Path, PathBuf};

/// Content pieces in one window (128 with `[CLS]` and `[SEP]`).
pub const WINDOW: usize = 126;
/// Context pieces on each side of a window's core.
pub const MARGIN: usize = 32;
/// Windows run through the model at once.
pub const BATCH: usize = 16;

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

/// Cut `n` pieces into windows of at most `size` with `margin` pieces of context; the owned
/// ranges tile `0..n` exactly.
pub fn windows(n: usize, size: usize, margin: usize) -> Vec<Window> {
    assert!(size > 2 * margin);
    if n <= size {
        return vec![Window {
            start: 0,
            end: n,
            own_start: 0,
            own_end: n,
        }];
    }
    let step = size - 2 * margin;
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + size).min(n);
        let own_start = if start == 0 { 0 } else { start + margin };
        let own_end = if end == n { n } else { end - margin };
        out.push(Window {
            start,
            end,
            own_start,
            own_end,
        });
        if end == n {
            break;
        }
        start += step;
        if start + size > n {
            // Last window: flush right, owning from where the previous core stopped.
            let start = n.saturating_sub(size);
            let prev_end = out.last().map(|w| w.own_end).unwrap_or(0);
            out.push(Window {
                start,
                end: n,
                own_start: prev_end,
                own_end: n,
            });
            break;
        }
    }
    out
}

/// The loaded NER model: tokenizer, encoder and head, label map. Load once, share by reference.
pub struct Ner {
    model: NerModel,
    tokenizer: NerTokenizer,
    tags: Vec<Tag>,
    device: Device,
}

/// Parse a label map (`O`, `B-PER`, …) into tags; an unknown label is an error naming it.
fn parse_tags(id2label: &[String]) -> Result<Vec<Tag>> {
    id2label
        .iter()
        .map(|l| Tag::parse(l).with_context(|| format!("unknown label {l:?} in id2label")))
        .collect()
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
        let device = Device::Cpu;
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
        let tensors = candle_core::safetensors::load(&weights, &device).with_context(|| {
            format!(
                "{}: damaged weights file (see models/README.md)",
                weights.display()
            )
        })?;
        let head = tensors.get("classifier.weight").with_context(|| {
            format!(
                "{}: no classifier.weight (see models/README.md)",
                weights.display()
            )
        })?;
        if head.dim(0)? != tags.len() {
            bail!(
                "{}: the head has {} outputs but config.json's id2label has {} labels",
                weights.display(),
                head.dim(0)?,
                tags.len()
            );
        }
        let tensors = tensors
            .into_iter()
            .map(|(k, v)| Ok((k, v.to_dtype(DType::F32)?)))
            .collect::<Result<std::collections::HashMap<_, _>>>()?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let model = NerModel::load(vb, &config)
            .with_context(|| format!("{}: weights do not fit config.json", weights.display()))?;
        Ok(Self {
            model,
            tokenizer,
            tags,
            device,
        })
    }

    /// Build from parts (used by training for dev evaluation).
    pub fn from_parts(model: NerModel, tokenizer: NerTokenizer, device: Device) -> Result<Self> {
        let tags = parse_tags(&model.config.id2label)?;
        Ok(Self {
            model,
            tokenizer,
            tags,
            device,
        })
    }

    /// The model's tokenizer.
    pub fn tokenizer(&self) -> &NerTokenizer {
        &self.tokenizer
    }

    /// Label map.
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// Per-word `(label index, probability)`; words without pieces get `O` with probability 1.
    pub fn predict_pieces(&self, pieces: &Pieces) -> Result<Vec<(usize, f32)>> {
        let n = pieces.ids.len();
        let o = self.tags.iter().position(|t| *t == Tag::O).unwrap_or(0);
        let mut piece_pred: Vec<(usize, f32)> = vec![(o, 1.0); n];
        let wins = windows(n, WINDOW, MARGIN);
        for batch in wins.chunks(BATCH) {
            let rows: Vec<(Vec<u32>, Vec<u32>)> = batch
                .iter()
                .map(|w| {
                    let mut ids = Vec::with_capacity(w.end - w.start + 2);
                    ids.push(self.tokenizer.cls);
                    ids.extend_from_slice(&pieces.ids[w.start..w.end]);
                    ids.push(self.tokenizer.sep);
                    let mut sh = Vec::with_capacity(ids.len());
                    sh.push(SHAPE_SPECIAL);
                    sh.extend_from_slice(&pieces.shapes[w.start..w.end]);
                    sh.push(SHAPE_SPECIAL);
                    (ids, sh)
                })
                .collect();
            let id_rows: Vec<&[u32]> = rows.iter().map(|r| r.0.as_slice()).collect();
            let sh_rows: Vec<&[u32]> = rows.iter().map(|r| r.1.as_slice()).collect();
            let lens: Vec<usize> = rows.iter().map(|r| r.0.len()).collect();
            let ids = pad_u32(&id_rows, self.tokenizer.pad, &self.device)?;
            let shapes = pad_u32(&sh_rows, SHAPE_SPECIAL, &self.device)?;
            let mask = attention_mask(&lens, &self.device)?;
            let logits = self.model.forward(&ids, &shapes, &mask, None)?;
            let probs = candle_nn::ops::softmax_last_dim(&logits)?;
            let best = probs.argmax(D::Minus1)?.to_vec2::<u32>()?;
            let best_p = probs.max(D::Minus1)?.to_vec2::<f32>()?;
            for (bi, w) in batch.iter().enumerate() {
                for (p, slot) in piece_pred
                    .iter_mut()
                    .enumerate()
                    .take(w.own_end)
                    .skip(w.own_start)
                {
                    let t = p - w.start + 1;
                    *slot = (best[bi][t] as usize, best_p[bi][t]);
                }
            }
        }
        Ok(pieces
            .first_piece
            .iter()
            .map(|fp| fp.map(|p| piece_pred[p]).unwrap_or((o, 1.0)))
            .collect())
    }

    /// Tags of pre-split words.
    pub fn predict_words(&self, words: &[&str]) -> Result<Vec<(Tag, f32)>> {
        let pieces = self.tokenizer.encode_words(words)?;
        Ok(self
            .predict_pieces(&pieces)?
            .into_iter()
            .map(|(i, p)| (self.tags[i], p))
            .collect())
    }

    /// Entity mentions of a text, sorted by span; `entity` is left 0 (alias merging assigns it).
    pub fn recognize(&self, text: &str) -> Result<Vec<Entity>> {
        let spans = split_words(text);
        let words: Vec<&str> = spans.iter().map(|s| s.as_str(text)).collect();
        let tags = self.predict_words(&words)?;
        Ok(decode(text, &spans, &tags))
    }
}

/// Chunk word tags into entities (conlleval rule, with a line break ending any entity, as a
/// sentence end does in CoNLL); score = mean word probability.
pub fn decode(text: &str, spans: &[Span], tags: &[(Tag, f32)]) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Label, f32, usize)> = None; // start word, label, sum p, count
    let close =
        |open: &mut Option<(usize, Label, f32, usize)>, end_word: usize, out: &mut Vec<Entity>| {
            if let Some((s, l, sum, n)) = open.take() {
                out.push(Entity {
                    span: Span::new(spans[s].start, spans[end_word - 1].end),
                    label: l,
                    score: sum / n as f32,
                    entity: 0,
                });
            }
        };
    for (i, &(tag, p)) in tags.iter().enumerate() {
        if i > 0 && text[spans[i - 1].end..spans[i].start].contains('\n') {
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

    #[test]
    fn windows_tile_exactly_once() {
        for n in [0, 1, 5, 126, 127, 200, 500, 1000, 1234] {
            let ws = windows(n, 126, 32);
            let mut owned = vec![0; n];
            for w in &ws {
                assert!(w.end - w.start <= 126);
                assert!(w.start <= w.own_start && w.own_end <= w.end);
                for o in &mut owned[w.own_start..w.own_end] {
                    *o += 1;
                }
                // Context on both sides unless at a document edge.
                if w.own_start > 0 {
                    assert!(w.own_start - w.start >= 32 || w.start == 0, "{n} {w:?}");
                }
            }
            assert!(owned.iter().all(|&c| c == 1), "n={n}: {ws:?}");
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
