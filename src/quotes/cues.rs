//! Cue phrases: a reporting verb at a unit (with phrasal and stance cues), the words allowed between a subject and its cue, and "according to" frames.

use super::*;

impl<'a> Doc<'a> {
    /// Is unit `i` a reporting verb here? Returns its class and the end of the cue phrase.
    pub(super) fn cue_at(&self, i: usize, s: usize, e: usize) -> Option<(CueClass, usize)> {
        let w = self.word(i)?;
        let prev = if i > s { self.word(i - 1) } else { None };
        let next = if i + 1 < e { self.word(i + 1) } else { None };
        if let Some(p) = phrasal_cue(w, next) {
            // "went on to win", "to point out", "a call for", "was called for", "Points North".
            let after = if i + 2 < e { self.word(i + 2) } else { None };
            let refused = (p.not_before.is_some() && after == p.not_before)
                || (p.not_after_to && prev == Some("to"))
                || (p.stance
                    && (prev.is_some_and(|p| is_determiner(p) || is_be_form(p))
                        || (i > s && self.is_cap(i))));
            return (!refused).then_some((p.class, i + 2));
        }
        let (base, class) = cue(w)?;
        if base == "show" && next.is_some_and(is_possessive_determiner) {
            return None; // "showed their alignment": a display, no report
        }
        if i > s && self.is_cap(i) && !self.shouted_cue_after_quote(i, s) {
            return None; // "the United States", "State Department"
        }
        if w == "state" {
            return None; // the bare form is nearly always the noun ("state Sen. Ralph Alvarado")
        }
        if let Some(p) = prev {
            if p == "to"
                || is_determiner(p)
                || is_possessive_word(p)
                || p.chars().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let passive = is_passive_auxiliary(p);
            if passive && !w.ends_with("ing") {
                return None;
            }
        }
        if let Some(nx) = next {
            if cue(nx).is_some() && !w.ends_with("ing") && nx != "that" {
                // "reports say": the first is a noun.
                if is_evidence_verb(nx) {
                    return None;
                }
            }
        }
        // Adjectival "said"/"called" before a capitalised noun ("the so-called …") handled by
        // the determiner test above.
        Some((class, i + 1))
    }

    /// Walk back from a cue over adverbs, auxiliaries and time expressions. Returns the unit after
    /// the subject, whether a modal/do auxiliary was seen, and whether the verb is negated.
    pub(super) fn skip_pre_cue(
        &self,
        s: usize,
        i: usize,
        lower: &str,
    ) -> Option<(usize, bool, bool, bool)> {
        let mut j = i;
        let mut aux = false;
        let mut negated = false;
        let mut prog = false;
        let mut after_time = false;
        while j > s {
            if self.is_punct(j - 1, ')') {
                // "Rep. Stephen Lynch (D-Mass.) said": skip a short parenthesis.
                let open = (j.saturating_sub(10).max(s)..j - 1)
                    .rev()
                    .find(|&k| self.is_punct(k, '('));
                match open {
                    Some(k) if k > s => {
                        j = k;
                        continue;
                    }
                    _ => break,
                }
            }
            let Some(w) = self.word(j - 1) else { break };
            // A capitalised "-ly" word is a name ("Mrs. Schlafly"), not an adverb.
            let name_ly = w.ends_with("ly") && self.is_cap(j - 1) && !is_month(w);
            let time = !name_ly && (is_time_word(w) || is_month(w));
            let skip = (!name_ly && is_pre_cue_adverb(w))
                || time
                || (after_time && is_time_opener(w))
                || (lower.ends_with("ing") && (is_be_form(w) || is_ing_cue_lead_in(w)))
                || w.ends_with("n't")
                || w.ends_with("n’t")
                || (w.chars().all(|c| c.is_ascii_digit()) && after_time);
            if !skip {
                break;
            }
            if is_negator(w) || w.ends_with("n't") || w.ends_with("n’t") {
                negated = true;
            }
            if is_modal(w) || w.ends_with("n't") || w.ends_with("n’t") {
                aux = true;
            }
            if lower.ends_with("ing") && w == "as" {
                prog = true; // "was quoted as saying"
            }
            after_time = time;
            j -= 1;
        }
        Some((j, aux, negated, prog))
    }

    /// An upper-case cue right after a quotation ("“…,” SAID the leader"): a verb in capitals
    /// for emphasis, not part of a name.
    fn shouted_cue_after_quote(&self, i: usize, s: usize) -> bool {
        let upper = self.tok(i).is_some_and(|t| {
            let w = t.text(self.text);
            w.chars().count() >= 3 && w.chars().all(|c| c.is_uppercase())
        });
        let after_quote = (i > s && self.region(i - 1).is_some())
            || (i > s + 1 && self.is_punct(i - 1, ',') && self.region(i - 2).is_some());
        upper && after_quote
    }

    pub(super) fn according_frame(&self, e: usize, i: usize) -> Option<Frame> {
        // Source noun phrase: after "to" up to a comma, a dash, or the sentence end.
        let a = i + 2;
        let mut b = a;
        while b < e && !matches!(self.punct(b), Some(',' | '.' | ';' | '—' | '–' | ':')) {
            b += 1;
        }
        if b == a {
            return None;
        }
        // Stop the mention at a relative clause.
        let mut m_end = b;
        for k in a..b {
            if self
                .word(k)
                .is_some_and(|w| w == "that" || is_relative_pronoun(w))
            {
                m_end = k;
                break;
            }
        }
        // A long source keeps its first dozen units ("a new poll by the Harvard University
        // Institute of Politics").
        let mention = self.head_mention(a, m_end.min(a + 12));
        let mut f = Frame {
            cue: Some(self.range_span(i, i + 2)),
            cue_u: i,
            subj: Some((a, m_end)),
            mention: Some(mention),
            inverted: true,
            right_start: None,
            contents: Vec::new(),
            score: ACCORDING_FRAME_SCORE,
            class: PHRASAL,
            according: true,
            inherited: false,
        };
        // Content after the source (sentence-initial "According to X, …").
        let mut k = b;
        if k < e && matches!(self.punct(k), Some('—' | '–')) {
            // Dash parenthetical: skip to the closing dash.
            let mut m = k + 1;
            while m < e && !matches!(self.punct(m), Some('—' | '–')) {
                m += 1;
            }
            k = if m < e { m } else { k };
        }
        if k < e && matches!(self.punct(k), Some(',' | '—' | '–' | ':')) {
            let mut r = k + 1;
            if self.word(r) == Some("and") {
                r += 1;
            }
            if r < e {
                f.right_start = Some(r);
            }
        }
        Some(f)
    }
}
