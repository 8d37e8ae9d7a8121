//! Quotes from frames: kind (direct, mixed, indirect), follow-on quotations, overlaps.

use super::*;
use crate::text::paragraphs::paragraphs_between;

impl<'a> Doc<'a> {
    pub(super) fn find_quotes(&self) -> Vec<Quote> {
        let mut found: Vec<Found> = Vec::new();
        let mut used = vec![false; self.regions.len()];
        let mut prev_subj: Option<Span> = None;
        for (s, e) in self.windows() {
            let frames = self.find_frames(s, e, prev_subj);
            for f in &frames {
                for &(a, b) in &f.contents {
                    for k in a..b {
                        if let U::Q(r) = self.units[k] {
                            used[r] = true;
                        }
                    }
                    found.push(Found {
                        quote: self.frame_quote(f, a, b),
                    });
                }
            }
            if let Some(f) = frames.last() {
                prev_subj = f.mention.or(prev_subj);
            }
            // Quotations outside frames.
            for u in s..e {
                let U::Q(ri) = self.units[u] else { continue };
                if used[ri] {
                    continue;
                }
                if let Some(quote) = self.loose_quotation(s, e, u) {
                    used[ri] = true;
                    found.push(Found { quote });
                }
            }
        }
        self.byline_quotes(&mut found);
        found.sort_by_key(|f| (f.quote.span.start, f.quote.span.end));
        // Overlaps: keep the better-scored one.
        let mut out: Vec<Found> = Vec::new();
        for f in found {
            if let Some(p) = out.last_mut() {
                if p.quote.span.overlaps(&f.quote.span) {
                    if f.quote.score > p.quote.score {
                        *p = f;
                    }
                    continue;
                }
            }
            out.push(f);
        }
        let mut quotes: Vec<Quote> = out.into_iter().map(|f| f.quote).collect();
        self.carry_frames(&mut quotes);
        quotes
    }

    /// A follow-on quotation (no cue, no speaker mention) right after a framed quote of its
    /// paragraph continues that attribution (`"…," Park said Monday. "…"`): it takes the
    /// frame's cue and speaker mention. Later paragraphs are left to the link step.
    fn carry_frames(&self, quotes: &mut [Quote]) {
        for i in 1..quotes.len() {
            let (before, rest) = quotes.split_at_mut(i);
            let (prev, q) = (&before[i - 1], &mut rest[0]);
            let Some(cue) = prev.cue else { continue };
            if q.cue.is_some() || q.speaker.is_some() || q.kind != QuoteKind::Direct {
                continue;
            }
            let from = cue.start.min(prev.span.start);
            if paragraphs_between(self.text, self.newlines, from, q.span.start) == 0 {
                q.cue = Some(cue);
                q.speaker = prev.speaker;
            }
        }
    }

    /// The sentences as unit ranges; very long "sentences" (no punctuation) are cut into
    /// windows to bound the work.
    fn windows(&self) -> Vec<(usize, usize)> {
        let mut windows = Vec::with_capacity(self.sentences.len());
        for &(s, e) in &self.sentences {
            let mut a = s;
            while e - a > MAX_SENTENCE_UNITS {
                windows.push((a, a + MAX_SENTENCE_UNITS));
                a += MAX_SENTENCE_UNITS;
            }
            windows.push((a, e));
        }
        windows
    }

    /// The quote of a frame's content `a..b`: direct when it is one quotation, mixed when it
    /// holds one among other words (a name-like quotation does not count), else indirect.
    fn frame_quote(&self, f: &Frame, a: usize, b: usize) -> Quote {
        let (kind, span) = if self.q_only(a, b) {
            let r = self.region(a).unwrap();
            (QuoteKind::Direct, r.inner)
        } else if (a..b).any(|k| self.region(k).is_some_and(|r| !self.is_name_like(k, r))) {
            (QuoteKind::Mixed, self.range_span(a, b))
        } else {
            (QuoteKind::Indirect, self.range_span(a, b))
        };
        let speaker_is_pronoun = f
            .mention
            .is_some_and(|m| is_subject_pronoun(&self.text[m.start..m.end].to_lowercase()));
        let mut score = f.score;
        if kind == QuoteKind::Direct {
            score += DIRECT_BONUS;
        }
        if speaker_is_pronoun {
            score -= PRONOUN_PENALTY;
        }
        // A preposition between the cue and its content is the cue's ("warned against").
        let cue = f.cue.map(|c| match a.checked_sub(1) {
            Some(p)
                if p > 0
                    && self.word(p).is_some_and(is_preposition)
                    && self.unit_span(p - 1).end == c.end =>
            {
                Span::new(c.start, self.unit_span(p).end)
            }
            _ => c,
        });
        Quote {
            kind,
            span,
            cue,
            speaker: f.mention,
            score: score.clamp(MIN_SCORE, MAX_SCORE),
        }
    }

    /// A quotation (unit `u` of the sentence `s..e`) that no frame took: a follow-on quote when
    /// it stands alone (the whole sentence, after a colon, before a dash and a name) or is long
    /// running speech; short scare quotes, titles and nicknames are none.
    fn loose_quotation(&self, s: usize, e: usize, u: usize) -> Option<Quote> {
        let r = self.region(u)?;
        let only = (s..e).all(|k| k == u || self.punct(k).is_some());
        let colon = u > s && self.is_punct(u - 1, ':');
        let dash_name = self.dash_attribution(u, e);
        let standalone = only
            || colon
            || dash_name.is_some()
            || (u == s && (u + 1..e).all(|k| self.punct(k).is_some() || self.region(k).is_some()));
        let keep = if r.single {
            standalone
                && r.words >= MIN_WORDS_SINGLE_MARKS
                && matches!(self.region_last_char(r), Some('.' | '!' | '?' | ','))
        } else if standalone {
            r.words >= 2 || matches!(self.region_last_char(r), Some('.' | '!' | '?'))
        } else {
            let prev_ok = u > s
                && !self.word(u - 1).is_some_and(|w| {
                    (is_np_stop(w) && cue(w).is_none()) || is_determiner(w) || w == "of"
                });
            !self.is_name_like(u, r) && r.words >= MIN_WORDS_RUNNING && prev_ok
        };
        if !keep {
            return None;
        }
        // The dash is the cue of a dash attribution, the colon of a colon one.
        let (cue, speaker) = match dash_name {
            Some((dash, name)) => (Some(dash), Some(name)),
            None if colon => (Some(self.range_span(u - 1, u)), self.colon_speaker(s, u)),
            None => (None, None),
        };
        let score = if speaker.is_some() {
            LOOSE_WITH_SPEAKER_SCORE
        } else if standalone {
            LOOSE_STANDALONE_SCORE
        } else {
            LOOSE_RUNNING_SCORE
        };
        Some(Quote {
            kind: QuoteKind::Direct,
            span: r.inner,
            cue,
            speaker,
            score,
        })
    }
}
