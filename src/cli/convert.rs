//! `newsx convert`: JSON Lines results into the CSV files.

use super::Status;
use anyhow::Result;
use std::path::PathBuf;

/// Command-line arguments of `newsx convert`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConvertArgs {
    /// JSON Lines files, or folders whose files are all read (names starting with `.` or `_`,
    /// such as Spark's `_SUCCESS` and `.crc` files, are left out).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output folder for entities.csv, quotes.csv, relations.csv, documents.csv.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Start every CSV with a UTF-8 byte-order mark (as `extract --excel`).
    #[arg(long)]
    pub excel: bool,
    /// No summary on stderr (problems are still reported).
    #[arg(long)]
    pub quiet: bool,
}

/// Run `newsx convert`: exit status 1 when some documents failed or some lines were unusable.
pub fn run(args: ConvertArgs) -> Result<Status> {
    let mut report = |m: String| eprintln!("newsx: error: {m}");
    let s = newsx::convert::convert(&args.inputs, &args.out, args.excel, &mut report)?;
    if !args.quiet {
        eprintln!(
            "newsx: {} documents ({} failed), {} unusable lines; output in {}",
            s.documents,
            s.failed,
            s.bad_lines,
            args.out.display()
        );
    }
    Ok(Status::from_failures(s.failed + s.bad_lines))
}
