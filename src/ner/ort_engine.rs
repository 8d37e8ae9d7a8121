//! The optional ONNX Runtime engine (`cargo build --release --features ort`).
//!
//! It runs the graph `tools/export_onnx.py` writes (the same encoder and head, int8 per-channel
//! dynamic quantization by onnxruntime) through the `ort` crate, loading ONNX Runtime's shared
//! library at run time from `ORT_DYLIB_PATH` (`tools/ort-setup.sh` installs the PyPI wheel that
//! ships it and prints the path). One single-threaded session per worker thread, so rayon's
//! threads are the only parallelism, and windows run one at a time, so a window's output depends
//! only on its pieces, as with the native engine.

use anyhow::{anyhow, bail, Context, Result};
use ort::session::Session;
use ort::value::Tensor;
use std::path::Path;
use std::sync::Mutex;

/// Sessions of one exported model.
pub struct OrtEngine {
    _env: ort::environment::Environment,
    sessions: Vec<Mutex<Session>>,
    labels: usize,
}

fn ort_err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("ONNX Runtime: {e}")
}

impl OrtEngine {
    /// Load `path` into `threads` sessions; `labels` is the head's width.
    pub fn load(path: &Path, threads: usize, labels: usize) -> Result<Self> {
        if !path.is_file() {
            bail!(
                "{} is missing: export it with tools/ort-setup.sh (see the README, Performance)",
                path.display()
            );
        }
        if std::env::var_os("ORT_DYLIB_PATH").is_none() {
            bail!("ORT_DYLIB_PATH is not set: point it at libonnxruntime.so (tools/ort-setup.sh prints it)");
        }
        let env = ort::init().with_name("newsx").build().map_err(ort_err)?;
        let mut sessions = Vec::new();
        for _ in 0..threads.max(1) {
            let s = Session::builder(&env)
                .map_err(ort_err)?
                .with_intra_threads(1)
                .map_err(ort_err)?
                .with_inter_threads(1)
                .map_err(ort_err)?
                .commit_from_file(path)
                .map_err(ort_err)
                .with_context(|| format!("{}: cannot load", path.display()))?;
            sessions.push(Mutex::new(s));
        }
        Ok(Self {
            _env: env,
            sessions,
            labels,
        })
    }

    /// Logits `[t, labels]` of one window.
    pub fn logits(&self, ids: &[u32], shapes: &[u32]) -> Result<Vec<f32>> {
        let t = ids.len();
        let i = rayon::current_thread_index().unwrap_or(0) % self.sessions.len();
        let mut s = self.sessions[i]
            .lock()
            .map_err(|_| anyhow!("ONNX Runtime session poisoned"))?;
        let col = |v: Vec<i64>| Tensor::from_array((vec![t], v)).map_err(ort_err);
        let ids = col(ids.iter().map(|&v| v as i64).collect())?;
        let sh = col(shapes.iter().map(|&v| v as i64).collect())?;
        let pos = col((0..t as i64).collect())?;
        let out = s
            .run(ort::inputs![
                "input_ids" => ids,
                "shape_ids" => sh,
                "position_ids" => pos
            ])
            .map_err(ort_err)?;
        let (_, data) = out["logits"].try_extract_tensor::<f32>().map_err(ort_err)?;
        if data.len() != t * self.labels {
            bail!("ONNX model gave {} logits for {t} pieces", data.len());
        }
        Ok(data.to_vec())
    }
}
