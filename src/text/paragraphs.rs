//! Paragraphs: which line breaks end a paragraph and which only wrap a line (hard-wrapped text).

/// Byte offsets of the '\n' that end paragraphs (all of them, less the hard wraps).
pub fn paragraph_breaks(text: &str, soft: &[usize]) -> Vec<usize> {
    text.match_indices('\n')
        .map(|(i, _)| i)
        .filter(|i| soft.binary_search(i).is_err())
        .collect()
}

/// Byte offsets of the line breaks that only wrap lines inside a paragraph. A text is taken as
/// hard-wrapped when it separates paragraphs by blank lines, has more single line breaks than
/// separators, and its lines are short; otherwise every line break ends a paragraph.
pub fn soft_newlines(text: &str) -> Vec<usize> {
    let nl: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    if nl.len() < 4 {
        return Vec::new();
    }
    let line = |k: usize| -> &str {
        let s = if k == 0 { 0 } else { nl[k - 1] + 1 };
        let e = nl.get(k).copied().unwrap_or(text.len());
        &text[s..e]
    };
    let blank = |l: &str| {
        let t = l.trim();
        t.is_empty() || t == "."
    };
    let (mut seps, mut long, mut lines) = (0usize, 0usize, 0usize);
    let mut soft = Vec::new();
    for (k, &pos) in nl.iter().enumerate() {
        let (a, b) = (line(k), line(k + 1));
        if !blank(a) {
            lines += 1;
            if a.chars().count() > 100 {
                long += 1;
            }
            if blank(b) {
                seps += 1;
            } else {
                soft.push(pos);
            }
        }
    }
    if seps >= 1 && soft.len() > seps && long * 10 <= lines {
        soft
    } else {
        Vec::new()
    }
}

/// A double quotation mark (the marks a quotation can span lines with).
fn is_double_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»')
}

/// How a double mark stands between its neighbours: `Some(true)` opens (space or line start
/// before it, a word after it), `Some(false)` closes (a word or punctuation before it, a space,
/// punctuation or the line end after it), `None` when its neighbours do not tell.
fn mark_side(line: &[char], k: usize) -> Option<bool> {
    let before = k.checked_sub(1).map(|p| line[p]);
    let after = line.get(k + 1).copied();
    let space_before = before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '—' | '–'));
    let word_after = after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '‘' | '\'' | '…'));
    let open_after = after.is_none_or(|c| c.is_whitespace() || ",.;:!?)—–-…".contains(c));
    match (space_before, word_after, open_after) {
        (true, true, _) => Some(true),
        (false, _, true) => Some(false),
        _ => None,
    }
}

/// The side ([`mark_side`]) of the last (`last`) or first double mark of a line.
fn double_mark_side(line: &str, last: bool) -> Option<Option<bool>> {
    let chars: Vec<char> = line.chars().collect();
    let mut ks = (0..chars.len()).filter(|&k| is_double_mark(chars[k]));
    let k = if last { ks.next_back() } else { ks.next() }?;
    Some(mark_side(&chars, k))
}

/// Byte offsets of the single line breaks that fall inside a quotation or between a quotation
/// and its attribution, in any text (hard-wrapped or not): they only wrap a line.
/// - a line whose last double mark opens a quotation, followed (on the next line, or the one
///   after it) by a line whose first double mark closes one: "“We will rebuild … and⏎nobody will
///   be left behind,” Park said." A line that starts with a mark starts a paragraph instead (the
///   multi-paragraph convention reopens the quotation there);
/// - a line that ends with a comma and a closing mark, the attribution on the next line
///   ("…without a contract,"⏎union leader Maria Santos told reporters."), or with "?" / "!" and
///   a closing mark when the next line goes on in lower case ("Why now?"⏎she asked.).
///
/// A blank line always ends the paragraph.
pub fn quotation_wraps(text: &str) -> Vec<usize> {
    let nl: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line = |k: usize| -> &str {
        let s = if k == 0 { 0 } else { nl[k - 1] + 1 };
        let e = nl.get(k).copied().unwrap_or(text.len());
        text[s..e].trim_end_matches('\r')
    };
    let starts_new = |l: &str| {
        let t = l.trim_start();
        t.is_empty() || t.starts_with(is_double_mark)
    };
    let mut out = Vec::new();
    for k in 0..nl.len() {
        let a = line(k);
        if a.trim().is_empty() || starts_new(line(k + 1)) {
            continue;
        }
        if continues_after_close(a, line(k + 1)) {
            out.push(nl[k]);
            continue;
        }
        if double_mark_side(a, true) != Some(Some(true)) {
            continue;
        }
        // The quotation open at the end of line k closes on line k + 1 or k + 2.
        for j in k + 1..(k + 3).min(nl.len() + 1) {
            let b = line(j);
            if j > k + 1 && starts_new(b) {
                break;
            }
            match double_mark_side(b, false) {
                None => continue,
                Some(Some(false)) => out.extend(nl[k..j].iter().copied()),
                Some(_) => {}
            }
            break;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Line `a` ends a quotation that the sentence goes on after, on line `b` (its attribution).
fn continues_after_close(a: &str, b: &str) -> bool {
    let mut rev = a.trim_end().chars().rev();
    let (Some(m), Some(p)) = (rev.next(), rev.next()) else {
        return false;
    };
    let first = b.trim_start().chars().next();
    matches!(m, '"' | '”' | '’' | '\'' | '»')
        && (p == ',' && first.is_some_and(char::is_alphabetic)
            || matches!(p, '?' | '!') && first.is_some_and(char::is_lowercase))
}

/// Number of paragraph breaks (runs of paragraph-ending line breaks, see
/// [`paragraph_breaks`]) between two byte offsets.
pub fn paragraphs_between(text: &str, breaks: &[usize], a: usize, b: usize) -> usize {
    let lo = breaks.partition_point(|&x| x < a);
    let hi = breaks.partition_point(|&x| x < b);
    let mut n = 0;
    let mut prev: Option<usize> = None;
    for &x in &breaks[lo..hi] {
        let joined = prev.is_some_and(|p| {
            text.get(p + 1..x)
                .is_some_and(|g| g.chars().all(|c| c.is_whitespace() || c == '.'))
        });
        if !joined {
            n += 1;
        }
        prev = Some(x);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_inside_a_quotation_or_before_its_attribution_wrap() {
        let t = "Talks stalled.\n“We will rebuild the bridge and\nnobody will be left behind,” Park said.\nThe vote is next week.";
        let nl: Vec<usize> = t.match_indices('\n').map(|(i, _)| i).collect();
        assert_eq!(quotation_wraps(t), vec![nl[1]]);
        // Closed two lines on.
        let t = "“We will rebuild\nthe bridge and the road\nby winter,” Park said.";
        assert_eq!(quotation_wraps(t).len(), 2);
        // The attribution on the next line, after a comma or a lower-case question.
        let t = "Day three.\r\n\"We are not going back,\"\r\nMaria Santos told reporters.";
        let nl: Vec<usize> = t.match_indices('\n').map(|(i, _)| i).collect();
        assert_eq!(quotation_wraps(t), vec![nl[1]]);
        let t = "\"Why now?\"\nshe asked.\n\"Why now?\"\nThe question stayed.";
        assert_eq!(quotation_wraps(t), vec![t.find('\n').unwrap()]);
    }

    #[test]
    fn paragraph_ends_stay_paragraph_ends() {
        // Blank lines, closed quotations, and a next paragraph opening a quotation.
        for t in [
            "“We will rebuild,” Park said.\nThe vote is next week.",
            "He said: “We will rebuild the bridge.\n\nnobody,” he said.",
            "“We will rebuild the bridge.\n“Nobody will be left behind,” Park said.",
            "The vote is next week.\nnobody came.",
            "“We will rebuild,”\n\nPark said.",
        ] {
            assert!(quotation_wraps(t).is_empty(), "{t:?}");
        }
    }
}
