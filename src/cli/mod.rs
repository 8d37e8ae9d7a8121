//! The command line of the `newsx` binary: the `clap` definitions of every subcommand, turned
//! into the library's plain option structs, and the one place that decides the exit status
//! ([`exit_code`]). Nothing here is part of the library.

mod average;
mod convert;
mod eval;
mod extract;
mod teacher_labels;
mod train;
mod train_attribution;
mod view;

use clap::{Parser, Subcommand};
use std::io::Write;

/// newsx: who is in the news and who said what.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities, quotes and relations from articles into CSV files.
    Extract(extract::ExtractArgs),
    /// Score a predicted output folder against a gold set.
    Eval(eval::EvalArgs),
    /// Fine-tune the NER model on CoNLL-2003 BIO files.
    Train(train::TrainArgs),
    /// Label training text with a trained NER teacher (or an ensemble) for distillation.
    TeacherLabels(teacher_labels::TeacherLabelsArgs),
    /// Average the weights of NER models trained from one start (checkpoint averaging).
    Average(average::AverageArgs),
    /// Train the learned attribution tagger (source, cue, content) on PolNeAR.
    TrainAttribution(train_attribution::TrainAttributionArgs),
    /// Turn JSON Lines results (`extract --jsonl`) into the CSV files.
    Convert(convert::ConvertArgs),
    /// Write a static HTML review of an output folder (and its differences from a gold set).
    View(view::ViewArgs),
}

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything was done.
    Ok,
    /// Some documents (or pages, or lines) failed; each was reported, the others were done.
    SomeFailed,
}

impl Status {
    /// [`Status::SomeFailed`] when `failed` is not zero.
    fn from_failures(failed: usize) -> Status {
        if failed > 0 {
            Status::SomeFailed
        } else {
            Status::Ok
        }
    }
}

/// Run the command the user asked for.
///
/// # Errors
/// A fatal error of the command (bad input set, unwritable output, missing model…).
pub fn run(cli: Cli) -> anyhow::Result<Status> {
    match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Train(a) => train::run(a),
        Command::TeacherLabels(a) => teacher_labels::run(a),
        Command::Average(a) => average::run(a),
        Command::TrainAttribution(a) => train_attribution::run(a),
        Command::Convert(a) => convert::run(a),
        Command::View(a) => view::run(a),
    }
}

/// The exit status of a command: 0 when everything was done, 1 when some documents failed
/// (each was reported), 2 on a fatal error, which is reported here on stderr. A closed stdout
/// (`newsx extract --jsonl | head`) is not an error: the reader wanted no more, so 0 and no
/// message. (Usage errors exit 2 from `clap` before a command runs.)
pub fn exit_code(result: &anyhow::Result<Status>) -> u8 {
    match result {
        Ok(Status::Ok) => 0,
        Ok(Status::SomeFailed) => 1,
        Err(e) if is_broken_pipe(e) => 0,
        Err(e) => {
            eprintln!("newsx: error: {e:#}");
            2
        }
    }
}

/// Whether `e` is a write to a closed pipe: not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Write `text` to stdout and flush. A closed pipe is not an error here either: the reader has
/// gone, the command goes on with what it does besides printing (`eval --out` still writes its
/// files).
///
/// # Errors
/// Writing failed for another reason.
fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(&Ok(Status::Ok)), 0);
        assert_eq!(exit_code(&Ok(Status::SomeFailed)), 1);
        assert_eq!(exit_code(&Err(anyhow::anyhow!("cannot load the model"))), 2);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(
            exit_code(&Err(anyhow::Error::new(pipe).context("stdout"))),
            0
        );
        let other = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(exit_code(&Err(anyhow::Error::new(other).context("out"))), 2);
    }

    #[test]
    fn failures_make_the_status() {
        assert_eq!(Status::from_failures(0), Status::Ok);
        assert_eq!(Status::from_failures(3), Status::SomeFailed);
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
