//! Quotation marks: which marks open and close a quotation, and the quotations they delimit.

use super::tokens::{is_double, is_invisible, is_mark_char, Tok, TokKind};
use crate::doc::Span;

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
    /// Delimited by single marks.
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

/// Pair quotation marks into regions (sorted, non-overlapping at the top level).
pub fn pair_marks(text: &str, toks: &[Tok], warnings: &mut Vec<String>) -> Vec<Region> {
    let mut regions: Vec<Region> = Vec::new();
    // Double marks first.
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t.kind {
            TokKind::Break => {
                if let Some(o) = open {
                    let k = next_content_tok(toks, i);
                    let cont = k < toks.len()
                        && toks[k].kind == TokKind::Mark
                        && matches!(toks[k].ch, '“' | '"' | '„' | '«' | '‟')
                        && opening_ctx(text, &toks[k]);
                    if cont {
                        // Multi-paragraph quotation: the mark reopens the same quotation.
                        i = k + 1;
                        continue;
                    }
                    warnings.push(format!(
                        "unclosed quotation mark at byte {}: closed at the paragraph end",
                        toks[o].start
                    ));
                    if let Some(r) = make_region(text, toks, o, None, i, false) {
                        regions.push(r);
                    }
                    open = None;
                }
            }
            TokKind::Mark if is_double(t.ch) => {
                let oc = opening_ctx(text, t);
                let cc = closing_ctx(text, t);
                match open {
                    None => {
                        let opener = match t.ch {
                            '“' | '„' | '«' | '‟' => true,
                            '"' => {
                                let inch =
                                    prev_char(text, t.start).is_some_and(|c| c.is_ascii_digit());
                                !cc || (oc && !inch)
                            }
                            _ => oc && !cc, // a closing mark used as an opener
                        };
                        if opener {
                            open = Some(i);
                        } else {
                            warnings
                                .push(format!("stray closing quotation mark at byte {}", t.start));
                        }
                    }
                    Some(o) => {
                        let och = toks[o].ch;
                        let closes = match t.ch {
                            '”' | '»' | '"' => true,
                            '“' => och == '„' || (cc && !oc),
                            '‟' => cc && !oc,
                            _ => false,
                        };
                        if closes {
                            if let Some(r) = make_region(text, toks, o, Some(i), i + 1, false) {
                                regions.push(r);
                            }
                            open = None;
                        } else {
                            warnings.push(format!(
                                "quotation mark at byte {} inside an open quotation: ignored",
                                t.start
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(o) = open {
        warnings.push(format!(
            "unclosed quotation mark at byte {}: closed at the end of the text",
            toks[o].start
        ));
        if let Some(r) = make_region(text, toks, o, None, toks.len(), false) {
            regions.push(r);
        }
    }
    // Single marks outside double regions, within one paragraph.
    let mut inside = vec![false; toks.len()];
    for r in &regions {
        for f in inside
            .iter_mut()
            .take(r.tok_end.min(toks.len()))
            .skip(r.open_tok)
        {
            *f = true;
        }
    }
    let mut singles = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let is_open_single = !inside[i]
            && t.kind == TokKind::Mark
            && matches!(t.ch, '‘' | '\'' | '‚' | '‹')
            && opening_ctx(text, t)
            && next_char(text, t.end).is_some_and(|c| c.is_alphanumeric());
        if is_open_single {
            let mut j = i + 1;
            let mut found = None;
            // Bounded search: a quotation in single marks stays within one paragraph and
            // a few hundred tokens.
            while j < toks.len() && j < i + 400 && !inside[j] && toks[j].kind != TokKind::Break {
                let u = &toks[j];
                if u.kind == TokKind::Mark
                    && matches!(u.ch, '’' | '\'' | '›')
                    && prev_char(text, u.start).is_some_and(|c| !c.is_whitespace())
                    && closing_ctx(text, u)
                {
                    // "the Smiths' plans": a plural possessive, unless nothing better follows.
                    let possessive = prev_char(text, u.start) == Some('s')
                        && text[u.end..]
                            .trim_start_matches(' ')
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_lowercase())
                        && next_char(text, u.end) == Some(' ');
                    if possessive {
                        if found.is_none() {
                            found = Some(j);
                        }
                        j += 1;
                        continue;
                    }
                    found = Some(j);
                    break;
                }
                j += 1;
            }
            if let Some(c) = found {
                if let Some(r) = make_region(text, toks, i, Some(c), c + 1, true) {
                    singles.push(r);
                }
                i = c + 1;
                continue;
            }
        }
        i += 1;
    }
    regions.extend(singles);
    regions.sort_by_key(|r| r.open_tok);
    regions
}
