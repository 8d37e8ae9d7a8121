//! Speaker mentions: the subject of a cue (plain, inverted "said Hamdan", sentence-initial, after an apposition or a prepositional phrase, "cited by"), and what may stand between a cue and its content.

use super::*;

impl<'a> Doc<'a> {
    /// The noun phrase before a prepositional phrase that ends at `a` ("supporters | in
    /// Congress"): (its start, one past its head).
    pub(super) fn pp_subject(&self, s: usize, a: usize) -> Option<(usize, usize)> {
        if a < s + 2 || !self.word(a - 1).is_some_and(is_origin_preposition) {
            return None;
        }
        let (a2, h) = self.np_backward(s, a - 2)?;
        (h == a - 1).then_some((a2, h))
    }

    /// "Israeli officials cited by Maariv suggested": the cited party speaks, not the outlet.
    pub(super) fn cited_by(&self, s: usize, (a, z): (usize, usize)) -> (usize, usize) {
        if a >= s + 3
            && self.word(a - 1) == Some("by")
            && self.word(a - 2).is_some_and(is_source_contact_verb)
            && self.is_word(a - 3)
        {
            if let Some(np) = self.np_backward(s, a - 3) {
                return np;
            }
        }
        (a, z)
    }

    /// Is the noun phrase `a..z` a plausible subject for this cue form?
    pub(super) fn valid_subject(&self, a: usize, z: usize, lower: &str, aux: bool) -> bool {
        let Some(last) = self.word(z - 1) else {
            return false;
        };
        if z - a == 1 && is_author_pronoun(last) {
            return false; // the author's own voice
        }
        if a > 0 && self.word(a - 1).is_some_and(is_not_subject_opener) {
            return false; // "what they said was …", "lower than TransLink says"
        }
        // "key states", "rapid reports": a lone lower-case modifier is no subject.
        let lone_lower = z - a == 1
            && !self.is_cap(a)
            && !is_subject_pronoun(last)
            && (!last.ends_with('s') || last.ends_with("ss"))
            && !is_plural_collective(last);
        if lone_lower {
            return false;
        }
        let name_ly = last.ends_with("ly") && self.is_cap(z - 1);
        if last.chars().all(|c| c.is_ascii_digit() || c == ',')
            || (is_time_word(last) && !name_ly)
            || is_month(last)
        {
            return false;
        }
        // A bare verb form ("say", "remark") needs a plural subject unless an auxiliary precedes.
        let base = cue(lower).map(|x| x.0) == Some(lower) && lower != "read";
        if base && !aux {
            let plural = (z - a == 1 && last == "they")
                || (last.ends_with('s')
                    && !last.ends_with("'s")
                    && !last.ends_with("’s")
                    && !last.ends_with("ss"))
                || is_plural_collective(last)
                || (a..z).any(|k| self.word(k) == Some("and"));
            if !plural {
                return false;
            }
        }
        // An apposition-less nominal must have a noun head, not end in an adjective-like word.
        true
    }

    /// Inverted subject after the cue: "…,” said Hamdan." / "…, says the mayor, “…”".
    pub(super) fn inverted_subject(
        &self,
        cue_end: usize,
        e: usize,
        class: CueClass,
    ) -> Option<(usize, usize)> {
        let first = self.word(cue_end)?;
        let name_ly = first.ends_with("ly") && self.is_cap(cue_end);
        if (is_time_word(first) && !name_ly) || is_month(first) || first == "that" {
            return None;
        }
        let (a, z) = self.np_forward(cue_end, e)?;
        let proper = self.is_cap(z - 1);
        let det = self.word(a).is_some_and(is_determiner)
            || is_subject_pronoun(first)
            || is_possessive_word(first);
        if !(proper || (det && !class.object) || (!class.object && !self.is_cap(a))) {
            return None;
        }
        let ok_after = |z: usize| {
            z >= e
                || self.region(z).is_some()
                || matches!(
                    self.punct(z),
                    Some(',' | '.' | ';' | '(' | ':' | '!' | '?' | '—' | '–')
                )
                || self.tok(z).is_some_and(|t| t.kind == TokKind::Break)
        };
        if ok_after(z) {
            return Some((a, z));
        }
        // "said one GOP source in the room."
        if self.word(z).is_some_and(is_origin_preposition) {
            if let Some((_, z2)) = self.np_forward(z + 1, e) {
                if z2 - a <= 12 && ok_after(z2) {
                    return Some((a, z2));
                }
            }
        }
        None
    }

    /// The subject of a sentence's main clause: its first noun phrase (for participles and
    /// coordinated verbs with no earlier frame).
    pub(super) fn sentence_subject(&self, s: usize, e: usize) -> Option<Span> {
        let mut k = s;
        // Skip an introductory phrase ending in a comma ("Meanwhile, …", "On Friday, …").
        let intro = self.word(s).is_some_and(|w| {
            is_subordinator(w) || is_np_stop(w) || is_time_word(w) || w.ends_with("ly")
        });
        if intro {
            for x in s..e.min(s + 6) {
                if self.is_punct(x, ',') {
                    k = x + 1;
                    break;
                }
            }
        }
        let w = self.word(k)?;
        if (is_subordinator(w) || is_np_stop(w) || is_np_coordinator(w)) && !is_subject_pronoun(w) {
            return None;
        }
        let (mut a, mut z) = self.np_forward(k, e)?;
        // "A month later, he said": a time phrase is no subject; take the next phrase.
        let timeish = |x: usize| {
            self.word(x)
                .is_some_and(|w| is_month(w) || is_day_name(w) || is_time_noun(w))
        };
        if (a..z).any(timeish) || timeish(z) {
            let mut k2 = z;
            while k2 < e && (timeish(k2) || self.is_punct(k2, ',')) {
                k2 += 1;
            }
            let (a2, z2) = self.np_forward(k2, e)?;
            a = a2;
            z = z2;
        }
        Some(self.head_mention(a, z))
    }

    /// After a comma before a cue: "Osama Hamdan, a senior Hamas official, said".
    pub(super) fn apposition_subject(&self, s: usize, comma: usize) -> Option<(usize, usize)> {
        // Try each earlier comma as the apposition's start ("Rachel Berg, a philanthropist from
        // Monsey, New York, said"): the nearest strong reading wins, else the nearest weak one.
        let mut k = comma;
        let mut n = 0;
        let mut weak = None;
        while k > s {
            k -= 1;
            n += 1;
            if n > 25 || self.region(k).is_some() {
                break;
            }
            if matches!(self.punct(k), Some('.' | ';' | ':' | '!' | '?')) {
                break;
            }
            if self.is_punct(k, ',') && k > s {
                match self.apposition_at(s, k, comma) {
                    Some((np, true)) => return Some(np),
                    Some((np, false)) if weak.is_none() => weak = Some(np),
                    _ => {}
                }
            }
        }
        weak
    }

    /// The subject before an apposition `k+1..comma` (both commas), and whether the apposition
    /// reads strongly as one (opens with a determiner, relative pronoun, title or lower case).
    pub(super) fn apposition_at(
        &self,
        s: usize,
        k: usize,
        comma: usize,
    ) -> Option<((usize, usize), bool)> {
        let first = self.word(k + 1)?;
        let relative = is_relative_pronoun(first);
        if is_clause_opener(first)
            || (!relative && (k + 1..comma).any(|x| self.word(x).is_some_and(|w| cue(w).is_some())))
        {
            // A coordinated or subordinate clause, no apposition; a relative clause may hold a
            // verb of speaking ("An official, who asked not to be named, said").
            return None;
        }
        let named = self.is_cap(k + 1) && (k + 1..comma).all(|x| self.is_cap(x));
        if named
            && k > s
            && self
                .word(k - 1)
                .is_some_and(|w| !self.is_cap(k - 1) && !is_np_stop(w))
        {
            let np = self.np_backward(s, k - 1)?;
            if self.word(np.0).is_some_and(is_determiner_or_possessive) {
                return Some(((k + 1, comma), true));
            }
        }
        let strong = is_determiner(first)
            || is_relative_pronoun(first)
            || !self.is_cap(k + 1)
            || first.chars().next().is_some_and(|c| c.is_ascii_digit())
            || self.tok(k + 1).is_some_and(|t| is_title(t.text(self.text)));
        let weak = self
            .word(comma - 1)
            .is_some_and(|w| !self.is_cap(comma - 1) && !is_np_stop(w))
            || comma - k <= 3
            || (k + 1..comma).any(|x| {
                self.word(x)
                    .is_some_and(|w| !self.is_cap(x) && !is_name_conjunction(w))
            });
        if !strong && !weak {
            return None;
        }
        let np = self.np_backward(s, k - 1)?;
        if self
            .word(np.1 - 1)
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        {
            return None; // an age ("Clinton, 35, the daughter of …"): look further back
        }
        // The subject must look like a name or a determined nominal, not a clause fragment.
        let det = self.word(np.0).is_some_and(is_determiner_or_possessive);
        let subject = if self.is_cap(np.1 - 1) {
            np
        } else if det && np.1 - np.0 <= 5 {
            // "The director, Gerry McNeilly, urged": the name in the apposition is the subject.
            if self.is_cap(comma - 1) && self.is_cap(k + 1) {
                (k + 1, comma)
            } else {
                np
            }
        } else {
            return None;
        };
        Some((subject, strong))
    }

    /// Skip ", <apposition>" after a name; returns the unit after it (at the closing comma).
    pub(super) fn skip_apposition(&self, comma: usize, e: usize) -> usize {
        let mut k = comma + 1;
        let mut n = 0;
        while k < e && n < 25 {
            if self.is_punct(k, ',')
                || self.region(k).is_some()
                || matches!(self.punct(k), Some('.' | ':'))
            {
                return k;
            }
            k += 1;
            n += 1;
        }
        comma
    }

    /// For an inverted subject "says Wise’s dad, Darrin.": prefer the name after the nominal.
    pub(super) fn inverted_mention(&self, a: usize, b: usize, e: usize) -> Span {
        if !self.is_cap(b - 1) && b + 1 < e && self.is_punct(b, ',') && self.is_cap(b + 1) {
            let mut k = b + 1;
            while k < e && self.is_cap(k) {
                k += 1;
            }
            if k >= e || matches!(self.punct(k), Some('.' | ',')) {
                return self.range_span(b + 1, k);
            }
        }
        self.head_mention(a, b)
    }

    /// Skip the hearer object of "told", "urged" …: a pronoun or a short noun phrase.
    pub(super) fn skip_object(&self, r: usize, e: usize) -> usize {
        if r >= e {
            return r;
        }
        match self.word(r) {
            Some("that") | None => r,
            Some(w) if is_hearer_object(w) => r + 1,
            Some(w) if is_subject_pronoun(w) => r,
            Some(_) => match self.np_forward(r, e) {
                Some((_, b)) if b - r <= 6 => b,
                _ => r,
            },
        }
    }

    /// Skip adverbials between a cue and its content: "Thursday", "in a statement on Friday", ",".
    pub(super) fn skip_adverbials(&self, mut r: usize, e: usize) -> usize {
        let mut guard = 0;
        while r < e && guard < 12 {
            guard += 1;
            if matches!(self.punct(r), Some(',' | ':' | '—' | '–')) {
                r += 1;
                continue;
            }
            let Some(w) = self.word(r) else { break };
            if w == "that" {
                break;
            }
            let name_ly = w.ends_with("ly") && self.is_cap(r);
            if (is_time_word(w) && !name_ly)
                || matches!(w, "in" if self.word(r + 1) == Some("retrospect"))
            {
                r += if w == "in" { 2 } else { 1 };
                continue;
            }
            if is_adverbial_prep(w)
                && !(w == "this" && self.word(r + 1).is_some_and(|x| !is_time_word(x)))
            {
                // Consume the prepositional phrase.
                let mut k = r + 1;
                let mut n = 0;
                let mut nouns = 0;
                while k < e && n < 6 {
                    let Some(x) = self.word(k) else { break };
                    if x == "that" && nouns > 0 {
                        break;
                    }
                    if (is_subject_pronoun(x) || is_determiner(x)) && nouns > 0 {
                        break;
                    }
                    if is_adverbial_prep(x) && nouns > 0 {
                        break;
                    }
                    if !is_determiner(x) {
                        nouns += 1;
                    }
                    k += 1;
                    n += 1;
                }
                if n >= 6 {
                    break; // too long: it is content
                }
                r = k;
                continue;
            }
            break;
        }
        r
    }
}

/// A determiner, or a possessive name that determines the noun after it ("Ruiz’s spokesman").
fn is_determiner_or_possessive(w: &str) -> bool {
    is_determiner(w) || is_possessive_word(w)
}
