//! `newsx train-attribution`: train the learned attribution tagger on PolNeAR.

use super::Status;
use anyhow::Result;
use newsx::attribution::train::AttributionTrainOptions;
use std::path::PathBuf;

/// Command-line arguments of `newsx train-attribution`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainAttributionArgs {
    /// A PolNeAR split folder with `text/` and `attributions/` (the train split).
    #[arg(long)]
    pub train: PathBuf,
    /// The NER model folder whose encoder gives the features (the head only runs on it).
    #[arg(long, default_value = "models/ner")]
    pub ner: PathBuf,
    /// Output folder: config.json, head.safetensors, train.log.
    #[arg(long)]
    pub out: PathBuf,
    /// Encoder layer (1-based) whose hidden states join the final ones as features.
    #[arg(long, default_value_t = 3)]
    pub tap: usize,
    /// Hidden width of the head.
    #[arg(long, default_value_t = 256)]
    pub hidden: usize,
    /// Epochs.
    #[arg(long, default_value_t = 6)]
    pub epochs: usize,
    /// Words per batch.
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// AdamW learning rate (decays linearly to zero).
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Every N-th training article is held out to choose the epoch.
    #[arg(long, default_value_t = 10)]
    pub holdout: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Only the first N articles (smoke tests).
    #[arg(long)]
    pub limit_docs: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Run `newsx train-attribution`.
pub fn run(a: TrainAttributionArgs) -> Result<Status> {
    let opts = AttributionTrainOptions {
        train: a.train,
        ner: a.ner,
        out: a.out,
        tap: a.tap,
        hidden: a.hidden,
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        holdout: a.holdout,
        seed: a.seed,
        limit_docs: a.limit_docs,
        quiet: a.quiet,
    };
    let s = newsx::attribution::train::run(&opts)?;
    if !opts.quiet {
        eprintln!(
            "newsx: attribution head trained on {} words ({} held out); saved epoch {} \
             (held-out word F1 source {:.2}, cue {:.2}, content {:.2}) to {}",
            s.train_words,
            s.holdout_words,
            s.best_epoch,
            100.0 * s.best_f1[0],
            100.0 * s.best_f1[1],
            100.0 * s.best_f1[2],
            opts.out.display()
        );
    }
    Ok(Status::Ok)
}
