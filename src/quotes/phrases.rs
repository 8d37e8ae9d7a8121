//! Noun phrases: scanning backward and forward from a word, and the head mention of a phrase.

use super::*;

impl<'a> Doc<'a> {
    /// A noun phrase ending at unit `last` (a word), not before `lo`. Handles one apposition.
    pub(super) fn np_backward(&self, lo: usize, last: usize) -> Option<(usize, usize)> {
        let w = self.word(last)?;
        if is_subject_pronoun(w) {
            return Some((last, last + 1));
        }
        let det_before = last > lo && self.word(last - 1).is_some_and(is_determiner);
        let plural_noun = w.ends_with('s')
            && !w.ends_with("ss")
            && self.word(last + 1).is_some_and(|x| cue(x).is_some());
        if is_np_stop(w)
            || is_determiner(w)
            || (cue(w).is_some() && !det_before && !plural_noun)
            || w == "of"
            || w == "and"
        {
            return None;
        }
        let mut k = last;
        let mut first = last;
        let mut count = 0;
        while let Some(lw) = self.word(k) {
            if k < last {
                if is_determiner(lw) {
                    first = k;
                    let of_the = k > lo && self.word(k - 1) == Some("of");
                    if of_the {
                        k -= 1;
                        continue;
                    }
                    // "a spokesman for the company", "officials in the city": a noun and the
                    // phrase that says where it belongs.
                    let noun_pp = k > lo + 1
                        && self.word(k - 1).is_some_and(is_origin_preposition)
                        && self.word(k - 2).is_some_and(|n| {
                            !is_np_stop(n)
                                && !is_determiner(n)
                                && !is_subject_pronoun(n)
                                && cue(n).is_none()
                        });
                    if !noun_pp {
                        break;
                    }
                    first = k - 1;
                    k -= 2;
                    continue;
                }
                if is_subject_pronoun(lw)
                    || (is_np_stop(lw) && !is_role_preposition(lw))
                    || cue(lw).is_some()
                    || (!self.is_cap(k) && lw.len() > 4 && lw.ends_with("ly"))
                {
                    break;
                }
            }
            first = k;
            count += 1;
            if count >= 9 || k == lo {
                break;
            }
            k -= 1;
        }
        // Trim leading connectors.
        while first < last && self.word(first).is_some_and(is_name_joiner) {
            first += 1;
        }
        Some((first, last + 1))
    }

    /// A noun phrase starting at unit `i` (for inverted subjects and hearer objects).
    pub(super) fn np_forward(&self, i: usize, hi: usize) -> Option<(usize, usize)> {
        let mut k = i;
        let mut last = None;
        while k < hi {
            let Some(lw) = self.word(k) else { break };
            // Determiners may pile up at the start ("a few", "all the").
            let at_start = k == i
                || self.word(k - 1).is_some_and(is_role_preposition)
                || (i..k).all(|x| self.word(x).is_some_and(is_determiner));
            if is_determiner(lw) && !at_start {
                break;
            }
            if is_role_preposition(lw) {
                if k + 1 < hi
                    && (self.is_cap(k + 1) || self.word(k + 1).is_some_and(is_determiner))
                    && last.is_some()
                {
                    k += 1;
                    continue;
                }
                break;
            }
            let adverb = !self.is_cap(k) && is_pre_cue_adverb(lw);
            if adverb
                || (is_np_stop(lw) && !(lw == "and" && last.is_some()))
                || cue(lw).is_some()
                || (!self.is_cap(k) && lw.len() > 4 && lw.ends_with("ly"))
                || (k > i && is_time_word(lw) && !self.is_cap(k))
            {
                break;
            }
            if is_subject_pronoun(lw) && k > i {
                break;
            }
            if k > i
                && !self.is_cap(k)
                && lw.len() > 4
                && lw.ends_with("ed")
                && !lw.contains('-')
                && !self.word(k - 1).is_some_and(is_determiner)
            {
                break; // "A judge chastised …": the verb ends the phrase
            }
            last = Some(k);
            k += 1;
            if k - i >= 9 {
                break;
            }
            if is_subject_pronoun(lw) {
                break;
            }
        }
        let last = last?;
        // Drop trailing connectors.
        let mut end = last + 1;
        while end > i + 1 && self.word(end - 1).is_some_and(is_name_joiner) {
            end -= 1;
        }
        Some((i, end))
    }

    /// Units `a..b` read as a person's name: capitalised words only, at least two besides titles
    /// or one after a title ("Sergeant Ana Ruiz", "Mayor Lee"), not ending in an organisation
    /// noun ("Royal Bank").
    fn is_person_name(&self, a: usize, b: usize) -> bool {
        let mut names = 0;
        let mut titled = false;
        for k in a..b {
            let Some(t) = self.tok(k) else { return false };
            if t.kind != TokKind::Word || !self.is_cap(k) {
                return false;
            }
            if is_title(t.text(self.text)) {
                titled = true;
            } else {
                names += 1;
            }
        }
        let org_end = self.word(b - 1).is_some_and(is_org_head);
        !org_end && (names >= 2 || (names >= 1 && titled))
    }

    /// The speaker mention inside a subject noun phrase: a pronoun, the trailing proper name after
    /// any title ("Israeli Prime Minister Benjamin Netanyahu" → "Benjamin Netanyahu"), or the
    /// whole phrase for a nominal ("the mayor", "a spokeswoman for Trudeau").
    pub(super) fn head_mention(&self, a: usize, b: usize) -> Span {
        if b <= a {
            return Span::default();
        }
        if b - a == 1 {
            return self.unit_span(a);
        }
        // Trailing capitalised run.
        let mut r = b;
        while r > a {
            let k = r - 1;
            let w = self.word(k).unwrap_or("");
            let cap = self.is_cap(k) && !is_determiner(w);
            let joiner = is_name_conjunction(w) && r < b && k > a && self.is_cap(k - 1);
            if cap || joiner {
                r -= 1;
            } else {
                break;
            }
        }
        if r == b {
            return self.range_span(a, b); // ends in a common noun: nominal
        }
        if r > a {
            // "Sergeant Ana Ruiz of the Harbor Police Department": the person before the
            // preposition speaks, not the organisation after it.
            let mut p = r - 1;
            if p > a && self.word(p).is_some_and(is_determiner) {
                p -= 1;
            }
            if p > a && self.word(p).is_some_and(is_preposition) && self.is_person_name(a, p) {
                return self.head_mention(a, p);
            }
            let before = self.word(r - 1).unwrap_or("");
            if is_preposition(before) && before != "to" {
                return self.range_span(a, b);
            }
            if is_determiner(before) && r - 1 == a {
                return self.range_span(a, b);
            }
        }
        // Strip titles inside the run.
        let mut s = r;
        for k in r..b {
            if let Some(t) = self.tok(k) {
                if is_title(t.text(self.text)) && k + 1 < b {
                    s = k + 1;
                }
            }
        }
        if s < b && self.word(s).is_some_and(|w| w == "and") {
            s += 1;
        }
        if s >= b {
            return self.range_span(a, b);
        }
        self.range_span(s, b)
    }
}
