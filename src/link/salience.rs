//! Where a mention stands: inside a direct quote, as a possessor, as the subject of its clause, in a side line (caption, byline); token lookup by byte.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn tok_at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.start < byte)
    }

    pub(super) fn in_quote(&self, s: Span) -> bool {
        // `quoted` is sorted by start and non-overlapping.
        let i = self.quoted.partition_point(|q| q.start <= s.start);
        i > 0 && s.end <= self.quoted[i - 1].end
    }

    /// A possessive mention ("Hemming’s request").
    pub(super) fn is_possessor(&self, e: &Named) -> bool {
        let raw = self.text.get(e.span.start..e.span.end).unwrap_or("");
        let after = self.text.get(e.span.end..).unwrap_or("");
        raw.ends_with("’s")
            || raw.ends_with("'s")
            || after.starts_with("’s")
            || after.starts_with("'s")
            || after.starts_with("’ ")
    }

    /// Does the mention stand in subject position: first in its sentence or clause, or right
    /// before a verb of saying?
    pub(super) fn is_subject(&self, e: &Named) -> bool {
        let ti = self.tok_at(e.span.start);
        let te = self.tok_at(e.span.end);
        if self.is_possessor(e) {
            return false; // "Hemming’s request"
        }
        if self.in_side_line(e.span.start) {
            return false;
        }
        if let Some(t) = self.toks.get(te) {
            if t.kind == TokKind::Word && is_cue_word(&t.lower) {
                return true;
            }
        }
        // A person introduced with a relative clause ("about Alfonso Espinos, who …") is the
        // subject of that clause.
        if let (Some(a), Some(b)) = (self.toks.get(te), self.toks.get(te + 1)) {
            if a.kind == TokKind::Punct
                && a.ch == ','
                && b.kind == TokKind::Word
                && b.lower == "who"
            {
                return true;
            }
        }
        // Only pre-modifiers (names, titles, role nouns) between the clause start and the mention.
        let mut k = ti;
        let mut n = 0;
        // A lower-case word that is no role noun, between the mention and a name before it, is
        // a verb: "Tom Hale met Ana Ruiz" has Ana Ruiz as its object.
        let mut plain_word = false;
        while k > 0 {
            let t = &self.toks[k - 1];
            match t.kind {
                TokKind::Break => return true,
                TokKind::Punct if matches!(t.ch, '.' | ',' | ';' | ':' | '!' | '?' | '—' | '–') => {
                    return true
                }
                TokKind::Word => {
                    let w = t.lower.as_str();
                    let cap = t.is_cap(self.text);
                    if cap && plain_word && !self.starts_sentence(k - 1) {
                        return false;
                    }
                    if !cap && !super::roles::is_role_noun(t, self.text) {
                        plain_word = true;
                    }
                    let verbish =
                        !cap && (w.ends_with("ed") || w.ends_with("ing") || is_cue_word(w));
                    if n >= 5
                        || is_np_stop(w)
                        || is_determiner(w)
                        || is_subject_pronoun(w)
                        || verbish
                        || is_possessive_word(w)
                    {
                        return false;
                    }
                }
                _ => return false,
            }
            n += 1;
            k -= 1;
        }
        true
    }

    /// Does token `i` open a sentence (text start, a line break or a sentence stop before it)?
    fn starts_sentence(&self, i: usize) -> bool {
        i == 0
            || self.toks[..i]
                .iter()
                .rev()
                .find(|t| t.kind != TokKind::Mark)
                .is_none_or(|t| {
                    t.kind == TokKind::Break
                        || (t.kind == TokKind::Punct && matches!(t.ch, '.' | '!' | '?' | ':'))
                })
    }

    /// Is `pos` in a headline, a "READ MORE:"/"WATCH:" line, or an embedded post's sign-off
    /// ("— Name (@handle)")? Mentions there are poor antecedents.
    pub(super) fn in_side_line(&self, pos: usize) -> bool {
        let pos = pos.min(self.text.len());
        let li = self.newlines.partition_point(|&x| x < pos);
        let ls = if li == 0 {
            0
        } else {
            self.newlines[li - 1] + 1
        };
        let le = self.newlines.get(li).copied().unwrap_or(self.text.len());
        let (Some(line), Some(rest)) = (self.text.get(ls..le), self.text.get(pos..le)) else {
            return false;
        };
        let line = line.trim();
        if rest.contains("(@") {
            return true;
        }
        if line.split_whitespace().take(41).count() > 40 {
            return false;
        }
        if !line.ends_with(['.', '!', '?', '"', '”', '’', '\'', ')', '»', '…']) {
            return true;
        }
        match line.find(':') {
            Some(c) => {
                let label = &line[..c];
                !label.is_empty()
                    && label.len() < 25
                    && label.chars().any(|ch| ch.is_alphabetic())
                    && label.chars().all(|ch| !ch.is_lowercase())
            }
            None => false,
        }
    }
}
