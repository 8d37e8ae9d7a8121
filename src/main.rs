//! The `newsx` command line.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// newsx: who is in the news and who said what.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities, quotes and relations from articles into CSV files.
    Extract(newsx::pipeline::ExtractArgs),
    /// Score a predicted output folder against a gold set.
    Eval(newsx::eval::EvalArgs),
    /// Fine-tune the NER model on CoNLL-2003 BIO files.
    Train(newsx::train::TrainArgs),
    /// Turn JSON Lines results (`extract --jsonl`) into the CSV files.
    Convert(newsx::convert::ConvertArgs),
    /// Write a static HTML review of an output folder (and its differences from a gold set).
    View(newsx::view::ViewArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => newsx::pipeline::main(a),
        Command::Eval(a) => newsx::eval::main(a),
        Command::Train(a) => newsx::train::main(a),
        Command::Convert(a) => newsx::convert::main(a),
        Command::View(a) => newsx::view::main(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("newsx: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
