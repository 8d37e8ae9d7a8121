//! `newsx eval`: score a predicted set against a gold set.

use super::{print_stdout, Status};
use anyhow::Result;
use newsx::eval::gold::Format;
use newsx::eval::{render, write_files, EvalOptions};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Entities: `strict` has conlleval semantics: a predicted mention is correct iff doc_id, start, end
and label equal those of a gold mention (micro P/R/F1 over all mentions, and per label: precision
per predicted label, recall per gold label; duplicates count once). `span` ignores the label.
`overlap` (nervaluate \"type\"): correct when the spans overlap and the labels agree. `partial`
(nervaluate \"partial\", label ignored): exact span 1, overlapping span 0.5.

Quotes: gold and predicted quotes are matched one-to-one per document, greedily by largest
character overlap. A pair counts at g>=0.3 / g>=0.8 when the overlap is at least 30% / 80% of the
gold span (Gender Gap Tracker), at s>=0.5 when at least half of the longer span, at `exact` when
the spans are equal. Subsets by kind: recall over gold quotes of that kind, precision over
predicted quotes of that kind. On pairs matched at g>=0.3: speaker strict (canonical names equal,
case-insensitive), lenient (or last names agree, or the speaker spans overlap), cue accuracy.

Gold formats: a folder in the CSV contract; CoNLL-2003 BIO (a file or a folder of them; IOB1 or
IOB2; documents split at -DOCSTART-; document text = words joined by one space, sentences by a
newline; doc_ids doc000, doc001…); brat standoff (.ann beside .txt).
Division by zero gives 0, never NaN. Exit status 0 when scored, 2 on an error.";

/// Command-line arguments of `newsx eval`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Entities: strict P/R/F1 with conlleval semantics (exact span and label); \
                  quotes: one-to-one overlap matching at g>=0.3, g>=0.8 (see --help).",
    after_long_help = AFTER_HELP
)]
pub struct EvalArgs {
    /// Gold set: a folder in the CSV contract, a CoNLL-2003 BIO file or folder, or a brat folder.
    #[arg(long, value_name = "PATH")]
    pub gold: PathBuf,
    /// Predictions: an output folder of `newsx extract` (any gold format is accepted too).
    #[arg(long, value_name = "PATH")]
    pub pred: PathBuf,
    /// Write `scores.csv` and `errors.csv` into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Format of the gold set.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub gold_format: FormatArg,
    /// Format of the predictions.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub pred_format: FormatArg,
    /// Add a UTF-8 BOM to the written CSV files (for spreadsheet programs).
    #[arg(long)]
    pub excel: bool,
    /// The input folder the predictions were made from: also check that every predicted `text`
    /// equals `document[start..end]` (mismatches are reported as warnings).
    #[arg(long, value_name = "DIR")]
    pub input: Option<PathBuf>,
}

/// The format of a gold or predicted set (`--gold-format`, `--pred-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// A folder with `entities.csv` and/or `quotes.csv` is CSV; a folder with `.ann` files is
    /// brat; any other file or folder is read as CoNLL-2003.
    Auto,
    /// A folder in the CSV contract (`entities.csv`, `quotes.csv`, `documents.csv`).
    Csv,
    /// A CoNLL-2003 BIO file, or a folder of them (`*.conll`, `*.bio`, `*.iob`, `*.txt`).
    Conll,
    /// brat standoff: `*.ann` files, each beside its `*.txt`.
    Brat,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Auto => Format::Auto,
            FormatArg::Csv => Format::Csv,
            FormatArg::Conll => Format::Conll,
            FormatArg::Brat => Format::Brat,
        }
    }
}

/// Run `newsx eval`: print the table on stdout, write the CSV files with `--out`. Exit status 0
/// when scored.
pub fn run(args: EvalArgs) -> Result<Status> {
    let opts = EvalOptions {
        gold: args.gold,
        pred: args.pred,
        gold_format: args.gold_format.into(),
        pred_format: args.pred_format.into(),
        input: args.input,
    };
    let report = newsx::eval::run(&opts)?;
    print_stdout(&render(&report))?;
    if let Some(dir) = &args.out {
        let [scores, errors] = write_files(&report, dir, args.excel)?;
        eprintln!(
            "newsx eval: wrote {} and {}",
            scores.display(),
            errors.display()
        );
    }
    Ok(Status::Ok)
}
