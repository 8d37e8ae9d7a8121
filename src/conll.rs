//! CoNLL-2003 BIO files: documents split at `-DOCSTART-`, sentences at blank lines, the word in
//! the first column and the NER tag in the last.
//!
//! Document text rule (used by training, `eval` and the converted gold sets alike): the words of a
//! sentence are joined by one space, the sentences of a document by one newline.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// One sentence: words with their tags, as written in the file (IOB1 or IOB2).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sentence {
    /// The words.
    pub words: Vec<String>,
    /// The NER tags, one per word (`O`, `B-PER`, `I-ORG`, …).
    pub tags: Vec<String>,
}

/// One document of a CoNLL file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConllDoc {
    /// Its sentences in order.
    pub sentences: Vec<Sentence>,
}

impl ConllDoc {
    /// All words of the document in order, and whether each starts a sentence.
    pub fn words_and_starts(&self) -> (Vec<&str>, Vec<bool>) {
        let words = self
            .sentences
            .iter()
            .flat_map(|s| s.words.iter().map(String::as_str))
            .collect();
        let starts = self
            .sentences
            .iter()
            .flat_map(|s| (0..s.words.len()).map(|i| i == 0))
            .collect();
        (words, starts)
    }

    /// The document text (words joined by a space, sentences by a newline) and the byte span of
    /// every word, sentence by sentence.
    pub fn text_and_word_spans(&self) -> (String, Vec<Vec<(usize, usize)>>) {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(self.sentences.len());
        for (si, s) in self.sentences.iter().enumerate() {
            if si > 0 {
                text.push('\n');
            }
            let mut ws = Vec::with_capacity(s.words.len());
            for (wi, w) in s.words.iter().enumerate() {
                if wi > 0 {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(w);
                ws.push((start, text.len()));
            }
            spans.push(ws);
        }
        (text, spans)
    }
}

/// Read a CoNLL-2003 file. Errors name the file and line.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDoc>> {
    let raw = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read CoNLL file", path.display()))?;
    parse_conll(&raw).with_context(|| format!("{}", path.display()))
}

/// Parse CoNLL-2003 text (see [`read_conll`]).
pub fn parse_conll(raw: &str) -> Result<Vec<ConllDoc>> {
    let mut docs: Vec<ConllDoc> = Vec::new();
    let mut cur = ConllDoc::default();
    let mut sent = Sentence::default();
    let flush_sent = |cur: &mut ConllDoc, sent: &mut Sentence| {
        if !sent.words.is_empty() {
            cur.sentences.push(std::mem::take(sent));
        }
    };
    for (lineno, line) in raw.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush_sent(&mut cur, &mut sent);
            continue;
        }
        if line.starts_with("-DOCSTART-") {
            flush_sent(&mut cur, &mut sent);
            if !cur.sentences.is_empty() {
                docs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 2 {
            bail!(
                "line {}, column 1: expected a word and a tag, found {:?}",
                lineno + 1,
                line
            );
        }
        let tag = cols[cols.len() - 1];
        let ok = tag == "O" || ((tag.starts_with("B-") || tag.starts_with("I-")) && tag.len() > 2);
        if !ok {
            let col = line.rfind(tag).unwrap_or(0) + 1;
            bail!("line {}, column {col}: bad NER tag {tag:?}", lineno + 1);
        }
        sent.words.push(cols[0].to_string());
        sent.tags.push(tag.to_string());
    }
    flush_sent(&mut cur, &mut sent);
    if !cur.sentences.is_empty() {
        docs.push(cur);
    }
    Ok(docs)
}

/// Chunk a tag sequence into `(first_word, end_word_exclusive, type)` entities with conlleval
/// semantics: a chunk starts at `B-X`, at `I-X` after `O`, or at `I-X` after a tag of another
/// type; it works for IOB1 and IOB2 alike.
pub fn chunks(tags: &[String]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, t) in tags.iter().enumerate() {
        let (prefix, ty) = if t == "O" {
            ("O", "")
        } else {
            (&t[..1], &t[2..])
        };
        let continues = prefix == "I" && open.as_ref().is_some_and(|(_, ot)| ot == ty);
        if !continues {
            if let Some((s, ot)) = open.take() {
                out.push((s, i, ot));
            }
            if prefix != "O" {
                open = Some((i, ty.to_string()));
            }
        }
    }
    if let Some((s, ot)) = open {
        out.push((s, tags.len(), ot));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn chunking_follows_conlleval() {
        assert_eq!(
            chunks(&tags("B-PER I-PER O I-ORG I-ORG B-ORG")),
            vec![
                (0, 2, "PER".into()),
                (3, 5, "ORG".into()),
                (5, 6, "ORG".into())
            ]
        );
        // I- of another type starts a new chunk.
        assert_eq!(
            chunks(&tags("B-PER I-LOC")),
            vec![(0, 1, "PER".into()), (1, 2, "LOC".into())]
        );
    }

    #[test]
    fn parses_documents_and_text_rule() {
        let raw = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n\n-DOCSTART- -X- O O\n\nX NNP B-NP B-LOC\n";
        let docs = parse_conll(raw).unwrap();
        assert_eq!(docs.len(), 2);
        let (text, spans) = docs[0].text_and_word_spans();
        assert_eq!(text, "EU rejects\nPeter");
        assert_eq!(spans[1][0], (11, 16));
    }

    #[test]
    fn bad_tag_names_line_and_column() {
        let err = parse_conll("EU NNP B-NP X-ORG\n").unwrap_err();
        assert_eq!(format!("{err}"), "line 1, column 13: bad NER tag \"X-ORG\"");
    }
}
