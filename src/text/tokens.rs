//! The one tokenisation of a document that the quote finder and the link step share: words,
//! punctuation, quotation marks and paragraph breaks, each with its byte span.

use crate::lexicon::{is_abbreviation, is_elision};

/// Kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A word (letters/digits, with inner apostrophes, hyphens, periods of abbreviations).
    Word,
    /// One punctuation character.
    Punct,
    /// A quotation mark (or an apostrophe standing outside a word).
    Mark,
    /// One or more line breaks: a paragraph boundary.
    Break,
}

/// One token: byte span, kind, and for words the lower-cased text.
#[derive(Debug, Clone)]
pub struct Tok {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Kind.
    pub kind: TokKind,
    /// Lower-cased text (words only; empty otherwise).
    pub lower: String,
    /// The character (punctuation and marks only).
    pub ch: char,
}

impl Tok {
    /// The token's text.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
    /// True for a word that starts with an upper-case letter or a digit.
    pub fn is_cap(&self, text: &str) -> bool {
        self.kind == TokKind::Word
            && self
                .text(text)
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    }
}

pub(super) fn is_mark_char(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '’' | '\'' | '‚' | '‹' | '›'
    )
}

/// A single quotation mark (or apostrophe): a mark that is not a double one.
pub(crate) fn is_single(c: char) -> bool {
    is_mark_char(c) && !is_double(c)
}

pub(super) fn is_double(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»')
}

pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// The text as characters, with the tokens found so far.
struct Scanner<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    out: Vec<Tok>,
}

impl Scanner<'_> {
    fn byte_at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |x| x.0)
    }

    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|x| x.1)
    }

    fn push(&mut self, i: usize, j: usize, kind: TokKind, ch: char) {
        let (start, end) = (self.byte_at(i), self.byte_at(j));
        let lower = if kind == TokKind::Word {
            self.text[start..end].to_lowercase()
        } else {
            String::new()
        };
        self.out.push(Tok {
            start,
            end,
            kind,
            lower,
            ch,
        });
    }

    /// A paragraph break from the line break at `i`, with the whitespace after it; returns the
    /// index after it.
    fn line_break(&mut self, i: usize) -> usize {
        let mut j = i + 1;
        while self
            .ch(j)
            .is_some_and(|c| c.is_whitespace() || is_invisible(c))
        {
            j += 1;
        }
        self.push(i, j, TokKind::Break, '\n');
        j
    }

    /// One past the letters and digits of a word from `i`, through inner apostrophes, hyphens,
    /// periods and underscores, and commas, slashes and colons between digits ("1,200").
    fn word_end(&self, i: usize) -> usize {
        let alnum = |k: usize| self.ch(k).is_some_and(char::is_alphanumeric);
        let digit = |k: usize| self.ch(k).is_some_and(|c| c.is_ascii_digit());
        let mut j = i + 1;
        loop {
            if alnum(j) {
                j += 1;
                continue;
            }
            if alnum(j - 1) && alnum(j + 1) {
                let ok = match self.ch(j) {
                    Some('\'' | '’' | '-' | '‐' | '‑' | '.' | '_') => true,
                    Some(',' | '/' | ':') => digit(j - 1) && digit(j + 1),
                    _ => false,
                };
                if ok {
                    j += 2;
                    continue;
                }
            }
            return j;
        }
    }

    /// A word from `i` to `j`, with its period when that ends no sentence (an abbreviation, an
    /// initial, or a period before a comma or a lower-case word: "McConnell, R-Ky., said").
    fn word(&mut self, i: usize, mut j: usize) -> usize {
        if self.ch(j) == Some('.') {
            let (b, e) = (self.byte_at(i), self.byte_at(j));
            let lower = self.text[b..e].to_lowercase();
            let first = self.ch(i).unwrap_or(' ');
            let single_cap = self.text[b..e].chars().count() == 1 && first.is_uppercase();
            let after = self.ch(j + 1);
            let non_final = matches!(after, Some(',' | ';' | ')'))
                || (after == Some(' ') && self.ch(j + 2).is_some_and(|x| x.is_lowercase()));
            if lower.contains('.') || is_abbreviation(&lower) || single_cap || non_final {
                j += 1;
            }
        }
        let c = self.ch(i).unwrap_or(' ');
        self.push(i, j, TokKind::Word, c);
        j
    }

    /// One past a word that starts with an apostrophe at `i` (an elision: "’Tis", "'em", "’90s",
    /// the "’n’" of "rock ’n’ roll"), or `None` when the apostrophe is a quotation mark.
    fn elision_end(&self, i: usize) -> Option<usize> {
        let c = self.ch(i)?;
        let initial = i == 0 || self.ch(i - 1).is_some_and(|p| !p.is_alphanumeric());
        if !matches!(c, '\'' | '’' | '‘') || !initial {
            return None;
        }
        let alnum = |k: usize| self.ch(k).is_some_and(char::is_alphanumeric);
        if matches!(self.ch(i + 1), Some('n' | 'N'))
            && matches!(self.ch(i + 2), Some('\'' | '’'))
            && !alnum(i + 3)
        {
            return Some(i + 3);
        }
        let digit = |k: usize| self.ch(k).is_some_and(|c| c.is_ascii_digit());
        if digit(i + 1) && digit(i + 2) {
            let k = if self.ch(i + 3) == Some('s') {
                i + 4
            } else {
                i + 3
            };
            return (!alnum(k)).then_some(k);
        }
        let mut k = i + 1;
        while self.ch(k).is_some_and(char::is_alphabetic) {
            k += 1;
        }
        let letters: String = self.chars[i + 1..k].iter().map(|x| x.1).collect();
        (k > i + 1 && is_elision(&letters.to_lowercase())).then(|| self.word_end(i + 1))
    }

    /// A mark or punctuation character at `i`; two apostrophes, single curly marks or backquotes
    /// stand for one double mark ('' … '', `` … ''). Returns the index after it.
    fn mark_or_punct(&mut self, i: usize) -> usize {
        let c = self.ch(i).unwrap_or(' ');
        if matches!(c, '\'' | '`' | '’' | '‘') && self.ch(i + 1) == Some(c) {
            let ch = match c {
                '`' | '‘' => '“',
                '’' => '”',
                _ => '"',
            };
            self.push(i, i + 2, TokKind::Mark, ch);
            return i + 2;
        }
        let kind = if is_mark_char(c) {
            TokKind::Mark
        } else {
            TokKind::Punct
        };
        self.push(i, i + 1, kind, c);
        i + 1
    }
}

/// Split text into tokens. Pure scanning; every byte outside whitespace belongs to one token.
/// `soft` are the byte offsets of the line breaks that only wrap a line
/// ([`super::paragraphs::soft_newlines`]): they are spaces, not paragraph breaks.
pub fn tokenize(text: &str, soft: &[usize]) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut sc = Scanner {
        text,
        chars,
        out: Vec::with_capacity(n / 4),
    };
    let is_soft = |b: usize| soft.binary_search(&b).is_ok();
    let mut i = 0;
    while i < n {
        let (b, c) = sc.chars[i];
        let crlf = c == '\r' && sc.ch(i + 1) == Some('\n');
        i = if c == '\n' && is_soft(b) {
            i + 1 // a hard wrap inside a paragraph: plain whitespace
        } else if crlf && is_soft(b + 1) {
            i + 2 // the same, written CR LF
        } else if is_line_break(c) {
            sc.line_break(i)
        } else if c.is_whitespace() || is_invisible(c) {
            i + 1
        } else if c.is_alphanumeric()
            || (matches!(c, '@' | '#') && sc.ch(i + 1).is_some_and(char::is_alphanumeric))
        {
            let j = sc.word_end(i);
            sc.word(i, j)
        } else if let Some(j) = sc.elision_end(i) {
            sc.word(i, j)
        } else {
            sc.mark_or_punct(i)
        };
    }
    sc.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, &[])
            .iter()
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn elisions_keep_their_apostrophe_and_marks_stay_marks() {
        assert_eq!(
            words("’Tis rock ’n’ roll, tell 'em about the '90s and ’08."),
            vec![
                "’Tis", "rock", "’n’", "roll", "tell", "'em", "about", "the", "'90s", "and", "’08"
            ]
        );
        // A quotation that opens on an ordinary word keeps its mark; inner apostrophes stay.
        let t = "'Nothing's changed,' she said of 'Tis Pity.";
        let toks = tokenize(t, &[]);
        assert_eq!(toks[0].kind, TokKind::Mark);
        assert_eq!(toks[1].text(t), "Nothing's");
        assert!(toks.iter().any(|x| x.text(t) == "'Tis"));
        // Three digits are no year.
        assert_eq!(tokenize("'123 days,' he said", &[])[0].kind, TokKind::Mark);
    }

    #[test]
    fn soft_line_breaks_are_spaces_in_lf_and_crlf() {
        let t = "one\ntwo\r\nthree\nfour";
        let soft = [3, 8];
        let kinds: Vec<TokKind> = tokenize(t, &soft).iter().map(|x| x.kind).collect();
        use TokKind::{Break, Word};
        assert_eq!(kinds, vec![Word, Word, Word, Break, Word]);
    }
}
