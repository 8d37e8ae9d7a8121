//! `newsx average`: average the weights of NER models trained from one start.

use super::Status;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Command-line arguments of `newsx average`.
#[derive(Debug, Clone, clap::Args)]
pub struct AverageArgs {
    /// A trained NER model folder (`newsx train` output, or an epoch folder of one); give two or
    /// more. They must share config.json and every tensor's name and shape.
    #[arg(long, required = true)]
    pub model: Vec<PathBuf>,
    /// The model folder to write (f16 weights, the first model's config and tokenizer).
    #[arg(long)]
    pub out: PathBuf,
}

/// Run `newsx average`.
pub fn run(a: AverageArgs) -> Result<Status> {
    let dirs: Vec<&Path> = a.model.iter().map(PathBuf::as_path).collect();
    newsx::train::average::average_models(&dirs, &a.out)?;
    eprintln!(
        "wrote {}: the mean of {} models",
        a.out.display(),
        dirs.len()
    );
    Ok(Status::Ok)
}
