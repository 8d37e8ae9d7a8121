//! Rule-based quote finder for news text: direct, mixed and indirect quotes with their cue and
//! speaker mention. Needs no NER (it runs beside it); [`crate::link`] resolves speakers to entities.
//!
//! Stages, all plain string scanning:
//! 1. tokenise into words, punctuation, quotation marks and paragraph breaks;
//! 2. pair quotation marks: straight and curly double marks, « », „ “, single marks used as
//!    quotes (apostrophes are left alone), the multi-paragraph convention (each paragraph opens a
//!    mark, only the last closes); unbalanced marks are closed at the paragraph end with a warning;
//! 3. split the text outside quotations into sentences, a quotation counting as one unit;
//! 4. find attribution frames in each sentence: a reporting verb (cue), its subject (speaker
//!    mention, also after an apposition or inverted: "said Hamdan") and its content (after the cue,
//!    or before it: "…, he said"), plus "according to X" frames;
//! 5. a frame's content is a `direct` quote when it is one quotation, `mixed` when it holds one
//!    among other words, else `indirect`; quotations outside frames are follow-on quotes unless
//!    they are short scare quotes, titles or nicknames: in the paragraph of a framed quote they
//!    take its cue and speaker mention, elsewhere they have none (the link step gives them the
//!    previous speaker); sign-offs ("— Name (@handle)", a pull quote's closing name) attribute
//!    whole paragraphs. The cue is the verb group ("has also said"), or the dash or colon
//!    of a dash or colon attribution.

use crate::doc::{Quote, QuoteKind, Span};
use crate::lexicon::{
    cue, is_adverbial_prep, is_day_name, is_determiner, is_modal, is_month, is_naming_word,
    is_np_stop, is_pre_cue_adverb, is_subject_pronoun, is_subordinator, is_time_word, is_title,
    CueClass, PHRASAL,
};
use crate::lexicon::{
    is_author_pronoun, is_clause_coordinator, is_ing_cue_lead_in, is_name_conjunction,
    is_name_joiner, is_negator, is_not_subject_opener, is_np_coordinator, is_origin_preposition,
    is_plain_cue_lemma, is_possessive_word, is_role_preposition, is_source_contact_verb,
    is_subject_relative,
};
use crate::lexicon::{
    is_be_form, is_caption_word, is_clause_opener, is_evidence_verb, is_hearer_object,
    is_not_content_opener, is_org_head, is_passive_auxiliary, is_plural_collective,
    is_possessive_determiner, is_preposition, is_relative_pronoun, is_time_noun, is_time_opener,
    is_title_case_minor, is_uninverted_cue, is_verb_group_word, phrasal_cue,
};
use crate::text::marks::trim_span;
use crate::text::{Region, TextAnalysis, Tok, TokKind};

/// Find the quotes of a text (analysed here); see [`find`].
pub fn extract(text: &str) -> Vec<Quote> {
    find(&TextAnalysis::new(text))
}

/// Find the quotes of a text (analysed here), with the analysis' warnings about unbalanced
/// quotation marks (byte offsets in the message).
pub fn extract_with_warnings(text: &str) -> (Vec<Quote>, Vec<String>) {
    let analysis = TextAnalysis::new(text);
    (find(&analysis), analysis.warnings)
}

/// Find the quotes of an analysed document, sorted by span. Never panics; deterministic.
///
/// Spans follow the Gender Gap Tracker conventions: a direct quote without its outer marks, an
/// indirect quote from after the cue (or the sentence start) to the clause end without the final
/// period. [`crate::link::attribute`] resolves the speaker mentions.
pub fn find(analysis: &TextAnalysis) -> Vec<Quote> {
    Doc::new(analysis).find_quotes()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum U {
    /// A token outside quotations (index into tokens).
    T(usize),
    /// A quotation (index into regions).
    Q(usize),
}

/// An attribution frame: cue, speaker mention and content unit ranges.
#[derive(Debug, Clone)]
struct Frame {
    cue: Option<Span>,
    cue_u: usize,
    subj: Option<(usize, usize)>,
    mention: Option<Span>,
    inverted: bool,
    right_start: Option<usize>,
    contents: Vec<(usize, usize)>,
    score: f32,
    class: CueClass,
    according: bool,
    inherited: bool,
}

struct Doc<'a> {
    text: &'a str,
    toks: &'a [Tok],
    regions: &'a [Region],
    units: Vec<U>,
    sentences: Vec<(usize, usize)>,
    /// Byte offsets of the paragraph-ending '\n' (line lookups by binary search).
    newlines: &'a [usize],
}

// Tuning numbers of the quote stage. Scores order the quotes of one text against each other
// (the better-scored of two overlapping quotes is kept) and are the confidence in the CSV; the
// link step scales them by the confidence of the speaker's resolution.

/// Longest unit window searched for attribution frames at once.
const MAX_SENTENCE_UNITS: usize = 600;
/// A frame with a cue verb and its own subject.
const CUE_FRAME_SCORE: f32 = 0.8;
/// A frame whose subject is inherited ("…, and added that …").
const INHERITED_FRAME_SCORE: f32 = 0.6;
/// An "according to X" frame.
const ACCORDING_FRAME_SCORE: f32 = 0.75;
/// Added for a direct quote (its boundaries are marked).
const DIRECT_BONUS: f32 = 0.1;
/// Taken off when the speaker mention is a pronoun (it must still be resolved).
const PRONOUN_PENALTY: f32 = 0.05;
/// Bounds of a frame quote's score.
const MIN_SCORE: f32 = 0.05;
const MAX_SCORE: f32 = 0.99;
/// A quotation outside frames with a speaker after a dash or before a colon.
const LOOSE_WITH_SPEAKER_SCORE: f32 = 0.7;
/// A quotation outside frames standing alone (a follow-on quote).
const LOOSE_STANDALONE_SCORE: f32 = 0.6;
/// Long quoted speech running inside a sentence without a frame.
const LOOSE_RUNNING_SCORE: f32 = 0.4;
/// A paragraph attributed by a sign-off line ("— Name (@handle)").
const BYLINE_SCORE: f32 = 0.65;
/// A quotation in single marks standing alone counts from this many words (shorter ones are
/// mostly scare quotes and titles).
const MIN_WORDS_SINGLE_MARKS: usize = 6;
/// Quoted words running inside a sentence count as a quote from this many words.
const MIN_WORDS_RUNNING: usize = 8;

/// A quote found so far (before overlaps are resolved).
struct Found {
    quote: Quote,
}

mod assemble;
mod bylines;
mod cues;
mod frames;
mod phrases;
mod subjects;
mod units;

#[cfg(test)]
mod tests;
