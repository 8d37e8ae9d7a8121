//! Loading a gold or predicted set: a folder in the CSV contract, CoNLL-2003 BIO files, or brat
//! standoff (`.ann` beside `.txt`). Every format becomes the same [`Set`] with code-point offsets.
#![deny(missing_docs)]

use super::matching::{Mention, QuoteMention};
use crate::corpus::{read_document, InputFile, DEFAULT_MAX_BYTES};
use crate::doc::{CharIndex, Label};
use crate::output::CsvTable;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The format of a gold or predicted set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A folder with `entities.csv` and/or `quotes.csv` is CSV; a folder with `.ann` files is
    /// brat; any other file or folder is read as CoNLL-2003.
    Auto,
    /// A folder in the CSV contract (`entities.csv`, `quotes.csv`, `documents.csv`).
    Csv,
    /// A CoNLL-2003 BIO file, or a folder of them (`*.conll`, `*.bio`, `*.iob`, `*.txt`).
    Conll,
    /// brat standoff: `*.ann` files, each beside its `*.txt`.
    Brat,
}

/// Problems that do not stop scoring (rows outside the document set, empty spans…), counted
/// with a first example.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Warnings(pub BTreeMap<String, (usize, String)>);

impl Warnings {
    /// Count one occurrence of `what`, keeping the first example.
    pub fn add(&mut self, what: impl Into<String>, example: impl Into<String>) {
        let e = self.0.entry(what.into()).or_insert((0, example.into()));
        e.0 += 1;
    }
}

/// Entities and quotes of a set, offsets in code points.
#[derive(Debug, Clone, Default)]
pub struct Set {
    /// What was read (for messages).
    pub source: String,
    /// Entity mentions; `None` when the set has no entity annotation.
    pub entities: Option<Vec<Mention>>,
    /// Quotes; `None` when the set has no quote annotation.
    pub quotes: Option<Vec<QuoteMention>>,
    /// Whether the quotes come with a `kind` column.
    pub quotes_have_kind: bool,
    /// The documents of the set, when it says (documents.csv, or the documents of a BIO/brat
    /// set).
    pub documents: Option<BTreeSet<String>>,
}

/// Load a set.
///
/// `strict_labels`: entity labels must be `PER`, `ORG`, `LOC` or `MISC` (for gold); otherwise
/// other labels are kept and counted in `warn`.
///
/// # Errors
/// Unreadable or malformed files; the message names file, line and column.
pub fn load(path: &Path, format: Format, strict_labels: bool, warn: &mut Warnings) -> Result<Set> {
    let format = match format {
        Format::Auto => detect(path)?,
        f => f,
    };
    let (mut set, name) = match format {
        Format::Csv => (load_csv(path, strict_labels, warn)?, "csv"),
        Format::Conll => (load_conll(path)?, "conll"),
        Format::Brat => (load_brat(path, warn)?, "brat"),
        Format::Auto => unreachable!("detect never answers Auto"),
    };
    set.source = format!("{} ({name})", path.display());
    Ok(set)
}

fn detect(path: &Path) -> Result<Format> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{}: cannot open", path.display()))?;
    if !meta.is_dir() {
        return Ok(if has_ext(path, "ann") {
            Format::Brat
        } else {
            Format::Conll
        });
    }
    if ["entities.csv", "quotes.csv", "documents.csv"]
        .iter()
        .any(|f| path.join(f).exists())
    {
        return Ok(Format::Csv);
    }
    if !files_with_ext(path, &["ann"])?.is_empty() {
        return Ok(Format::Brat);
    }
    if !files_with_ext(path, &["conll", "bio", "iob", "txt"])?.is_empty() {
        return Ok(Format::Conll);
    }
    // An empty or missing prediction folder is an empty CSV set.
    Ok(Format::Csv)
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Files directly in `dir` with one of `exts`, sorted.
fn files_with_ext(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))? {
        let p = e?.path();
        if p.is_file() && exts.iter().any(|x| has_ext(&p, x)) {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

// ----------------------------------------------------------------------------- CSV

fn load_csv(dir: &Path, strict_labels: bool, warn: &mut Warnings) -> Result<Set> {
    let mut set = Set::default();
    let docs = dir.join("documents.csv");
    if docs.exists() {
        let t = CsvTable::read(&docs)?;
        let c = t.require("doc_id")?;
        set.documents = Some(
            t.rows
                .iter()
                .map(|(_, r)| t.cell(r, Some(c)).trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
        );
    }
    let ents = dir.join("entities.csv");
    if ents.exists() {
        set.entities = Some(read_entities(&CsvTable::read(&ents)?, strict_labels, warn)?);
    }
    let quotes = dir.join("quotes.csv");
    if quotes.exists() {
        let t = CsvTable::read(&quotes)?;
        set.quotes_have_kind = t.column("kind").is_some();
        set.quotes = Some(read_quotes(&t, warn)?);
    }
    Ok(set)
}

/// Start and end of a row: both required, `start <= end`. `Ok(None)` for an empty span.
fn span_of(
    t: &CsvTable,
    line: u64,
    row: &[String],
    sc: usize,
    ec: usize,
) -> Result<Option<(usize, usize)>> {
    let (s, e) = t.span(line, row, sc, ec)?;
    Ok((e > s).then_some((s, e)))
}

/// `doc_id`, start and end of a row (columns `cols`); `None` (and a warning) for an empty span.
fn row_key(
    t: &CsvTable,
    line: u64,
    row: &[String],
    (dc, sc, ec): (usize, usize, usize),
    what: &str,
    warn: &mut Warnings,
) -> Result<Option<(String, usize, usize)>> {
    let doc_id = t.doc_id(line, row, dc)?.to_string();
    let Some((start, end)) = span_of(t, line, row, sc, ec)? else {
        let msg = format!("{}: empty {what} span (row ignored)", t.path.display());
        warn.add(msg, format!("line {line}"));
        return Ok(None);
    };
    Ok(Some((doc_id, start, end)))
}

fn read_entities(t: &CsvTable, strict_labels: bool, warn: &mut Warnings) -> Result<Vec<Mention>> {
    let (dc, sc, ec, lc) = (
        t.require("doc_id")?,
        t.require("start")?,
        t.require("end")?,
        t.require("label")?,
    );
    let tc = t.column("text");
    let mut out = Vec::new();
    for (line, row) in &t.rows {
        let Some((doc_id, start, end)) = row_key(t, *line, row, (dc, sc, ec), "entity", warn)?
        else {
            continue;
        };
        let label = t.cell(row, Some(lc)).trim().to_uppercase();
        if Label::parse(&label).is_none() {
            if strict_labels {
                return Err(t
                    .error(
                        *line,
                        Some(lc),
                        format!("label {label:?} is not PER, ORG, LOC or MISC"),
                    )
                    .into());
            }
            warn.add(
                format!("{}: labels outside PER/ORG/LOC/MISC", t.path.display()),
                label.clone(),
            );
        }
        out.push(Mention {
            doc_id,
            start,
            end,
            label,
            text: t.cell(row, tc).to_string(),
        });
    }
    Ok(out)
}

fn read_quotes(t: &CsvTable, warn: &mut Warnings) -> Result<Vec<QuoteMention>> {
    let (dc, sc, ec) = (t.require("doc_id")?, t.require("start")?, t.require("end")?);
    let col = |n| t.column(n);
    let (kc, tc, cc, spc) = (col("kind"), col("text"), col("cue"), col("speaker"));
    let (ssc, sec) = (col("speaker_start"), col("speaker_end"));
    let mut out = Vec::new();
    for (line, row) in &t.rows {
        let Some((doc_id, start, end)) = row_key(t, *line, row, (dc, sc, ec), "quote", warn)?
        else {
            continue;
        };
        let kind = t.cell(row, kc).trim().to_lowercase();
        if !kind.is_empty() && crate::doc::QuoteKind::parse(&kind).is_none() {
            warn.add(
                format!("{}: kind not direct/mixed/indirect", t.path.display()),
                kind.clone(),
            );
        }
        out.push(QuoteMention {
            doc_id,
            start,
            end,
            kind,
            text: t.cell(row, tc).to_string(),
            speaker: t.cell(row, spc).to_string(),
            speaker_start: t.number(*line, row, ssc)?,
            speaker_end: t.number(*line, row, sec)?,
            cue: t.cell(row, cc).to_string(),
        });
    }
    Ok(out)
}

// ----------------------------------------------------------------------------- CoNLL

/// Document ids of a BIO set: `doc000`, `doc001`… per file (at least three digits, as
/// `make_corpora.py` numbers them), prefixed by `STEM/` when the set has several files.
fn load_conll(path: &Path) -> Result<Set> {
    let files = if path.is_dir() {
        files_with_ext(path, &["conll", "bio", "iob", "txt"])?
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        bail!(
            "{}: no CoNLL files (*.conll, *.bio, *.iob, *.txt)",
            path.display()
        );
    }
    let mut ents = Vec::new();
    let mut docs = BTreeSet::new();
    for f in &files {
        let parsed = crate::conll::read_conll(f)?;
        let width = (parsed.len().saturating_sub(1)).to_string().len().max(3);
        let prefix = if files.len() > 1 {
            format!("{}/", f.file_stem().unwrap_or_default().to_string_lossy())
        } else {
            String::new()
        };
        for (di, doc) in parsed.iter().enumerate() {
            let doc_id = format!("{prefix}doc{di:0width$}");
            let (text, spans) = doc.text_and_word_spans();
            let ix = CharIndex::new(&text);
            for (sent, ws) in doc.sentences.iter().zip(&spans) {
                for (a, b, ty) in crate::conll::chunks(&sent.tags) {
                    let (bs, be) = (ws[a].0, ws[b - 1].1);
                    let (Some(start), Some(end)) = (ix.byte_to_char(bs), ix.byte_to_char(be))
                    else {
                        unreachable!("word spans lie on char boundaries");
                    };
                    ents.push(Mention {
                        doc_id: doc_id.clone(),
                        start,
                        end,
                        label: ty,
                        text: text[bs..be].to_string(),
                    });
                }
            }
            docs.insert(doc_id);
        }
    }
    Ok(Set {
        entities: Some(ents),
        documents: Some(docs),
        ..Default::default()
    })
}

// ----------------------------------------------------------------------------- brat

const OPEN_MARKS: &str = "\"\u{201c}\u{201e}\u{ab}";
const CLOSE_MARKS: &str = "\"\u{201d}\u{ab}\u{bb}";
const ALL_DQ: &str = "\"\u{201c}\u{201d}\u{201e}\u{ab}\u{bb}";

/// Entity type of a brat text-bound annotation, if it is one.
fn brat_label(ty: &str) -> Option<&'static str> {
    match ty.to_ascii_uppercase().as_str() {
        "PER" | "PERSON" => Some("PER"),
        "ORG" | "ORGANIZATION" | "ORGANISATION" => Some("ORG"),
        "LOC" | "LOCATION" | "GPE" => Some("LOC"),
        "MISC" | "MISCELLANEOUS" => Some("MISC"),
        _ => None,
    }
}

/// A brat text-bound annotation: type, fragments (code points), line.
struct TextBound {
    ty: String,
    frags: Vec<(usize, usize)>,
}

/// brat standoff: each `X.ann` beside `X.txt` (searched recursively; doc_id as for inputs).
/// Text-bound annotations of types PER/ORG/LOC/MISC (also Person, Organization, Location, GPE)
/// are entities; events with a `Content` argument (PolNeAR attributions) are quotes: span from
/// the first to the last Content fragment; `direct` when that span, blanks trimmed, is one
/// stretch inside double quotation marks (the span then excludes them), `mixed` when it holds a
/// double mark, else `indirect`; speaker = the Source text, cue = the Cue text.
fn load_brat(path: &Path, warn: &mut Warnings) -> Result<Set> {
    let anns: Vec<InputFile> = if path.is_dir() {
        let mut v = Vec::new();
        collect_ann(path, path, &mut v)?;
        v.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        v
    } else {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        vec![InputFile {
            path: path.to_path_buf(),
            doc_id: stem,
        }]
    };
    let mut set = Set {
        quotes_have_kind: true,
        documents: Some(BTreeSet::new()),
        ..Default::default()
    };
    let (mut ents, mut quotes) = (Vec::new(), Vec::new());
    let (mut any_ent, mut any_quote) = (false, false);
    for ann in &anns {
        let txt = InputFile {
            path: ann.path.with_extension("txt"),
            doc_id: ann.doc_id.clone(),
        };
        let doc = read_document(&txt, DEFAULT_MAX_BYTES).map_err(|e| anyhow::anyhow!("{e}"))?;
        let chars: Vec<char> = doc.text.chars().collect();
        let raw = std::fs::read_to_string(&ann.path)
            .with_context(|| format!("{}: cannot read", ann.path.display()))?;
        let (tbs, events) = parse_ann(&ann.path, &raw, chars.len(), warn, &chars)?;
        for tb in tbs.values() {
            if let Some(label) = brat_label(&tb.ty) {
                any_ent = true;
                let (s, e) = (tb.frags[0].0, tb.frags[tb.frags.len() - 1].1);
                ents.push(Mention {
                    doc_id: ann.doc_id.clone(),
                    start: s,
                    end: e,
                    label: label.to_string(),
                    text: chars[s..e].iter().collect(),
                });
            }
        }
        for (_, args) in events {
            let role = |r: &str| -> Vec<&TextBound> {
                args.iter()
                    .filter(|(k, _)| k == r)
                    .filter_map(|(_, id)| tbs.get(id))
                    .collect()
            };
            let content: Vec<(usize, usize)> = role("Content")
                .iter()
                .flat_map(|t| t.frags.iter().copied())
                .collect();
            if content.is_empty() {
                continue;
            }
            any_quote = true;
            let s = content.iter().map(|f| f.0).min().unwrap_or(0);
            let e = content.iter().map(|f| f.1).max().unwrap_or(0);
            let (kind, s, e) = quote_kind(&chars, s, e);
            let text = |s: usize, e: usize| -> String { chars[s..e].iter().collect() };
            let outer = |t: &TextBound| (t.frags[0].0, t.frags[t.frags.len() - 1].1);
            let source = role("Source").first().map(|t| outer(t));
            let cue = role("Cue").first().map(|t| outer(t));
            quotes.push(QuoteMention {
                doc_id: ann.doc_id.clone(),
                start: s,
                end: e,
                kind: kind.to_string(),
                text: text(s, e),
                speaker: source.map(|(a, b)| text(a, b)).unwrap_or_default(),
                speaker_start: source.map(|x| x.0),
                speaker_end: source.map(|x| x.1),
                cue: cue.map(|(a, b)| text(a, b)).unwrap_or_default(),
            });
        }
        if let Some(d) = set.documents.as_mut() {
            d.insert(ann.doc_id.clone());
        }
    }
    set.entities = any_ent.then_some(ents);
    set.quotes = any_quote.then_some(quotes);
    if !any_ent && !any_quote {
        bail!(
            "{}: no entity (PER/ORG/LOC/MISC) and no attribution annotation found",
            path.display()
        );
    }
    Ok(set)
}

fn collect_ann(root: &Path, dir: &Path, out: &mut Vec<InputFile>) -> Result<()> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect_ann(root, &p, out)?;
        } else if has_ext(&p, "ann") {
            let rel = p.strip_prefix(root).unwrap_or(&p).with_extension("");
            let doc_id = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(InputFile { path: p, doc_id });
        }
    }
    Ok(())
}

/// `(kind, start, end)` of a content span (see [`load_brat`]).
fn quote_kind(chars: &[char], mut s: usize, mut e: usize) -> (&'static str, usize, usize) {
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    let seg = &chars[s..e];
    let n = seg.iter().filter(|c| ALL_DQ.contains(**c)).count();
    if seg.len() >= 2
        && OPEN_MARKS.contains(seg[0])
        && CLOSE_MARKS.contains(seg[seg.len() - 1])
        && n == 2
    {
        return ("direct", s + 1, e - 1);
    }
    if n > 0 {
        return ("mixed", s, e);
    }
    ("indirect", s, e)
}

type Events = Vec<(usize, Vec<(String, String)>)>;

/// An error at a line and column of a `.ann` file.
fn ann_error(path: &Path, line: usize, col: usize, msg: String) -> anyhow::Error {
    anyhow::anyhow!("{}: line {line}, column {col}: {msg}", path.display())
}

/// Parse a `.ann` file: text-bound annotations by id, and events as `(line, [(role, id)])` with
/// role digits dropped (`Content2` → `Content`).
fn parse_ann(
    path: &Path,
    raw: &str,
    n_chars: usize,
    warn: &mut Warnings,
    chars: &[char],
) -> Result<(HashMap<String, TextBound>, Events)> {
    let mut tbs = HashMap::new();
    let mut events = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let ln = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let id = fields[0];
        if id.starts_with('T') {
            let tb = parse_text_bound(path, ln, &fields, n_chars, chars, warn)?;
            tbs.insert(id.to_string(), tb);
        } else if id.starts_with('E') {
            events.push((ln, parse_event(path, ln, &fields)?));
        }
        // R (relations), A/M (attributes), N (normalisations), # (notes), * (equivalences):
        // not used for scoring.
    }
    for (ln, args) in &events {
        for (role, id) in args {
            if !tbs.contains_key(id) && role != "Attribution" && id.starts_with('T') {
                return Err(ann_error(
                    path,
                    *ln,
                    1,
                    format!("{role}:{id} refers to an annotation that does not exist"),
                ));
            }
        }
    }
    Ok((tbs, events))
}

/// A text-bound annotation (`T1<TAB>TYPE START END[;START END…]<TAB>text`) on line `ln` of a
/// text of `n_chars` characters `chars`; a text that differs from the document's characters is
/// counted in `warn`.
fn parse_text_bound(
    path: &Path,
    ln: usize,
    fields: &[&str],
    n_chars: usize,
    chars: &[char],
    warn: &mut Warnings,
) -> Result<TextBound> {
    let id = fields[0];
    let err = |col: usize, msg: String| ann_error(path, ln, col, msg);
    let Some(spec) = fields.get(1) else {
        return Err(err(
            id.len() + 1,
            "expected a tab and \"TYPE START END\"".into(),
        ));
    };
    let col0 = id.len() + 2;
    let (ty, ranges) = spec
        .split_once(' ')
        .ok_or_else(|| err(col0, format!("expected \"TYPE START END\", found {spec:?}")))?;
    let mut frags = Vec::new();
    let mut col = col0 + ty.len() + 1;
    for r in ranges.split(';') {
        let nums: Vec<&str> = r.split_whitespace().collect();
        let parsed: Option<Vec<usize>> = nums.iter().map(|x| x.parse().ok()).collect();
        match parsed.as_deref() {
            Some(&[s, e]) if s <= e && e <= n_chars => frags.push((s, e)),
            Some(&[s, e]) if s <= e => {
                return Err(err(
                    col,
                    format!("offset {e} is past the end of the text ({n_chars} characters)"),
                ))
            }
            _ => {
                return Err(err(
                    col,
                    format!("expected \"START END\" offsets, found {r:?}"),
                ))
            }
        }
        col += r.len() + 1;
    }
    if let Some(t) = fields.get(2) {
        let joined: Vec<String> = frags
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        if joined.join(" ") != *t {
            warn.add(
                format!(
                    "{}: annotation text differs from the document",
                    path.display()
                ),
                format!("line {ln}"),
            );
        }
    }
    Ok(TextBound {
        ty: ty.to_string(),
        frags,
    })
}

/// The arguments of an event (`E1<TAB>TYPE:ID ROLE:ID…`) on line `ln`, role digits dropped.
fn parse_event(path: &Path, ln: usize, fields: &[&str]) -> Result<Vec<(String, String)>> {
    let id = fields[0];
    let Some(spec) = fields.get(1) else {
        return Err(ann_error(
            path,
            ln,
            id.len() + 1,
            "expected a tab and \"TYPE:ID ROLE:ID…\"".into(),
        ));
    };
    let mut args = Vec::new();
    let mut col = id.len() + 2;
    for a in spec.split(' ') {
        if a.is_empty() {
            col += 1; // doubled or trailing blank
            continue;
        }
        let (role, target) = a
            .split_once(':')
            .ok_or_else(|| ann_error(path, ln, col, format!("expected ROLE:ID, found {a:?}")))?;
        args.push((
            role.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string(),
            target.to_string(),
        ));
        col += a.len() + 1;
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_rule() {
        let c: Vec<char> = " \u{201c}Go home,\u{201d} x".chars().collect();
        assert_eq!(quote_kind(&c, 0, 11), ("direct", 2, 10));
        let c: Vec<char> = "he \u{201c}had\u{201d} to".chars().collect();
        assert_eq!(quote_kind(&c, 0, c.len()).0, "mixed");
        let c: Vec<char> = "that it rained".chars().collect();
        assert_eq!(quote_kind(&c, 0, c.len()), ("indirect", 0, 14));
    }

    #[test]
    fn ann_events_tolerate_blanks() {
        let mut w = Warnings::default();
        let chars: Vec<char> = "Ann said hi".chars().collect();
        let raw = "T1\tSource 0 3\tAnn\nT2\tContent 9 11\thi\nE1\tAttribution:T2  Content:T2 Source:T1 \n";
        let (tbs, events) = parse_ann(Path::new("a.ann"), raw, 11, &mut w, &chars).unwrap();
        assert_eq!(tbs.len(), 2);
        let roles: Vec<&str> = events[0].1.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(roles, ["Attribution", "Content", "Source"]);
        assert!(w.0.is_empty());
    }

    #[test]
    fn ann_errors_have_line_and_column() {
        let mut w = Warnings::default();
        let chars: Vec<char> = "Ann Lee spoke.".chars().collect();
        let e = parse_ann(
            Path::new("a.ann"),
            "T1\tPER 0 3\tAnn\nT2\tPER 4 x\tLee\n",
            14,
            &mut w,
            &chars,
        )
        .err()
        .unwrap();
        assert_eq!(
            e.to_string(),
            "a.ann: line 2, column 8: expected \"START END\" offsets, found \"4 x\""
        );
        let e = parse_ann(
            Path::new("a.ann"),
            "T1\tPER 0 30\tAnn\n",
            14,
            &mut w,
            &chars,
        )
        .err()
        .unwrap();
        assert!(
            e.to_string()
                .contains("line 1, column 8: offset 30 is past the end"),
            "{e}"
        );
    }
}
