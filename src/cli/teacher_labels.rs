//! `newsx teacher-labels`: label training text with a teacher (or an ensemble) for distillation.

use super::Status;
use anyhow::Result;
use newsx::conll::{read_conll, ConllDoc};
use newsx::corpus::{collect_inputs, read_document, DEFAULT_MAX_BYTES};
use newsx::train::soft;
use std::path::{Path, PathBuf};

/// Command-line arguments of `newsx teacher-labels`.
#[derive(Debug, Clone, clap::Args)]
pub struct TeacherLabelsArgs {
    /// A trained NER model folder (`newsx train` output). Given more than once, the models'
    /// word label probabilities are averaged (an ensemble teacher).
    #[arg(long, required = true)]
    pub model: Vec<PathBuf>,
    /// CoNLL-2003 files to label; their gold tags are kept, and the teacher's decode is scored
    /// against them.
    #[arg(long)]
    pub conll: Vec<PathBuf>,
    /// Plain-text articles to label as unlabelled text: files, or folders searched for `*.txt`,
    /// read and split into words and sentences as `newsx extract` reads and splits them.
    #[arg(long)]
    pub text: Vec<PathBuf>,
    /// Take every N-th article of each `--text` folder (in `doc_id` order).
    #[arg(long, default_value_t = 1)]
    pub every: usize,
    /// The teacher-label file to write (keep it outside the repository: it is derived from the
    /// training data).
    #[arg(long)]
    pub out: PathBuf,
}

/// Run `newsx teacher-labels`.
pub fn run(a: TeacherLabelsArgs) -> Result<Status> {
    let mut docs: Vec<ConllDoc> = Vec::new();
    for c in &a.conll {
        docs.extend(read_conll(c)?);
    }
    let labelled = docs.len();
    let mut failed = 0;
    for dir in &a.text {
        let files = collect_inputs(std::slice::from_ref(dir))?;
        for f in files.iter().step_by(a.every.max(1)) {
            match read_document(f, DEFAULT_MAX_BYTES) {
                Ok(d) => {
                    let d = soft::text_doc(&d.text);
                    if !d.sentences.is_empty() {
                        docs.push(d);
                    }
                }
                Err(e) => {
                    eprintln!("newsx: {e}; skipped");
                    failed += 1;
                }
            }
        }
    }
    let dirs: Vec<&Path> = a.model.iter().map(PathBuf::as_path).collect();
    let words: usize = docs
        .iter()
        .flat_map(|d| &d.sentences)
        .map(|s| s.words.len())
        .sum();
    let sd = soft::label_docs(&dirs, docs)?;
    if let Some((p, r, f, per)) = soft::score(&sd) {
        eprintln!(
            "teacher on the gold-tagged documents: P {:.2} R {:.2} F1 {:.2} | {}",
            p * 100.0,
            r * 100.0,
            f * 100.0,
            per.join(" | ")
        );
    }
    soft::write(&sd, &a.out)?;
    eprintln!(
        "wrote {}: {} documents ({labelled} with gold tags), {words} words, {} model(s)",
        a.out.display(),
        sd.docs.len(),
        dirs.len()
    );
    Ok(Status::from_failures(failed))
}
