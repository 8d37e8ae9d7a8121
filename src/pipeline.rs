//! `newsx extract`: the whole pipeline over a batch of documents. The only module that uses rayon.
//!
//! Documents are processed in parallel (one level: a document is the unit of work), in chunks
//! whose results are written in input order, so output is byte-identical for any `--threads`.
//! Inside a document the NER stage and the quote stage run side by side (`rayon::join`), then the
//! link step joins them: alias merging gives entity ids, speakers resolve to entities.

use crate::attribution::{self, Combine, Tagger};
use crate::corpus::{
    collect_inputs, content_hash, decode_document, read_bytes, InputFile, ReadError,
};
use crate::doc::{DocOutput, Document};
use crate::jsonl::{read_input_line, DocRecord, Line, LineError, LineReader};
use crate::ner::{EncoderStats, Ner};
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

/// Which engine runs the NER model (`--engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The built-in quantized engine.
    Native,
    /// ONNX Runtime (needs a build with the `ort` feature).
    Ort,
}

impl Engine {
    /// Its name on the command line (and in the settings a resumable run records).
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Ort => "ort",
        }
    }
}

impl std::str::FromStr for Engine {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Engine> {
        match s {
            "native" => Ok(Engine::Native),
            "ort" => Ok(Engine::Ort),
            other => anyhow::bail!("--engine {other:?}: expected native or ort"),
        }
    }
}

/// What `newsx extract` is to do (the library's form of its command line; see there for each
/// field's meaning).
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Article files or folders (CSV mode).
    pub inputs: Vec<PathBuf>,
    /// Output folder (CSV mode).
    pub out: PathBuf,
    /// The NER model folder.
    pub model: PathBuf,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Per-document limits.
    pub limits: Limits,
    /// Continue an interrupted run into `out`.
    pub resume: bool,
    /// JSON Lines from stdin to stdout instead of files to CSV.
    pub jsonl: bool,
    /// A UTF-8 byte-order mark on every CSV.
    pub excel: bool,
    /// No progress bar or warnings on stderr (errors are still reported).
    pub quiet: bool,
    /// The inference engine.
    pub engine: Engine,
    /// The ONNX graph for [`Engine::Ort`] (default: `model/model.int8.onnx`).
    pub onnx: Option<PathBuf>,
    /// How NER labels are decoded.
    pub decoding: crate::ner::Decoding,
    /// Window size in WordPieces instead of the model config's.
    pub window: Option<usize>,
    /// The attribution tagger's folder (needed unless `combine` is [`Combine::Rules`]).
    pub attribution: Option<PathBuf>,
    /// How the tagger's quotes join the rule stage's.
    pub combine: Combine,
}

/// The models a run uses: the NER model and, optionally, the attribution tagger on its encoder
/// with how the tagger's quotes join the rule stage's.
#[derive(Clone, Copy)]
pub struct Stages<'a> {
    /// The NER model.
    pub ner: &'a Ner,
    /// The attribution tagger.
    pub tagger: Option<&'a Tagger>,
    /// How its quotes join the rules' (without a tagger: rules only).
    pub combine: Combine,
}

impl<'a> From<&'a Ner> for Stages<'a> {
    fn from(ner: &'a Ner) -> Self {
        Stages {
            ner,
            tagger: None,
            combine: Combine::Rules,
        }
    }
}

/// What [`extract`] did.
#[derive(Debug, Clone)]
pub struct ExtractOutcome {
    /// Documents and words.
    pub summary: RunSummary,
    /// Threads it ran on.
    pub threads: usize,
    /// Seconds it took to load the model.
    pub load_seconds: f64,
    /// The NER encoder's work.
    pub encoder: EncoderStats,
}

/// Why one document gave no rows; its record's `error` is the message (on one line).
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The file could not be read, or is not a text document.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A `--jsonl` input line could not be used.
    #[error(transparent)]
    Line(#[from] LineError),
    /// A `--jsonl` input line was longer than its cap (see [`run_jsonl`]).
    #[error(
        "{input}: line {line}: longer than the limit ({len} bytes > {cap} bytes; see --max-bytes)"
    )]
    LineTooLong {
        /// The input (e.g. `stdin`).
        input: String,
        /// 1-based line.
        line: u64,
        /// Its length in bytes.
        len: u64,
        /// The cap.
        cap: usize,
    },
    /// The document was read but not processed.
    #[error("{path}: {error}")]
    Process {
        /// Where it came from (may be empty for a `--jsonl` document without `path`).
        path: String,
        /// What went wrong.
        error: ProcessError,
    },
}

/// Why a decoded document could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// More WordPieces than `--max-pieces`.
    #[error("document has {pieces} WordPieces, more than the limit ({max}; see --max-pieces)")]
    TooManyPieces {
        /// WordPieces of the document.
        pieces: usize,
        /// The limit.
        max: usize,
    },
    /// A stage failed (the tokenizer or the NER model); the message has the whole chain.
    #[error("{0:#}")]
    Stage(anyhow::Error),
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

/// Run every stage on one document's text.
///
/// # Errors
/// The NER model failed.
pub fn process_text(ner: &Ner, text: &str) -> Result<(DocOutput, Vec<String>)> {
    process_analysis(Stages::from(ner), TextAnalysis::new(text))
}

/// Run every stage on an analysed text.
fn process_analysis(st: Stages<'_>, analysis: TextAnalysis) -> Result<(DocOutput, Vec<String>)> {
    let text = analysis.text;
    // One encoder pass gives the NER labels and, with a tagger, its features.
    let (mentions, quotes) = match st.tagger {
        Some(tagger) if st.combine != Combine::Rules => {
            let (ner, rules) = rayon::join(
                || st.ner.recognize_with_features(&analysis, tagger.tap()),
                || quotes::find(&analysis),
            );
            let (mentions, features) = ner?;
            let tagged = tagger.quotes(&analysis, &features);
            (
                mentions,
                attribution::combine(st.combine, text, rules, tagged),
            )
        }
        _ => {
            let (mentions, rules) =
                rayon::join(|| st.ner.recognize(&analysis), || quotes::find(&analysis));
            (mentions?, rules)
        }
    };
    let entities = link::merge_aliases(text, &mentions);
    let linked = link::attribute(&analysis, &mentions, &entities, &quotes);
    let warnings = analysis.warnings;
    Ok((
        DocOutput {
            mentions,
            entities,
            quotes,
            attributions: linked.attributions,
            relations: linked.relations,
        },
        warnings,
    ))
}

/// Refuse an analysed text of more than `max_pieces` WordPieces, before the model sees it.
/// Pieces are counted only for texts long enough to have that many (a piece is at least one
/// character of the lower-cased, accent-stripped word, and that is at most three per byte).
///
/// # Errors
/// Too many pieces (the error gives the count and the limit), or the tokenizer failed.
pub fn check_pieces(
    ner: &Ner,
    analysis: &TextAnalysis,
    max_pieces: usize,
) -> Result<(), ProcessError> {
    let text = analysis.text;
    if text.len().saturating_mul(3) <= max_pieces {
        return Ok(());
    }
    let words: Vec<&str> = analysis.words.iter().map(|s| s.as_str(text)).collect();
    let pieces = ner
        .tokenizer()
        .encode_words(&words)
        .map_err(ProcessError::Stage)?
        .ids
        .len();
    if pieces > max_pieces {
        return Err(ProcessError::TooManyPieces {
            pieces,
            max: max_pieces,
        });
    }
    Ok(())
}

/// Process one decoded document within `max_pieces`: its output and warnings.
///
/// # Errors
/// See [`check_pieces`]; a stage failed.
pub fn process_limited(
    st: Stages<'_>,
    text: &str,
    max_pieces: usize,
) -> Result<(DocOutput, Vec<String>), ProcessError> {
    let analysis = TextAnalysis::new(text);
    check_pieces(st.ner, &analysis, max_pieces)?;
    process_analysis(st, analysis).map_err(ProcessError::Stage)
}

/// One document's record (an error record when it failed), warnings and words.
struct Processed {
    rec: DocRecord,
    warnings: Vec<String>,
    words: usize,
}

impl Processed {
    /// The record of a document that failed.
    fn failed(doc_id: Option<String>, path: String, e: &DocError) -> Processed {
        Processed {
            rec: DocRecord::error(doc_id, path, &e.to_string()),
            warnings: Vec::new(),
            words: 0,
        }
    }
}

/// Process one decoded document into its record (an error record when a stage fails).
fn process_doc(st: Stages<'_>, doc: Document, limits: Limits) -> Processed {
    match process_limited(st, &doc.text, limits.max_pieces) {
        Ok((out, warnings)) => Processed {
            words: doc.text.split_whitespace().count(),
            rec: DocRecord::from_rows(&doc_rows(&doc, &out)),
            warnings,
        },
        Err(error) => {
            let path = doc.path.display().to_string();
            let e = DocError::Process {
                path: path.clone(),
                error,
            };
            Processed::failed(Some(doc.id), path, &e)
        }
    }
}

/// What became of one input file in [`run`].
enum Outcome {
    /// Finished by the interrupted run being resumed, and unchanged since.
    Skipped { ok: bool },
    /// Processed (or refused).
    Done(Box<Processed>),
}

/// Read one input file and process it, unless `finished` has it with the same path and content.
fn process_input(
    st: Stages<'_>,
    f: &InputFile,
    limits: Limits,
    finished: &HashMap<String, Finished>,
) -> Outcome {
    let path = f.path.display().to_string();
    let refused = |e: ReadError, hash| {
        let mut p = Processed::failed(Some(f.doc_id.clone()), path.clone(), &DocError::from(e));
        p.rec.hash = hash;
        Outcome::Done(Box::new(p))
    };
    let bytes = match read_bytes(f, limits.max_bytes) {
        Ok(b) => b,
        Err(e) => return refused(e, None),
    };
    let hash = content_hash(&bytes);
    if let Some(done) = finished.get(&f.doc_id) {
        if done.path == path && done.hash.as_deref() == Some(hash.as_str()) {
            return Outcome::Skipped { ok: done.ok };
        }
    }
    let doc = match decode_document(f, &bytes) {
        Ok(d) => d,
        Err(e) => return refused(e, Some(hash)),
    };
    drop(bytes);
    let mut p = process_doc(st, doc, limits);
    p.rec.hash = Some(hash);
    Outcome::Done(Box::new(p))
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
    st: Stages<'_>,
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
                    let r = process_input(st, f, limits, finished);
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
                Outcome::Done(p) => {
                    let Processed {
                        rec,
                        warnings,
                        words,
                    } = *p;
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
    st: Stages<'_>,
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
        let results: Vec<Processed> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|(n, l)| {
                    let mut p = process_line(st, source, n, l, cap, limits);
                    if !p.rec.is_ok() {
                        p.rec.line = Some(n);
                    }
                    p
                })
                .collect()
        });
        for Processed {
            rec,
            warnings,
            words,
        } in results
        {
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

/// Process line `n` of the `--jsonl` input `source` (lines over `cap` bytes were skipped).
fn process_line(
    st: Stages<'_>,
    source: &str,
    n: u64,
    line: Line,
    cap: usize,
    limits: Limits,
) -> Processed {
    let t = match line {
        Line::TooLong(len) => {
            let e = DocError::LineTooLong {
                input: source.to_string(),
                line: n,
                len,
                cap,
            };
            return Processed::failed(None, String::new(), &e);
        }
        Line::Text(t) => t,
    };
    match read_input_line(source, n, &t, limits.max_bytes) {
        Err(e) => Processed::failed(e.doc_id.clone(), e.path.clone(), &DocError::from(e)),
        Ok(d) => {
            let doc = Document {
                id: d.doc_id,
                path: PathBuf::from(d.path),
                text: d.text,
            };
            process_doc(st, doc, limits)
        }
    }
}

/// What a resumed run must share with the run it continues: anything that changes the rows.
fn settings(opts: &ExtractOptions) -> Result<String> {
    let model = std::fs::canonicalize(&opts.model).unwrap_or_else(|_| opts.model.clone());
    let mut files = serde_json::Map::new();
    for name in ["config.json", "tokenizer.json"] {
        let p = opts.model.join(name);
        let bytes = std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display()))?;
        files.insert(name.into(), content_hash(&bytes).into());
    }
    let w = opts.model.join("model.safetensors");
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
    let mut v = serde_json::json!({
        "newsx": env!("CARGO_PKG_VERSION"),
        "model": model.display().to_string(),
        "files": files,
        "engine": opts.engine.as_str(),
        "onnx": opts.onnx.as_ref().map(|p| p.display().to_string()),
        "decode": opts.decoding.as_str(),
        "max_bytes": opts.limits.max_bytes,
        "max_pieces": opts.limits.max_pieces,
    });
    // Recorded only when the tagger runs, so that runs from before it resume as they were.
    if opts.combine != Combine::Rules {
        v["combine"] = opts.combine.as_str().into();
        v["attribution"] = opts
            .attribution
            .as_ref()
            .map(|p| p.display().to_string())
            .into();
    }
    Ok(v.to_string())
}

/// Load the model, with the error a user needs when it is missing.
pub fn load_model(dir: &Path) -> Result<Ner> {
    Ner::load(dir).with_context(|| format!("cannot load the NER model from {}", dir.display()))
}

/// The model as `opts` says (engine included), for `threads` threads.
fn load_engine(opts: &ExtractOptions, threads: usize) -> Result<Ner> {
    #[allow(unused_mut)]
    let mut ner = load_model(&opts.model)?;
    match opts.engine {
        Engine::Native => {}
        #[cfg(feature = "ort")]
        Engine::Ort => {
            let onnx = opts
                .onnx
                .clone()
                .unwrap_or_else(|| opts.model.join("model.int8.onnx"));
            ner.use_onnx_runtime(&onnx, threads)?;
        }
        #[cfg(not(feature = "ort"))]
        Engine::Ort => {
            let _ = threads;
            anyhow::bail!(
                "--engine ort: this newsx was built without ONNX Runtime (cargo build --release --features ort)"
            )
        }
    }
    ner.set_decoding(opts.decoding);
    if let Some(w) = opts.window {
        ner.set_window(w).context("--window")?;
    }
    Ok(ner)
}

/// The progress bar of a run over `n` documents (hidden when `quiet`).
fn progress_bar(quiet: bool, n: usize) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(n as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} documents ({per_sec}) ETA {eta}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    bar
}

/// Files to CSV: [`run`] over the inputs of `opts` into a sink on `opts.out` (resuming when
/// asked), then the CSV files written.
fn extract_csv(st: Stages<'_>, opts: &ExtractOptions, threads: usize) -> Result<RunSummary> {
    let inputs = collect_inputs(&opts.inputs)?;
    let settings = settings(opts)?;
    let (mut sink, resumed) = if opts.resume {
        CsvSink::resume(&opts.out, opts.excel, &settings)?
    } else {
        let sink = CsvSink::create_resumable(&opts.out, opts.excel, &settings)?;
        (sink, Resumed::default())
    };
    if !opts.quiet {
        if let Some(note) = &resumed.note {
            eprintln!("newsx: {note}");
        }
    }
    let bar = progress_bar(opts.quiet, inputs.len());
    let s = run(
        st,
        &inputs,
        &mut sink,
        threads,
        opts.limits,
        &resumed.finished,
        &bar,
        !opts.quiet,
    )?;
    bar.finish_and_clear();
    sink.finish()?;
    Ok(s)
}

/// Run `newsx extract` as `opts` says: load the model, then files to CSV files, or with
/// [`ExtractOptions::jsonl`] JSON Lines from stdin to stdout ([`run_jsonl`]). Documents that
/// fail are reported on stderr and recorded, and counted in the outcome.
///
/// # Errors
/// The model cannot be loaded, an input path does not exist, the output cannot be written (a
/// closed stdout included: the caller decides whether that is an error), or reading stdin failed.
pub fn extract(opts: &ExtractOptions) -> Result<ExtractOutcome> {
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let t0 = Instant::now();
    let ner = load_engine(opts, threads)?;
    let tagger = match (&opts.attribution, opts.combine) {
        (Some(dir), c) if c != Combine::Rules => {
            Some(Tagger::load(dir, &opts.model).with_context(|| {
                format!("cannot load the attribution tagger from {}", dir.display())
            })?)
        }
        (None, c) if c != Combine::Rules => anyhow::bail!(
            "--combine {}: needs the attribution tagger (--attribution DIR)",
            c.as_str()
        ),
        _ => None,
    };
    let st = Stages {
        ner: &ner,
        tagger: tagger.as_ref(),
        combine: opts.combine,
    };
    let load_seconds = t0.elapsed().as_secs_f64();
    let summary = if opts.jsonl {
        let stdin = std::io::stdin().lock();
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        run_jsonl(
            st,
            stdin,
            &mut stdout,
            "stdin",
            threads,
            opts.limits,
            !opts.quiet,
        )?
    } else {
        extract_csv(st, opts, threads)?
    };
    Ok(ExtractOutcome {
        summary,
        threads,
        load_seconds,
        encoder: ner.stats(),
    })
}
