//! Quotes from frames: kind (direct, mixed, indirect), follow-on quotations, overlaps.

use super::*;

impl<'a> Doc<'a> {
    pub(super) fn find_quotes(&self) -> Vec<Quote> {
        let mut found: Vec<Found> = Vec::new();
        let mut used = vec![false; self.regions.len()];
        let mut prev_subj: Option<Span> = None;
        // Very long "sentences" (no punctuation) are cut into windows to bound the work.
        let mut windows = Vec::with_capacity(self.sentences.len());
        for &(s, e) in &self.sentences {
            let mut a = s;
            while e - a > MAX_SENTENCE_UNITS {
                windows.push((a, a + MAX_SENTENCE_UNITS));
                a += MAX_SENTENCE_UNITS;
            }
            windows.push((a, e));
        }
        for &(s, e) in &windows {
            let frames = self.find_frames(s, e, prev_subj);
            for f in &frames {
                for &(a, b) in &f.contents {
                    for k in a..b {
                        if let U::Q(r) = self.units[k] {
                            used[r] = true;
                        }
                    }
                    let (kind, span) = if self.q_only(a, b) {
                        let r = self.region(a).unwrap();
                        (QuoteKind::Direct, r.inner)
                    } else if (a..b)
                        .any(|k| self.region(k).is_some_and(|r| !self.is_name_like(k, r)))
                    {
                        (QuoteKind::Mixed, self.range_span(a, b))
                    } else {
                        (QuoteKind::Indirect, self.range_span(a, b))
                    };
                    let speaker_is_pronoun = f.mention.is_some_and(|m| {
                        is_subject_pronoun(&self.text[m.start..m.end].to_lowercase())
                    });
                    let mut score = f.score;
                    if kind == QuoteKind::Direct {
                        score += 0.1;
                    }
                    if speaker_is_pronoun {
                        score -= 0.05;
                    }
                    found.push(Found {
                        quote: Quote {
                            kind,
                            span,
                            cue: f.cue,
                            speaker: f.mention,
                            speaker_entity: None,
                            speaker_name: None,
                            score: score.clamp(0.05, 0.99),
                        },
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
                let r = &self.regions[ri];
                let only = (s..e).all(|k| k == u || self.punct(k).is_some());
                let colon = u > s && self.is_punct(u - 1, ':');
                let dash_name = self.dash_attribution(u, e);
                let standalone = only
                    || colon
                    || dash_name.is_some()
                    || (u == s
                        && (u + 1..e).all(|k| self.punct(k).is_some() || self.region(k).is_some()));
                let keep = if r.single {
                    standalone
                        && r.words >= 6
                        && matches!(self.region_last_char(r), Some('.' | '!' | '?' | ','))
                } else if standalone {
                    r.words >= 2 || matches!(self.region_last_char(r), Some('.' | '!' | '?'))
                } else {
                    let prev_ok = u > s
                        && !self.word(u - 1).is_some_and(|w| {
                            (is_np_stop(w) && cue(w).is_none()) || is_determiner(w) || w == "of"
                        });
                    !self.is_name_like(u, r) && r.words >= 8 && prev_ok
                };
                if !keep {
                    continue;
                }
                used[ri] = true;
                let speaker = dash_name.or_else(|| {
                    if colon {
                        self.colon_speaker(s, u)
                    } else {
                        None
                    }
                });
                found.push(Found {
                    quote: Quote {
                        kind: QuoteKind::Direct,
                        span: r.inner,
                        cue: None,
                        speaker,
                        speaker_entity: None,
                        speaker_name: None,
                        score: if speaker.is_some() {
                            0.7
                        } else if standalone {
                            0.6
                        } else {
                            0.4
                        },
                    },
                });
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
        out.into_iter().map(|f| f.quote).collect()
    }
}
