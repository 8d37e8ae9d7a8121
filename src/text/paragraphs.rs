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
