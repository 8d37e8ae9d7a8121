//! WordPieces and word shapes for the NER encoder.
//!
//! The NER model labels *words*, as CoNLL-2003 does: [`crate::text::words::split_words`] cuts raw
//! text into CoNLL-like words. HF `tokenizers` then cuts each word into WordPieces; the first
//! piece of a word carries its label. Training feeds CoNLL's own words through the same
//! [`NerTokenizer::encode_words`], so training and inference see the same units.

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
