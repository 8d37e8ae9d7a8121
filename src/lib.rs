//! newsx: who is in the news and who said what.
//!
//! Pipeline per document: read ([`corpus`]) → one text analysis ([`text`]) → NER ([`ner`]) ∥
//! quotes ([`quotes`], optionally with the learned [`attribution`] tagger on the NER encoder's
//! features) → link speakers to entities ([`link`]) → CSV rows ([`output`]).
//! [`pipeline`] is the only module that uses rayon. [`eval`] scores output folders against gold;
//! [`view`] writes a static HTML review of an output folder.

pub mod attribution;
pub mod conll;
pub mod convert;
pub mod corpus;
pub mod doc;
pub mod eval;
pub mod jsonl;
pub mod lexicon;
pub mod link;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod quotes;
pub mod text;
pub mod train;
pub mod view;
