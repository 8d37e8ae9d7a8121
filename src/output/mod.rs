//! The CSV edge: flat row types for the four files of the output contract
//! (`shared/spec/output-format.md`), the [`CsvSink`] that writes them, and the readers `eval` uses
//! for gold and predicted folders.
//!
//! Contract rules implemented here: RFC 4180 with a header row and `\n` line ends; code-point
//! offsets (converted from the byte spans of [`crate::doc`]); the formula-injection guard on text
//! cells (a leading `'` before `= + - @ TAB CR`, stripped again by the readers); an optional UTF-8
//! BOM for spreadsheet programs (`--excel`); rows sorted by `doc_id, start, end`; files written
//! under a temporary name and renamed only when complete.
//!
//! Memory stays bounded: [`CsvSink`] puts each document's rows on disk as it comes (a JSON line
//! of [`crate::jsonl`] in a spool that `--resume` reads back) and writes the sorted CSV files
//! from there at the end, one document at a time ([`CsvWriter`]).
//!
//! Parts: [`table`] the cells (the guard, scores) and reading a CSV file back, [`rows`] the row
//! types and the conversion of one document's output, [`writer`] the CSV files written from
//! records, [`sink`] the spool that a run's documents go to as they finish.
#![deny(missing_docs)]

pub mod rows;
pub mod sink;
pub mod table;
pub mod writer;

pub use rows::{
    doc_rows, DocRows, DocumentRow, EntityRow, QuoteRow, RelationRow, DOCUMENT_COLUMNS,
    ENTITY_COLUMNS, QUOTE_COLUMNS, RELATION_COLUMNS,
};
pub use sink::{CsvSink, Finished, Resumed, PARTIAL_DIR};
pub use table::{format_score, guard, unguard, CsvError, CsvTable};
pub use writer::{write_csv_file, CsvWriter};

#[cfg(test)]
mod tests;
