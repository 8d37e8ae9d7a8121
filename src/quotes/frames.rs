//! Attribution frames: finding cue + subject + content in a sentence, and resolving which units are the content.

use super::*;

impl<'a> Doc<'a> {
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
        mut frames: Vec<Frame>,
    ) -> (Vec<Frame>, Vec<usize>) {
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
    pub(super) fn q_only(&self, a: usize, b: usize) -> bool {
        self.region(a).is_some() && (a + 1..b).all(|k| self.punct(k).is_some())
    }

    /// "in his turn to answer the question, “…”": when a quotation follows a comma or colon
    /// inside the content and ends it, the quotation alone is the content.
    pub(super) fn content_core(&self, (a, b): (usize, usize)) -> (usize, usize) {
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
