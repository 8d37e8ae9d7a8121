//! Sign-offs and bylines: "— Name (@handle)", a pull quote's closing name, dash and colon attributions.

use super::*;

impl<'a> Doc<'a> {
    /// Paragraphs attributed by a sign-off instead of a verb: embedded posts ("… pic.twitter.com/…
    /// — BC Hydro (@bchydro) December 22, 2018") and pull quotes ("… an emergency. Linda
    /// Lamoureux").
    pub(super) fn byline_quotes(&self, found: &mut Vec<Found>) {
        let toks = self.toks;
        let mut a = 0;
        while a < toks.len() {
            let mut b = a;
            while b < toks.len() && toks[b].kind != TokKind::Break {
                b += 1;
            }
            if let Some((cs, ce, name)) = self.byline(a, b) {
                let span = trim_span(self.text, toks[cs].start, toks[ce - 1].end);
                let inner = toks[cs..ce]
                    .iter()
                    .filter(|t| t.kind == TokKind::Word)
                    .count();
                let caption = toks[cs..ce]
                    .iter()
                    .any(|t| is_caption_word(t.lower.as_str()));
                if !span.is_empty() && inner >= 5 && !caption {
                    found.push(Found {
                        quote: Quote {
                            kind: QuoteKind::Indirect,
                            span,
                            cue: None,
                            speaker: Some(name),
                            score: BYLINE_SCORE,
                        },
                    });
                }
            }
            a = b + 1;
        }
    }

    /// Content token range and speaker span of a sign-off paragraph `a..b`.
    pub(super) fn byline(&self, a: usize, b: usize) -> Option<(usize, usize, Span)> {
        let toks = self.toks;
        if b <= a + 3 {
            return None;
        }
        let is_dash = |t: &Tok| t.kind == TokKind::Punct && matches!(t.ch, '—' | '–' | '-' | '―');
        let caps_run = |from: usize, to: usize| -> usize {
            let mut k = from;
            while k < to && k - from < 5 && toks[k].is_cap(self.text) {
                k += 1;
            }
            k
        };
        // Embedded post: "— Name (@handle)".
        for d in a + 1..b {
            if !is_dash(&toks[d]) {
                continue;
            }
            let e = caps_run(d + 1, b);
            if e > d + 1
                && e + 1 < b
                && toks[e].ch == '('
                && toks[e + 1].kind == TokKind::Word
                && toks[e + 1].lower.starts_with('@')
            {
                let mut end = d;
                for (k, t) in toks.iter().enumerate().take(d).skip(a) {
                    if t.kind == TokKind::Word
                        && (t.lower.starts_with("http") || t.lower.contains("pic.twitter.com"))
                    {
                        end = k;
                        break;
                    }
                }
                while end > a && toks[end - 1].kind == TokKind::Punct {
                    end -= 1;
                }
                // A hashtag glued to the link ("#BCStormpic.twitter.com") stays out.
                return (end > a).then(|| (a, end, Span::new(toks[d + 1].start, toks[e - 1].end)));
            }
        }
        // Pull quote: "… sentence. Name[, role]" with no final punctuation.
        let last = toks[b - 1].kind;
        if last == TokKind::Punct || last == TokKind::Mark {
            return None;
        }
        let mut p = b;
        while p > a {
            let t = &toks[p - 1];
            if t.kind == TokKind::Punct && matches!(t.ch, '.' | '!' | '?') {
                break;
            }
            p -= 1;
        }
        if p <= a + 1 {
            return None;
        }
        let mut n = p;
        while n < b && toks[n].kind == TokKind::Mark {
            n += 1; // closing marks after the stop
        }
        let e = caps_run(n, b);
        if e < n + 1 || toks[n].lower == "the" || e - n > 4 {
            return None;
        }
        let tail_ok = e == b
            || (toks[e].kind == TokKind::Punct
                && toks[e].ch == ','
                && toks[e + 1..b]
                    .iter()
                    .all(|t| t.kind == TokKind::Word || (t.kind == TokKind::Punct && t.ch == ',')));
        if !tail_ok || toks[n..e].iter().any(|t| cue(&t.lower).is_some()) {
            return None;
        }
        Some((a, p - 1, Span::new(toks[n].start, toks[e - 1].end)))
    }

    /// A short quoted name, title or nickname ("goes by “Shorty”", "the “Not My Stella's” campaign").
    pub(super) fn is_name_like(&self, u: usize, r: &Region) -> bool {
        if r.words > 4 {
            return false;
        }
        let inner = &self.text[r.inner.start..r.inner.end];
        if inner.ends_with(['.', '!', '?', ',']) && r.words >= 3 {
            return false;
        }
        let prev = if u > 0 { self.word(u - 1) } else { None };
        if prev.is_some_and(|w| is_naming_word(w) || is_determiner(w) || w == "by") {
            return true;
        }
        // Title case: every word capitalised.
        let toks = &self.toks[r.open_tok + 1..r.tok_end.saturating_sub(1).max(r.open_tok + 1)];
        let words: Vec<&Tok> = toks.iter().filter(|t| t.kind == TokKind::Word).collect();
        // Title case ("War and Peace"): capitalised words, small function words inside.
        !words.is_empty()
            && words[0].is_cap(self.text)
            && words
                .iter()
                .all(|t| t.is_cap(self.text) || is_title_case_minor(t.lower.as_str()))
    }

    /// A dash followed by a capitalised name ending its line or sentence.
    pub(super) fn is_dash_name(&self, k: usize, e: usize) -> bool {
        if k >= e || !self.is_dash(k) {
            return false;
        }
        let mut m = k + 1;
        while m < e && self.is_cap(m) && m - k <= 4 {
            m += 1;
        }
        m > k + 1
            && (m >= e
                || self.tok(m).is_some_and(|t| t.kind == TokKind::Break)
                || matches!(self.punct(m), Some('(' | ',' | '.')))
    }

    /// "“…” — Michelle Rempel (@MichelleRempel)" or "“…” – Name": the dash (the cue) and the
    /// name after it.
    pub(super) fn dash_attribution(&self, u: usize, e: usize) -> Option<(Span, Span)> {
        let k = u + 1;
        if k >= e || !self.is_dash(k) {
            return None;
        }
        let mut m = k + 1;
        while m < e && self.is_cap(m) && m - k <= 4 {
            m += 1;
        }
        if m == k + 1 {
            return None;
        }
        Some((self.range_span(k, k + 1), self.range_span(k + 1, m)))
    }

    /// "Hamdan’s message: “…”" — a proper name before the colon.
    pub(super) fn colon_speaker(&self, s: usize, u: usize) -> Option<Span> {
        let c = u - 1;
        if c == s {
            return None;
        }
        let (a, b) = self.np_backward(s, c - 1)?;
        let all_caps = self
            .tok(b - 1)
            .is_some_and(|t| t.text(self.text).chars().all(|ch| !ch.is_lowercase()));
        if self.is_cap(b - 1) && !all_caps {
            Some(self.head_mention(a, b))
        } else {
            None
        }
    }
}
