//! Quotation marks: which marks open and close a quotation, and the quotations they delimit.

use super::tokens::{is_double, is_invisible, is_mark_char, Tok, TokKind};
use crate::doc::Span;
use crate::lexicon::{is_cue_word, is_subject_pronoun};

/// A quotation delimited by marks.
#[derive(Debug, Clone)]
pub struct Region {
    /// Token index of the opening mark.
    pub open_tok: usize,
    /// Token index one past the region (after the closing mark, or the break that ended it).
    pub tok_end: usize,
    /// Byte span from the opening mark to the closing mark (inclusive).
    pub outer: Span,
    /// The content between the marks, whitespace-trimmed.
    pub inner: Span,
    /// Delimited by single marks in a text whose outer quotation marks are double ones (there
    /// single marks quote words and titles more often than speech); false for the single-mark
    /// quotations of a British-style text, see [`pair_marks`].
    pub single: bool,
    /// Number of words inside.
    pub words: usize,
}

fn prev_char(text: &str, b: usize) -> Option<char> {
    text[..b].chars().next_back()
}

fn next_char(text: &str, b: usize) -> Option<char> {
    text[b..].chars().next()
}

fn opening_ctx(text: &str, t: &Tok) -> bool {
    match prev_char(text, t.start) {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || is_invisible(p)
                || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | ',' | ';')
                || (is_mark_char(p) && p != t.ch)
        }
    }
}

fn closing_ctx(text: &str, t: &Tok) -> bool {
    match next_char(text, t.end) {
        None => true,
        Some(nc) => {
            nc.is_whitespace()
                || is_invisible(nc)
                || matches!(
                    nc,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '-' | '…'
                )
                || (is_mark_char(nc) && nc != t.ch)
        }
    }
}

/// A mark with a space (or an opening bracket, dash, …) before it and a word after it.
fn opening_only(text: &str, t: &Tok) -> bool {
    opening_ctx(text, t) && !closing_ctx(text, t)
}

/// The span `s..e` without surrounding whitespace and invisible characters.
pub fn trim_span(text: &str, s: usize, e: usize) -> Span {
    if s >= e {
        return Span::new(s, s);
    }
    let sub = &text[s..e];
    let lead = sub.len()
        - sub
            .trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c))
            .len();
    let trail = sub.len()
        - sub
            .trim_end_matches(|c: char| c.is_whitespace() || is_invisible(c))
            .len();
    if lead + trail >= sub.len() {
        return Span::new(s, s);
    }
    Span::new(s + lead, e - trail)
}

/// Index of the first token after `i` that is neither a break nor a lone "." between breaks
/// (some scrapers write paragraph breaks as "\n .\n ").
fn next_content_tok(toks: &[Tok], mut i: usize) -> usize {
    while i < toks.len() {
        match toks[i].kind {
            TokKind::Break => i += 1,
            TokKind::Punct
                if toks[i].ch == '.'
                    && i + 1 < toks.len()
                    && toks[i + 1].kind == TokKind::Break
                    && i > 0
                    && toks[i - 1].kind == TokKind::Break =>
            {
                i += 1
            }
            _ => break,
        }
    }
    i
}

fn make_region(
    text: &str,
    toks: &[Tok],
    open: usize,
    close: Option<usize>,
    end_tok: usize,
    single: bool,
) -> Option<Region> {
    let s = toks[open].end;
    let (e, outer_end) = match close {
        Some(c) => (toks[c].start, toks[c].end),
        None => {
            let last = if end_tok > open + 1 {
                toks[end_tok - 1].end
            } else {
                s
            };
            (last, last)
        }
    };
    let inner = trim_span(text, s, e.max(s));
    let words = toks[open + 1..close.unwrap_or(end_tok).min(toks.len())]
        .iter()
        .filter(|t| t.kind == TokKind::Word)
        .count();
    if inner.is_empty() || words == 0 {
        return None;
    }
    Some(Region {
        open_tok: open,
        tok_end: match close {
            Some(c) => c + 1,
            None => end_tok,
        },
        outer: Span::new(toks[open].start, outer_end),
        inner,
        single,
        words,
    })
}

/// Marks of the guillemet family (« » ‹ ›); the others are the curly and straight marks.
fn is_guillemet(c: char) -> bool {
    matches!(c, '«' | '»' | '‹' | '›')
}

/// The mark that closes a nested quotation opened by `c`.
fn nested_closer(c: char) -> char {
    match c {
        '«' => '»',
        '»' => '«',
        '"' => '"',
        _ => '”',
    }
}

/// True when the word or punctuation before `t` touches it (no space): a mark so placed ends
/// a quotation more likely than it opens one.
fn touches_left(text: &str, t: &Tok) -> bool {
    prev_char(text, t.start).is_some_and(|p| !p.is_whitespace() && !is_invisible(p))
}

/// The double marks of one pass over the text, paired into top-level quotations.
struct DoublePairing<'a> {
    text: &'a str,
    toks: &'a [Tok],
    warnings: &'a mut Vec<String>,
    regions: Vec<Region>,
    /// The opening mark of the quotation open now.
    open: Option<usize>,
    /// The closing marks awaited by the quotations nested in it, innermost last.
    nested: Vec<char>,
}

impl DoublePairing<'_> {
    /// Marks of `pred` from token `i` to the paragraph end (a bounded look-ahead).
    fn marks_ahead(&self, i: usize, pred: impl Fn(&Tok) -> bool) -> usize {
        self.toks[i..]
            .iter()
            .take(400)
            .take_while(|u| u.kind != TokKind::Break)
            .filter(|u| u.kind == TokKind::Mark && pred(u))
            .count()
    }

    /// The double mark `t` (token `i`) opens a quotation when none is open.
    fn opens(&self, i: usize) -> bool {
        let (text, t) = (self.text, &self.toks[i]);
        let (oc, cc) = (opening_ctx(text, t), closing_ctx(text, t));
        match t.ch {
            '“' | '„' | '«' | '‟' => true,
            '"' if !cc => true,
            // A straight mark with spaces on both sides opens unless the next one in the
            // paragraph opens a quotation itself (then this one is a stray closing mark).
            '"' => {
                let inch = prev_char(text, t.start).is_some_and(|c| c.is_ascii_digit());
                oc && !inch && !self.next_straight_opens(i)
            }
            _ => oc && !cc, // a closing mark used as an opener
        }
    }

    fn next_straight_opens(&self, i: usize) -> bool {
        let next = self.toks[i + 1..]
            .iter()
            .take(400)
            .take_while(|u| u.kind != TokKind::Break)
            .find(|u| u.kind == TokKind::Mark && u.ch == '"');
        next.is_some_and(|u| opening_only(self.text, u))
    }

    /// The double mark at token `i` opens a quotation nested in the open one `o`: a mark of
    /// the other family (« » inside “ ”, “ ” inside « »), or one of the same family when
    /// enough closing marks follow in the paragraph for it and the outer quotation.
    fn opens_nested(&self, o: usize, i: usize) -> bool {
        let (text, t) = (self.text, &self.toks[i]);
        let och = self.toks[o].ch;
        // French guillemets stand apart from their words: « never again ».
        let opening = opening_ctx(text, t) && (t.ch == '«' || !closing_ctx(text, t));
        if !opening || matches!(t.ch, '”' | '‟') {
            return false;
        }
        if is_guillemet(t.ch) != is_guillemet(och) {
            return t.ch != '»' || och == '"';
        }
        let need = self.nested.len() + 2;
        match (och, t.ch) {
            ('"', '"') => {
                let left = self.marks_ahead(i, |u| u.ch == '"');
                left > need && left % 2 == 1
            }
            ('“' | '„', '“') | ('«', '«') | ('»', '»') => {
                let closer = nested_closer(t.ch);
                let closing = |u: &Tok| u.ch == closer && closing_ctx(text, u);
                self.marks_ahead(i + 1, closing) >= need
            }
            _ => false,
        }
    }

    /// The double mark `t` closes the open quotation that `och` opened.
    fn closes(&self, och: char, t: &Tok) -> bool {
        let (oc, cc) = (opening_ctx(self.text, t), closing_ctx(self.text, t));
        match t.ch {
            '”' | '»' | '"' => true,
            // A wrong curly mark that touches the word before it: "We are done,“ she said.
            '“' => och == '„' || (cc && (!oc || touches_left(self.text, t))),
            '‟' => cc && !oc,
            '«' => och == '»' && cc,
            _ => false,
        }
    }

    /// A double mark at token `i`.
    fn mark(&mut self, i: usize) {
        let t = &self.toks[i];
        let Some(o) = self.open else {
            if self.opens(i) {
                self.open = Some(i);
            } else {
                let msg = format!("stray closing quotation mark at byte {}", t.start);
                self.warnings.push(msg);
            }
            return;
        };
        let och = self.toks[o].ch;
        if let Some(&top) = self.nested.last() {
            if t.ch == top && !opening_only(self.text, t) {
                self.nested.pop();
                return;
            }
        }
        if self.opens_nested(o, i) {
            self.nested.push(nested_closer(t.ch));
        } else if self.closes(och, t) {
            self.close(o, Some(i), i + 1);
        } else {
            let msg = format!(
                "quotation mark at byte {} inside an open quotation: ignored",
                t.start
            );
            self.warnings.push(msg);
        }
    }

    fn close(&mut self, o: usize, close: Option<usize>, end: usize) {
        if let Some(r) = make_region(self.text, self.toks, o, close, end, false) {
            self.regions.push(r);
        }
        self.open = None;
        self.nested.clear();
    }

    /// A paragraph break at token `i` while a quotation is open: the quotation goes on when
    /// the next paragraph opens with a mark (the multi-paragraph convention), else it ends here.
    /// Returns the token to go on from.
    fn paragraph_end(&mut self, o: usize, i: usize) -> usize {
        self.nested.clear();
        let (text, toks) = (self.text, self.toks);
        let k = next_content_tok(toks, i);
        let cont = k < toks.len()
            && toks[k].kind == TokKind::Mark
            && matches!(toks[k].ch, '“' | '"' | '„' | '«' | '‟')
            && opening_ctx(text, &toks[k]);
        if cont {
            return k + 1;
        }
        self.warnings.push(format!(
            "unclosed quotation mark at byte {}: closed at the paragraph end",
            toks[o].start
        ));
        self.close(o, None, i);
        i + 1
    }
}

/// Pair the double marks (straight, curly, guillemets, „ “) into top-level quotations; marks
/// of nested quotations stay inside theirs.
fn pair_doubles(text: &str, toks: &[Tok], warnings: &mut Vec<String>) -> Vec<Region> {
    let mut p = DoublePairing {
        text,
        toks,
        warnings,
        regions: Vec::new(),
        open: None,
        nested: Vec::new(),
    };
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match (t.kind, p.open) {
            (TokKind::Break, Some(o)) => {
                i = p.paragraph_end(o, i);
                continue;
            }
            (TokKind::Mark, _) if is_double(t.ch) => p.mark(i),
            _ => {}
        }
        i += 1;
    }
    if let Some(o) = p.open {
        p.warnings.push(format!(
            "unclosed quotation mark at byte {}: closed at the end of the text",
            toks[o].start
        ));
        p.close(o, None, toks.len());
    }
    p.regions
}

/// The single mark at token `j` closes a quotation in single marks (’ ' ›, or a wrong ‘ that
/// touches the word before it).
fn closes_single(text: &str, u: &Tok) -> bool {
    u.kind == TokKind::Mark
        && matches!(u.ch, '’' | '\'' | '›' | '‘')
        && touches_left(text, u)
        && closing_ctx(text, u)
}

/// "the Smiths' plans": a closing single mark after an "s" with a lower-case word after it is
/// more likely a plural possessive.
fn possessive(text: &str, u: &Tok) -> bool {
    prev_char(text, u.start) == Some('s')
        && next_char(text, u.end) == Some(' ')
        && text[u.end..]
            .trim_start_matches(' ')
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase())
}

/// The closing mark of a quotation in single marks opened at token `i`, within its paragraph
/// and a few hundred tokens: the first closing mark that is no plural possessive, else the
/// first possessive one. A double-mark quotation on the way is nested in it (`in_double[j]`:
/// the double-mark quotation that token `j` opens), unless the closing mark found is only a
/// possessive one.
fn single_close(
    text: &str,
    toks: &[Tok],
    i: usize,
    in_double: &[Option<usize>],
    doubles: &[Region],
) -> Option<usize> {
    let mut found = None;
    let mut crossed = false;
    let mut j = i + 1;
    while j < toks.len() && j < i + 400 && toks[j].kind != TokKind::Break {
        if let Some(d) = in_double[j] {
            let r = &doubles[d];
            if r.open_tok != j || toks[j..r.tok_end].iter().any(|u| u.kind == TokKind::Break) {
                return found;
            }
            crossed = true;
            j = r.tok_end;
            continue;
        }
        let u = &toks[j];
        if closes_single(text, u) {
            if !possessive(text, u) {
                return Some(j);
            }
            if found.is_none() && !crossed {
                found = Some(j);
            }
        }
        j += 1;
    }
    found
}

/// Pair single marks used as quotation marks, outside the double-mark quotations or around
/// them; apostrophes (inside words, elisions) are no marks here.
fn pair_singles(text: &str, toks: &[Tok], doubles: &[Region]) -> Vec<Region> {
    let mut in_double = vec![None; toks.len()];
    for (d, r) in doubles.iter().enumerate() {
        for f in in_double
            .iter_mut()
            .take(r.tok_end.min(toks.len()))
            .skip(r.open_tok)
        {
            *f = Some(d);
        }
    }
    let mut singles = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let is_open_single = in_double[i].is_none()
            && t.kind == TokKind::Mark
            && matches!(t.ch, '‘' | '\'' | '‚' | '‹')
            && opening_ctx(text, t)
            && next_char(text, t.end).is_some_and(|c| c.is_alphanumeric());
        if is_open_single {
            if let Some(c) = single_close(text, toks, i, &in_double, doubles) {
                if let Some(r) = make_region(text, toks, i, Some(c), c + 1, true) {
                    singles.push(r);
                }
                i = c + 1;
                continue;
            }
        }
        i += 1;
    }
    singles
}

/// Marks around a lone reporting verb right after its subject ("he 'said'", "Smith 'said'")
/// only doubt the attribution: the verb stays a word of the sentence, no quotation. A quoted
/// word after anything else stays quoted ("reeks of “fear”").
fn marks_a_lone_cue(text: &str, toks: &[Tok], r: &Region) -> bool {
    let inner = &toks[r.open_tok + 1..r.tok_end.saturating_sub(1)];
    let after_subject = r.open_tok.checked_sub(1).is_some_and(|p| {
        let t = &toks[p];
        t.kind == TokKind::Word && (is_subject_pronoun(&t.lower) || t.is_cap(text))
    });
    r.words == 1
        && after_subject
        && inner.len() <= 2
        && inner
            .iter()
            .any(|t| t.kind == TokKind::Word && is_cue_word(&t.lower))
}

/// Quotations that read as speech: three words or more, ending in sentence or clause
/// punctuation before the closing mark.
fn speech_like(text: &str, r: &Region) -> bool {
    r.words >= 3 && text[r.inner.start..r.inner.end].ends_with(['.', ',', '!', '?'])
}

/// Pair quotation marks into regions (sorted, non-overlapping at the top level). A text whose
/// speech stands in single marks more often than in double ones (British style) has single
/// marks as its outer quotation marks: its single-mark regions are not `single`.
pub fn pair_marks(text: &str, toks: &[Tok], warnings: &mut Vec<String>) -> Vec<Region> {
    let doubles = pair_doubles(text, toks, warnings);
    let singles = pair_singles(text, toks, &doubles);
    // Both lists are sorted and non-overlapping: one walk drops the double-mark quotations
    // nested in single-mark ones.
    let mut regions: Vec<Region> = Vec::with_capacity(doubles.len() + singles.len());
    let mut k = 0;
    for r in doubles {
        while k < singles.len() && singles[k].tok_end <= r.open_tok {
            k += 1;
        }
        let nested = singles
            .get(k)
            .is_some_and(|s| s.open_tok < r.open_tok && r.tok_end <= s.tok_end);
        if !nested {
            regions.push(r);
        }
    }
    let british = {
        let speech = |rs: &[Region]| rs.iter().filter(|r| speech_like(text, r)).count();
        let s = speech(&singles);
        s >= 1 && s > speech(&regions)
    };
    regions.extend(singles.into_iter().map(|mut r| {
        r.single = !british;
        r
    }));
    regions.retain(|r| !marks_a_lone_cue(text, toks, r));
    regions.sort_by_key(|r| r.open_tok);
    regions
}

#[cfg(test)]
mod tests {
    use crate::text::TextAnalysis;

    /// The text inside each top-level quotation, with its `single` flag.
    fn quoted(text: &str) -> Vec<(&str, bool)> {
        TextAnalysis::new(text)
            .quotations
            .iter()
            .map(|r| (r.inner.as_str(text), r.single))
            .collect()
    }

    fn inner(text: &str) -> Vec<&str> {
        quoted(text).into_iter().map(|q| q.0).collect()
    }

    #[test]
    fn a_single_quotation_holds_the_double_quoted_speech_it_reports() {
        let t =
            "'When the referee told me \"get off the pitch\" I just laughed,' Gareth Evans said.";
        assert_eq!(
            inner(t),
            vec!["When the referee told me \"get off the pitch\" I just laughed,"]
        );
        let t = "‘The players call it “the long walk” for a reason,’ said manager Neil Carter.";
        assert_eq!(
            inner(t),
            vec!["The players call it “the long walk” for a reason,"]
        );
        // A possessive apostrophe after the double quotation closes nothing around it.
        let t = "Critics of 'the plan say \"we had money,\" the Joneses' lawyer said.";
        assert_eq!(inner(t), vec!["we had money,"]);
    }

    #[test]
    fn guillemets_and_curly_marks_nest_in_each_other() {
        let t = "“The slogan « never again » is on every wall in the city,” said Claire Martin.";
        assert_eq!(
            inner(t),
            vec!["The slogan « never again » is on every wall in the city,"]
        );
        let t = "The mayor said: «They told me “wait” for ten years.» Nobody answered.";
        assert_eq!(inner(t), vec!["They told me “wait” for ten years."]);
        let t = "“My father said ‘work hard’ and I never forgot it,” Ahmed Khan said.";
        assert_eq!(
            inner(t),
            vec!["My father said ‘work hard’ and I never forgot it,"]
        );
    }

    #[test]
    fn a_quotation_nests_in_one_of_the_same_marks_when_the_marks_balance() {
        let t = "“He shouted “stop the car” and then he ran,” the witness told the court.";
        assert_eq!(inner(t), vec!["He shouted “stop the car” and then he ran,"]);
        let t = "\"He shouted \"stop the car\" and then he ran,\" the witness told the court.";
        assert_eq!(
            inner(t),
            vec!["He shouted \"stop the car\" and then he ran,"]
        );
        // Two quotations side by side: an even number of marks after the second opener.
        let t = "\"We are ready,\" he said. \"We will win.\"";
        assert_eq!(inner(t), vec!["We are ready,", "We will win."]);
        // Too few closing marks for a nested one: the first closing mark ends the quotation.
        let t = "“We said “no. That was all,” she said.";
        assert_eq!(inner(t), vec!["We said “no. That was all,"]);
    }

    #[test]
    fn single_marks_are_the_outer_marks_of_a_british_style_text() {
        let t = "‘There is no money left,’ said David Brown. ‘We have to make choices.’";
        assert_eq!(
            quoted(t),
            vec![
                ("There is no money left,", false),
                ("We have to make choices.", false)
            ]
        );
        // Beside speech in double marks, single marks quote words.
        let t = "\"We have to make choices,\" Brown said of the 'austerity budget' plan.";
        assert_eq!(
            quoted(t),
            vec![
                ("We have to make choices,", false),
                ("austerity budget", true)
            ]
        );
    }

    #[test]
    fn word_initial_apostrophes_open_no_quotation() {
        let t = "Residents told 'em to go. The officer said 'nothing happened here' and left.";
        assert_eq!(inner(t), vec!["nothing happened here"]);
        let t = "‘They played rock ’n’ roll until the police arrived,’ neighbour Mark Reid said.";
        assert_eq!(
            inner(t),
            vec!["They played rock ’n’ roll until the police arrived,"]
        );
        let t = "'They played rock 'n' roll all night,' he said.";
        assert_eq!(inner(t), vec!["They played rock 'n' roll all night,"]);
        let t = "'It was the '90s and 'twas all fun,' she said.";
        assert_eq!(inner(t), vec!["It was the '90s and 'twas all fun,"]);
    }

    #[test]
    fn marks_around_a_lone_reporting_verb_make_no_quotation() {
        let t = "\"We did nothing wrong,\" he 'said'. \"The audit will prove it.\"";
        assert_eq!(
            inner(t),
            vec!["We did nothing wrong,", "The audit will prove it."]
        );
        let t = "'We did nothing wrong,' Lane 'said'.";
        assert_eq!(inner(t), vec!["We did nothing wrong,"]);
        // A one-word quotation of another word, or of a verb after no subject, stays.
        let t = "He called the plan 'madness' on Monday.";
        assert_eq!(inner(t), vec!["madness"]);
        let t = "The move reeks of “fear” and desperation.";
        assert_eq!(inner(t), vec!["fear"]);
    }

    #[test]
    fn stray_and_wrong_marks() {
        // A straight mark between spaces before an opening one is a stray closing mark.
        let t = "The deal is done \" critics disagree, the senator said. \"It will collapse,\" Park said.";
        assert_eq!(inner(t), vec!["It will collapse,"]);
        // A stray curly closing mark pairs with nothing.
        let t = "The deal is finished.” Critics disagree, he said. “It will collapse,” Park said.";
        assert_eq!(inner(t), vec!["It will collapse,"]);
        // Closed by the wrong curly mark.
        let t = "“We are not finished yet,“ said coach Brian Walsh. “Not yet.”";
        assert_eq!(inner(t), vec!["We are not finished yet,", "Not yet."]);
        let t = "‘We are not finished yet,‘ said coach Brian Walsh.";
        assert_eq!(inner(t), vec!["We are not finished yet,"]);
        // An unclosed last quotation ends with the text, with a warning.
        let t = "Helen Grant said: “I will not resign over this.";
        let a = TextAnalysis::new(t);
        assert_eq!(a.quotations.len(), 1);
        assert_eq!(
            a.quotations[0].inner.as_str(t),
            "I will not resign over this."
        );
        assert!(
            a.warnings.iter().any(|w| w.contains("end of the text")),
            "{:?}",
            a.warnings
        );
    }

    #[test]
    fn a_quotation_goes_on_across_a_single_line_break() {
        for nl in ["\n", "\r\n"] {
            let t = format!(
                "The council met.{nl}“We will rebuild the bridge and{nl}nobody will be left behind,” Park said.{nl}The vote is next week."
            );
            let q = inner(&t);
            assert_eq!(q.len(), 1, "{t:?}");
            assert!(
                q[0].starts_with("We will") && q[0].ends_with("behind,"),
                "{q:?}"
            );
        }
        // A paragraph that opens with a mark starts a new quotation (multi-paragraph style).
        let t = "“We will rebuild the bridge.\n“Nobody will be left behind,” Park said.";
        assert_eq!(
            inner(t),
            vec!["We will rebuild the bridge.\n“Nobody will be left behind,"]
        );
    }
}
