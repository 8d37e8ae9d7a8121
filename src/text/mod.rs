//! One analysis of a document's text, computed once and borrowed by every stage.
//!
//! [`TextAnalysis::new`] finds, in this order:
//! 1. the line breaks that only wrap lines inside a paragraph ([`paragraphs::soft_newlines`]: the
//!    hard-wrap rule; [`paragraphs::quotation_wraps`]: a single break inside a quotation or
//!    before its attribution) and the ones that end paragraphs ([`paragraphs::paragraph_breaks`]);
//! 2. the tokens of the quote finder and the link step ([`tokens::tokenize`]): words, punctuation,
//!    quotation marks and paragraph breaks with their byte spans;
//! 3. the quotations those marks delimit ([`marks::pair_marks`]), with a warning for each mark
//!    that had to be closed by guesswork;
//! 4. the NER words ([`words::split_words`], CoNLL-like) and the sentence starts among them
//!    ([`sentences::sentence_starts`]) that NER windows are cut at.
//!
//! The NER stage reads (4), the quote stage (1–3), the link step (1–2). No stage tokenises the
//! text again.

pub mod marks;
pub mod paragraphs;
pub mod sentences;
pub mod tokens;
pub mod words;

use crate::doc::Span;
pub use marks::Region;
pub use tokens::{Tok, TokKind};

/// Everything the stages need to know about the text itself, before any model or rule runs.
pub struct TextAnalysis<'a> {
    /// The document text.
    pub text: &'a str,
    /// Byte offsets of the line breaks that only wrap a line (hard-wrapped text, or a break
    /// inside a quotation), sorted.
    pub soft_newlines: Vec<usize>,
    /// Byte offsets of the `\n` that end paragraphs.
    pub paragraph_breaks: Vec<usize>,
    /// Tokens for the rule stages.
    pub tokens: Vec<Tok>,
    /// Quotations delimited by paired marks, by opening token.
    pub quotations: Vec<Region>,
    /// Warnings about quotation marks (unbalanced, closed at a paragraph end), with byte offsets.
    pub warnings: Vec<String>,
    /// The NER words, byte spans in order.
    pub words: Vec<Span>,
    /// `sentence_starts[i]`: NER word `i` starts a sentence.
    pub sentence_starts: Vec<bool>,
}

impl<'a> TextAnalysis<'a> {
    /// Analyse `text`. Pure scanning: never fails, never panics, linear in the text.
    pub fn new(text: &'a str) -> Self {
        let mut soft_newlines = paragraphs::soft_newlines(text);
        soft_newlines.extend(paragraphs::quotation_wraps(text));
        soft_newlines.sort_unstable();
        soft_newlines.dedup();
        let paragraph_breaks = paragraphs::paragraph_breaks(text, &soft_newlines);
        let tokens = tokens::tokenize(text, &soft_newlines);
        let mut warnings = Vec::new();
        let quotations = marks::pair_marks(text, &tokens, &mut warnings);
        let words = words::split_words(text);
        let sentence_starts = sentences::sentence_starts(text, &words);
        TextAnalysis {
            text,
            soft_newlines,
            paragraph_breaks,
            tokens,
            quotations,
            warnings,
            words,
            sentence_starts,
        }
    }
}
