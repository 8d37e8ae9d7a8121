//! Escaping and span markup: the article text with marks (entity mentions, quotes, cues,
//! speakers) laid over it, built from a sorted list of open/close boundaries so that nested and
//! crossing spans both come out right and the text itself is never searched or replaced.
//!
//! Offsets are Unicode code points, as in the CSV contract.

use std::fmt::Write as _;

/// Escape `s` for HTML text content or a double-quoted attribute value.
///
/// Besides `& < > " '`, a carriage return is written as `&#13;`: the HTML parser turns a literal
/// CR (and CR LF) into LF, and the contract keeps CRLF as two characters.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push_str("&#13;"),
            // The parser replaces NUL by U+FFFD anyway; say so here rather than there.
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// One mark over `text[start..end]` (code points), rendered as a `<span>`.
///
/// `attrs` is the attribute text, already escaped (` class="ent PER" data-k="e3"`); `id`, when
/// set, goes on the first fragment only (a mark that crosses another is split into fragments
/// that share `attrs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Escaped attributes, each with a leading blank.
    pub attrs: String,
    /// Element id of the first fragment.
    pub id: Option<String>,
}

/// Markup inserted at one position (code points), after the marks that close there and before
/// those that open there: a speaker label after its quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    /// Where.
    pub at: usize,
    /// The HTML to insert.
    pub html: String,
}

/// Render `text` with `marks` and `inserts` as HTML (text escaped).
///
/// Marks with `end > start` only; a mark that ends past the text is clipped by the caller (see
/// [`char_len`]). At one position, marks close before new ones open; among marks opening at the
/// same position the longer one opens first (it encloses the others), ties by input order. When
/// a mark must close while marks opened after it are still open (crossing spans), those are
/// closed and reopened around its end, so every element is well nested and each fragment carries
/// the same `attrs`.
///
/// # Panics
/// A mark or insert past the end of `text` (an invariant the caller checks).
pub fn render_marked(text: &str, marks: &[Mark], inserts: &[Insert]) -> String {
    // Byte offset of each code point and of the end.
    let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    bytes.push(text.len());
    let n = bytes.len() - 1;
    let mut opens: Vec<usize> = (0..marks.len())
        .filter(|&i| marks[i].end > marks[i].start)
        .collect();
    for &i in &opens {
        assert!(marks[i].end <= n, "mark past the end of the text");
    }
    opens.sort_by(|&a, &b| {
        (marks[a].start, std::cmp::Reverse(marks[a].end), a).cmp(&(
            marks[b].start,
            std::cmp::Reverse(marks[b].end),
            b,
        ))
    });
    let mut ins: Vec<usize> = (0..inserts.len()).collect();
    for &i in &ins {
        assert!(inserts[i].at <= n, "insert past the end of the text");
    }
    ins.sort_by_key(|&i| (inserts[i].at, i));

    // Every position where something happens, ascending.
    let mut points: Vec<usize> = opens
        .iter()
        .flat_map(|&i| [marks[i].start, marks[i].end])
        .chain(ins.iter().map(|&i| inserts[i].at))
        .collect();
    points.sort_unstable();
    points.dedup();

    let mut out = String::with_capacity(text.len() * 2 + marks.len() * 64);
    let mut stack: Vec<usize> = Vec::new(); // open marks, innermost last
    let mut started = vec![false; marks.len()];
    let (mut next_open, mut next_ins, mut last) = (0usize, 0usize, 0usize);
    let open_tag = |out: &mut String, i: usize, first: bool| {
        out.push_str("<span");
        if first {
            if let Some(id) = &marks[i].id {
                let _ = write!(out, " id=\"{}\"", escape(id));
            }
        }
        out.push_str(&marks[i].attrs);
        out.push('>');
    };
    for p in points {
        escape_into(&mut out, &text[bytes[last]..bytes[p]]);
        last = p;
        // Close the marks ending here; reopen the ones opened after them that go on.
        if stack.iter().any(|&i| marks[i].end == p) {
            let deepest = stack
                .iter()
                .position(|&i| marks[i].end == p)
                .expect("checked above");
            let mut reopen = Vec::new();
            while stack.len() > deepest {
                let i = stack.pop().expect("length checked");
                out.push_str("</span>");
                if marks[i].end != p {
                    reopen.push(i);
                }
            }
            for &i in reopen.iter().rev() {
                open_tag(&mut out, i, false);
                stack.push(i);
            }
        }
        while next_ins < ins.len() && inserts[ins[next_ins]].at == p {
            out.push_str(&inserts[ins[next_ins]].html);
            next_ins += 1;
        }
        while next_open < opens.len() && marks[opens[next_open]].start == p {
            let i = opens[next_open];
            open_tag(&mut out, i, !started[i]);
            started[i] = true;
            stack.push(i);
            next_open += 1;
        }
    }
    escape_into(&mut out, &text[bytes[last]..]);
    debug_assert!(stack.is_empty(), "every mark ends within the text");
    out
}

/// Length of `text` in code points.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// `text[start..end]` in code points; `None` when out of range.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut it = text.char_indices().map(|(b, _)| b).chain([text.len()]);
    let s = it.nth(start)?;
    let e = if end == start {
        s
    } else {
        it.nth(end - start - 1)?
    };
    Some(&text[s..e])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize, k: &str) -> Mark {
        Mark {
            start,
            end,
            attrs: format!(" data-k=\"{k}\""),
            id: None,
        }
    }

    #[test]
    fn escapes_markup_and_keeps_cr() {
        assert_eq!(
            escape("<script>a&b</script>\"'\r\n"),
            "&lt;script&gt;a&amp;b&lt;/script&gt;&quot;&#39;&#13;\n"
        );
    }

    #[test]
    fn nested_marks() {
        let t = "Osama Hamdan said";
        let html = render_marked(t, &[m(6, 12, "b"), m(0, 12, "a")], &[]);
        assert_eq!(
            html,
            "<span data-k=\"a\">Osama <span data-k=\"b\">Hamdan</span></span> said"
        );
    }

    #[test]
    fn crossing_marks_are_split_and_reopened() {
        let html = render_marked("abcdef", &[m(0, 4, "x"), m(2, 6, "y")], &[]);
        assert_eq!(
            html,
            "<span data-k=\"x\">ab<span data-k=\"y\">cd</span></span>\
             <span data-k=\"y\">ef</span>"
        );
    }

    #[test]
    fn identical_spans_and_inserts() {
        let mut a = m(0, 2, "a");
        a.id = Some("first".into());
        let html = render_marked(
            "ab c",
            &[a, m(0, 2, "b")],
            &[Insert {
                at: 2,
                html: "<i>L</i>".into(),
            }],
        );
        assert_eq!(
            html,
            "<span id=\"first\" data-k=\"a\"><span data-k=\"b\">ab</span></span><i>L</i> c"
        );
    }

    #[test]
    fn code_points_not_bytes() {
        // “ is 3 bytes, the emoji 4, e + combining acute 2 code points.
        let t = "\u{201c}Hi\u{201d} \u{1f3c3} Zoe\u{301}!";
        let html = render_marked(t, &[m(1, 3, "q"), m(7, 11, "n")], &[]);
        assert_eq!(
            html,
            "\u{201c}<span data-k=\"q\">Hi</span>\u{201d} \u{1f3c3} <span data-k=\"n\">Zoe\u{301}</span>!"
        );
    }

    #[test]
    fn the_text_is_escaped_between_marks() {
        let html = render_marked("<b>x</b>", &[m(3, 4, "k")], &[]);
        assert_eq!(html, "&lt;b&gt;<span data-k=\"k\">x</span>&lt;/b&gt;");
    }

    #[test]
    fn slices_by_code_point() {
        let t = "a\u{1f3c3}b\r\nc";
        assert_eq!(char_slice(t, 1, 3), Some("\u{1f3c3}b"));
        assert_eq!(char_slice(t, 3, 5), Some("\r\n"));
        assert_eq!(char_slice(t, 6, 6), Some(""));
        assert_eq!(char_slice(t, 6, 7), None);
        assert_eq!(char_len(t), 6);
    }
}
