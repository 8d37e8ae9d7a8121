//! `newsx train-attribution`: train the attribution head on PolNeAR over the frozen NER encoder.
//!
//! Recipe: the features of every word of every training article are computed once by the
//! shipped NER engine (the hidden state after layer `tap` and the final one, of the word's first
//! WordPiece: exactly what `newsx extract` feeds the head); then a two-layer head
//! (features → `hidden`, GELU, dropout 0.1 → 7 labels) is trained with AdamW and cross-entropy
//! on shuffled words. Every `holdout`-th training article is kept out of training and scores
//! each epoch (word-level F1 of each role); the epoch that scores best there is the one saved.
//! PolNeAR dev is never read here: it stays the generalisation figure.

use super::polnear::{read_split, Article};
use super::{file_hash, word_labels, TaggerConfig, LABELS};
use crate::ner::Ner;
use crate::text::TextAnalysis;
use crate::train::log_line as log;
use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{linear, AdamW, Linear, Module, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::path::PathBuf;

/// What `newsx train-attribution` is to do.
#[derive(Debug, Clone)]
pub struct AttributionTrainOptions {
    /// A PolNeAR split folder (`text/`, `attributions/`).
    pub train: PathBuf,
    /// The NER model folder whose encoder gives the features.
    pub ner: PathBuf,
    /// Output folder: `config.json`, `head.safetensors`, `train.log`.
    pub out: PathBuf,
    /// Encoder layer (1-based) tapped beside the final one.
    pub tap: usize,
    /// Hidden width of the head.
    pub hidden: usize,
    /// Epochs.
    pub epochs: usize,
    /// Words per batch.
    pub batch: usize,
    /// AdamW learning rate.
    pub lr: f64,
    /// Every N-th article is held out for choosing the epoch.
    pub holdout: usize,
    /// Random seed.
    pub seed: u64,
    /// Only the first N articles.
    pub limit_docs: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct AttributionTrainSummary {
    /// Training words.
    pub train_words: usize,
    /// Held-out words.
    pub holdout_words: usize,
    /// The saved epoch (1-based) and its held-out mean role F1.
    pub best_epoch: usize,
    /// Held-out word F1 of source, cue and content at the saved epoch.
    pub best_f1: [f64; 3],
}

/// Features and gold labels of a set of articles.
struct Set {
    x: Vec<f32>,
    y: Vec<u32>,
}

fn featurize(ner: &Ner, docs: &[&Article], tap: usize, pb: &ProgressBar) -> Result<Set> {
    let mut set = Set {
        x: Vec::new(),
        y: Vec::new(),
    };
    for d in docs {
        let analysis = TextAnalysis::new(&d.text);
        let words: Vec<&str> = analysis.words.iter().map(|s| s.as_str(&d.text)).collect();
        let pieces = ner.tokenizer().encode_words(&words)?;
        let (_, f) = ner
            .word_logits_and_features(&pieces, &analysis.sentence_starts, tap)
            .with_context(|| format!("article {}", d.id))?;
        set.x.extend_from_slice(&f);
        set.y.extend(word_labels(&analysis.words, &d.spans));
        pb.inc(1);
    }
    Ok(set)
}

struct Head {
    hidden: Linear,
    out: Linear,
}

impl Head {
    fn forward(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        let h = self.hidden.forward(x)?.gelu_erf()?;
        let h = if train {
            candle_nn::ops::dropout(&h, 0.1)?
        } else {
            h
        };
        Ok(self.out.forward(&h)?)
    }
}

/// Word-level F1 of each role (a word counts by its role, B- and I- alike).
fn role_f1(gold: &[u32], pred: &[u32]) -> [f64; 3] {
    let role = |l: u32| (l > 0).then(|| (l - 1) / 2);
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        let r = r as u32;
        let (mut tp, mut fp, mut fneg) = (0f64, 0f64, 0f64);
        for (&g, &p) in gold.iter().zip(pred) {
            match (role(g) == Some(r), role(p) == Some(r)) {
                (true, true) => tp += 1.0,
                (false, true) => fp += 1.0,
                (true, false) => fneg += 1.0,
                _ => {}
            }
        }
        *o = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fneg)
        };
    }
    out
}

fn predict(head: &Head, set: &Set, width: usize, dev: &Device) -> Result<Vec<u32>> {
    let n = set.y.len();
    let mut out = Vec::with_capacity(n);
    for a in (0..n).step_by(4096) {
        let b = (a + 4096).min(n);
        let x = Tensor::from_slice(&set.x[a * width..b * width], (b - a, width), dev)?;
        let p = head
            .forward(&x, false)?
            .argmax(D::Minus1)?
            .to_vec1::<u32>()?;
        out.extend(p);
    }
    Ok(out)
}

/// Log an epoch's loss and held-out F1 (and show them unless quiet).
fn report_epoch(
    opts: &AttributionTrainOptions,
    epoch: usize,
    loss: f64,
    f1: [f64; 3],
) -> Result<()> {
    let mean = f1.iter().sum::<f64>() / 3.0;
    log(
        &opts.out,
        &format!(
            "epoch {epoch}: loss {loss:.4}, holdout word F1 source {:.2} cue {:.2} content {:.2} (mean {:.2})",
            100.0 * f1[0],
            100.0 * f1[1],
            100.0 * f1[2],
            100.0 * mean
        ),
    )?;
    if !opts.quiet {
        eprintln!(
            "epoch {epoch}: holdout word F1 source {:.2} cue {:.2} content {:.2}",
            100.0 * f1[0],
            100.0 * f1[1],
            100.0 * f1[2]
        );
    }
    Ok(())
}

/// Write `config.json`, tying the head to the NER weights it was trained on.
fn write_config(opts: &AttributionTrainOptions, width: usize) -> Result<()> {
    let enc = std::fs::read(opts.ner.join("model.safetensors"))?;
    let config = TaggerConfig {
        tap: opts.tap,
        input: width,
        hidden: opts.hidden,
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        encoder_bytes: enc.len() as u64,
        encoder_hash: file_hash(&enc),
    };
    std::fs::write(
        opts.out.join("config.json"),
        serde_json::to_string_pretty(&config)? + "\n",
    )?;
    Ok(())
}

/// Train the head and write it to `opts.out`.
///
/// # Errors
/// Unreadable data or model, a training article that fails to encode, or a failed write.
pub fn run(opts: &AttributionTrainOptions) -> Result<AttributionTrainSummary> {
    if opts.holdout < 2 {
        bail!("--holdout must be at least 2 (every N-th article is held out)");
    }
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("creating {}", opts.out.display()))?;
    let ner = Ner::load(&opts.ner)?;
    let mut articles = read_split(&opts.train)?;
    if let Some(n) = opts.limit_docs {
        articles.truncate(n);
    }
    let (mut tr, mut ho) = (Vec::new(), Vec::new());
    for (i, a) in articles.iter().enumerate() {
        if i % opts.holdout == 0 {
            ho.push(a);
        } else {
            tr.push(a);
        }
    }
    let pb = if opts.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(articles.len() as u64)
    };
    pb.set_style(
        ProgressStyle::with_template("features {bar:40} {pos}/{len} articles {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let width = ner.feature_width();
    let train = featurize(&ner, &tr, opts.tap, &pb)?;
    let hold = featurize(&ner, &ho, opts.tap, &pb)?;
    pb.finish_and_clear();
    let counts: Vec<usize> = (0..LABELS.len() as u32)
        .map(|l| train.y.iter().filter(|&&y| y == l).count())
        .collect();
    log(
        &opts.out,
        &format!(
            "train {} articles {} words, holdout {} articles {} words, label counts {counts:?}",
            tr.len(),
            train.y.len(),
            ho.len(),
            hold.y.len()
        ),
    )?;
    let dev = Device::Cpu;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let head = Head {
        hidden: linear(width, opts.hidden, vb.pp("hidden"))?,
        out: linear(opts.hidden, LABELS.len(), vb.pp("out"))?,
    };
    let mut opt = AdamW::new(
        varmap.all_vars(),
        ParamsAdamW {
            lr: opts.lr,
            weight_decay: 0.01,
            ..Default::default()
        },
    )?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(opts.seed);
    let mut order: Vec<usize> = (0..train.y.len()).collect();
    let steps_per_epoch = order.len().div_ceil(opts.batch.max(1));
    let total = steps_per_epoch * opts.epochs;
    let mut best: Option<(usize, [f64; 3])> = None;
    let mut step = 0usize;
    let mut xb = Vec::with_capacity(opts.batch * width);
    let mut yb = Vec::with_capacity(opts.batch);
    for epoch in 1..=opts.epochs {
        order.shuffle(&mut rng);
        let mut loss_sum = 0f64;
        for chunk in order.chunks(opts.batch.max(1)) {
            xb.clear();
            yb.clear();
            for &i in chunk {
                xb.extend_from_slice(&train.x[i * width..(i + 1) * width]);
                yb.push(train.y[i]);
            }
            // Linear decay to zero.
            opt.set_learning_rate(opts.lr * (1.0 - step as f64 / total as f64));
            let x = Tensor::from_slice(&xb, (chunk.len(), width), &dev)?;
            let y = Tensor::from_slice(&yb, chunk.len(), &dev)?;
            let loss = candle_nn::loss::cross_entropy(&head.forward(&x, true)?, &y)?;
            opt.backward_step(&loss)?;
            loss_sum += f64::from(loss.to_scalar::<f32>()?);
            step += 1;
        }
        let pred = predict(&head, &hold, width, &dev)?;
        let f1 = role_f1(&hold.y, &pred);
        let mean = f1.iter().sum::<f64>() / 3.0;
        report_epoch(opts, epoch, loss_sum / steps_per_epoch as f64, f1)?;
        if best.is_none_or(|(_, b)| mean > b.iter().sum::<f64>() / 3.0) {
            best = Some((epoch, f1));
            varmap.save(opts.out.join("head.safetensors"))?;
        }
    }
    let (best_epoch, best_f1) = best.context("no epoch ran (--epochs 0)")?;
    write_config(opts, width)?;
    log(&opts.out, &format!("saved epoch {best_epoch}"))?;
    Ok(AttributionTrainSummary {
        train_words: train.y.len(),
        holdout_words: hold.y.len(),
        best_epoch,
        best_f1,
    })
}
