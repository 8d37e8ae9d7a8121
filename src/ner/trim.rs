//! Names end in a capitalised word: a correction after decoding.
//!
//! The model sometimes runs an entity into the common noun after it ("the Civic Action study",
//! "First Union bank"). English names end in a capitalised word: in CoNLL-2003 train 45 of 23,499
//! gold entities (0.19%) end in a lower-case word, most of them annotation slips ("interior
//! ministry" aside). So the lower-case words at the end of a mention that starts with a capital
//! are dropped. Words with a hyphen stay: they are name particles ("al-Islamiya", "Jebel
//! al-Akhdar"), and so does a mention that starts in lower case ("interior ministry").

use crate::doc::{Mention, Span};

/// Drop the trailing lower-case words of each mention that starts with a capital letter.
/// `words` are the document's words in text order; mentions start and end on word boundaries.
pub fn trim_lower_case_tails(text: &str, words: &[Span], mentions: &mut [Mention]) {
    let starts_with = |s: &str, f: fn(char) -> bool| s.chars().next().is_some_and(f);
    for m in mentions.iter_mut() {
        let Ok(first) = words.binary_search_by_key(&m.span.start, |w| w.start) else {
            continue;
        };
        let Ok(mut last) = words.binary_search_by_key(&m.span.end, |w| w.end) else {
            continue;
        };
        if !starts_with(words[first].as_str(text), char::is_uppercase) {
            continue;
        }
        while last > first {
            let w = words[last].as_str(text);
            if !(starts_with(w, char::is_lowercase) && w.chars().all(char::is_alphabetic)) {
                break;
            }
            last -= 1;
        }
        m.span = Span::new(m.span.start, words[last].end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Label;

    /// Words split at spaces; mentions given as (first word, word count).
    fn run(text: &str, ms: &[(usize, usize)]) -> Vec<String> {
        let words = crate::ner::space_words(text);
        let mut mentions: Vec<Mention> = ms
            .iter()
            .map(|&(i, n)| Mention {
                span: Span::new(words[i].start, words[i + n - 1].end),
                label: Label::Org,
                score: 0.8,
            })
            .collect();
        trim_lower_case_tails(text, &words, &mut mentions);
        mentions
            .iter()
            .map(|m| m.span.as_str(text).to_string())
            .collect()
    }

    #[test]
    fn a_common_noun_after_a_name_is_no_part_of_it() {
        assert_eq!(
            run("according to the Harbour Trust study .", &[(3, 3)]),
            ["Harbour Trust"]
        );
        assert_eq!(
            run("at Kestrel Savings bank branches", &[(1, 4)]),
            ["Kestrel Savings"]
        );
        assert_eq!(run("Rights for all", &[(0, 3)]), ["Rights"]);
    }

    #[test]
    fn particles_lower_case_mentions_and_one_word_mentions_stay() {
        assert_eq!(run("Jebel al-Akhdar", &[(0, 2)]), ["Jebel al-Akhdar"]);
        assert_eq!(
            run("the interior ministry", &[(1, 2)]),
            ["interior ministry"]
        );
        assert_eq!(run("Acme Corp", &[(0, 2)]), ["Acme Corp"]);
        assert_eq!(run("the iPhone", &[(1, 1)]), ["iPhone"]);
    }
}
