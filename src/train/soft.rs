//! Teacher labels for distillation (`newsx teacher-labels`, `newsx train --soft`).
//!
//! One or more trained NER models (the teacher, or an ensemble: their word label probabilities
//! are averaged) label the words of CoNLL documents (gold tags kept) and of plain-text articles
//! (no gold: words and sentences as `newsx extract` splits them). The result is a text file, kept
//! outside the repository since it is derived from the training data:
//!
//! ```text
//! # newsx teacher labels v1: word, gold tag or -, log-probabilities of O B-PER I-PER B-ORG ...
//! -DOCSTART-
//! Peter<TAB>B-PER<TAB>-0.002 -6.913 ...
//! ```
//!
//! Sentences are separated by a blank line, documents by `-DOCSTART-`. A student trained with
//! `--soft` reads the words and gold tags from here, and the teacher's distribution of every word
//! as a second target. Labels are word-level (a word's first WordPiece in each model), so teacher
//! and student need not share a tokenizer.

use super::{by_sentence, score_tags, Tags, LABELS};
use crate::conll::{ConllDoc, Sentence};
use crate::ner::{viterbi, Ner, Tag};
use crate::text::TextAnalysis;
use anyhow::{bail, Context, Result};
use std::io::{BufWriter, Write};
use std::path::Path;

/// The first line of a teacher-label file.
pub const HEADER: &str = "# newsx teacher labels v1: word, gold tag or -, log-probabilities of";

/// The tag written for a word without a gold label.
pub const NO_TAG: &str = "-";

/// Documents with the teacher's word log-probabilities ([`LABELS`] order, `LABELS.len()` per
/// word, words in document order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SoftDocs {
    /// The documents; a word without gold has the tag [`NO_TAG`].
    pub docs: Vec<ConllDoc>,
    /// Per document, its words' log-probabilities.
    pub logp: Vec<Vec<f32>>,
}

/// The documents of a plain-text article as `newsx extract` splits it: NER words, sentences at
/// its sentence starts, no gold tags.
pub fn text_doc(text: &str) -> ConllDoc {
    let a = TextAnalysis::new(text);
    let mut doc = ConllDoc::default();
    for (w, &start) in a.words.iter().zip(&a.sentence_starts) {
        if start || doc.sentences.is_empty() {
            doc.sentences.push(Sentence::default());
        }
        let s = doc.sentences.last_mut().expect("a sentence");
        s.words.push(w.as_str(text).to_string());
        s.tags.push(NO_TAG.to_string());
    }
    doc
}

/// Each model's label order mapped onto [`LABELS`]; errors when a model has other labels.
fn label_order(ner: &Ner) -> Result<Vec<usize>> {
    LABELS
        .iter()
        .map(|l| {
            ner.tags()
                .iter()
                .position(|t| Tag::parse(l) == Some(*t))
                .with_context(|| format!("a teacher model has no label {l}"))
        })
        .collect()
}

/// The mean of the models' word label probabilities over `doc`'s words, as log-probabilities in
/// [`LABELS`] order. Windows are cut at sentence starts, as in training and extraction.
pub fn label_doc(models: &[(Ner, Vec<usize>)], doc: &ConllDoc) -> Result<Vec<f32>> {
    let (words, starts) = doc.words_and_starts();
    let n = LABELS.len();
    let mut mean = vec![0f32; words.len() * n];
    for (ner, order) in models {
        let pieces = ner.tokenizer().encode_words(&words)?;
        let logits = ner.word_logits(&pieces, &starts)?;
        let width = ner.tags().len();
        for (w, row) in logits.chunks_exact(width).enumerate() {
            let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let z: f32 = row.iter().map(|x| (x - mx).exp()).sum();
            for (k, &src) in order.iter().enumerate() {
                mean[w * n + k] += (row[src] - mx).exp() / z / models.len() as f32;
            }
        }
    }
    // A floor keeps the logarithm finite (and the file short) for labels no model gives.
    Ok(mean.into_iter().map(|p| p.max(1e-6).ln()).collect())
}

/// Label `docs` with the models at `model_dirs` (each a `newsx train` output folder).
pub fn label_docs(model_dirs: &[&Path], docs: Vec<ConllDoc>) -> Result<SoftDocs> {
    let mut models = Vec::new();
    for d in model_dirs {
        let ner = Ner::load(d)?;
        let order = label_order(&ner).with_context(|| d.display().to_string())?;
        models.push((ner, order));
    }
    let logp = docs
        .iter()
        .map(|d| label_doc(&models, d))
        .collect::<Result<_>>()?;
    Ok(SoftDocs { docs, logp })
}

/// Strict F1 (with P, R and per-label lines) of the constrained Viterbi decode of the teacher
/// labels against the gold tags, over the documents whose words all have gold tags; `None` when
/// there are none.
pub fn score(soft: &SoftDocs) -> Option<(f64, f64, f64, Vec<String>)> {
    let tags: Vec<Tag> = LABELS
        .iter()
        .map(|l| Tag::parse(l).expect("label"))
        .collect();
    let mut gold: Vec<Tags> = Vec::new();
    let mut pred: Vec<Tags> = Vec::new();
    for (doc, lp) in soft.docs.iter().zip(&soft.logp) {
        if doc
            .sentences
            .iter()
            .any(|s| s.tags.iter().any(|t| t == NO_TAG))
        {
            continue;
        }
        let (_, breaks) = doc.words_and_starts();
        let best = viterbi(&tags, lp, &breaks);
        gold.extend(doc.sentences.iter().map(|s| s.tags.clone()));
        pred.extend(by_sentence(
            doc,
            best.iter().map(|(i, _)| LABELS[*i].to_string()),
        ));
    }
    if gold.is_empty() {
        return None;
    }
    Some(score_tags(&gold, &pred))
}

/// Write `soft` to `path` (see the module header for the format).
pub fn write(soft: &SoftDocs, path: &Path) -> Result<()> {
    let f = std::fs::File::create(path)
        .with_context(|| format!("{}: cannot create", path.display()))?;
    let mut w = BufWriter::new(f);
    writeln!(w, "{HEADER} {}", LABELS.join(" "))?;
    let n = LABELS.len();
    for (doc, lp) in soft.docs.iter().zip(&soft.logp) {
        writeln!(w, "-DOCSTART-")?;
        let mut k = 0;
        for s in &doc.sentences {
            writeln!(w)?;
            for (word, tag) in s.words.iter().zip(&s.tags) {
                if word.contains(['\t', '\n', '\r']) || word.is_empty() {
                    bail!("word {word:?} cannot be written to a teacher-label file");
                }
                let row: Vec<String> = lp[k * n..(k + 1) * n]
                    .iter()
                    .map(|x| format!("{x:.3}"))
                    .collect();
                writeln!(w, "{word}\t{tag}\t{}", row.join(" "))?;
                k += 1;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// Read a file written by [`write`]. Errors name the file and line.
pub fn read(path: &Path) -> Result<SoftDocs> {
    let raw = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read teacher labels", path.display()))?;
    parse(&raw).with_context(|| path.display().to_string())
}

/// Parse the text of a teacher-label file (see [`read`]).
pub fn parse(raw: &str) -> Result<SoftDocs> {
    let n = LABELS.len();
    let mut lines = raw.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.starts_with(HEADER) && h[HEADER.len()..].trim() == LABELS.join(" ") => {}
        _ => bail!("line 1: not a newsx teacher-label file (header {HEADER:?} expected)"),
    }
    let mut out = SoftDocs::default();
    for (i, line) in lines {
        let ln = i + 1;
        if line == "-DOCSTART-" {
            out.docs.push(ConllDoc::default());
            out.logp.push(Vec::new());
            continue;
        }
        let (Some(doc), Some(lp)) = (out.docs.last_mut(), out.logp.last_mut()) else {
            bail!("line {ln}: a word before the first -DOCSTART-");
        };
        if line.is_empty() {
            doc.sentences.push(Sentence::default());
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(word), Some(tag), Some(row), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            bail!("line {ln}: expected word, tag and log-probabilities separated by tabs");
        };
        if tag != NO_TAG && !LABELS.contains(&tag) {
            bail!("line {ln}: unknown tag {tag:?}");
        }
        let before = lp.len();
        for x in row.split(' ') {
            let v: f32 = x
                .parse()
                .with_context(|| format!("line {ln}: {x:?} is not a number"))?;
            if !(v.is_finite() && v <= 0.0) {
                bail!("line {ln}: {x:?} is not a log-probability");
            }
            lp.push(v);
        }
        if lp.len() - before != n {
            bail!(
                "line {ln}: {} log-probabilities, {n} expected",
                lp.len() - before
            );
        }
        let Some(s) = doc.sentences.last_mut() else {
            bail!("line {ln}: a word before its sentence's blank line");
        };
        s.words.push(word.to_string());
        s.tags.push(tag.to_string());
    }
    for d in &mut out.docs {
        d.sentences.retain(|s| !s.words.is_empty());
    }
    Ok(out)
}
