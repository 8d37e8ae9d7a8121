//! `newsx extract`: the whole pipeline over a batch of documents. The only module that uses rayon.
//!
//! Documents are processed in parallel (one level: a document is the unit of work), in chunks
//! whose results are written in input order, so output is byte-identical for any `--threads`.
//! Inside a document the NER stage and the quote stage run side by side (`rayon::join`), then the
//! link step joins them: alias merging gives entity ids, speakers resolve to entities.

use crate::corpus::{collect_inputs, read_document, InputFile};
use crate::doc::{DocOutput, Document};
use crate::ner::Ner;
use crate::output::CsvSink;
use crate::text::TextAnalysis;
use crate::{link, quotes};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Command-line arguments of `newsx extract`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExtractArgs {
    /// Article files (`.txt`, UTF-8) or folders searched recursively for `*.txt`.
    #[arg(required = true)]
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
    /// Print one `newsx-stats {json}` line on stderr at the end: documents, words, seconds and
    /// the NER encoder's work (pieces fed and owned, FLOP, thread seconds). For benchmarks.
    #[arg(long)]
    pub stats: bool,
}

/// Documents handed to the pool at once; bounds memory on large batches.
const CHUNK: usize = 64;

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

/// Summary of a run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Documents processed.
    pub ok: usize,
    /// Documents that failed.
    pub failed: usize,
    /// Words processed.
    pub words: usize,
    /// Seconds spent processing (model loading excluded).
    pub seconds: f64,
}

/// Process `inputs` into `sink` on `threads` threads.
pub fn run(
    ner: &Ner,
    inputs: &[InputFile],
    sink: &mut CsvSink,
    threads: usize,
    max_bytes: u64,
    bar: &ProgressBar,
    warn: bool,
) -> Result<RunSummary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the thread pool")?;
    let started = Instant::now();
    let mut s = RunSummary::default();
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<DocResult> = pool.install(|| {
            chunk
                .par_iter()
                .map(|f| {
                    let r = process_file(ner, f, max_bytes);
                    bar.inc(1);
                    r
                })
                .collect()
        });
        for (f, r) in chunk.iter().zip(results) {
            match r {
                DocResult::Ok {
                    doc,
                    out,
                    words,
                    warnings,
                } => {
                    if warn {
                        for w in &warnings {
                            bar.suspend(|| eprintln!("newsx: warning: {}: {w}", f.path.display()));
                        }
                    }
                    sink.add(&doc, &out);
                    s.ok += 1;
                    s.words += words;
                }
                DocResult::Err(msg) => {
                    bar.suspend(|| eprintln!("newsx: error: {msg}"));
                    sink.add_error(f, &msg);
                    s.failed += 1;
                }
            }
        }
    }
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
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
    let load_s = t0.elapsed().as_secs_f64();
    let inputs = collect_inputs(&args.inputs)?;
    let mut sink = CsvSink::create(&args.out, args.excel)?;
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
        args.max_bytes,
        &bar,
        !args.quiet,
    )?;
    bar.finish_and_clear();
    sink.finish()?;
    if !args.quiet {
        eprintln!(
            "newsx: {} documents ({} failed), {} words in {:.1}s on {threads} threads: {:.0} words/s (model loaded in {load_s:.1}s); output in {}",
            s.ok + s.failed,
            s.failed,
            s.words,
            s.seconds,
            s.words as f64 / s.seconds.max(1e-9),
            args.out.display()
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
