//! The integration test crate: runs the real `newsx` binary and the library's public API.

mod util;

mod cli;
mod corpus;
mod eval;
mod fuzz;
mod output;
mod pipeline;
mod quotes;
mod spark;
mod stream;
mod view;
