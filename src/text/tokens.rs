//! The one tokenisation of a document that the quote finder and the link step share: words,
//! punctuation, quotation marks and paragraph breaks, each with its byte span.

use crate::lexicon::is_abbreviation;

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

/// Split text into tokens. Pure scanning; every byte outside whitespace belongs to one token.
/// `soft` are the byte offsets of the line breaks that only wrap a line
/// ([`super::paragraphs::soft_newlines`]): they are spaces, not paragraph breaks.
pub fn tokenize(text: &str, soft: &[usize]) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut si = 0;
    let mut out = Vec::with_capacity(n / 4);
    let mut i = 0;
    while i < n {
        let (b, c) = chars[i];
        while si < soft.len() && soft[si] < b {
            si += 1;
        }
        if c == '\n' && soft.get(si) == Some(&b) {
            i += 1; // a hard wrap inside a paragraph: plain whitespace
            continue;
        }
        if c == '\r' && i + 1 < n && chars[i + 1].1 == '\n' && soft.get(si) == Some(&(b + 1)) {
            i += 2; // the same, written CR LF
            continue;
        }
        if is_line_break(c) {
            let mut j = i + 1;
            while j < n && (chars[j].1.is_whitespace() || is_invisible(chars[j].1)) {
                j += 1;
            }
            out.push(Tok {
                start: b,
                end: byte_at(j),
                kind: TokKind::Break,
                lower: String::new(),
                ch: '\n',
            });
            i = j;
            continue;
        }
        if c.is_whitespace() || is_invisible(c) {
            i += 1;
            continue;
        }
        let starts_word = c.is_alphanumeric()
            || ((c == '@' || c == '#') && i + 1 < n && chars[i + 1].1.is_alphanumeric());
        if starts_word {
            let mut j = i + 1;
            loop {
                if j < n && chars[j].1.is_alphanumeric() {
                    j += 1;
                    continue;
                }
                if j + 1 < n && chars[j - 1].1.is_alphanumeric() && chars[j + 1].1.is_alphanumeric()
                {
                    let jc = chars[j].1;
                    let both_digits =
                        chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit();
                    let ok = match jc {
                        '\'' | '’' | '-' | '‐' | '‑' | '.' | '_' => true,
                        ',' | '/' | ':' => both_digits,
                        _ => false,
                    };
                    if ok {
                        j += 2;
                        continue;
                    }
                }
                break;
            }
            let mut e = byte_at(j);
            let lower = text[b..e].to_lowercase();
            if j < n && chars[j].1 == '.' {
                let single_cap = text[b..e].chars().count() == 1 && c.is_uppercase();
                // A period followed by a comma or by a lower-case word ends no sentence
                // ("McConnell, R-Ky., said").
                let after = chars.get(j + 1).map(|x| x.1);
                let after2 = chars.get(j + 2).map(|x| x.1);
                let non_final = matches!(after, Some(',' | ';' | ')'))
                    || (after == Some(' ') && after2.is_some_and(|x| x.is_lowercase()));
                if lower.contains('.') || is_abbreviation(&lower) || single_cap || non_final {
                    j += 1;
                    e = byte_at(j);
                }
            }
            out.push(Tok {
                start: b,
                end: e,
                kind: TokKind::Word,
                lower: text[b..e].to_lowercase(),
                ch: c,
            });
            i = j;
            continue;
        }
        // Two apostrophes, single curly marks or backquotes stand for a double mark ('' … '', `` … '').
        let doubled = matches!(c, '\'' | '`' | '’' | '‘') && i + 1 < n && chars[i + 1].1 == c;
        if doubled {
            out.push(Tok {
                start: b,
                end: byte_at(i + 2),
                kind: TokKind::Mark,
                lower: String::new(),
                ch: match c {
                    '`' | '‘' => '“',
                    '’' => '”',
                    _ => '"',
                },
            });
            i += 2;
            continue;
        }
        out.push(Tok {
            start: b,
            end: byte_at(i + 1),
            kind: if is_mark_char(c) {
                TokKind::Mark
            } else {
                TokKind::Punct
            },
            lower: String::new(),
            ch: c,
        });
        i += 1;
    }
    out
}
