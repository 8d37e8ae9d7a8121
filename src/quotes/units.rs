//! Units (a token outside quotations, or a whole quotation) and the sentences they form.

use super::*;

impl<'a> Doc<'a> {
    pub(super) fn new(analysis: &'a TextAnalysis) -> Doc<'a> {
        let (text, toks, regions) = (analysis.text, &analysis.tokens, &analysis.quotations);
        let mut units = Vec::with_capacity(toks.len());
        let mut ri = 0;
        let mut i = 0;
        while i < toks.len() {
            while ri < regions.len() && regions[ri].open_tok < i {
                ri += 1;
            }
            if ri < regions.len() && regions[ri].open_tok == i {
                units.push(U::Q(ri));
                i = regions[ri].tok_end.max(i + 1);
                ri += 1;
                continue;
            }
            if !is_glued_single_mark(text, &toks[i]) {
                units.push(U::T(i));
            }
            i += 1;
        }
        let mut d = Doc {
            text,
            toks,
            regions,
            units,
            sentences: Vec::new(),
            newlines: &analysis.paragraph_breaks,
        };
        d.sentences = d.split_sentences();
        d
    }

    pub(super) fn tok(&self, u: usize) -> Option<&Tok> {
        match self.units.get(u) {
            Some(U::T(t)) => Some(&self.toks[*t]),
            _ => None,
        }
    }

    pub(super) fn word(&self, u: usize) -> Option<&str> {
        self.tok(u)
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| t.lower.as_str())
    }

    pub(super) fn is_word(&self, u: usize) -> bool {
        self.word(u).is_some()
    }

    pub(super) fn is_cap(&self, u: usize) -> bool {
        self.tok(u).is_some_and(|t| t.is_cap(self.text))
    }

    pub(super) fn punct(&self, u: usize) -> Option<char> {
        self.tok(u)
            .filter(|t| t.kind == TokKind::Punct || t.kind == TokKind::Mark)
            .map(|t| t.ch)
    }

    pub(super) fn is_punct(&self, u: usize, c: char) -> bool {
        self.punct(u) == Some(c)
    }

    pub(super) fn region(&self, u: usize) -> Option<&Region> {
        match self.units.get(u) {
            Some(U::Q(r)) => Some(&self.regions[*r]),
            _ => None,
        }
    }

    pub(super) fn unit_span(&self, u: usize) -> Span {
        match self.units[u] {
            U::T(t) => Span::new(self.toks[t].start, self.toks[t].end),
            U::Q(r) => self.regions[r].outer,
        }
    }

    pub(super) fn range_span(&self, a: usize, b: usize) -> Span {
        Span::new(self.unit_span(a).start, self.unit_span(b - 1).end)
    }

    pub(super) fn is_dash(&self, u: usize) -> bool {
        matches!(self.punct(u), Some('—' | '–' | '―')) || (self.is_punct(u, '-'))
    }

    /// The last non-space character inside a quotation, skipping closing single marks.
    pub(super) fn region_last_char(&self, r: &Region) -> Option<char> {
        self.text[r.inner.start..r.inner.end]
            .chars()
            .rev()
            .find(|c| !c.is_whitespace() && !matches!(c, '’' | '\'' | '‘' | ')'))
    }

    pub(super) fn split_sentences(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut s = 0;
        let n = self.units.len();
        let mut u = 0;
        while u < n {
            let boundary_after = match self.units[u] {
                U::T(t) => {
                    let tk = &self.toks[t];
                    if tk.kind == TokKind::Break {
                        // "Karadsheh says:" + a paragraph that is a quotation: one sentence.
                        let colon = u > s && self.is_punct(u - 1, ':');
                        let mut k = u + 1;
                        while k < n && self.tok(k).is_some_and(|t| t.kind == TokKind::Break) {
                            k += 1;
                        }
                        if colon && self.region(k).is_some() {
                            u = k;
                            continue;
                        }
                        if s < u {
                            out.push((s, u));
                        }
                        s = u + 1;
                        u += 1;
                        continue;
                    }
                    tk.kind == TokKind::Punct && matches!(tk.ch, '.' | '!' | '?')
                }
                U::Q(r) => {
                    let reg = &self.regions[r];
                    let ends = matches!(self.region_last_char(reg), Some('.' | '!' | '?' | '…'));
                    ends && self.sentence_ends_after_quote(u)
                }
            };
            if boundary_after {
                // Absorb closing brackets right after the stop.
                let mut e = u + 1;
                while e < n && matches!(self.punct(e), Some(')' | ']')) {
                    e += 1;
                }
                out.push((s, e));
                s = e;
                u = e;
                continue;
            }
            u += 1;
        }
        if s < n {
            out.push((s, n));
        }
        out
    }

    /// After a quotation ending in . ! ?, does the sentence end? Not when an attribution follows
    /// ("“…?” Kim said", "“One!” says the proprietor").
    pub(super) fn sentence_ends_after_quote(&self, u: usize) -> bool {
        let n = self.units.len();
        if self.is_dash_name(u + 1, n) {
            return false; // "“…” — Michelle Rempel"
        }
        let introduced = u >= 2
            && matches!(self.punct(u - 1), Some(',' | ':'))
            && self.word(u - 2).is_some_and(|w| cue(w).is_some());
        if introduced && self.region(u).is_some_and(|r| !r.single) {
            // "Trump boasted, “That makes me smart.” He …": the quotation has its
            // attribution before it, so what follows is a new sentence.
            return true;
        }
        let mut k = u + 1;
        while k < n && matches!(self.punct(k), Some(',' | '—' | '–' | '-')) {
            k += 1;
        }
        if k >= n {
            return true;
        }
        match self.tok(k) {
            None => true, // another quotation
            Some(t) if t.kind == TokKind::Break => true,
            Some(t) if t.kind == TokKind::Word => {
                if t.is_cap(self.text) && self.is_punct(k + 1, ':') {
                    return true; // a label after the quotation: "“…” Email: jr@example.com"
                }
                if !t.is_cap(self.text) || is_subject_pronoun(&t.lower) {
                    return t.is_cap(self.text) && !self.cue_within(k, 12);
                }
                !self.cue_within(k, 12)
            }
            _ => true,
        }
    }

    /// Is there a reporting verb within `max` word units from `k`, before any stop?
    pub(super) fn cue_within(&self, k: usize, max: usize) -> bool {
        if self.word(k).is_some_and(|w| {
            (is_np_stop(w) || is_subordinator(w)) && !is_subject_pronoun(w) && cue(w).is_none()
        }) {
            return false;
        }
        // Words, and commas around an apposition ("Miller, a retired worker, said").
        let mut seen = 0;
        let mut j = k;
        while j < self.units.len() && seen < max {
            match self.tok(j) {
                Some(t) if t.kind == TokKind::Word => {
                    if cue(&t.lower).is_some() || t.lower == "according" {
                        return true;
                    }
                    seen += 1;
                }
                Some(t) if t.kind == TokKind::Punct && t.ch == ',' => {}
                _ => return false,
            }
            j += 1;
        }
        false
    }
}

/// A single quotation mark outside every quotation and touching a word ("he 'said'", a stray
/// apostrophe): no unit, so it neither parts a subject from its cue nor reads as punctuation.
fn is_glued_single_mark(text: &str, t: &Tok) -> bool {
    let touches = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    t.kind == TokKind::Mark
        && crate::text::tokens::is_single(t.ch)
        && (touches(text[..t.start].chars().next_back()) || touches(text[t.end..].chars().next()))
}
