//! English word knowledge shared by every stage, in one place.
//!
//! Word lists are data: one file per list under `src/lexicon/data/`, compiled in with
//! `include_str!`. Each file starts with a `# ` line saying what the list is and where its words
//! come from; then one lower-case word per line, sorted, without duplicates (a test checks this).
//! A word may be followed by `# why` on its line, to say why it was added. To add a word, put it in
//! sorted order in the file that names what it is, with a reason when it is not plain English
//! vocabulary. The reporting verbs are a Rust table in [`cues`] because each row carries a typed
//! class.

pub mod cues;

use std::sync::OnceLock;

pub use cues::{cue, is_cue_word, phrasal_cue, CueClass, PhrasalCue, PHRASAL, STANCE};

/// A list of words from one data file, looked up by binary search.
pub struct WordSet {
    /// File name under `src/lexicon/data/`.
    file: &'static str,
    /// The file's contents.
    raw: &'static str,
    /// The words, sorted; built on first use.
    words: OnceLock<Box<[&'static str]>>,
}

impl WordSet {
    const fn new(file: &'static str, raw: &'static str) -> Self {
        WordSet {
            file,
            raw,
            words: OnceLock::new(),
        }
    }

    /// The words of the file, in file order (comments and blank lines dropped).
    fn entries(&self) -> impl Iterator<Item = &'static str> {
        self.raw
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|w| !w.is_empty())
    }

    fn words(&self) -> &[&'static str] {
        self.words.get_or_init(|| {
            let mut v: Vec<&'static str> = self.entries().collect();
            v.sort_unstable();
            v.into_boxed_slice()
        })
    }

    /// The data file the list comes from.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// True when `word` (compared as given: callers lower-case) is in the list.
    pub fn contains(&self, word: &str) -> bool {
        self.words().binary_search(&word).is_ok()
    }
}

macro_rules! word_sets {
    ($($(#[$doc:meta])* $name:ident = $file:literal;)*) => {
        $($(#[$doc])* pub static $name: WordSet = WordSet::new($file, include_str!(concat!("data/", $file)));)*
        /// Every list, for the tidiness tests.
        #[cfg(test)]
        static ALL: &[&WordSet] = &[$(&$name),*];
    };
}

word_sets! {
    /// Words that mark a photo caption.
    CAPTION_WORDS = "caption_words.txt";
    /// Verbs after a reporting plural noun ("reports say").
    EVIDENCE_VERBS = "evidence_verbs.txt";
    /// Words that cannot open indirect content.
    NOT_CONTENT_OPENERS = "not_content_openers.txt";
    /// Forms of "be" and "get" before a passive participle.
    PASSIVE_AUXILIARIES = "passive_auxiliaries.txt";
    /// Nouns that take a plural verb without -s.
    PLURAL_COLLECTIVES = "plural_collectives.txt";
    /// Nouns of time ("week", "ago").
    TIME_NOUNS = "time_nouns.txt";
    /// Lower-case words inside title case.
    TITLE_CASE_MINOR = "title_case_minor_words.txt";
    /// Abbreviations whose period ends no sentence (NER word split and quote tokenizer).
    ABBREVIATIONS = "abbreviations.txt";
    /// Words that open an adverbial phrase after a reporting verb.
    ADVERBIAL_PREPS = "adverbial_preps.txt";
    /// Head nouns of anonymous sources ("the official").
    ANONYMOUS_HEADS = "anonymous_heads.txt";
    /// Words written with a leading apostrophe for their elided letters ("'em", "'tis").
    ELISIONS = "elisions.txt";
    /// Weekdays, "today", "yesterday".
    DAY_NAMES = "day_names.txt";
    /// Determiners and quantifiers that open a noun phrase.
    DETERMINERS = "determiners.txt";
    /// Document nouns ("the study found").
    DOCUMENT_NOUNS = "document_nouns.txt";
    /// First names usually borne by women.
    FEMALE_NAMES = "first_names_female.txt";
    /// Courtesy titles ("Mr.").
    HONORIFICS = "honorifics.txt";
    /// First names usually borne by men.
    MALE_NAMES = "first_names_male.txt";
    /// Courtesy titles for women.
    FEMALE_HONORIFICS = "honorifics_female.txt";
    /// Pronouns for a woman.
    FEMALE_PRONOUNS = "pronouns_female.txt";
    /// Courtesy titles for men.
    MALE_HONORIFICS = "honorifics_male.txt";
    /// Pronouns for a man.
    MALE_PRONOUNS = "pronouns_male.txt";
    /// Modal and "do" auxiliaries.
    MODALS = "modals.txt";
    /// Month names and abbreviations.
    MONTHS = "months.txt";
    /// Words that make a quoted phrase a name or title.
    NAMING_WORDS = "naming_words.txt";
    /// Connector words inside multi-word names ("Bank of Canada").
    NAME_CONNECTORS = "name_connectors.txt";
    /// Head nouns that are no one person ("the council").
    NON_PERSON_HEADS = "non_person_heads.txt";
    /// Words in -ly that are no adverbs.
    NOT_LY_ADVERBS = "not_ly_adverbs.txt";
    /// Words that look like agent nouns but name no role.
    NOT_ROLE_NOUNS = "not_role_nouns.txt";
    /// Function words that end a noun phrase.
    NP_STOPS = "np_stops.txt";
    /// Head nouns that refer back to an organisation ("the agency").
    ORG_HEADS = "org_heads.txt";
    /// Words between a subject and its reporting verb ("also", "has").
    PRE_CUE_ADVERBS = "pre_cue_adverbs.txt";
    /// Prepositions that open a phrase after a head noun ("the head of …").
    PREPOSITIONS = "prepositions.txt";
    /// Role nouns beyond the titles and the agent-suffix rule.
    ROLE_NOUNS = "role_nouns.txt";
    /// Subject pronouns that can be speakers.
    SUBJECT_PRONOUNS = "subject_pronouns.txt";
    /// Subordinating words.
    SUBORDINATORS = "subordinators.txt";
    /// Words for times between a cue and its content ("said later").
    TIME_WORDS = "time_words.txt";
    /// Titles before a name ("Sen.", "Mayor").
    TITLES = "titles.txt";
    /// Hearer objects of a reporting verb ("told reporters").
    HEARER_OBJECTS = "hearer_objects.txt";
    /// Reporting verbs that never stand before their subject ("tell").
    UNINVERTED_CUES = "uninverted_cues.txt";
    /// Words that open a coordinated or subordinate clause.
    CLAUSE_OPENERS = "clause_openers.txt";
    /// Relative pronouns ("who", "which").
    RELATIVE_PRONOUNS = "relative_pronouns.txt";
    /// Possessive determiners ("their").
    POSSESSIVE_DETERMINERS = "possessive_determiners.txt";
    /// Forms of "be".
    BE_FORMS = "be_forms.txt";
    /// Words that open a time expression ("last", "on").
    TIME_OPENERS = "time_openers.txt";
    /// Articles ("a", "an", "the").
    ARTICLES = "articles.txt";
    /// Conjunctions that join a second clause to one subject ("and", "but").
    CLAUSE_COORDINATORS = "clause_coordinators.txt";
    /// Conjunctions that join two noun phrases ("and", "or", "nor").
    NP_COORDINATORS = "np_coordinators.txt";
    /// Words that join the parts of one name but cannot begin or end it ("of", "&").
    NAME_JOINERS = "name_joiners.txt";
    /// Conjunctions between names ("and", "&").
    NAME_CONJUNCTIONS = "name_conjunctions.txt";
    /// Prepositions that tie a role to an organisation ("of", "for").
    ROLE_PREPOSITIONS = "role_prepositions.txt";
    /// Prepositions that say where a noun belongs ("in", "of", "at").
    ORIGIN_PREPOSITIONS = "origin_prepositions.txt";
    /// Participles of a reporter's contact with a source ("cited", "interviewed").
    SOURCE_CONTACT_VERBS = "source_contact_verbs.txt";
    /// Words whose preposition puts a cited source after it ("according", "cited").
    OUTLET_SOURCE_CUES = "outlet_source_cues.txt";
    /// First- and second-person subject pronouns ("I", "we", "you").
    AUTHOR_PRONOUNS = "author_pronouns.txt";
    /// Words before a clause that reports nothing ("what", "than").
    NOT_SUBJECT_OPENERS = "not_subject_openers.txt";
    /// Negating adverbs ("not", "never").
    NEGATORS = "negators.txt";
    /// Words between an auxiliary and an -ing cue ("quoted as").
    ING_CUE_LEAD_INS = "ing_cue_lead_ins.txt";
    /// Lemmas of the plain reporting verbs ("say", "tell").
    PLAIN_CUE_LEMMAS = "plain_cue_lemmas.txt";
    /// Relative pronouns that can be a cue's subject ("which", "who").
    SUBJECT_RELATIVES = "subject_relatives.txt";
    /// Words that cannot stand inside a role apposition ("who", "said").
    APPOSITION_BREAKERS = "apposition_breakers.txt";
    /// Contracted endings after an apostrophe ("s", "re", "ll").
    CLITICS = "clitics.txt";
}

/// A reporting verb (lemma) that takes a hearer and never stands before its subject ("tell").
pub fn is_uninverted_cue(lemma: &str) -> bool {
    UNINVERTED_CUES.contains(lemma)
}

/// A hearer object standing alone after "told", "urged" ("reporters", "them").
pub fn is_hearer_object(lower: &str) -> bool {
    HEARER_OBJECTS.contains(lower)
}

/// A word that opens a coordinated or subordinate clause ("and", "because").
pub fn is_clause_opener(lower: &str) -> bool {
    CLAUSE_OPENERS.contains(lower)
}

/// A relative pronoun ("who", "which", "whom", "whose").
pub fn is_relative_pronoun(lower: &str) -> bool {
    RELATIVE_PRONOUNS.contains(lower)
}

/// A possessive determiner ("his", "their").
pub fn is_possessive_determiner(lower: &str) -> bool {
    POSSESSIVE_DETERMINERS.contains(lower)
}

/// A form of "be" other than "am".
pub fn is_be_form(lower: &str) -> bool {
    BE_FORMS.contains(lower)
}

/// A word that opens a time expression before a day or time word ("last", "on", "early").
pub fn is_time_opener(lower: &str) -> bool {
    TIME_OPENERS.contains(lower)
}

/// An article ("a", "an", "the").
pub fn is_article(lower: &str) -> bool {
    ARTICLES.contains(lower)
}

/// A conjunction that joins a second clause to the same subject ("… and said", "… but added").
pub fn is_clause_coordinator(lower: &str) -> bool {
    CLAUSE_COORDINATORS.contains(lower)
}

/// A conjunction that joins two noun phrases ("and", "or", "nor").
pub fn is_np_coordinator(lower: &str) -> bool {
    NP_COORDINATORS.contains(lower)
}

/// A word that joins the parts of one name but can neither begin nor end it ("of", "for", "and",
/// "&").
pub fn is_name_joiner(lower: &str) -> bool {
    NAME_JOINERS.contains(lower)
}

/// A conjunction between two names or inside one ("and", "&").
pub fn is_name_conjunction(lower: &str) -> bool {
    NAME_CONJUNCTIONS.contains(lower)
}

/// A preposition that ties a role or person to an organisation ("head of", "spokesman for").
pub fn is_role_preposition(lower: &str) -> bool {
    ROLE_PREPOSITIONS.contains(lower)
}

/// A preposition that says where the noun before it belongs ("supporters in Congress").
pub fn is_origin_preposition(lower: &str) -> bool {
    ORIGIN_PREPOSITIONS.contains(lower)
}

/// A participle of a reporter's contact with a source, before "by" ("cited by Maariv").
pub fn is_source_contact_verb(lower: &str) -> bool {
    SOURCE_CONTACT_VERBS.contains(lower)
}

/// A first- or second-person subject pronoun: the author's or reader's own voice.
pub fn is_author_pronoun(lower: &str) -> bool {
    AUTHOR_PRONOUNS.contains(lower)
}

/// A word before a clause that reports nothing ("what they said was", "lower than X says").
pub fn is_not_subject_opener(lower: &str) -> bool {
    NOT_SUBJECT_OPENERS.contains(lower)
}

/// A negating adverb ("not", "never"); "n't" endings are matched by the callers.
pub fn is_negator(lower: &str) -> bool {
    NEGATORS.contains(lower)
}

/// A word between an auxiliary and an -ing cue that keeps the frame ("was quoted as saying").
pub fn is_ing_cue_lead_in(lower: &str) -> bool {
    ING_CUE_LEAD_INS.contains(lower)
}

/// The lemma of a plain reporting verb ("say", "tell").
pub fn is_plain_cue_lemma(lemma: &str) -> bool {
    PLAIN_CUE_LEMMAS.contains(lemma)
}

/// A relative pronoun that can be the subject of a reporting verb ("which", "who").
pub fn is_subject_relative(lower: &str) -> bool {
    SUBJECT_RELATIVES.contains(lower)
}

/// A word that makes a comma phrase after a name a clause rather than a role apposition.
pub fn is_apposition_breaker(lower: &str) -> bool {
    APPOSITION_BREAKERS.contains(lower)
}

/// A contracted ending written after an apostrophe ("s", "re", "ll"), lower-cased.
pub fn is_clitic(lower: &str) -> bool {
    CLITICS.contains(lower)
}

/// Lower-case `word` without its trailing periods ("Sen." → "sen").
fn bare_lower(word: &str) -> String {
    word.trim_end_matches('.').to_lowercase()
}

/// An adverb by its -ly ending ("quickly"), but not "only", "family", "Italy".
pub fn is_ly_adverb(lower: &str) -> bool {
    lower.len() > 4 && lower.ends_with("ly") && !NOT_LY_ADVERBS.contains(lower)
}

/// Words that may stand between a subject and its reporting verb ("also", "has", "later").
pub fn is_pre_cue_adverb(lower: &str) -> bool {
    PRE_CUE_ADVERBS.contains(lower) || is_modal(lower) || is_ly_adverb(lower)
}

/// A word of a reporting verb's verb group before the verb: an auxiliary or an adverb
/// ("has said", "would also argue", "is now calling"); day words are time, not verb group.
pub fn is_verb_group_word(lower: &str) -> bool {
    (is_pre_cue_adverb(lower) || is_be_form(lower))
        && !is_time_noun(lower)
        && !is_time_opener(lower)
        && !is_day_name(lower)
        && !matches!(lower, "today" | "yesterday")
}

/// A word with a possessive "'s" ("Ruiz’s", "the mayor's"): it determines the noun after it.
pub fn is_possessive_word(w: &str) -> bool {
    w.ends_with("'s") || w.ends_with("’s")
}

/// Modal and "do" auxiliaries ("would", "did", "can").
pub fn is_modal(lower: &str) -> bool {
    MODALS.contains(lower)
}

/// Subject pronouns that can be speakers.
pub fn is_subject_pronoun(lower: &str) -> bool {
    SUBJECT_PRONOUNS.contains(lower)
}

/// Determiners and quantifiers that open a noun phrase.
pub fn is_determiner(lower: &str) -> bool {
    DETERMINERS.contains(lower)
}

/// Function words that end a noun phrase (prepositions, conjunctions, subordinators, auxiliaries,
/// relative and object pronouns).
pub fn is_np_stop(lower: &str) -> bool {
    NP_STOPS.contains(lower)
}

/// Subordinating words that open a clause.
pub fn is_subordinator(lower: &str) -> bool {
    SUBORDINATORS.contains(lower)
}

/// Titles and role words that precede a name ("Prime Minister", "Sen.", "Mayor"); any case.
pub fn is_title(word: &str) -> bool {
    TITLES.contains(&bare_lower(word))
}

/// Courtesy titles that belong to the name mention ("Mr. Hemming"); any case.
pub fn is_honorific(word: &str) -> bool {
    HONORIFICS.contains(&bare_lower(word))
}

/// Abbreviations whose trailing period does not end a sentence (lower-case, without the period).
pub fn is_abbreviation(lower_no_dot: &str) -> bool {
    ABBREVIATIONS.contains(lower_no_dot)
}

/// Adverbial words that may stand between a reporting verb and its content ("said Thursday").
pub fn is_time_word(lower: &str) -> bool {
    is_day_name(lower) || TIME_WORDS.contains(lower) || is_ly_adverb(lower)
}

/// A word written after an apostrophe that stands for its elided letters ("em" of "'em",
/// "tis" of "'Tis"), lower-cased: the apostrophe belongs to the word, no quotation opens there.
pub fn is_elision(lower: &str) -> bool {
    ELISIONS.contains(lower)
}

/// A weekday, "today" or "yesterday" (lower-cased).
pub fn is_day_name(lower: &str) -> bool {
    DAY_NAMES.contains(lower)
}

/// Month names (lower-cased, with common abbreviations, a trailing period allowed).
pub fn is_month(lower: &str) -> bool {
    MONTHS.contains(lower.trim_end_matches('.'))
}

/// Prepositions that open an adverbial phrase after a reporting verb ("said in a statement").
pub fn is_adverbial_prep(lower: &str) -> bool {
    ADVERBIAL_PREPS.contains(lower)
}

/// Words that make a short quoted phrase a name or title rather than a quotation.
pub fn is_naming_word(lower: &str) -> bool {
    NAMING_WORDS.contains(lower)
}

/// A preposition that opens a phrase after a head noun ("the founder of …", "adviser to …").
pub fn is_preposition(lower: &str) -> bool {
    PREPOSITIONS.contains(lower)
}

/// A connector word inside a multi-word name ("Bank of Canada", "AT&T", "Banco de …").
pub fn is_name_connector(lower: &str) -> bool {
    NAME_CONNECTORS.contains(lower)
}

/// A document noun ("the study", "the report") whose content is its author's.
pub fn is_document_noun(lower: &str) -> bool {
    DOCUMENT_NOUNS.contains(lower)
}

/// A head noun that refers back to an organisation ("the agency said").
pub fn is_org_head(lower: &str) -> bool {
    ORG_HEADS.contains(lower)
}

/// A head noun of an anonymous source ("the official").
pub fn is_anonymous_head(lower: &str) -> bool {
    ANONYMOUS_HEADS.contains(lower)
}

/// A head noun that is not one person: a place, institution, group or document.
pub fn is_non_person_head(lower: &str) -> bool {
    NON_PERSON_HEADS.contains(lower) || is_document_noun(lower)
}

/// A role noun from the list ("candidate"), beyond titles and agent suffixes.
pub fn is_listed_role_noun(lower: &str) -> bool {
    ROLE_NOUNS.contains(lower)
}

/// A word that looks like an agent noun ("letter", "government") or is a function word, and is
/// never a role.
pub fn is_not_role_noun(lower: &str) -> bool {
    NOT_ROLE_NOUNS.contains(lower)
}

/// A word that marks a photo caption ("photo", "pictured").
pub fn is_caption_word(lower: &str) -> bool {
    CAPTION_WORDS.contains(lower)
}

/// A verb form that makes a preceding cue form a plural noun ("reports say").
pub fn is_evidence_verb(lower: &str) -> bool {
    EVIDENCE_VERBS.contains(lower)
}

/// A word that cannot open the content of indirect speech ("about", "because").
pub fn is_not_content_opener(lower: &str) -> bool {
    NOT_CONTENT_OPENERS.contains(lower)
}

/// A form of "be" or "get" that makes a following participle passive.
pub fn is_passive_auxiliary(lower: &str) -> bool {
    PASSIVE_AUXILIARIES.contains(lower)
}

/// A noun that takes a plural verb without ending in -s ("police", "people").
pub fn is_plural_collective(lower: &str) -> bool {
    PLURAL_COLLECTIVES.contains(lower)
}

/// A noun or adverb of time that makes a phrase a time phrase ("later", "weeks").
pub fn is_time_noun(lower: &str) -> bool {
    TIME_NOUNS.contains(lower)
}

/// A lower-case word allowed inside a title-case headline or name ("of", "the").
pub fn is_title_case_minor(lower: &str) -> bool {
    TITLE_CASE_MINOR.contains(lower)
}

/// Gender usually carried by a first name (a weak hint for pronouns).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Gender {
    /// Usually borne by men.
    Male,
    /// Usually borne by women.
    Female,
}

/// The gender whose list holds `word`.
fn gender_by_list(male: &WordSet, female: &WordSet, word: &str) -> Option<Gender> {
    if male.contains(word) {
        Some(Gender::Male)
    } else if female.contains(word) {
        Some(Gender::Female)
    } else {
        None
    }
}

/// Gender usually carried by a common English first name (lower-case).
pub fn first_name_gender(first: &str) -> Option<Gender> {
    gender_by_list(&MALE_NAMES, &FEMALE_NAMES, first)
}

/// The gender of a personal pronoun ("she" → female), lower-case.
pub fn pronoun_gender(lower: &str) -> Option<Gender> {
    gender_by_list(&MALE_PRONOUNS, &FEMALE_PRONOUNS, lower)
}

/// The gender a courtesy title gives ("Mrs." → female), lower-case without the period.
pub fn honorific_gender(lower_no_dot: &str) -> Option<Gender> {
    gender_by_list(&MALE_HONORIFICS, &FEMALE_HONORIFICS, lower_no_dot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_a_header_and_is_sorted_lower_case_and_unique() {
        for set in ALL {
            let first = set.raw.lines().next().unwrap_or("");
            assert!(
                first.starts_with("# ") && first.len() > 20,
                "{}: the first line must say what the list is and where it comes from",
                set.file
            );
            let words: Vec<&str> = set.entries().collect();
            assert!(!words.is_empty(), "{}: empty", set.file);
            for w in &words {
                assert_eq!(
                    *w,
                    w.to_lowercase(),
                    "{}: {w:?} is not lower-case",
                    set.file
                );
                assert!(!w.contains(char::is_whitespace), "{}: {w:?}", set.file);
            }
            for pair in words.windows(2) {
                assert!(
                    pair[0] < pair[1],
                    "{}: {:?} must come after {:?} (sorted, no duplicates)",
                    set.file,
                    pair[0],
                    pair[1]
                );
            }
        }
    }

    fn overlap(a: &WordSet, b: &WordSet) -> Vec<&'static str> {
        a.entries().filter(|w| b.contains(w)).collect()
    }

    #[test]
    fn lists_that_must_not_overlap_do_not() {
        let pairs: [(&WordSet, &WordSet); 7] = [
            (&MALE_PRONOUNS, &FEMALE_PRONOUNS),
            (&MALE_HONORIFICS, &FEMALE_HONORIFICS),
            (&ROLE_NOUNS, &NOT_ROLE_NOUNS),
            (&ROLE_NOUNS, &TITLES),
            (&MALE_NAMES, &FEMALE_NAMES),
            (&NON_PERSON_HEADS, &DOCUMENT_NOUNS),
            (&ORG_HEADS, &ANONYMOUS_HEADS),
        ];
        for (a, b) in pairs {
            assert_eq!(overlap(a, b), Vec::<&str>::new(), "{} ∩ {}", a.file, b.file);
        }
    }

    #[test]
    fn lookups_normalise_as_documented() {
        assert!(is_title("Sen."));
        assert!(is_title("PRESIDENT"));
        assert!(is_honorific("Mrs."));
        assert!(is_abbreviation("supt") && is_abbreviation("bros"));
        assert!(is_month("Sept.".to_lowercase().as_str()));
        assert!(is_ly_adverb("quickly") && !is_ly_adverb("italy") && !is_ly_adverb("only"));
        assert!(is_non_person_head("council") && is_non_person_head("study"));
        assert_eq!(first_name_gender("mary"), Some(Gender::Female));
        assert_eq!(first_name_gender("zzz"), None);
    }
}
