//! newsx: who is in the news and who said what.
//!
//! Pipeline per document: read ([`corpus`]) → tokenise ([`tokenize`]) → NER ([`ner`]) ∥ quotes
//! ([`quotes`]) → link speakers to entities ([`link`]) → CSV rows ([`output`]).
//! [`pipeline`] is the only module that uses rayon. [`eval`] scores output folders against gold;
//! [`view`] writes a static HTML review of an output folder.

pub mod conll;
pub mod corpus;
pub mod doc;
pub mod eval;
pub mod link;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod quotes;
pub mod tokenize;
pub mod train;
pub mod view;
