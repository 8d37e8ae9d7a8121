//! Words and WordPieces.
//!
//! The NER model labels *words*, as CoNLL-2003 does: a CoNLL-like splitter cuts raw text into words
//! (whitespace, then punctuation peeled off the edges, possessive `'s` and `n't` split, abbreviations
//! such as `U.S.` and `Mr.` kept whole). HF `tokenizers` then cuts each word into WordPieces; the
//! first piece of a word carries its label. Training feeds CoNLL's own words through the same
//! [`NerTokenizer::encode_words`], so training and inference see the same units.

use crate::doc::Span;
use anyhow::{anyhow, Context, Result};
use std::path::Path;
use tokenizers::Tokenizer;

/// Shape id of special tokens and padding.
pub const SHAPE_SPECIAL: u32 = 0;

/// The word's casing/character class, a small integer below [`crate::ner::model::NUM_SHAPES`]:
/// 1 lower, 2 Title, 3 UPPER (two or more letters), 4 a single capital, 5 mixed (McDonald),
/// 6 digits without letters, 7 neither letters nor digits.
pub fn word_shape(w: &str) -> u32 {
    let (mut upper, mut lower, mut letters, mut digits) = (0, 0, 0, 0);
    let mut upper_after_lower = false;
    let mut first_upper = None;
    for c in w.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
                if lower > 0 {
                    upper_after_lower = true;
                }
            } else if c.is_lowercase() {
                lower += 1;
            }
            if first_upper.is_none() {
                first_upper = Some(c.is_uppercase());
            }
        } else if c.is_numeric() {
            digits += 1;
        }
    }
    if letters == 0 {
        return if digits > 0 { 6 } else { 7 };
    }
    if upper == 0 {
        return 1;
    }
    if lower == 0 {
        return if upper == 1 { 4 } else { 3 };
    }
    if first_upper == Some(true) && !upper_after_lower && upper == 1 {
        return 2;
    }
    5
}

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

/// Split `text` into CoNLL-like words; returns their byte spans in order.
pub fn split_words(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chunk_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || is_dash(c) {
            if let Some(s) = chunk_start.take() {
                split_chunk(text, s, i, &mut out);
            }
            if is_dash(c) {
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
        let clitic = matches!(c, '\'' | '’')
            && matches!(rest.as_str(), "s" | "re" | "ve" | "ll" | "d" | "m" | "t");
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

/// WordPieces of a sequence of words.
#[derive(Debug, Clone, Default)]
pub struct Pieces {
    /// WordPiece ids (no special tokens).
    pub ids: Vec<u32>,
    /// Shape id of each piece (its word's shape).
    pub shapes: Vec<u32>,
    /// Index of the first piece of each word; `None` for a word that yields no piece.
    pub first_piece: Vec<Option<usize>>,
}

/// The encoder's tokenizer with truncation and padding off.
pub struct NerTokenizer {
    tokenizer: Tokenizer,
    /// `[CLS]` id.
    pub cls: u32,
    /// `[SEP]` id.
    pub sep: u32,
    /// `[PAD]` id.
    pub pad: u32,
}

impl NerTokenizer {
    /// Load `tokenizer.json`; truncation and padding are turned off (we make our own windows).
    pub fn load(path: &Path) -> Result<Self> {
        let mut tokenizer = Tokenizer::from_file(path)
            .map_err(|e| anyhow!("{}: cannot load tokenizer: {e}", path.display()))?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        tokenizer.with_padding(None);
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .with_context(|| format!("{}: vocabulary has no {t}", path.display()))
        };
        Ok(Self {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            pad: id("[PAD]")?,
            tokenizer,
        })
    }

    /// The tokenizer as configured.
    pub fn inner(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// WordPieces of pre-split words.
    pub fn encode_words(&self, words: &[&str]) -> Result<Pieces> {
        let mut p = Pieces {
            first_piece: vec![None; words.len()],
            ..Default::default()
        };
        if words.is_empty() {
            return Ok(p);
        }
        let enc = self
            .tokenizer
            .encode(words.to_vec(), false)
            .map_err(|e| anyhow!("tokenizer: {e}"))?;
        let shapes: Vec<u32> = words.iter().map(|w| word_shape(w)).collect();
        for (i, (&id, wid)) in enc.get_ids().iter().zip(enc.get_word_ids()).enumerate() {
            let w = wid.map(|w| w as usize).unwrap_or(0);
            p.ids.push(id);
            p.shapes.push(shapes.get(w).copied().unwrap_or(7));
            if let Some(slot) = p.first_piece.get_mut(w) {
                if slot.is_none() {
                    *slot = Some(i);
                }
            }
        }
        Ok(p)
    }
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
    fn shapes() {
        assert_eq!(word_shape("the"), 1);
        assert_eq!(word_shape("Hamas"), 2);
        assert_eq!(word_shape("NATO"), 3);
        assert_eq!(word_shape("U.S."), 3);
        assert_eq!(word_shape("A"), 4);
        assert_eq!(word_shape("McDonald"), 5);
        assert_eq!(word_shape("1996"), 6);
        assert_eq!(word_shape(","), 7);
    }
}
