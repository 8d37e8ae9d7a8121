//! Sentence starts over the NER words, for packing NER windows at sentence ends.

use crate::doc::Span;

/// Sentence boundaries of words in raw text: `true` before word `i` when a line break separates
/// it from the previous word, or the previous word ends a sentence (`.`, `!`, `?`, `…`, possibly
/// followed by closing quotes or brackets) and word `i` does not start in lower case.
pub fn sentence_starts(text: &str, spans: &[Span]) -> Vec<bool> {
    let word = |i: usize| spans[i].as_str(text);
    let terminal = |w: &str| matches!(w, "." | "!" | "?" | "…" | "..." | "?!" | "!?");
    let closing = |w: &str| matches!(w, "\"" | "'" | "”" | "’" | "»" | ")" | "]");
    let mut out = vec![false; spans.len()];
    for i in 1..spans.len() {
        if text[spans[i - 1].end..spans[i].start].contains('\n') {
            out[i] = true;
            continue;
        }
        let mut j = i - 1;
        while j > 0 && closing(word(j)) {
            j -= 1;
        }
        let lower = word(i).chars().next().is_some_and(char::is_lowercase);
        out[i] = terminal(word(j)) && !lower;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::split_words;

    #[test]
    fn sentence_starts_follow_punctuation_and_line_breaks() {
        let text = "He left. “It’s over,” she said. Then U.S. officials\ncame. it was not.";
        let spans = split_words(text);
        let starts = sentence_starts(text, &spans);
        let at: Vec<&str> = spans
            .iter()
            .zip(&starts)
            .filter(|(_, &s)| s)
            .map(|(sp, _)| sp.as_str(text))
            .collect();
        assert_eq!(at, vec!["“", "Then", "came"]);
    }
}
