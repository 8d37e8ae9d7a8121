//! JSON Lines: the per-document result record and the input line reader.
//!
//! One [`DocRecord`] is one line of `newsx extract --jsonl` output, one line of the spool an
//! extract run writes as documents finish (`OUT/.newsx-partial/spool.jsonl`, what `--resume`
//! reads back), and one line of what `newsx convert` turns into the four CSV files. Its fields are
//! those of the CSV contract (`shared/spec/output-format.md`): code-point offsets, `E`/`Q`/`R`
//! ids, scores rounded to 4 decimals; text cells are stored without the formula guard, which
//! only the CSV writer adds. Because every CSV row of an extract run goes through this record,
//! `convert` of `--jsonl` output equals the CSV run byte for byte by construction.
//!
//! [`read_input_line`] parses one input line (`{"doc_id": …, "text": …}`) and names the line and
//! column of whatever is wrong with it; [`LineReader`] reads lines with a length cap, so a huge
//! line costs no more memory than the cap.
#![deny(missing_docs)]

use crate::output::{format_score, DocRows, DocumentRow, EntityRow, QuoteRow, RelationRow};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// The whole result of one document: one JSON line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    /// Document id (`null` only for an input line so broken that it has none).
    pub doc_id: Option<String>,
    /// Where the document came from (the file, or the input's `path` field; may be empty).
    #[serde(default)]
    pub path: String,
    /// `ok` or `error`.
    pub status: String,
    /// Length in code points (`null` on error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chars: Option<usize>,
    /// Entity mentions, sorted by start, end (rows without `doc_id`, scores rounded).
    #[serde(default)]
    pub entities: Vec<EntityRow>,
    /// Quotes in text order (rows without `doc_id`, scores rounded).
    #[serde(default)]
    pub quotes: Vec<QuoteRow>,
    /// Relations in span order (rows without `doc_id`, scores rounded).
    #[serde(default)]
    pub relations: Vec<RelationRow>,
    /// One-line reason when `status` is `error`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// For `--jsonl`: the 1-based input line this result answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Content hash of the source file (spool only: how `--resume` sees that a file changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// A score as the contract writes it: rounded to 4 decimals, `None` when not finite. Rounding
/// twice gives the same cell, so a record read back writes the same CSV.
fn score4(x: Option<f64>) -> Option<f64> {
    let x = x?;
    format_score(x).parse().ok()
}

impl DocRecord {
    /// The record of converted rows (`rows.document` gives id, path, status, chars and error).
    pub fn from_rows(rows: &DocRows) -> DocRecord {
        let d = &rows.document;
        DocRecord {
            doc_id: Some(d.doc_id.clone()),
            path: d.path.clone(),
            status: d.status.clone(),
            chars: d.chars,
            entities: rows
                .entities
                .iter()
                .map(|r| EntityRow {
                    doc_id: String::new(),
                    score: score4(r.score),
                    ..r.clone()
                })
                .collect(),
            quotes: rows
                .quotes
                .iter()
                .map(|r| QuoteRow {
                    doc_id: String::new(),
                    score: score4(r.score),
                    ..r.clone()
                })
                .collect(),
            relations: rows
                .relations
                .iter()
                .map(|r| RelationRow {
                    doc_id: String::new(),
                    score: score4(r.score),
                    ..r.clone()
                })
                .collect(),
            error: d.error.clone(),
            line: None,
            hash: None,
        }
    }

    /// An error record: the document could not be read or processed.
    pub fn error(doc_id: Option<String>, path: String, message: &str) -> DocRecord {
        DocRecord {
            doc_id,
            path,
            status: "error".to_string(),
            chars: None,
            entities: Vec::new(),
            quotes: Vec::new(),
            relations: Vec::new(),
            error: one_line(message),
            line: None,
            hash: None,
        }
    }

    /// Whether this is the record of a processed document.
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }

    /// The CSV rows of this record (`doc_id` on every row; counts from the lists).
    pub fn to_rows(&self) -> DocRows {
        let id = self.doc_id.clone().unwrap_or_default();
        let ok = self.is_ok();
        DocRows {
            entities: self
                .entities
                .iter()
                .map(|r| EntityRow {
                    doc_id: id.clone(),
                    ..r.clone()
                })
                .collect(),
            quotes: self
                .quotes
                .iter()
                .map(|r| QuoteRow {
                    doc_id: id.clone(),
                    ..r.clone()
                })
                .collect(),
            relations: self
                .relations
                .iter()
                .map(|r| RelationRow {
                    doc_id: id.clone(),
                    ..r.clone()
                })
                .collect(),
            document: DocumentRow {
                doc_id: id.clone(),
                path: self.path.clone(),
                status: self.status.clone(),
                chars: if ok { self.chars } else { None },
                entities: ok.then_some(self.entities.len()),
                quotes: ok.then_some(self.quotes.len()),
                error: self.error.clone(),
            },
        }
    }

    /// The record as one JSON line, without the line end.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a DocRecord always serialises")
    }
}

/// A message on one line: runs of white space (line ends included) become one space.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One input document of `--jsonl`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDoc {
    /// Its id.
    pub doc_id: String,
    /// The optional `path` field (empty when absent).
    pub path: String,
    /// Its text.
    pub text: String,
}

#[derive(Deserialize)]
struct RawInput {
    doc_id: Option<serde_json::Value>,
    text: Option<serde_json::Value>,
    path: Option<serde_json::Value>,
}

/// What is wrong with an input line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineProblem {
    /// Not JSON (serde_json's message, without its position).
    #[error("invalid JSON at column {column}: {message}")]
    InvalidJson {
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json found.
        message: String,
    },
    /// JSON, but not an object.
    #[error("expected a JSON object {{\"doc_id\": …, \"text\": …}}")]
    NotAnObject,
    /// `path` is there but not a string.
    #[error("\"path\" is not a string")]
    PathNotString,
    /// No `doc_id` (or `null`).
    #[error("missing field \"doc_id\"")]
    MissingDocId,
    /// `doc_id` is `""`.
    #[error("\"doc_id\" is empty")]
    EmptyDocId,
    /// `doc_id` is not a string.
    #[error("\"doc_id\" is not a string")]
    DocIdNotString,
    /// No `text` (or `null`).
    #[error("missing field \"text\"")]
    MissingText,
    /// `text` is not a string.
    #[error("\"text\" is not a string")]
    TextNotString,
    /// `text` is longer than `--max-bytes`.
    #[error("document {doc_id:?} is larger than the limit ({size} bytes > {max} bytes; see --max-bytes)")]
    TooLarge {
        /// The document.
        doc_id: String,
        /// Bytes of its text (UTF-8).
        size: u64,
        /// The limit.
        max: u64,
    },
    /// `text` holds a NUL character.
    #[error("document {doc_id:?} holds a NUL character at code point {at}")]
    Nul {
        /// The document.
        doc_id: String,
        /// Code point of the first NUL.
        at: usize,
    },
}

/// Why an input line was refused: the message names the input, the line and (for bad JSON) the
/// column; `doc_id` and `path` are there when the line had them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{input}: line {line}: {problem}")]
pub struct LineError {
    /// The document id, when the line had a usable one.
    pub doc_id: Option<String>,
    /// The `path` field, when the line had one.
    pub path: String,
    /// The input (e.g. `stdin`).
    pub input: String,
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub problem: LineProblem,
}

/// Parse one input line (`line_no` is 1-based; `source` names the stream, e.g. `stdin`).
/// Unknown fields are ignored; `path` is optional.
///
/// # Errors
/// Invalid JSON, not an object, `doc_id` or `text` missing or not a string, an empty `doc_id`,
/// or a `text` longer than `max_bytes` bytes of UTF-8.
pub fn read_input_line(
    source: &str,
    line_no: u64,
    line: &[u8],
    max_bytes: u64,
) -> Result<InputDoc, LineError> {
    let fail = |doc_id: Option<String>, path: String, problem: LineProblem| LineError {
        doc_id,
        path,
        input: source.to_string(),
        line: line_no,
        problem,
    };
    let raw: RawInput = match serde_json::from_slice::<serde_json::Value>(line) {
        Err(e) => {
            let problem = LineProblem::InvalidJson {
                column: e.column(),
                message: strip_position(&e),
            };
            return Err(fail(None, String::new(), problem));
        }
        Ok(v) if !v.is_object() => {
            return Err(fail(None, String::new(), LineProblem::NotAnObject));
        }
        Ok(v) => serde_json::from_value(v).expect("an object deserialises into optional fields"),
    };
    let path = match raw.path {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s,
        Some(_) => return Err(fail(None, String::new(), LineProblem::PathNotString)),
    };
    let doc_id = match raw.doc_id {
        None | Some(serde_json::Value::Null) => {
            return Err(fail(None, path, LineProblem::MissingDocId))
        }
        Some(serde_json::Value::String(s)) if s.is_empty() => {
            return Err(fail(None, path, LineProblem::EmptyDocId))
        }
        Some(serde_json::Value::String(s)) => s,
        Some(_) => return Err(fail(None, path, LineProblem::DocIdNotString)),
    };
    let text = match raw.text {
        None | Some(serde_json::Value::Null) => {
            return Err(fail(Some(doc_id), path, LineProblem::MissingText))
        }
        Some(serde_json::Value::String(s)) => s,
        Some(_) => return Err(fail(Some(doc_id), path, LineProblem::TextNotString)),
    };
    if text.len() as u64 > max_bytes {
        let problem = LineProblem::TooLarge {
            doc_id: doc_id.clone(),
            size: text.len() as u64,
            max: max_bytes,
        };
        return Err(fail(Some(doc_id), path, problem));
    }
    if let Some(i) = text.find('\0') {
        let problem = LineProblem::Nul {
            doc_id: doc_id.clone(),
            at: text[..i].chars().count(),
        };
        return Err(fail(Some(doc_id), path, problem));
    }
    Ok(InputDoc { doc_id, path, text })
}

/// serde_json's message without its trailing " at line L column C" (we name the line ourselves).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// What [`LineReader::next_line`] read.
#[derive(Debug, PartialEq)]
pub enum Line {
    /// A line (without its `\n`, and without a `\r` before it).
    Text(Vec<u8>),
    /// A line longer than the cap; its bytes were skipped. Holds its length in bytes.
    TooLong(u64),
}

/// Reads `\n`-terminated lines with a cap on their length: a longer line is skipped, not held.
pub struct LineReader<R> {
    inner: R,
    cap: usize,
    /// Lines read so far (the number of the last line returned).
    pub line_no: u64,
}

impl<R: BufRead> LineReader<R> {
    /// Read from `inner`; lines over `cap` bytes come back as [`Line::TooLong`].
    pub fn new(inner: R, cap: usize) -> Self {
        LineReader {
            inner,
            cap,
            line_no: 0,
        }
    }

    /// The next line, `None` at the end.
    ///
    /// # Errors
    /// Reading failed.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut buf = Vec::new();
        let mut len: u64 = 0;
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            len += part.len() as u64;
            if !too_long {
                if buf.len() + part.len() > self.cap {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(part);
                }
            }
            let used = done.unwrap_or(chunk.len());
            self.inner.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line_no += 1;
        if too_long {
            return Ok(Some(Line::TooLong(len)));
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some(Line::Text(buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_and_their_errors() {
        let ok = read_input_line("stdin", 1, br#"{"doc_id":"a","text":"Hi.","x":1}"#, 100).unwrap();
        assert_eq!(ok.doc_id, "a");
        assert_eq!(ok.text, "Hi.");
        assert_eq!(ok.path, "");
        let e = |l: &[u8]| read_input_line("stdin", 7, l, 5).unwrap_err();
        assert_eq!(
            e(br#"{"doc_id":"a""#).to_string(),
            "stdin: line 7: invalid JSON at column 13: EOF while parsing an object"
        );
        assert_eq!(
            e(br#"{"text":"x"}"#).to_string(),
            "stdin: line 7: missing field \"doc_id\""
        );
        let m = e(br#"{"doc_id":"b","path":"p.txt"}"#);
        assert_eq!(m.to_string(), "stdin: line 7: missing field \"text\"");
        assert_eq!((m.doc_id.as_deref(), m.path.as_str()), (Some("b"), "p.txt"));
        assert_eq!(
            e(br#"{"doc_id":"c","text":"123456"}"#).to_string(),
            "stdin: line 7: document \"c\" is larger than the limit (6 bytes > 5 bytes; see --max-bytes)"
        );
        assert_eq!(
            e(b"[1]").to_string(),
            "stdin: line 7: expected a JSON object {\"doc_id\": \u{2026}, \"text\": \u{2026}}"
        );
        assert_eq!(
            e(br#"{"doc_id":3,"text":""}"#).to_string(),
            "stdin: line 7: \"doc_id\" is not a string"
        );
        assert!(e(br#"{"doc_id":"n","text":"a\u0000"}"#)
            .to_string()
            .ends_with("NUL character at code point 1"));
    }

    #[test]
    fn line_reader_caps_long_lines() {
        let data = b"short\r\n0123456789abc\nlast".as_slice();
        let mut r = LineReader::new(std::io::BufReader::with_capacity(4, data), 10);
        assert_eq!(r.next_line().unwrap(), Some(Line::Text(b"short".to_vec())));
        assert_eq!(r.next_line().unwrap(), Some(Line::TooLong(13)));
        assert_eq!(r.next_line().unwrap(), Some(Line::Text(b"last".to_vec())));
        assert_eq!(r.line_no, 3);
        assert_eq!(r.next_line().unwrap(), None);
    }

    #[test]
    fn records_round_trip_through_json() {
        let rows = DocRows {
            entities: vec![EntityRow {
                doc_id: "d".into(),
                start: 1,
                end: 4,
                text: "=x".into(),
                label: "PER".into(),
                entity_id: "E1".into(),
                canonical: "=x".into(),
                score: Some(0.123456),
            }],
            document: DocumentRow {
                doc_id: "d".into(),
                path: "d.txt".into(),
                status: "ok".into(),
                chars: Some(9),
                entities: Some(1),
                quotes: Some(0),
                error: String::new(),
            },
            ..DocRows::default()
        };
        let rec = DocRecord::from_rows(&rows);
        let back: DocRecord = serde_json::from_str(&rec.to_line()).unwrap();
        assert_eq!(back, rec);
        let again = back.to_rows();
        assert_eq!(again.entities[0].score, Some(0.1235));
        assert_eq!(again.document, rows.document);
    }
}
