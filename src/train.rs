//! train

/// Command-line arguments.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {}

/// Run the command; returns the exit code (0 ok, 1 some documents failed).
pub fn main(_args: TrainArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not implemented yet")
}
