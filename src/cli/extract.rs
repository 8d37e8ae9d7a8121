//! `newsx extract`: the pipeline over a batch of documents.

use super::Status;
use anyhow::{Context, Result};
use newsx::pipeline::{ExtractOptions, Limits, DEFAULT_MAX_PIECES};
use std::path::PathBuf;

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
    /// Read each document in windows of at most N WordPieces instead of the model's own
    /// (`window` in its config.json, 126 for the shipped model): more context per sentence, at
    /// a cost that grows with the square of the window (see models/README.md).
    #[arg(long, value_name = "N")]
    pub window: Option<usize>,
    /// The learned attribution tagger's folder (a head on the NER encoder trained by
    /// `newsx train-attribution`), used as `--combine` says.
    #[arg(long)]
    pub attribution: Option<PathBuf>,
    /// How the tagger's quotes join the rule stage's: `rules` (rules only, the tagger does not
    /// run), `add` (rule quotes plus each tagger quote that overlaps none), `cued` (as `add`, for
    /// tagger quotes whose cue is a reporting verb of the cue lexicon) or `tagger` (the tagger's
    /// only).
    #[arg(long, default_value = "rules")]
    pub combine: String,
    /// Print one `newsx-stats {json}` line on stderr at the end: documents, words, seconds and
    /// the NER encoder's work (pieces fed and owned, FLOP, thread seconds). For benchmarks.
    #[arg(long)]
    pub stats: bool,
}

/// Run `newsx extract`: the summary (and with `--stats` the figures) on stderr; exit status 1
/// when some documents failed.
pub fn run(args: ExtractArgs) -> Result<Status> {
    let opts = ExtractOptions {
        engine: args.engine.parse()?,
        inputs: args.inputs,
        out: args.out,
        model: args.model,
        threads: args.threads,
        limits: Limits {
            max_bytes: args.max_bytes,
            max_pieces: args.max_pieces,
        },
        resume: args.resume,
        jsonl: args.jsonl,
        excel: args.excel,
        quiet: args.quiet,
        onnx: args.onnx,
        decoding: newsx::ner::Decoding::parse(&args.decode)
            .with_context(|| format!("--decode {:?}: expected viterbi or argmax", args.decode))?,
        window: args.window,
        attribution: args.attribution,
        combine: newsx::attribution::Combine::parse(&args.combine).with_context(|| {
            format!(
                "--combine {:?}: expected rules, add, cued or tagger",
                args.combine
            )
        })?,
    };
    let o = newsx::pipeline::extract(&opts)?;
    let s = &o.summary;
    let threads = o.threads;
    let load_s = o.load_seconds;
    if !opts.quiet {
        let resumed = if s.resumed > 0 {
            format!(", {} from the interrupted run", s.resumed)
        } else {
            String::new()
        };
        let dest = if opts.jsonl {
            "stdout".to_string()
        } else {
            opts.out.display().to_string()
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
        let mut j = serde_json::to_value(o.encoder)?;
        j["documents"] = (s.ok + s.failed).into();
        j["words"] = s.words.into();
        j["seconds"] = s.seconds.into();
        j["load_seconds"] = load_s.into();
        j["threads"] = threads.into();
        eprintln!("newsx-stats {j}");
    }
    Ok(Status::from_failures(s.failed))
}
