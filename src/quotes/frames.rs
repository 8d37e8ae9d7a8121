//! Attribution frames: finding cue + subject + content in a sentence, and resolving which units are the content.

use super::*;

impl<'a> Doc<'a> {
    /// The attribution frames of the sentence of units `s..e`, with their contents resolved.
    /// `prev_subj` is the previous sentence's subject (for a frame that inherits one).
    pub(super) fn find_frames(&self, s: usize, e: usize, prev_subj: Option<Span>) -> Vec<Frame> {
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
            if let Some(f) = self.cue_frame(s, e, i, (class, cue_end), &frames, prev_subj) {
                frames.push(f);
            }
            i = cue_end;
        }
        self.resolve_contents(s, e, frames)
    }

    /// The frame of the cue at units `i..cue_end` in the sentence `s..e`, if it has a speaker
    /// mention: its subject (before the cue, an apposition, inverted after it, or inherited from
    /// the previous frame) and where its right-hand content may start.
    fn cue_frame(
        &self,
        s: usize,
        e: usize,
        i: usize,
        (class, cue_end): (CueClass, usize),
        frames: &[Frame],
        prev_subj: Option<Span>,
    ) -> Option<Frame> {
        let strong_before = || {
            frames.iter().any(|f| !f.class.weak)
                || (s..i).any(|k| {
                    self.word(k)
                        .and_then(cue)
                        .is_some_and(|(b, _)| is_plain_cue_lemma(b))
                })
        };
        if class.weak && strong_before() {
            // A stance verb inside reported speech: "Scheer said when Liberals dismiss …".
            return None;
        }
        let verb_only = cue_end > i + 1
            && self
                .word(i)
                .and_then(|w| phrasal_cue(w, self.word(i + 1)))
                .is_some_and(|p| !p.particle_in_cue);
        let cue_span = if verb_only {
            self.unit_span(i) // "went on": the cue is "went"
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
            score: CUE_FRAME_SCORE,
            class,
            according: false,
            inherited: false,
        };
        self.attach_subject(&mut f, s, e, cue_end, frames, prev_subj)?;
        f.mention?;
        if !f.inverted {
            // The cue is the verb group: "has said", "would also argue", "is now calling for".
            let lo = f.subj.map_or(s, |x| x.1).max(s);
            let mut k = i;
            while k > lo && self.word(k - 1).is_some_and(is_verb_group_word) {
                k -= 1;
            }
            if k < i {
                f.cue = Some(Span::new(self.unit_span(k).start, cue_span.end));
            }
        }
        self.set_right_start(&mut f, e, cue_end);
        Some(f)
    }

    /// Find the frame's subject and speaker mention; `None` when the cue is no attribution
    /// (negated, a participle modifier, a subject that cannot speak).
    fn attach_subject(
        &self,
        f: &mut Frame,
        s: usize,
        e: usize,
        cue_end: usize,
        frames: &[Frame],
        prev_subj: Option<Span>,
    ) -> Option<()> {
        let (i, class) = (f.cue_u, f.class);
        // Subject before the cue, skipping adverbs, auxiliaries and time expressions.
        let lower = self.word(i).unwrap_or("");
        let (j, aux, negated, prog) = self.skip_pre_cue(s, i, lower)?;
        if negated {
            return None;
        }
        let participle = lower.ends_with("ing");
        let before = if j > s { Some(j - 1) } else { None };
        let comma_before = before.is_some_and(|b| self.is_punct(b, ','));
        let q_before = before.is_some_and(|b| self.region(b).is_some());
        let dash_before = before.is_some_and(|b| self.is_dash(b));
        let and_before = before.is_some_and(|b| self.word(b).is_some_and(is_clause_coordinator));
        if participle && !(comma_before || and_before || prog || before.is_none()) {
            return None; // "a letter demanding …": a modifier, no attribution
        }
        let mut inherit = false;
        if let Some(b) = before {
            let relative = self.word(b).is_some_and(is_subject_relative)
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
                        return None;
                    }
                }
            } else if (comma_before || q_before || dash_before) && !participle {
                // A proper name after the cue wins ("…, said Telford."); else an
                // apposition before it ("Megan Hester, senior associate, said …"); else a
                // nominal after it ("…,” says the bow-tied maverick).
                let inv = self.inverted_subject(cue_end, e, class);
                // After "told" a name is the hearer, so an apposition before the cue wins
                // ("Mr. Okafor, 62, told the Herald").
                let uninverted = cue(lower).is_some_and(|(lemma, _)| is_uninverted_cue(lemma));
                let inv_proper = inv.is_some_and(|(_, z)| self.is_cap(z - 1)) && !uninverted;
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
            f.score = INHERITED_FRAME_SCORE;
            f.mention = match frames.last() {
                Some(p) => p.mention,
                None => self.sentence_subject(s, e).or(prev_subj),
            };
        }
        Some(())
    }

    /// Where the frame's right-hand content may start: after the cue (and its object and
    /// adverbials), or for an inverted frame only a quotation after ", " or ": ".
    fn set_right_start(&self, f: &mut Frame, e: usize, cue_end: usize) {
        if f.inverted {
            let mut k = f.subj.map(|x| x.1).unwrap_or(cue_end);
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
            let mut r = cue_end;
            if f.class.object {
                r = self.skip_object(r, e);
            }
            r = self.skip_adverbials(r, e);
            if r < e {
                f.right_start = Some(r);
            }
        }
    }

    /// Turn frames into content ranges: right content up to the next frame, left content before
    /// the subject ("…, he said").
    pub(super) fn resolve_contents(&self, s: usize, e: usize, frames: Vec<Frame>) -> Vec<Frame> {
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
    pub(super) fn resolve_once(
        &self,
        s: usize,
        e: usize,
        frames: Vec<Frame>,
    ) -> (Vec<Frame>, Vec<usize>) {
        let mut keep = self.drop_embedded(s, frames);
        let n = keep.len();
        let lefts: Vec<usize> = keep.iter().map(|f| self.frame_left(s, f)).collect();
        let mut prev_end = s;
        for idx in 0..n {
            let right_end = if idx + 1 < n { lefts[idx + 1] } else { e };
            let f = &mut keep[idx];
            let right = self.right_content(f, right_end);
            let left = self.left_content(f, lefts[idx], prev_end);
            self.choose_contents(s, f, left, right);
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

    /// Left boundary of a frame: its subject start (when before the cue) or its cue, minus a
    /// preceding "and"/"but" or pre-cue adverb.
    fn frame_left(&self, s: usize, f: &Frame) -> usize {
        let mut l = match f.subj {
            Some((a, _)) if !f.inverted => self.role_before_name(s, a).unwrap_or(a),
            _ => f.cue_u,
        };
        while l > s
            && self
                .word(l - 1)
                .is_some_and(|w| is_clause_coordinator(w) || is_pre_cue_adverb(w))
        {
            l -= 1;
        }
        l
    }

    /// Start of a determined role nominal before a named subject at `a`, right after a
    /// quotation ("“…,” the club's chairman, Peter Hale, said"): the nominal
    /// and the name are one subject, so the frame starts at the nominal and the quotation
    /// before it stays the content.
    fn role_before_name(&self, s: usize, a: usize) -> Option<usize> {
        if a < s + 2 || !self.is_punct(a - 1, ',') || !self.is_cap(a) || self.is_cap(a - 2) {
            return None;
        }
        let (b, z) = self.np_backward(s, a - 2)?;
        // Only right after a quotation (and its comma): elsewhere the nominal may be content
        // ("The museum, Mr. Bush said, celebrated …", "Lenox was a juggernaut, Mr. Clarke said").
        let after_quotation = b > s
            && (self.region(b - 1).is_some()
                || (b > s + 1 && self.is_punct(b - 1, ',') && self.region(b - 2).is_some()));
        (z == a - 1 && z - b <= 5 && self.word(b).is_some_and(is_determiner) && after_quotation)
            .then_some(b)
    }

    /// Drop frames embedded in a previous frame's right content (no comma/and before them):
    /// "… lying when they say …".
    fn drop_embedded(&self, s: usize, frames: Vec<Frame>) -> Vec<Frame> {
        let mut keep: Vec<Frame> = Vec::new();
        for f in frames {
            if let Some(rs) = keep.last().and_then(|p| p.right_start) {
                let l = self.frame_left(s, &f);
                let sep = l > s
                    && (matches!(self.punct(l - 1), Some(',' | ';' | '—' | '–'))
                        || self.region(l - 1).is_some());
                let and_sep = l < f.cue_u && self.word(l).is_some_and(is_clause_coordinator);
                if l >= rs && !sep && !and_sep && !f.according {
                    continue;
                }
            }
            keep.push(f);
        }
        keep
    }

    /// The content right of the cue: from the frame's right start to the next frame (or a
    /// semicolon), trimmed.
    fn right_content(&self, f: &Frame, right_end: usize) -> Option<(usize, usize)> {
        let rs = f.right_start?;
        let re = (rs..right_end)
            .find(|&k| self.is_punct(k, ';'))
            .unwrap_or(right_end);
        let (a, b) = self.trim_range(rs, re);
        (b > a).then_some((a, b))
    }

    /// The content left of the frame (which starts at `l`), after the previous content: a
    /// quotation right before it ("“One!” says the proprietor"), or the words after the last
    /// semicolon or colon up to a comma or dash before the frame ("A, he said").
    fn left_content(&self, f: &Frame, l: usize, prev_end: usize) -> Option<(usize, usize)> {
        let lb = if f.according { f.cue_u } else { l };
        if lb <= prev_end || f.inherited {
            return None;
        }
        let mut le = lb;
        let direct_before = self.region(le - 1).is_some();
        let comma_before = matches!(self.punct(le - 1), Some(',' | '—' | '–'));
        // Any dash after a quotation ("“…” - she told reporters") separates it from the frame.
        let dash_after_quote =
            !comma_before && le >= 2 && self.is_dash(le - 1) && self.region(le - 2).is_some();
        if comma_before || dash_after_quote {
            le -= 1;
        }
        if direct_before
            || ((comma_before || dash_after_quote)
                && le > prev_end
                && self.region(le - 1).is_some())
        {
            // A quotation after a naming word is a title ("In her book “Winter Roads,” Ellen
            // Marsh describes …"), no content.
            let title = le >= 2 && self.word(le - 2).is_some_and(is_naming_word);
            return (!title).then_some((le - 1, le));
        }
        if !comma_before {
            return None;
        }
        let ls = (prev_end..le)
            .rev()
            .find(|&k| self.is_punct(k, ';') || self.is_punct(k, ':'))
            .map_or(prev_end, |k| k + 1);
        let (a, b) = self.trim_range(ls, le);
        (b > a).then_some((a, b))
    }

    /// Decide which of the left and right contents the frame takes, and push them.
    fn choose_contents(
        &self,
        s: usize,
        f: &mut Frame,
        mut left: Option<(usize, usize)>,
        right: Option<(usize, usize)>,
    ) {
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
                    && (left_is_q || words >= 3 || (words >= 1 && right_ok && right_after_comma))
            });
        // "“A,” he said, “B.”" and "A, he said, B" use both sides; "“A,” he told X." only
        // the quotation before the cue.
        let (use_left, use_right) = if f.according {
            (left_ok, right_ok)
        } else {
            (
                left_ok && (!right_ok || left_is_q || (right_after_comma && !right_is_q)),
                right_ok && (!left_is_q || right_is_q || right_after_comma),
            )
        };
        let merge = f.according
            && use_left
            && use_right
            && f.right_start.is_some_and(|rs| self.is_punct(rs - 1, ','))
            && left.is_some_and(|(a, b)| (a..b).filter(|&k| self.is_word(k)).count() <= 6);
        if merge {
            // "The result, according to a survey, is 352 missing children."
            f.contents.push((left.unwrap().0, right.unwrap().1));
            return;
        }
        if use_left {
            f.contents.push(left.unwrap());
        }
        if use_right {
            f.contents.push(self.content_core(right.unwrap()));
        }
    }

    /// A content range that is one quotation, optionally followed by punctuation.
    pub(super) fn q_only(&self, a: usize, b: usize) -> bool {
        self.region(a).is_some() && (a + 1..b).all(|k| self.punct(k).is_some())
    }

    /// "in his turn to answer the question, “…”": when a quotation follows a comma or colon
    /// inside the content and ends it, the quotation alone is the content. So too when the
    /// content opens with a quotation closed by a comma ("said, “We are done,” before leaving"):
    /// the rest is the writer's.
    pub(super) fn content_core(&self, (a, b): (usize, usize)) -> (usize, usize) {
        let opens_with_quotation = self.region(a).is_some_and(|r| {
            !r.single && !self.is_name_like(a, r) && self.region_last_char(r) == Some(',')
        });
        if b > a + 1 && opens_with_quotation && !(a + 1..b).any(|k| self.region(k).is_some()) {
            return (a, a + 1);
        }
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

    pub(super) fn valid_content(&self, a: usize, b: usize, class: CueClass) -> bool {
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
        if first == "not" && self.word(a + 1) == Some("to") && self.word(a + 2) == Some("be") {
            // "who asked not to be named": a request about the speaker, not what was said.
            return false;
        }
        true
    }

    /// Headlines, captions and "READ MORE:" lines: the paragraph has no sentence-final
    /// punctuation, or opens with an all-capitals label and a colon.
    pub(super) fn in_headline(&self, u: usize) -> bool {
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
            // Unless a sentence of the paragraph ends after the unit: the paragraph only
            // trails off in a fragment ("… he says. “…” Email: jr@example.com").
            return !sentence_ends_in(&self.text[pos..pe]);
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
    pub(super) fn trim_range(&self, mut a: usize, mut b: usize) -> (usize, usize) {
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
}

/// Does a sentence end inside `s`: a '.', '!', '?' or '…' (after it, closing quotation marks or
/// brackets) followed by white space?
fn sentence_ends_in(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '.' | '!' | '?' | '…') {
            while chars
                .peek()
                .is_some_and(|&n| matches!(n, '"' | '”' | '’' | '\'' | ')' | '»'))
            {
                chars.next();
            }
            if chars.peek().is_some_and(|n| n.is_whitespace()) {
                return true;
            }
        }
    }
    false
}
