//! Outlets named as sources: a correction after decoding.
//!
//! News cites outlets and agencies the way it cites people ("according to Reuters", "officials
//! cited by Maariv"), and a one-word name in that place looks like a surname to the model when it
//! has not seen the outlet. News style, though, introduces a person by full name before using a
//! surname alone. So a one-word PER mention right after a source cue ([`OUTLET_SOURCE_CUES`]) and
//! its preposition ("according to X", "cited by X") that is not a word of a longer PER mention in
//! the same document is relabelled ORG. In CoNLL-2003 no one-word entity in that place is a person
//! who was not named in full (see the cue file). The cue alone is not enough: "Interfax quoted
//! Levrentyeva" and "Ramos told Suharto" name people.

use crate::doc::{Label, Mention, Span};
use crate::lexicon::{OUTLET_SOURCE_CUES, PREPOSITIONS};

/// Relabel as ORG each one-word PER mention that follows a source cue and its preposition and is
/// no word of a longer PER mention of the document. `words` are the document's words in text
/// order; mentions start and end on word boundaries.
pub fn outlets_as_sources(text: &str, words: &[Span], mentions: &mut [Mention]) {
    let word_at = |start: usize| words.binary_search_by_key(&start, |w| w.start).ok();
    let mut full_name_words: Vec<&str> = Vec::new();
    for m in mentions.iter().filter(|m| m.label == Label::Per) {
        let s = m.span.as_str(text);
        if s.split_whitespace().nth(1).is_some() {
            full_name_words.extend(s.split_whitespace());
        }
    }
    let cue = |j: usize| OUTLET_SOURCE_CUES.contains(&words[j].as_str(text).to_lowercase());
    let prep = |j: usize| PREPOSITIONS.contains(&words[j].as_str(text).to_lowercase());
    for m in mentions.iter_mut() {
        if m.label != Label::Per {
            continue;
        }
        let Some(i) = word_at(m.span.start) else {
            continue;
        };
        if words[i].end != m.span.end || full_name_words.contains(&m.span.as_str(text)) {
            continue;
        }
        if i >= 2 && prep(i - 1) && cue(i - 2) {
            m.label = Label::Org;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words split at spaces, and mentions given as (word index, word count, label).
    fn run(text: &str, ms: &[(usize, usize, Label)]) -> Vec<(String, Label)> {
        let words = crate::ner::space_words(text);
        let mut mentions: Vec<Mention> = ms
            .iter()
            .map(|&(i, n, label)| Mention {
                span: Span::new(words[i].start, words[i + n - 1].end),
                label,
                score: 0.9,
            })
            .collect();
        outlets_as_sources(text, &words, &mut mentions);
        mentions
            .iter()
            .map(|m| (m.span.as_str(text).to_string(), m.label))
            .collect()
    }

    #[test]
    fn an_unknown_one_word_source_after_a_cue_is_an_outlet() {
        let got = run("officials cited by Kolvari said", &[(3, 1, Label::Per)]);
        assert_eq!(got, [("Kolvari".to_string(), Label::Org)]);
        let got = run(
            "he said in an interview with Dnevnik",
            &[(6, 1, Label::Per)],
        );
        assert_eq!(got, [("Dnevnik".to_string(), Label::Org)]);
        let got = run("prices rose , according to Trevana", &[(5, 1, Label::Per)]);
        assert_eq!(got, [("Trevana".to_string(), Label::Org)]);
    }

    #[test]
    fn a_person_named_in_full_before_stays_a_person() {
        let got = run(
            "Anna Kolvari spoke . officials cited by Kolvari agreed",
            &[(0, 2, Label::Per), (7, 1, Label::Per)],
        );
        assert_eq!(got[1], ("Kolvari".to_string(), Label::Per));
    }

    #[test]
    fn only_one_word_person_mentions_right_after_a_cue_change() {
        // Two words, no cue, a cue without its preposition (the quoted person), a word between,
        // another label.
        let got = run(
            "according to Anna Kolvari . Kolvari left . Interfax quoted Belova . cited by the Suvin . according to Paris",
            &[
                (2, 2, Label::Per),
                (5, 1, Label::Per),
                (10, 1, Label::Per),
                (15, 1, Label::Per),
                (19, 1, Label::Loc),
            ],
        );
        let labels: Vec<Label> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            labels,
            [Label::Per, Label::Per, Label::Per, Label::Per, Label::Loc]
        );
    }
}
