//! The NER word split: CoNLL-like words (whitespace, then punctuation peeled off the edges,
//! possessive `'s` and `n't` split, abbreviations such as `U.S.` and `Mr.` kept whole).

use crate::doc::Span;
use crate::lexicon::is_clitic;

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '«' | '„' | '‚' | '‹' | '(' | '[' | '{' | '¿' | '¡'
    )
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | ')'
            | ']'
            | '}'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '.'
            | '…'
    )
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―')
}

/// A slash between two letters ("Instagram/Darian", "and/or") stands between two words; one
/// between digits ("1/2", "24/7") stays inside the word.
fn is_word_slash(text: &str, i: usize, c: char) -> bool {
    c == '/'
        && text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
        && text[i + 1..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic)
}

/// Split `text` into CoNLL-like words; returns their byte spans in order.
pub fn split_words(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chunk_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let own_word = is_dash(c) || is_word_slash(text, i, c);
        if c.is_whitespace() || own_word {
            if let Some(s) = chunk_start.take() {
                split_chunk(text, s, i, &mut out);
            }
            if own_word {
                out.push(Span::new(i, i + c.len_utf8()));
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(s) = chunk_start {
        split_chunk(text, s, text.len(), &mut out);
    }
    out
}

fn split_chunk(text: &str, mut s: usize, mut e: usize, out: &mut Vec<Span>) {
    // Leading punctuation, one mark a word.
    while s < e {
        let c = text[s..e].chars().next().unwrap();
        let rest = text[s + c.len_utf8()..e].to_lowercase();
        let clitic = matches!(c, '\'' | '’') && is_clitic(&rest);
        if is_open_punct(c) && e - s > c.len_utf8() && !clitic {
            out.push(Span::new(s, s + c.len_utf8()));
            s += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing punctuation, collected in reverse.
    let mut tail: Vec<Span> = Vec::new();
    loop {
        if s >= e {
            break;
        }
        let word = &text[s..e];
        let c = word.chars().next_back().unwrap();
        let cl = c.len_utf8();
        if word.len() == cl {
            break;
        }
        if c == '.' {
            let stem = &word[..word.len() - 1];
            let stem_l = stem.to_lowercase();
            let single_letter = stem.chars().count() == 1 && stem.chars().all(char::is_alphabetic);
            let dotted = stem.contains('.') && stem.chars().any(char::is_alphabetic);
            if single_letter || dotted || crate::lexicon::is_abbreviation(&stem_l) {
                break;
            }
        }
        if is_close_punct(c) {
            tail.push(Span::new(e - cl, e));
            e -= cl;
            continue;
        }
        // Possessive 's / ’s and n't.
        let lw = word.to_lowercase();
        for suffix in ["'s", "’s", "n't", "n’t"] {
            if lw.ends_with(suffix) && word.len() > suffix.len() {
                tail.push(Span::new(e - suffix.len(), e));
                e -= suffix.len();
                break;
            }
        }
        break;
    }
    if s < e {
        out.push(Span::new(s, e));
    }
    out.extend(tail.into_iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<&str> {
        split_words(t).iter().map(|s| s.as_str(t)).collect()
    }

    #[test]
    fn splits_like_conll() {
        assert_eq!(
            words("“We’re done,” Hamdan’s aide told the U.S. envoy (Mr. Smith)."),
            vec![
                "“", "We’re", "done", ",", "”", "Hamdan", "’s", "aide", "told", "the", "U.S.",
                "envoy", "(", "Mr.", "Smith", ")", "."
            ]
        );
        assert_eq!(words("didn't—no"), vec!["did", "n't", "—", "no"]);
        // CoNLL text: tokens joined by spaces come back as the same tokens.
        assert_eq!(
            words("Clinton 's \"Mr. X\" ( U.S. ) n't"),
            vec!["Clinton", "'s", "\"", "Mr.", "X", "\"", "(", "U.S.", ")", "n't"]
        );
        assert_eq!(words("  "), Vec::<&str>::new());
    }

    #[test]
    fn a_slash_between_letters_separates_words() {
        assert_eq!(
            words("Instagram/Darian Lonechild and/or 24/7 1/2"),
            vec![
                "Instagram",
                "/",
                "Darian",
                "Lonechild",
                "and",
                "/",
                "or",
                "24/7",
                "1/2"
            ]
        );
    }
}
