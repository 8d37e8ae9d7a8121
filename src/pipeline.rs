//! `newsx extract`: the whole pipeline over a batch of documents. The only module that uses rayon.
//!
//! Documents are processed in parallel (one level: a document is the unit of work), in chunks
//! whose results are written in input order, so output is byte-identical for any `--threads`.
//! Inside a document the NER stage and the quote stage run side by side (`rayon::join`), then the
//! link step joins them: alias merging gives entity ids, speakers resolve to entities.

use crate::corpus::{
    collect_inputs, content_hash, decode_document, read_bytes, read_document, InputFile,
};
use crate::doc::{DocOutput, Document};
use crate::jsonl::{read_input_line, DocRecord, Line, LineReader};
use crate::ner::Ner;
use crate::output::{doc_rows, CsvSink, Finished, Resumed};
use crate::text::TextAnalysis;
use crate::{link, quotes};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Command-line arguments of `newsx extract`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExtractArgs {
    /// Article files (`.txt`, UTF-8) or folders searched recursively for `*.txt`.
    #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
    pub inputs: Vec<PathBuf>,
    /// Output folder for entities.csv, quotes.csv, relations.csv, documents.csv.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// The NER model folder (config.json, tokenizer.json, model.safetensors).
    #[arg(long, default_value = "models/ner")]
    pub model: PathBuf,
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Documents larger than this many bytes are refused (an error row for that document).
    #[arg(long, default_value_t = 5_000_000)]
    pub max_bytes: u64,
    /// Documents of more than this many WordPieces are refused (an error row for that
    /// document) before the NER model sees them: bounds the memory and time one document takes.
    #[arg(long, default_value_t = DEFAULT_MAX_PIECES)]
    pub max_pieces: usize,
    /// Continue an interrupted run into the same `--out` (same inputs and settings): documents it
    /// finished, whose file is unchanged (same path and content hash), are not processed again.
    /// Without an interrupted run to continue, a normal run.
    #[arg(long, conflicts_with = "jsonl")]
    pub resume: bool,
    /// JSON Lines mode: read `{"doc_id": …, "text": …}` lines (optional `"path"`) on stdin and
    /// write one JSON line per document on stdout, in input order, with its entities, quotes and
    /// relations (the CSV contract's fields), or `"status":"error"` and the reason for a bad line.
    /// `newsx convert` turns the output into the CSV files.
    #[arg(long)]
    pub jsonl: bool,
    /// Start every CSV with a UTF-8 byte-order mark, so Excel shows curly quotes and accents.
    #[arg(long)]
    pub excel: bool,
    /// No progress bar, warnings or summary on stderr (errors are still reported).
    #[arg(long)]
    pub quiet: bool,
    /// Inference engine: `native` (the built-in quantized engine) or `ort` (ONNX Runtime; needs a
    /// build with `--features ort`, the library in `ORT_DYLIB_PATH` and the exported graph, see
    /// `tools/ort-setup.sh`).
    #[arg(long, default_value = "native")]
    pub engine: String,
    /// The ONNX graph for `--engine ort` (default: MODEL/model.int8.onnx).
    #[arg(long)]
    pub onnx: Option<PathBuf>,
    /// NER label decoding: `viterbi` (the most probable valid BIO sequence) or `argmax` (each
    /// word's most probable label, the decoding before; for ablations).
    #[arg(long, default_value = "viterbi")]
    pub decode: String,
    /// Print one `newsx-stats {json}` line on stderr at the end: documents, words, seconds and
    /// the NER encoder's work (pieces fed and owned, FLOP, thread seconds). For benchmarks.
    #[arg(long)]
    pub stats: bool,
}

/// Documents handed to the pool at once; bounds memory on large batches.
const CHUNK: usize = 64;

/// Default `--max-pieces`.
pub const DEFAULT_MAX_PIECES: usize = 1_000_000;

/// Per-document limits (`--max-bytes`, `--max-pieces`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of one document.
    pub max_bytes: u64,
    /// WordPieces of one document.
    pub max_pieces: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: crate::corpus::DEFAULT_MAX_BYTES,
            max_pieces: DEFAULT_MAX_PIECES,
        }
    }
}

/// What one document gave.
pub enum DocResult {
    /// Processed.
    Ok {
        /// The document.
        doc: Document,
        /// Its extraction.
        out: DocOutput,
        /// Whitespace-separated words (the throughput figure's unit).
        words: usize,
        /// Warnings (e.g. unbalanced quotation marks), each naming a position.
        warnings: Vec<String>,
    },
    /// Could not be read or processed; the message names the file and position.
    Err(String),
}

/// Run every stage on one document's text.
pub fn process_text(ner: &Ner, text: &str) -> Result<(DocOutput, Vec<String>)> {
    let analysis = TextAnalysis::new(text);
    let (entities, mut quotes) =
        rayon::join(|| ner.recognize(&analysis), || quotes::find(&analysis));
    let mut entities = entities?;
    let groups = link::merge_aliases(text, &mut entities);
    let relations = link::attribute(&analysis, &entities, &groups, &mut quotes);
    let warnings = analysis.warnings;
    Ok((
        DocOutput {
            entities,
            groups,
            quotes,
            relations,
        },
        warnings,
    ))
}

/// Read and process one input file.
pub fn process_file(ner: &Ner, f: &InputFile, max_bytes: u64) -> DocResult {
    let doc = match read_document(f, max_bytes) {
        Ok(d) => d,
        Err(e) => return DocResult::Err(e.to_string()),
    };
    match process_text(ner, &doc.text) {
        Ok((out, warnings)) => DocResult::Ok {
            words: doc.text.split_whitespace().count(),
            doc,
            out,
            warnings,
        },
        Err(e) => DocResult::Err(format!("{}: {e:#}", f.path.display())),
    }
}

/// Refuse a text of more than `max_pieces` WordPieces, before the model sees it. Pieces are
/// counted only for texts long enough to have that many (a piece is at least one character of
/// the lower-cased, accent-stripped word, and that is at most three per byte).
///
/// # Errors
/// The message gives the count and the limit.
pub fn check_pieces(ner: &Ner, text: &str, max_pieces: usize) -> Result<()> {
    if text.len().saturating_mul(3) <= max_pieces {
        return Ok(());
    }
    let spans = crate::text::words::split_words(text);
    let words: Vec<&str> = spans.iter().map(|s| s.as_str(text)).collect();
    let n = ner.tokenizer().encode_words(&words)?.ids.len();
    if n > max_pieces {
        anyhow::bail!(
            "document has {n} WordPieces, more than the limit ({max_pieces}; see --max-pieces)"
        );
    }
    Ok(())
}

/// Process one decoded document into its record (an error record when a stage fails).
fn process_doc(ner: &Ner, doc: Document, limits: Limits) -> (DocRecord, Vec<String>, usize) {
    let path = doc.path.display().to_string();
    let fail = |e: anyhow::Error| {
        let rec = DocRecord::error(
            Some(doc.id.clone()),
            path.clone(),
            &format!("{path}: {e:#}"),
        );
        (rec, Vec::new(), 0)
    };
    if let Err(e) = check_pieces(ner, &doc.text, limits.max_pieces) {
        return fail(e);
    }
    match process_text(ner, &doc.text) {
        Ok((out, warnings)) => {
            let words = doc.text.split_whitespace().count();
            (DocRecord::from_rows(&doc_rows(&doc, &out)), warnings, words)
        }
        Err(e) => fail(e),
    }
}

/// What became of one input file in [`run`].
enum Outcome {
    /// Finished by the interrupted run being resumed, and unchanged since.
    Skipped { ok: bool },
    /// Processed (or refused): its record, warnings and words.
    Done(Box<DocRecord>, Vec<String>, usize),
}

/// Read one input file and process it, unless `finished` has it with the same path and content.
fn process_input(
    ner: &Ner,
    f: &InputFile,
    limits: Limits,
    finished: &HashMap<String, Finished>,
) -> Outcome {
    let path = f.path.display().to_string();
    let refused = |e: &dyn std::fmt::Display, hash| {
        let mut rec = DocRecord::error(Some(f.doc_id.clone()), path.clone(), &e.to_string());
        rec.hash = hash;
        Outcome::Done(Box::new(rec), Vec::new(), 0)
    };
    let bytes = match read_bytes(f, limits.max_bytes) {
        Ok(b) => b,
        Err(e) => return refused(&e, None),
    };
    let hash = content_hash(&bytes);
    if let Some(done) = finished.get(&f.doc_id) {
        if done.path == path && done.hash.as_deref() == Some(hash.as_str()) {
            return Outcome::Skipped { ok: done.ok };
        }
    }
    let doc = match decode_document(f, &bytes) {
        Ok(d) => d,
        Err(e) => return refused(&e, Some(hash)),
    };
    drop(bytes);
    let (mut rec, warnings, words) = process_doc(ner, doc, limits);
    rec.hash = Some(hash);
    Outcome::Done(Box::new(rec), warnings, words)
}

/// Summary of a run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Documents processed.
    pub ok: usize,
    /// Documents that failed.
    pub failed: usize,
    /// Of these, documents taken over from the interrupted run (`--resume`).
    pub resumed: usize,
    /// Words processed.
    pub words: usize,
    /// Seconds spent processing (model loading excluded).
    pub seconds: f64,
}

/// The pool that documents (or JSON lines) are processed on.
fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the thread pool")
}

/// Process `inputs` into `sink` on `threads` threads, one chunk at a time: each chunk's records
/// go to the sink's spool in input order and are flushed to disk before the next chunk starts.
/// Documents in `finished` (from [`CsvSink::resume`]) whose file is unchanged are skipped.
#[allow(clippy::too_many_arguments)]
pub fn run(
    ner: &Ner,
    inputs: &[InputFile],
    sink: &mut CsvSink,
    threads: usize,
    limits: Limits,
    finished: &HashMap<String, Finished>,
    bar: &ProgressBar,
    warn: bool,
) -> Result<RunSummary> {
    let pool = thread_pool(threads)?;
    let started = Instant::now();
    let mut s = RunSummary::default();
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<Outcome> = pool.install(|| {
            chunk
                .par_iter()
                .map(|f| {
                    let r = process_input(ner, f, limits, finished);
                    bar.inc(1);
                    r
                })
                .collect()
        });
        for (f, r) in chunk.iter().zip(results) {
            match r {
                Outcome::Skipped { ok } => {
                    s.resumed += 1;
                    if ok {
                        s.ok += 1;
                    } else {
                        s.failed += 1;
                    }
                }
                Outcome::Done(rec, warnings, words) => {
                    if rec.is_ok() {
                        if warn {
                            for w in &warnings {
                                bar.suspend(|| {
                                    eprintln!("newsx: warning: {}: {w}", f.path.display())
                                });
                            }
                        }
                        s.ok += 1;
                        s.words += words;
                    } else {
                        bar.suspend(|| eprintln!("newsx: error: {}", rec.error));
                        s.failed += 1;
                    }
                    sink.put(&rec);
                }
            }
        }
        sink.checkpoint()?;
    }
    // After a resume: documents no longer among the inputs are dropped (inputs are sorted).
    sink.retain(|id| {
        inputs
            .binary_search_by(|f| f.doc_id.as_str().cmp(id))
            .is_ok()
    });
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
}

/// Process JSON Lines from `input` into JSON lines on `output` (see `--jsonl`), one chunk of
/// lines at a time, in input order. Blank lines are skipped; a bad line gives an error record
/// with its line number and the stream goes on. `source` names the input in messages.
///
/// # Errors
/// Reading `input` or writing `output` failed (a closed pipe included: the caller decides).
pub fn run_jsonl(
    ner: &Ner,
    input: impl BufRead,
    output: &mut impl Write,
    source: &str,
    threads: usize,
    limits: Limits,
    warn: bool,
) -> Result<RunSummary> {
    let pool = thread_pool(threads)?;
    let started = Instant::now();
    let mut s = RunSummary::default();
    // A JSON string escapes a byte in at most 6 bytes (\u0000).
    let cap = usize::try_from(limits.max_bytes.saturating_mul(6).saturating_add(4096))
        .unwrap_or(usize::MAX);
    let mut reader = LineReader::new(input, cap);
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match reader
                .next_line()
                .with_context(|| format!("{source}: cannot read"))?
            {
                None => break,
                Some(Line::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => {}
                Some(l) => chunk.push((reader.line_no, l)),
            }
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<(DocRecord, Vec<String>, usize)> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|(n, l)| {
                    let (mut rec, warnings, words) = match l {
                        Line::TooLong(len) => (
                            DocRecord::error(
                                None,
                                String::new(),
                                &format!(
                                    "{source}: line {n}: longer than the limit ({len} bytes > {cap} bytes; see --max-bytes)"
                                ),
                            ),
                            Vec::new(),
                            0,
                        ),
                        Line::Text(t) => match read_input_line(source, n, &t, limits.max_bytes) {
                            Err(e) => (
                                DocRecord::error(e.doc_id, e.path, &e.message),
                                Vec::new(),
                                0,
                            ),
                            Ok(d) => {
                                let doc = Document {
                                    id: d.doc_id,
                                    path: PathBuf::from(d.path),
                                    text: d.text,
                                };
                                process_doc(ner, doc, limits)
                            }
                        },
                    };
                    if !rec.is_ok() {
                        rec.line = Some(n);
                    }
                    (rec, warnings, words)
                })
                .collect()
        });
        for (rec, warnings, words) in results {
            if rec.is_ok() {
                if warn {
                    for w in &warnings {
                        eprintln!(
                            "newsx: warning: {}: {w}",
                            rec.doc_id.as_deref().unwrap_or("?")
                        );
                    }
                }
                s.ok += 1;
                s.words += words;
            } else {
                eprintln!("newsx: error: {}", rec.error);
                s.failed += 1;
            }
            output.write_all(rec.to_line().as_bytes())?;
            output.write_all(b"\n")?;
        }
        output.flush()?;
    }
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
}

/// What a resumed run must share with the run it continues: anything that changes the rows.
fn settings(args: &ExtractArgs) -> Result<String> {
    let model = std::fs::canonicalize(&args.model).unwrap_or_else(|_| args.model.clone());
    let mut files = serde_json::Map::new();
    for name in ["config.json", "tokenizer.json"] {
        let p = args.model.join(name);
        let bytes = std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display()))?;
        files.insert(name.into(), content_hash(&bytes).into());
    }
    let w = args.model.join("model.safetensors");
    let meta = std::fs::metadata(&w).with_context(|| format!("{}: cannot read", w.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    files.insert(
        "model.safetensors".into(),
        format!("{}@{mtime}", meta.len()).into(),
    );
    Ok(serde_json::json!({
        "newsx": env!("CARGO_PKG_VERSION"),
        "model": model.display().to_string(),
        "files": files,
        "engine": args.engine,
        "onnx": args.onnx.as_ref().map(|p| p.display().to_string()),
        "decode": args.decode,
        "max_bytes": args.max_bytes,
        "max_pieces": args.max_pieces,
    })
    .to_string())
}

/// Load the model, with the error a user needs when it is missing.
pub fn load_model(dir: &Path) -> Result<Ner> {
    Ner::load(dir).with_context(|| format!("cannot load the NER model from {}", dir.display()))
}

/// Run `newsx extract`.
pub fn main(args: ExtractArgs) -> Result<u8> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let t0 = Instant::now();
    #[allow(unused_mut)]
    let mut ner = load_model(&args.model)?;
    match args.engine.as_str() {
        "native" => {}
        #[cfg(feature = "ort")]
        "ort" => {
            let onnx = args
                .onnx
                .clone()
                .unwrap_or_else(|| args.model.join("model.int8.onnx"));
            ner.use_onnx_runtime(&onnx, threads)?;
        }
        #[cfg(not(feature = "ort"))]
        "ort" => anyhow::bail!(
            "--engine ort: this newsx was built without ONNX Runtime (cargo build --release --features ort)"
        ),
        other => anyhow::bail!("--engine {other:?}: expected native or ort"),
    }
    ner.set_decoding(
        crate::ner::Decoding::parse(&args.decode)
            .with_context(|| format!("--decode {:?}: expected viterbi or argmax", args.decode))?,
    );
    let load_s = t0.elapsed().as_secs_f64();
    let limits = Limits {
        max_bytes: args.max_bytes,
        max_pieces: args.max_pieces,
    };
    let s = if args.jsonl {
        let stdin = std::io::stdin().lock();
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        match run_jsonl(
            &ner,
            stdin,
            &mut stdout,
            "stdin",
            threads,
            limits,
            !args.quiet,
        ) {
            Ok(s) => s,
            Err(e) if is_broken_pipe(&e) => return Ok(0),
            Err(e) => return Err(e),
        }
    } else {
        let inputs = collect_inputs(&args.inputs)?;
        let settings = settings(&args)?;
        let (mut sink, resumed) = if args.resume {
            CsvSink::resume(&args.out, args.excel, &settings)?
        } else {
            let sink = CsvSink::create_resumable(&args.out, args.excel, &settings)?;
            (sink, Resumed::default())
        };
        if !args.quiet {
            if let Some(note) = &resumed.note {
                eprintln!("newsx: {note}");
            }
        }
        let bar = if args.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(inputs.len() as u64)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} documents ({per_sec}) ETA {eta}",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        let s = run(
            &ner,
            &inputs,
            &mut sink,
            threads,
            limits,
            &resumed.finished,
            &bar,
            !args.quiet,
        )?;
        bar.finish_and_clear();
        sink.finish()?;
        s
    };
    if !args.quiet {
        let resumed = if s.resumed > 0 {
            format!(", {} from the interrupted run", s.resumed)
        } else {
            String::new()
        };
        let dest = if args.jsonl {
            "stdout".to_string()
        } else {
            args.out.display().to_string()
        };
        eprintln!(
            "newsx: {} documents ({} failed{resumed}), {} words in {:.1}s on {threads} threads: {:.0} words/s (model loaded in {load_s:.1}s); output in {dest}",
            s.ok + s.failed,
            s.failed,
            s.words,
            s.seconds,
            s.words as f64 / s.seconds.max(1e-9),
        );
    }
    if args.stats {
        let mut j = serde_json::to_value(ner.stats())?;
        j["documents"] = (s.ok + s.failed).into();
        j["words"] = s.words.into();
        j["seconds"] = s.seconds.into();
        j["load_seconds"] = load_s.into();
        j["threads"] = threads.into();
        eprintln!("newsx-stats {j}");
    }
    Ok(if s.failed > 0 { 1 } else { 0 })
}

/// Whether `e` is a write to a closed pipe (`newsx extract --jsonl | head`): not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
