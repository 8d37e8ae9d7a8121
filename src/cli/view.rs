//! `newsx view`: a static HTML review of an output folder.

use super::Status;
use anyhow::Result;
use newsx::view::{write_report, ReportSpec};
use std::path::PathBuf;

/// Command-line arguments of `newsx view`.
#[derive(Debug, clap::Args)]
pub struct ViewArgs {
    /// The output folder of `newsx extract` (any folder in the CSV contract, a gold set too).
    #[arg(value_name = "OUTPUT_DIR")]
    pub output: PathBuf,
    /// The files or folders `extract` read: the article texts come from there (doc_ids as in
    /// `extract`).
    #[arg(long, value_name = "INPUT", required = true, num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Folder to write the report into (`index.html`, `docs/*.html`); created if needed.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A gold set (any format `newsx eval` reads): show the differences and per-document scores.
    #[arg(long, value_name = "GOLD_DIR")]
    pub gold: Option<PathBuf>,
    /// No summary on stderr (problems are still reported).
    #[arg(long)]
    pub quiet: bool,
}

/// Run `newsx view`: write the report, name the documents whose page is incomplete on stderr.
/// Exit status 1 when some page is incomplete (text missing, rows that do not fit it).
pub fn run(args: ViewArgs) -> Result<Status> {
    let spec = ReportSpec {
        output: args.output,
        inputs: args.input,
        out: args.out,
        gold: args.gold,
    };
    let stats = write_report(&spec)?;
    for (doc, why) in &stats.problems {
        eprintln!("newsx view: {doc}: {why}");
    }
    if !args.quiet {
        eprintln!(
            "newsx view: {} document pages; open {}",
            stats.pages,
            spec.out.join("index.html").display()
        );
    }
    Ok(Status::from_failures(stats.problems.len()))
}
