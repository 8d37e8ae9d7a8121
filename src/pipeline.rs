//! pipeline

/// Command-line arguments.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {}

/// Run the command; returns the exit code (0 ok, 1 some documents failed).
pub fn main(_args: ExtractArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not implemented yet")
}
