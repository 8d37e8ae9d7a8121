//! The `newsx` command line (see [`cli`]).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let result = cli::run(cli::Cli::parse());
    ExitCode::from(cli::exit_code(&result))
}
