//! Linking: alias merging of entity mentions, speaker resolution of quotes, and relations.
//!
//! [`merge_aliases`] groups the mentions of one person or organisation ("Osama Hamdan" …
//! "Hamdan" … "Mr. Hamdan") into entities. [`attribute`] resolves each quote's speaker mention
//! to an entity (overlapping PER entity, surname, pronoun by salience and gender, nominal by
//! role, follow-on quotes by the previous speaker) and returns one [`Attribution`] per quote and
//! the `said` and `has_role` relations (roles from pre-modifying titles and appositions). Neither
//! changes its inputs.
//!
//! Typical use, after NER and [`crate::quotes::find`] ran on the same analysis:
//! `let entities = merge_aliases(text, &mentions);`
//! `let linked = attribute(&analysis, &mentions, &entities, &quotes);`

use crate::doc::{
    Attribution, Entities, Entity, EntityId, Label, Mention, Quote, QuoteId, Relation,
    RelationKind, Span,
};
use crate::lexicon::{
    first_name_gender, honorific_gender, is_anonymous_head, is_cue_word, is_determiner,
    is_document_noun, is_honorific, is_listed_role_noun, is_name_connector, is_non_person_head,
    is_not_role_noun, is_np_stop, is_org_head, is_preposition, is_subject_pronoun, is_title,
    pronoun_gender, Gender,
};
use crate::lexicon::{
    is_apposition_breaker, is_article, is_np_coordinator, is_possessive_word, is_role_preposition,
};
use crate::text::paragraphs::paragraphs_between;
use crate::text::{TextAnalysis, Tok, TokKind};
use std::collections::HashMap;

/// What the link step returns for a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    /// The speaker of each quote (same index as the quotes given).
    pub attributions: Vec<Attribution>,
    /// `said` relations (in quote order), then `has_role` relations.
    pub relations: Vec<Relation>,
}

/// A mention with the (index of the) entity it names: the link step's working view.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Named {
    span: Span,
    label: Label,
    entity: usize,
}

struct Ctx<'a> {
    text: &'a str,
    toks: &'a [Tok],
    entities: &'a [Named],
    /// Mention indices sorted by position.
    order: Vec<usize>,
    /// Byte spans of direct quotes (mentions inside are weak antecedents).
    quoted: Vec<Span>,
    gender: HashMap<usize, (u32, u32)>,
    /// Byte offsets of the paragraph-ending '\n'.
    newlines: &'a [usize],
}

/// A role found for a person: pre-modifier ("Axios journalist Barak Ravid") or apposition
/// ("Adam Boehler, the U.S. presidential envoy for hostage affairs").
#[derive(Debug, Clone)]
struct Role {
    group: usize,
    role: String,
    span: Span,
    score: f32,
}

mod aliases;
mod gender;
mod nominal;
mod roles;
mod salience;
mod speakers;
mod tuning;

pub use aliases::merge_aliases;
use aliases::*;
use nominal::*;
use roles::*;
pub use speakers::attribute;
use tuning::*;

#[cfg(test)]
mod tests;
