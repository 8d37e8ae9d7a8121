//! `newsx train`: fine-tune the NER model.

use super::Status;
use anyhow::Result;
use newsx::train::TrainOptions;
use std::path::PathBuf;

/// Command-line arguments of `newsx train`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// CoNLL-2003 training file (BIO, IOB1 or IOB2).
    #[arg(long, required_unless_present = "soft")]
    pub train: Option<PathBuf>,
    /// Teacher labels written by `newsx teacher-labels`: their documents are the training set
    /// (gold tags where they have them), and the teacher's word distributions a second target
    /// (distillation). `--train` is not read.
    #[arg(long, conflicts_with = "train")]
    pub soft: Option<PathBuf>,
    /// Weight of the distillation loss (the gold cross-entropy gets 1 minus this); `--soft` only.
    #[arg(long, default_value_t = 0.5)]
    pub kd_weight: f64,
    /// Temperature of both distributions in the distillation loss.
    #[arg(long, default_value_t = 2.0)]
    pub temperature: f64,
    /// CoNLL-2003 dev file, scored after every epoch.
    #[arg(long)]
    pub dev: PathBuf,
    /// Base encoder folder: config.json, model.safetensors, tokenizer.json (all-MiniLM-L6-v2).
    #[arg(long)]
    pub base: PathBuf,
    /// Output folder: checkpoints, per-epoch models, train.log; the final model lands here.
    #[arg(long)]
    pub out: PathBuf,
    /// Start from these weights (a `model.safetensors` of an earlier run, f16 or f32) instead of
    /// a fresh head on the base encoder: continued training.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Epochs.
    #[arg(long, default_value_t = 3)]
    pub epochs: usize,
    /// Windows per batch.
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    /// Peak learning rate of the encoder.
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// Peak learning rate of the classification head.
    #[arg(long, default_value_t = 1e-3)]
    pub head_lr: f64,
    /// Warm-up share of all steps.
    #[arg(long, default_value_t = 0.1)]
    pub warmup: f64,
    /// Random seed (shuffling, dropout, head initialisation).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Without the word-shape (casing) embedding, for the ablation.
    #[arg(long)]
    pub no_shape: bool,
    /// Most WordPieces in one window (without [CLS] and [SEP]); stored in the model's
    /// config.json, and `newsx extract` packs its windows the same way
    #[arg(long, default_value_t = newsx::ner::WINDOW)]
    pub window: usize,
    /// Share of training sentences read in Title Case, labels unchanged (case augmentation, for
    /// headlines)
    #[arg(long, default_value_t = 0.0)]
    pub title_case: f64,
    /// Save a checkpoint every N steps.
    #[arg(long, default_value_t = 100)]
    pub checkpoint_every: usize,
    /// Continue from the checkpoint in `--out`.
    #[arg(long)]
    pub resume: bool,
    /// Stop after this many epochs, keeping the learning-rate schedule of `--epochs` (ablations).
    #[arg(long)]
    pub stop_after: Option<usize>,
    /// Stop after N steps in all (smoke tests).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Only the first N training documents (smoke tests).
    #[arg(long)]
    pub limit_docs: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Run `newsx train`.
pub fn run(a: TrainArgs) -> Result<Status> {
    let out = a.out.clone();
    let opts = TrainOptions {
        train: a.train,
        soft: a.soft,
        kd_weight: a.kd_weight,
        temperature: a.temperature,
        dev: a.dev,
        base: a.base,
        out: a.out,
        init: a.init,
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        head_lr: a.head_lr,
        warmup: a.warmup,
        seed: a.seed,
        no_shape: a.no_shape,
        window: a.window,
        title_case: a.title_case,
        checkpoint_every: a.checkpoint_every,
        resume: a.resume,
        stop_after: a.stop_after,
        max_steps: a.max_steps,
        limit_docs: a.limit_docs,
        quiet: a.quiet,
    };
    let s = newsx::train::run(&opts)?;
    eprintln!(
        "trained {} steps in {:.0}s; model written to {}",
        s.steps,
        s.seconds,
        out.display()
    );
    Ok(Status::Ok)
}
