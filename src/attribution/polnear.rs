//! Reading PolNeAR (Newell, Margolin & Ruths 2018): article texts and their brat standoff
//! attribution annotations, as byte spans of sources, cues and contents.
//!
//! Layout of a split folder: `text/<article>.txt` and `attributions/<article>_<annotator>.ann`.
//! Where an article has several annotators the lexicographically first file is read (a
//! deterministic choice). Offsets in `.ann` files count Unicode code points, end-exclusive; a
//! span may be discontinuous (`start end;start end`), and each part is kept.

use super::Role;
use crate::doc::Span;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// One article with its attribution spans.
#[derive(Debug, Clone)]
pub struct Article {
    /// The article's file stem.
    pub id: String,
    /// The article text.
    pub text: String,
    /// Source, cue and content spans (byte offsets, parts of discontinuous spans separately),
    /// sorted by start.
    pub spans: Vec<(Role, Span)>,
}

/// Read every article of a PolNeAR split folder (with `text/` and `attributions/`), sorted by
/// name. An article without an annotation file is read with no spans.
///
/// # Errors
/// A missing folder, an unreadable file, or an annotation line that does not parse (the error
/// names the file and line).
pub fn read_split(dir: &Path) -> Result<Vec<Article>> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let mut texts = list(&text_dir, "txt")?;
    texts.sort();
    let mut anns = list(&ann_dir, "ann")?;
    anns.sort();
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        let id = t
            .file_stem()
            .and_then(|s| s.to_str())
            .with_context(|| format!("{}: file name is not UTF-8", t.display()))?
            .to_string();
        let text =
            std::fs::read_to_string(&t).with_context(|| format!("reading {}", t.display()))?;
        let prefix = format!("{id}_");
        let ann = anns.iter().find(|a| {
            a.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.strip_prefix(&prefix))
                .is_some_and(|annotator| !annotator.contains('_'))
        });
        let spans = match ann {
            Some(a) => {
                let raw = std::fs::read_to_string(a)
                    .with_context(|| format!("reading {}", a.display()))?;
                parse_ann(&text, &raw).with_context(|| format!("{}", a.display()))?
            }
            None => Vec::new(),
        };
        out.push(Article { id, text, spans });
    }
    Ok(out)
}

fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("reading folder {}", dir.display()))? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == ext) {
            v.push(p);
        }
    }
    Ok(v)
}

/// The source, cue and content spans of one `.ann` file over `text`, as byte spans sorted by
/// start. Other span types (Attribution triggers, Discard, Discuss) and event lines are skipped.
///
/// # Errors
/// A `T` line of a kept type whose offsets do not parse or fall outside the text ("line N: …").
pub fn parse_ann(text: &str, raw: &str) -> Result<Vec<(Role, Span)>> {
    // Byte offset of each code point, plus the end.
    let mut at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    at.push(text.len());
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if !line.starts_with('T') {
            continue;
        }
        let Some(def) = line.split('\t').nth(1) else {
            continue; // the second line of a span text that ran over two lines
        };
        let (kind, offsets) = def.split_once(' ').unwrap_or((def, ""));
        let role = match kind {
            "Source" => Role::Source,
            "Cue" => Role::Cue,
            "Content" => Role::Content,
            _ => continue,
        };
        for part in offsets.split(';') {
            let mut it = part.split_whitespace().map(str::parse::<usize>);
            let (Some(Ok(a)), Some(Ok(b)), None) = (it.next(), it.next(), it.next()) else {
                bail!("line {}: bad offsets {part:?}", n + 1);
            };
            if a >= b || b >= at.len() {
                bail!(
                    "line {}: span {a}..{b} is empty or outside the text ({} characters)",
                    n + 1,
                    at.len() - 1
                );
            }
            out.push((role, Span::new(at[a], at[b])));
        }
    }
    out.sort_by_key(|(r, s)| (s.start, s.end, *r as u8));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_code_point_offsets_and_parts_are_kept() {
        let text = "“Go,” Ana said. Café owners say prices rose.";
        let ann = "T1\tContent 1 3\tGo\nT2\tSource 6 9\tAna\nT3\tCue 10 14\tsaid\n\
                   T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Content:T1\n\
                   T5\tSource 16 27\tCafé owners\nT6\tContent 32 38;39 43\tprices rose\n\
                   T7\tDiscard 0 1\t“\n#1\tAnnotatorNotes T1\tnote";
        let spans = parse_ann(text, ann).unwrap();
        let got: Vec<(Role, &str)> = spans.iter().map(|(r, s)| (*r, s.as_str(text))).collect();
        assert_eq!(
            got,
            vec![
                (Role::Content, "Go"),
                (Role::Source, "Ana"),
                (Role::Cue, "said"),
                (Role::Source, "Café owners"),
                (Role::Content, "prices"),
                (Role::Content, "rose"),
            ]
        );
    }

    #[test]
    fn bad_offsets_name_the_line() {
        let err = parse_ann("short", "T1\tCue 2 99\tx")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse_ann("short", "T1\tCue two 3\tx")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
