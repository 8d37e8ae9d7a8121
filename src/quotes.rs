//! Rule-based quote finder for news text: direct, mixed and indirect quotes with their cue and
//! speaker mention. Needs no NER (it runs beside it); [`crate::link`] resolves speakers to entities.
//!
//! Stages, all plain string scanning:
//! 1. tokenise into words, punctuation, quotation marks and paragraph breaks;
//! 2. pair quotation marks: straight and curly double marks, « », „ “, single marks used as
//!    quotes (apostrophes are left alone), the multi-paragraph convention (each paragraph opens a
//!    mark, only the last closes); unbalanced marks are closed at the paragraph end with a warning;
//! 3. split the text outside quotations into sentences, a quotation counting as one unit;
//! 4. find attribution frames in each sentence: a reporting verb (cue), its subject (speaker
//!    mention, also after an apposition or inverted: "said Hamdan") and its content (after the cue,
//!    or before it: "…, he said"), plus "according to X" frames;
//! 5. a frame's content is a `direct` quote when it is one quotation, `mixed` when it holds one
//!    among other words, else `indirect`; quotations outside frames are follow-on quotes with no
//!    cue and no speaker mention (the link step gives them the previous speaker) unless they are
//!    short scare quotes, titles or nicknames; sign-offs ("— Name (@handle)", a pull quote's
//!    closing name) attribute whole paragraphs.

use crate::doc::{Quote, QuoteKind, Span};
use crate::lexicon::{
    cue, is_adverbial_prep, is_day_name, is_determiner, is_modal, is_month, is_naming_word,
    is_np_stop, is_pre_cue_adverb, is_subject_pronoun, is_subordinator, is_time_word, is_title,
    CueClass, PHRASAL, STANCE,
};
use crate::lexicon::{
    is_caption_word, is_evidence_verb, is_not_content_opener, is_passive_auxiliary,
    is_plural_collective, is_time_noun, is_title_case_minor,
};
use crate::text::marks::trim_span;
use crate::text::{Region, TextAnalysis, Tok, TokKind};

/// Find the quotes of a text (analysed here); see [`find`].
pub fn extract(text: &str) -> Vec<Quote> {
    find(&TextAnalysis::new(text))
}

/// Find the quotes of a text (analysed here), with the analysis' warnings about unbalanced
/// quotation marks (byte offsets in the message).
pub fn extract_with_warnings(text: &str) -> (Vec<Quote>, Vec<String>) {
    let analysis = TextAnalysis::new(text);
    (find(&analysis), analysis.warnings)
}

/// Find the quotes of an analysed document, sorted by span. Never panics; deterministic.
///
/// Spans follow the Gender Gap Tracker conventions: a direct quote without its outer marks, an
/// indirect quote from after the cue (or the sentence start) to the clause end without the final
/// period. `speaker_entity` and `speaker_name` are left empty for [`crate::link::attribute`].
pub fn find(analysis: &TextAnalysis) -> Vec<Quote> {
    Doc::new(analysis).find_quotes()
}

// ------------------------------------------------------------------------------------------------
// Units and sentences

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum U {
    /// A token outside quotations (index into tokens).
    T(usize),
    /// A quotation (index into regions).
    Q(usize),
}

/// An attribution frame: cue, speaker mention and content unit ranges.
#[derive(Debug, Clone)]
struct Frame {
    cue: Option<Span>,
    cue_u: usize,
    subj: Option<(usize, usize)>,
    mention: Option<Span>,
    inverted: bool,
    right_start: Option<usize>,
    contents: Vec<(usize, usize)>,
    score: f32,
    class: CueClass,
    according: bool,
    inherited: bool,
}

struct Doc<'a> {
    text: &'a str,
    toks: &'a [Tok],
    regions: &'a [Region],
    units: Vec<U>,
    sentences: Vec<(usize, usize)>,
    /// Byte offsets of the paragraph-ending '\n' (line lookups by binary search).
    newlines: &'a [usize],
}

/// Longest unit window searched for attribution frames at once.
const MAX_SENTENCE_UNITS: usize = 600;

/// A quote found so far (before overlaps are resolved).
struct Found {
    quote: Quote,
}

impl<'a> Doc<'a> {
    fn new(analysis: &'a TextAnalysis) -> Doc<'a> {
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
            units.push(U::T(i));
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

    fn tok(&self, u: usize) -> Option<&Tok> {
        match self.units.get(u) {
            Some(U::T(t)) => Some(&self.toks[*t]),
            _ => None,
        }
    }

    fn word(&self, u: usize) -> Option<&str> {
        self.tok(u)
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| t.lower.as_str())
    }

    fn is_word(&self, u: usize) -> bool {
        self.word(u).is_some()
    }

    fn is_cap(&self, u: usize) -> bool {
        self.tok(u).is_some_and(|t| t.is_cap(self.text))
    }

    fn punct(&self, u: usize) -> Option<char> {
        self.tok(u)
            .filter(|t| t.kind == TokKind::Punct || t.kind == TokKind::Mark)
            .map(|t| t.ch)
    }

    fn is_punct(&self, u: usize, c: char) -> bool {
        self.punct(u) == Some(c)
    }

    fn region(&self, u: usize) -> Option<&Region> {
        match self.units.get(u) {
            Some(U::Q(r)) => Some(&self.regions[*r]),
            _ => None,
        }
    }

    fn unit_span(&self, u: usize) -> Span {
        match self.units[u] {
            U::T(t) => Span::new(self.toks[t].start, self.toks[t].end),
            U::Q(r) => self.regions[r].outer,
        }
    }

    fn range_span(&self, a: usize, b: usize) -> Span {
        Span::new(self.unit_span(a).start, self.unit_span(b - 1).end)
    }

    fn is_dash(&self, u: usize) -> bool {
        matches!(self.punct(u), Some('—' | '–' | '―')) || (self.is_punct(u, '-'))
    }

    /// The last non-space character inside a quotation, skipping closing single marks.
    fn region_last_char(&self, r: &Region) -> Option<char> {
        self.text[r.inner.start..r.inner.end]
            .chars()
            .rev()
            .find(|c| !c.is_whitespace() && !matches!(c, '’' | '\'' | '‘' | ')'))
    }

    fn split_sentences(&self) -> Vec<(usize, usize)> {
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
                    let ends = matches!(self.region_last_char(reg), Some('.' | '!' | '?'));
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
    fn sentence_ends_after_quote(&self, u: usize) -> bool {
        let n = self.units.len();
        if self.is_dash_name(u + 1, n) {
            return false; // "“…” — Michelle Rempel"
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
                if !t.is_cap(self.text) || is_subject_pronoun(&t.lower) {
                    return t.is_cap(self.text) && !self.cue_within(k, 12);
                }
                !self.cue_within(k, 12)
            }
            _ => true,
        }
    }

    /// Is there a reporting verb within `max` word units from `k`, before any stop?
    fn cue_within(&self, k: usize, max: usize) -> bool {
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

    // --------------------------------------------------------------------------------------------
    // Noun phrases

    /// A noun phrase ending at unit `last` (a word), not before `lo`. Handles one apposition.
    fn np_backward(&self, lo: usize, last: usize) -> Option<(usize, usize)> {
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
                    if !of_the {
                        break;
                    }
                    k -= 1;
                    continue;
                }
                if is_subject_pronoun(lw)
                    || (is_np_stop(lw) && !matches!(lw, "of" | "for"))
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
        while first < last && matches!(self.word(first), Some("of" | "for" | "and" | "&")) {
            first += 1;
        }
        Some((first, last + 1))
    }

    /// A noun phrase starting at unit `i` (for inverted subjects and hearer objects).
    fn np_forward(&self, i: usize, hi: usize) -> Option<(usize, usize)> {
        let mut k = i;
        let mut last = None;
        while k < hi {
            let Some(lw) = self.word(k) else { break };
            // Determiners may pile up at the start ("a few", "all the").
            let at_start = k == i
                || matches!(self.word(k - 1), Some("of" | "for"))
                || (i..k).all(|x| self.word(x).is_some_and(is_determiner));
            if is_determiner(lw) && !at_start {
                break;
            }
            if matches!(lw, "of" | "for") {
                if k + 1 < hi
                    && (self.is_cap(k + 1) || self.word(k + 1).is_some_and(is_determiner))
                    && last.is_some()
                {
                    k += 1;
                    continue;
                }
                break;
            }
            let adverb = !self.is_cap(k)
                && matches!(
                    lw,
                    "still" | "also" | "now" | "then" | "further" | "again" | "already" | "never"
                );
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
        while end > i + 1 && matches!(self.word(end - 1), Some("and" | "of" | "for")) {
            end -= 1;
        }
        Some((i, end))
    }

    /// The speaker mention inside a subject noun phrase: a pronoun, the trailing proper name after
    /// any title ("Israeli Prime Minister Benjamin Netanyahu" → "Benjamin Netanyahu"), or the
    /// whole phrase for a nominal ("the mayor", "a spokeswoman for Trudeau").
    fn head_mention(&self, a: usize, b: usize) -> Span {
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
            let joiner = matches!(w, "and" | "&") && r < b && k > a && self.is_cap(k - 1);
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
            let before = self.word(r - 1).unwrap_or("");
            if matches!(
                before,
                "of" | "for" | "at" | "from" | "by" | "with" | "in" | "on"
            ) {
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

    // --------------------------------------------------------------------------------------------
    // Frames

    /// Is unit `i` a reporting verb here? Returns its class and the end of the cue phrase.
    fn cue_at(&self, i: usize, s: usize, e: usize) -> Option<(CueClass, usize)> {
        let w = self.word(i)?;
        let prev = if i > s { self.word(i - 1) } else { None };
        let next = if i + 1 < e { self.word(i + 1) } else { None };
        if matches!(w, "went" | "goes" | "go" | "going") && next == Some("on") {
            let after = if i + 2 < e { self.word(i + 2) } else { None };
            if after == Some("to") {
                return None;
            }
            return Some((PHRASAL, i + 2));
        }
        if matches!(w, "calls" | "called" | "calling" | "call")
            && matches!(next, Some("for" | "on"))
            || matches!(w, "points" | "pointed" | "pointing" | "referring") && next == Some("to")
            || matches!(w, "talked" | "talking" | "talks") && next == Some("about")
        {
            let passive =
                |p: &str| matches!(p, "was" | "were" | "is" | "are" | "been" | "being" | "be");
            if prev.is_some_and(|p| p == "to" || is_determiner(p) || passive(p))
                || (i > s && self.is_cap(i))
            {
                return None;
            }
            return Some((STANCE, i + 2)); // "called for a ban", "pointed to the polls"
        }
        if matches!(w, "points" | "pointed" | "point") && next == Some("out") {
            if prev == Some("to") {
                return None;
            }
            return Some((PHRASAL, i + 2));
        }
        let (base, class) = cue(w)?;
        if base == "show"
            && next.is_some_and(|n| matches!(n, "his" | "her" | "their" | "its" | "our" | "my"))
        {
            return None; // "showed their alignment": a display, no report
        }
        if i > s && self.is_cap(i) {
            return None; // "the United States", "State Department"
        }
        if w == "state" {
            return None; // the bare form is nearly always the noun ("state Sen. Ralph Alvarado")
        }
        if let Some(p) = prev {
            if p == "to"
                || is_determiner(p)
                || p.ends_with("'s")
                || p.ends_with("’s")
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

    fn find_frames(&self, s: usize, e: usize, prev_subj: Option<Span>) -> Vec<Frame> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut i = s;
        while i < e {
            if self.word(i) == Some("according") && i + 1 < e && self.word(i + 1) == Some("to") {
                if let Some(f) = self.according_frame(e, i) {
                    frames.push(f);
                }
                i += 2;
                continue;
            }
            let Some((class, cue_end)) = self.cue_at(i, s, e) else {
                i += 1;
                continue;
            };
            if class.weak
                && (frames.iter().any(|f| !f.class.weak)
                    || (s..i).any(|k| {
                        self.word(k)
                            .and_then(cue)
                            .is_some_and(|(b, _)| matches!(b, "say" | "tell"))
                    }))
            {
                // A stance verb inside reported speech: "Scheer said when Liberals dismiss …".
                i = cue_end;
                continue;
            }
            let cue_span = if cue_end > i + 1
                && matches!(self.word(i), Some("went" | "goes" | "go" | "going"))
            {
                self.unit_span(i)
            } else {
                self.range_span(i, cue_end)
            };
            let mut f = Frame {
                cue: Some(cue_span),
                cue_u: i,
                subj: None,
                mention: None,
                inverted: false,
                right_start: None,
                contents: Vec::new(),
                score: 0.8,
                class,
                according: false,
                inherited: false,
            };
            // Subject before the cue, skipping adverbs, auxiliaries and time expressions.
            let lower = self.word(i).unwrap_or("");
            let Some((j, aux, negated, prog)) = self.skip_pre_cue(s, i, lower) else {
                i = cue_end;
                continue;
            };
            if negated {
                i = cue_end;
                continue;
            }
            let participle = lower.ends_with("ing");
            let before = if j > s { Some(j - 1) } else { None };
            let comma_before = before.is_some_and(|b| self.is_punct(b, ','));
            let q_before = before.is_some_and(|b| self.region(b).is_some());
            let dash_before = before.is_some_and(|b| self.is_dash(b));
            let and_before = before.is_some_and(|b| matches!(self.word(b), Some("and" | "but")));
            let prog_before = prog;
            if participle && !(comma_before || and_before || prog_before || before.is_none()) {
                i = cue_end; // "a letter demanding …": a modifier, no attribution
                continue;
            }
            let mut inherit = false;
            if let Some(b) = before {
                let relative = matches!(self.word(b), Some("which" | "who"))
                    && b > s + 1
                    && self.is_punct(b - 1, ',')
                    && self.is_word(b - 2);
                if relative {
                    // "humanitarian organizations, which warn that …": the antecedent speaks.
                    if let Some((a, z)) = self.np_backward(s, b - 2) {
                        if self.valid_subject(a, z, lower, aux) {
                            f.subj = Some((a, z));
                            f.mention = Some(self.head_mention(a, z));
                        }
                    }
                } else if self.is_word(b) && !and_before {
                    if let Some((a, z)) = self.np_backward(s, b).map(|np| self.cited_by(s, np)) {
                        let with_pp = self.pp_subject(s, a).filter(|&(a2, h)| {
                            !self.valid_subject(a, z, lower, aux)
                                && self.valid_subject(a2, h, lower, aux)
                        });
                        if let Some((a2, _)) = with_pp {
                            // "Developers and supporters in Congress say …"
                            f.subj = Some((a2, z));
                            f.mention = Some(self.range_span(a2, z));
                        } else if self.valid_subject(a, z, lower, aux) {
                            f.subj = Some((a, z));
                            f.mention = Some(self.head_mention(a, z));
                        } else {
                            i = cue_end;
                            continue;
                        }
                    }
                } else if (comma_before || q_before || dash_before) && !participle {
                    // A proper name after the cue wins ("…, said Telford."); else an
                    // apposition before it ("Megan Hester, senior associate, said …"); else a
                    // nominal after it ("…,” says the bow-tied maverick).
                    let inv = self.inverted_subject(cue_end, e, class);
                    let inv_proper = inv.is_some_and(|(_, z)| self.is_cap(z - 1));
                    let appos = if comma_before && !inv_proper {
                        self.apposition_subject(s, b)
                    } else {
                        None
                    };
                    if let Some((a, z)) = appos {
                        f.subj = Some((a, z));
                        f.mention = Some(self.head_mention(a, z));
                    } else if let Some((a, z)) = inv {
                        f.inverted = true;
                        f.subj = Some((a, z));
                        f.mention = Some(self.inverted_mention(a, z, e));
                    }
                } else if and_before || (participle && comma_before) {
                    inherit = true;
                }
            }
            if inherit {
                f.inherited = true;
                f.score = 0.6;
                f.mention = match frames.last() {
                    Some(p) => p.mention,
                    None => self.sentence_subject(s, e).or(prev_subj),
                };
            }
            if f.mention.is_none() {
                i = cue_end;
                continue;
            }
            // Where the right-hand content may start.
            let mut r = if f.inverted {
                f.subj.map(|x| x.1).unwrap_or(cue_end)
            } else {
                cue_end
            };
            if f.inverted {
                // Only a quotation after ", " or ": " counts on the right of an inverted frame.
                let mut k = r;
                if k < e && self.is_punct(k, ',') && self.region(k + 1).is_none() {
                    k = self.skip_apposition(k, e);
                }
                if k < e
                    && matches!(self.punct(k), Some(',' | ':'))
                    && k + 1 < e
                    && self.region(k + 1).is_some()
                {
                    f.right_start = Some(k + 1);
                }
            } else {
                if class.object {
                    r = self.skip_object(r, e);
                }
                r = self.skip_adverbials(r, e);
                if r < e {
                    f.right_start = Some(r);
                }
            }
            frames.push(f);
            i = cue_end;
        }
        self.resolve_contents(s, e, frames)
    }

    /// Walk back from a cue over adverbs, auxiliaries and time expressions. Returns the unit after
    /// the subject, whether a modal/do auxiliary was seen, and whether the verb is negated.
    fn skip_pre_cue(&self, s: usize, i: usize, lower: &str) -> Option<(usize, bool, bool, bool)> {
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
                || (after_time && matches!(w, "this" | "last" | "on" | "late" | "early" | "next"))
                || (lower.ends_with("ing")
                    && matches!(
                        w,
                        "quoted" | "as" | "was" | "is" | "were" | "are" | "been" | "be"
                    ))
                || w.ends_with("n't")
                || w.ends_with("n’t")
                || (w.chars().all(|c| c.is_ascii_digit()) && after_time);
            if !skip {
                break;
            }
            if matches!(w, "not" | "never") || w.ends_with("n't") || w.ends_with("n’t") {
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

    /// The noun phrase before a prepositional phrase that ends at `a` ("supporters | in
    /// Congress"): (its start, one past its head).
    fn pp_subject(&self, s: usize, a: usize) -> Option<(usize, usize)> {
        if a < s + 2
            || !matches!(
                self.word(a - 1),
                Some("in" | "at" | "of" | "for" | "from" | "with" | "on")
            )
        {
            return None;
        }
        let (a2, h) = self.np_backward(s, a - 2)?;
        (h == a - 1).then_some((a2, h))
    }

    /// "Israeli officials cited by Maariv suggested": the cited party speaks, not the outlet.
    fn cited_by(&self, s: usize, (a, z): (usize, usize)) -> (usize, usize) {
        if a >= s + 3
            && self.word(a - 1) == Some("by")
            && matches!(
                self.word(a - 2),
                Some("cited" | "quoted" | "interviewed" | "contacted")
            )
            && self.is_word(a - 3)
        {
            if let Some(np) = self.np_backward(s, a - 3) {
                return np;
            }
        }
        (a, z)
    }

    /// Is the noun phrase `a..z` a plausible subject for this cue form?
    fn valid_subject(&self, a: usize, z: usize, lower: &str, aux: bool) -> bool {
        let Some(last) = self.word(z - 1) else {
            return false;
        };
        if z - a == 1 && matches!(last, "i" | "we" | "you") {
            return false; // the author's own voice
        }
        if a > 0 && matches!(self.word(a - 1), Some("what" | "than")) {
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
    fn inverted_subject(
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
            || first.ends_with("’s")
            || first.ends_with("'s");
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
        if matches!(
            self.word(z),
            Some("in" | "at" | "of" | "for" | "from" | "with" | "on")
        ) {
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
    fn sentence_subject(&self, s: usize, e: usize) -> Option<Span> {
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
        if (is_subordinator(w) || is_np_stop(w) || matches!(w, "and" | "or"))
            && !is_subject_pronoun(w)
        {
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
    fn apposition_subject(&self, s: usize, comma: usize) -> Option<(usize, usize)> {
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
    fn apposition_at(&self, s: usize, k: usize, comma: usize) -> Option<((usize, usize), bool)> {
        let first = self.word(k + 1)?;
        if matches!(
            first,
            "and" | "but" | "or" | "so" | "yet" | "then" | "while" | "because" | "as"
        ) || (k + 1..comma).any(|x| self.word(x).is_some_and(|w| cue(w).is_some()))
        {
            return None; // a coordinated or subordinate clause, no apposition
        }
        let named = self.is_cap(k + 1) && (k + 1..comma).all(|x| self.is_cap(x));
        if named
            && k > s
            && self
                .word(k - 1)
                .is_some_and(|w| !self.is_cap(k - 1) && !is_np_stop(w))
        {
            let np = self.np_backward(s, k - 1)?;
            if self.word(np.0).is_some_and(is_determiner) {
                return Some(((k + 1, comma), true));
            }
        }
        let strong = is_determiner(first)
            || matches!(first, "who" | "which" | "whose" | "whom")
            || !self.is_cap(k + 1)
            || first.chars().next().is_some_and(|c| c.is_ascii_digit())
            || self.tok(k + 1).is_some_and(|t| is_title(t.text(self.text)));
        let weak = self
            .word(comma - 1)
            .is_some_and(|w| !self.is_cap(comma - 1) && !is_np_stop(w))
            || comma - k <= 3
            || (k + 1..comma).any(|x| {
                self.word(x)
                    .is_some_and(|w| !self.is_cap(x) && !matches!(w, "and" | "&"))
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
        let det = self.word(np.0).is_some_and(is_determiner);
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
    fn skip_apposition(&self, comma: usize, e: usize) -> usize {
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
    fn inverted_mention(&self, a: usize, b: usize, e: usize) -> Span {
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
    fn skip_object(&self, r: usize, e: usize) -> usize {
        if r >= e {
            return r;
        }
        match self.word(r) {
            Some("that") | None => r,
            Some(
                "him" | "her" | "them" | "me" | "us" | "reporters" | "journalists" | "supporters"
                | "residents" | "customers" | "voters" | "members" | "people" | "everyone",
            ) => r + 1,
            Some(w) if is_subject_pronoun(w) => r,
            Some(_) => match self.np_forward(r, e) {
                Some((_, b)) if b - r <= 6 => b,
                _ => r,
            },
        }
    }

    /// Skip adverbials between a cue and its content: "Thursday", "in a statement on Friday", ",".
    fn skip_adverbials(&self, mut r: usize, e: usize) -> usize {
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

    fn according_frame(&self, e: usize, i: usize) -> Option<Frame> {
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
            if matches!(self.word(k), Some("which" | "who" | "that" | "whose")) {
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
            score: 0.75,
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

    /// Turn frames into content ranges: right content up to the next frame, left content before
    /// the subject ("…, he said").
    fn resolve_contents(&self, s: usize, e: usize, frames: Vec<Frame>) -> Vec<Frame> {
        // Frames that find no valid content must not bound (or embed) the others: drop them and
        // redo until none fails.
        let mut cur = frames;
        let mut out = Vec::new();
        for _ in 0..4 {
            let (found, failed) = self.resolve_once(s, e, cur.clone());
            out = found;
            if failed.is_empty() {
                break;
            }
            cur.retain(|f| !failed.contains(&f.cue_u));
        }
        out
    }

    /// One pass: (frames with content, cue units of the non-embedded frames that found none).
    fn resolve_once(&self, s: usize, e: usize, mut frames: Vec<Frame>) -> (Vec<Frame>, Vec<usize>) {
        // Left boundary of each frame: its subject start (when before the cue) or its cue, minus
        // a preceding comma / "and".
        let left_of = |f: &Frame| -> usize {
            let mut l = match f.subj {
                Some((a, _)) if !f.inverted => a,
                _ => f.cue_u,
            };
            while l > s {
                let p = l - 1;
                if self
                    .word(p)
                    .is_some_and(|w| matches!(w, "and" | "but") || is_pre_cue_adverb(w))
                {
                    l -= 1;
                    continue;
                }
                break;
            }
            l
        };
        // Drop frames embedded in a previous frame's right content (no comma/and before them).
        let mut keep: Vec<Frame> = Vec::new();
        for f in frames.drain(..) {
            if let Some(p) = keep.last() {
                if let Some(rs) = p.right_start {
                    let l = left_of(&f);
                    let sep = l > s
                        && (matches!(self.punct(l - 1), Some(',' | ';' | '—' | '–'))
                            || self.region(l - 1).is_some());
                    let and_sep = l < f.cue_u && matches!(self.word(l), Some("and" | "but"));
                    if l >= rs && !sep && !and_sep && !f.according {
                        continue; // embedded: "… lying when they say …"
                    }
                }
            }
            keep.push(f);
        }
        let n = keep.len();
        let lefts: Vec<usize> = keep.iter().map(&left_of).collect();
        let mut prev_end = s;
        for idx in 0..n {
            let right_end = if idx + 1 < n { lefts[idx + 1] } else { e };
            let l = lefts[idx];
            let f = &mut keep[idx];
            // Right content.
            let mut right = None;
            if let Some(rs) = f.right_start {
                let mut re = right_end;
                for k in rs..right_end {
                    if self.is_punct(k, ';') {
                        re = k;
                        break;
                    }
                }
                let (a, b) = self.trim_range(rs, re);
                if b > a {
                    right = Some((a, b));
                }
            }
            // Left content.
            let mut left = None;
            let lb = if f.according { f.cue_u } else { l };
            if lb > prev_end && !f.inherited {
                let mut le = lb;
                let direct_before = self.region(le - 1).is_some();
                let comma_before = matches!(self.punct(le - 1), Some(',' | '—' | '–'));
                if comma_before {
                    le -= 1;
                }
                if direct_before || (comma_before && le > prev_end && self.region(le - 1).is_some())
                {
                    // "“One!” says the proprietor": the quotation alone.
                    left = Some((le - 1, le));
                } else if comma_before {
                    let mut ls = prev_end;
                    for k in prev_end..le {
                        if self.is_punct(k, ';') || self.is_punct(k, ':') {
                            ls = k + 1;
                        }
                    }
                    let (a, b) = self.trim_range(ls, le);
                    if b > a {
                        left = Some((a, b));
                    }
                }
            }
            let right_is_q = right.is_some_and(|(a, b)| self.q_only(a, b));
            let left_is_q = left.is_some_and(|(a, b)| self.q_only(a, b));
            let right_after_comma = f
                .right_start
                .is_some_and(|rs| rs > s && matches!(self.punct(rs - 1), Some(',' | ':')));
            let right_ok = right.is_some_and(|(a, b)| self.valid_content(a, b, f.class));
            if !right_ok && !f.according {
                // "Although …, Israel was not informed …, Ravid stated.": drop the subordinate
                // clause in front of the content.
                if let Some((a, b)) = left {
                    if self.word(a).is_some_and(is_subordinator) {
                        if let Some(c) = (a..b).find(|&k| self.is_punct(k, ',')) {
                            let (x, y) = self.trim_range(c + 1, b);
                            let words = (x..y).filter(|&k| self.is_word(k)).count();
                            left = (words >= 3).then_some((x, y));
                        }
                    }
                }
            }
            let class_ok = left_is_q || (f.class.indirect && !f.class.that) || f.according;
            let left_ok = class_ok
                && left.is_some_and(|(a, b)| {
                    let subordinate = !f.according && self.word(a).is_some_and(is_subordinator);
                    if self.in_headline(a) {
                        return false;
                    }
                    let words = (a..b)
                        .filter(|&k| self.is_word(k) || self.region(k).is_some())
                        .count();
                    !subordinate
                        && (left_is_q
                            || words >= 3
                            || (words >= 1 && right_ok && right_after_comma))
                });
            // "“A,” he said, “B.”" and "A, he said, B" use both sides; "“A,” he told X." only
            // the quotation before the cue.
            let use_right = right_ok && (!left_is_q || right_is_q || right_after_comma);
            let use_left =
                left_ok && (!right_ok || left_is_q || (right_after_comma && !right_is_q));
            let (use_left, use_right) = if f.according {
                (left_ok, right_ok)
            } else {
                (use_left, use_right)
            };
            let merge = f.according
                && use_left
                && use_right
                && f.right_start.is_some_and(|rs| self.is_punct(rs - 1, ','))
                && left.is_some_and(|(a, b)| (a..b).filter(|&k| self.is_word(k)).count() <= 6);
            if merge {
                // "The result, according to a survey, is 352 missing children."
                f.contents.push((left.unwrap().0, right.unwrap().1));
            } else {
                if use_left {
                    f.contents.push(left.unwrap());
                }
                if use_right {
                    f.contents.push(self.content_core(right.unwrap()));
                }
            }
            if let Some(&(_, b)) = f.contents.last() {
                prev_end = prev_end.max(b).max(if f.inverted {
                    f.subj.map(|x| x.1).unwrap_or(f.cue_u + 1)
                } else {
                    f.cue_u + 1
                });
            }
        }
        let failed = keep
            .iter()
            .filter(|f| f.contents.is_empty())
            .map(|f| f.cue_u)
            .collect();
        keep.retain(|f| !f.contents.is_empty());
        (keep, failed)
    }

    /// A content range that is one quotation, optionally followed by punctuation.
    fn q_only(&self, a: usize, b: usize) -> bool {
        self.region(a).is_some() && (a + 1..b).all(|k| self.punct(k).is_some())
    }

    /// "in his turn to answer the question, “…”": when a quotation follows a comma or colon
    /// inside the content and ends it, the quotation alone is the content.
    fn content_core(&self, (a, b): (usize, usize)) -> (usize, usize) {
        for k in a..b {
            if self.region(k).is_some()
                && k > a
                && matches!(self.punct(k - 1), Some(',' | ':'))
                && (k + 1..b).all(|x| self.punct(x).is_some())
                && !(a..k).any(|x| self.word(x) == Some("that"))
            {
                return (k, k + 1);
            }
        }
        (a, b)
    }

    fn valid_content(&self, a: usize, b: usize, class: CueClass) -> bool {
        if self.in_headline(a) {
            return false;
        }
        let has_q = (a..b).any(|k| self.region(k).is_some_and(|r| !self.is_name_like(k, r)));
        if self.region(a).is_some_and(|r| !self.is_name_like(a, r)) {
            return true;
        }
        // "joked in his turn to answer the question, “…”": the quotation alone is the content.
        let (ca, cb) = self.content_core((a, b));
        if ca > a
            && self.q_only(ca, cb)
            && self.region(ca).is_some_and(|r| !self.is_name_like(ca, r))
        {
            return true;
        }
        if !class.indirect && !has_q {
            return false;
        }
        let first = self.word(a).unwrap_or("");
        if class.that && first != "that" {
            return false;
        }
        let words = (a..b).filter(|&k| self.is_word(k)).count();
        if words < 3 && !has_q {
            return false;
        }
        if is_not_content_opener(first) {
            return false;
        }
        if first == "to" && !class.object {
            return false;
        }
        true
    }

    /// Headlines, captions and "READ MORE:" lines: the paragraph has no sentence-final
    /// punctuation, or opens with an all-capitals label and a colon.
    fn in_headline(&self, u: usize) -> bool {
        let pos = self.unit_span(u).start;
        let li = self.newlines.partition_point(|&x| x < pos);
        let ps = if li == 0 {
            0
        } else {
            self.newlines[li - 1] + 1
        };
        let pe = self.newlines.get(li).copied().unwrap_or(self.text.len());
        let line = self.text[ps..pe].trim();
        if line.split_whitespace().take(41).count() > 40 {
            return false;
        }
        if !line.ends_with(['.', '!', '?', '"', '”', '’', '\'', ')', '»', '…']) {
            return true;
        }
        if let Some(c) = line.find(':') {
            let label = &line[..c];
            if !label.is_empty()
                && label.len() < 25
                && label.chars().any(|ch| ch.is_alphabetic())
                && label.chars().all(|ch| !ch.is_lowercase())
            {
                return true;
            }
        }
        false
    }

    /// Trim punctuation at both ends of a unit range.
    fn trim_range(&self, mut a: usize, mut b: usize) -> (usize, usize) {
        while a < b
            && (matches!(self.punct(a), Some(',' | ':' | ';' | '—' | '–' | '-' | '.'))
                || self.tok(a).is_some_and(|t| t.kind == TokKind::Break))
        {
            a += 1;
        }
        while b > a
            && matches!(
                self.punct(b - 1),
                Some(',' | ':' | ';' | '—' | '–' | '-' | '.' | '(')
            )
        {
            b -= 1;
        }
        while b > a && self.tok(b - 1).is_some_and(|t| t.kind == TokKind::Break) {
            b -= 1;
        }
        (a, b)
    }

    // --------------------------------------------------------------------------------------------
    // Assembling quotes

    fn find_quotes(&self) -> Vec<Quote> {
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

    /// Paragraphs attributed by a sign-off instead of a verb: embedded posts ("… pic.twitter.com/…
    /// — BC Hydro (@bchydro) December 22, 2018") and pull quotes ("… an emergency. Linda
    /// Lamoureux").
    fn byline_quotes(&self, found: &mut Vec<Found>) {
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
                            speaker_entity: None,
                            speaker_name: None,
                            score: 0.65,
                        },
                    });
                }
            }
            a = b + 1;
        }
    }

    /// Content token range and speaker span of a sign-off paragraph `a..b`.
    fn byline(&self, a: usize, b: usize) -> Option<(usize, usize, Span)> {
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
    fn is_name_like(&self, u: usize, r: &Region) -> bool {
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
    fn is_dash_name(&self, k: usize, e: usize) -> bool {
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

    /// "“…” — Michelle Rempel (@MichelleRempel)" or "“…” – Name": the name after the dash.
    fn dash_attribution(&self, u: usize, e: usize) -> Option<Span> {
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
        Some(self.range_span(k + 1, m))
    }

    /// "Hamdan’s message: “…”" — a proper name before the colon.
    fn colon_speaker(&self, s: usize, u: usize) -> Option<Span> {
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

#[cfg(test)]
mod tests;
