//! The inference engine: the encoder's forward pass in plain Rust, with quantized weights.
//!
//! Training runs on candle ([`super::model`]); inference runs here, because candle's f32 path
//! spends much of its time in thread-pool barriers and its quantized matmul has no fast path for
//! MiniLM's width (see `bench/README.md`). The engine computes one window at a time on the
//! calling thread, with no padding and no thread pool of its own, so that rayon's document and
//! window tasks are the only parallelism and a window's output depends on nothing but its pieces.
//!
//! Linear layers are integer matrix products:
//! - weights are quantized once, at load, with one scale per output channel (symmetric,
//!   `round(w / s)` with `s = max|w| / W_MAX`; `W_MAX` = 511, 10 bits: int8's ±127 scored the
//!   same within noise, see `models/README.md`, and costs the same in this kernel);
//! - activations are quantized per row (per token), also symmetric, to [`act_max`] levels (8191
//!   for inner width 384, 2736 for 1536), so every window is quantized on its own;
//! - products are summed exactly in i32 (`k · W_MAX · act_max < 2^31` by construction), so the
//!   SIMD and scalar kernels give identical sums; then `y = sum · s_row · s_col + bias`.
//!
//! On x86-64 with AVX2 the products run in `vpmaddwd` (i16 × i16 pairs into i32: 16
//! multiply-adds an instruction; measured at 45–48 GMAC/s a core here against 40 for f32 FMA);
//! elsewhere a scalar kernel computes the same integers. Attention, layer norms, GELU (exact erf
//! form, polynomial erf) and softmax stay in f32.

use anyhow::{bail, Context, Result};
use half::f16;

/// Largest quantized weight magnitude.
const W_MAX: i32 = 511;
/// Rows computed together by the f32 kernel.
const MR: usize = 6;
/// Output columns computed together by the f32 kernel (two AVX2 registers).
const NR: usize = 16;
/// Rows computed together by the integer kernel.
const QMR: usize = 6;
/// AVX2 registers of eight i32 sums a row in the integer kernel.
const QC: usize = 2;
/// Output columns computed together by the integer kernel.
const QNR: usize = 8 * QC;

/// Activation levels for an inner dimension `k`: at most 8191, and small enough that a sum of `k`
/// products of `W_MAX`-bounded weights cannot overflow i32.
pub fn act_max(k: usize) -> i32 {
    let bound = (i32::MAX as i64) / ((k.max(1) as i64) * W_MAX as i64);
    bound.clamp(1, 8191) as i32
}

/// A linear layer `y = x · Wᵀ + b` with integer weights packed for the kernel.
///
/// Packing: the output columns are cut into blocks of [`QNR`]; inside a block, for each pair of
/// inner indices `(2p, 2p+1)`, 32 i16 values: columns 0–7 then 8–15, each as `(w[2p], w[2p+1])`.
/// Missing columns and an odd last inner index are zero.
pub struct QLinear {
    n: usize,
    k: usize,
    /// `k` rounded up to even.
    kp: usize,
    packed: Vec<i16>,
    w_scale: Vec<f32>,
    bias: Vec<f32>,
    a_max: i32,
}

impl QLinear {
    /// Quantize `weight` (`[n, k]`, row-major, HF layout) and keep `bias` (`[n]`).
    pub fn new(weight: &[f32], bias: &[f32], n: usize, k: usize) -> Result<Self> {
        if weight.len() != n * k || bias.len() != n {
            bail!(
                "linear layer: weight has {} values and bias {}, expected {n}×{k} and {n}",
                weight.len(),
                bias.len()
            );
        }
        if weight.iter().chain(bias).any(|v| !v.is_finite()) {
            bail!("linear layer: weights are not finite");
        }
        let kp = k.div_ceil(2) * 2;
        let blocks = n.div_ceil(QNR);
        let mut w_scale = vec![1f32; n];
        let mut q = vec![0i16; n * kp];
        for o in 0..n {
            let row = &weight[o * k..(o + 1) * k];
            let m = max_abs(row);
            let s = if m > 0.0 { m / W_MAX as f32 } else { 1.0 };
            w_scale[o] = s;
            for (i, &v) in row.iter().enumerate() {
                q[o * kp + i] = ((v / s).round() as i32).clamp(-W_MAX, W_MAX) as i16;
            }
        }
        let pairs = kp / 2;
        let mut packed = vec![0i16; blocks * pairs * 2 * QNR];
        for b in 0..blocks {
            for p in 0..pairs {
                for lane in 0..QNR {
                    let o = b * QNR + lane;
                    if o >= n {
                        continue;
                    }
                    let dst = ((b * pairs + p) * QNR + lane) * 2;
                    packed[dst] = q[o * kp + 2 * p];
                    packed[dst + 1] = q[o * kp + 2 * p + 1];
                }
            }
        }
        Ok(Self {
            n,
            k,
            kp,
            packed,
            w_scale,
            bias: bias.to_vec(),
            a_max: act_max(kp),
        })
    }

    /// Output width.
    pub fn out_dim(&self) -> usize {
        self.n
    }

    /// `y[m, n] = x[m, k] · Wᵀ + b`. `qa` and `sa` are scratch buffers.
    #[inline(always)]
    fn forward<const SIMD: bool>(
        &self,
        x: &[f32],
        m: usize,
        y: &mut [f32],
        qa: &mut Vec<i16>,
        sa: &mut Vec<f32>,
    ) {
        debug_assert_eq!(x.len(), m * self.k);
        quantize_rows(x, m, self.k, self.kp, self.a_max, qa, sa);
        let pairs = self.kp / 2;
        let blocks = self.n.div_ceil(QNR);
        let mut acc = [[0i32; QNR]; QMR];
        for b in 0..blocks {
            let w = &self.packed[b * pairs * 2 * QNR..(b + 1) * pairs * 2 * QNR];
            let c0 = b * QNR;
            let cols = QNR.min(self.n - c0);
            let mut r0 = 0;
            while r0 < m {
                let rows = QMR.min(m - r0);
                let a = &qa[r0 * self.kp..(r0 + rows) * self.kp];
                kernel::<SIMD>(a, rows, self.kp, w, &mut acc);
                for (r, acc_r) in acc.iter().enumerate().take(rows) {
                    let s = sa[r0 + r];
                    let yr = &mut y[(r0 + r) * self.n + c0..(r0 + r) * self.n + c0 + cols];
                    for (c, out) in yr.iter_mut().enumerate() {
                        *out = acc_r[c] as f32 * (s * self.w_scale[c0 + c]) + self.bias[c0 + c];
                    }
                }
                r0 += rows;
            }
        }
    }
}

/// Quantize each row of `x` (`[m, k]`) to i16 in `[-a_max, a_max]` with its own scale; rows are
/// stored with stride `kp` (zero-padded).
#[inline(always)]
fn quantize_rows(
    x: &[f32],
    m: usize,
    k: usize,
    kp: usize,
    a_max: i32,
    qa: &mut Vec<i16>,
    sa: &mut Vec<f32>,
) {
    qa.clear();
    qa.resize(m * kp, 0);
    sa.clear();
    for r in 0..m {
        let row = &x[r * k..(r + 1) * k];
        let mx = max_abs(row);
        let inv = if mx > 0.0 && mx.is_finite() {
            a_max as f32 / mx
        } else {
            0.0
        };
        sa.push(if inv > 0.0 { mx / a_max as f32 } else { 1.0 });
        // |v · inv| <= a_max, so the conversion cannot saturate; ties round to even.
        for (q, &v) in qa[r * kp..r * kp + k].iter_mut().zip(row) {
            *q = (v * inv).round_ties_even() as i32 as i16;
        }
    }
}

/// The largest magnitude in `v` (eight partial maxima, so the loop vectorizes).
#[inline(always)]
fn max_abs(v: &[f32]) -> f32 {
    let mut m8 = [0f32; 8];
    let chunks = v.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for l in 0..8 {
            m8[l] = m8[l].max(c[l].abs());
        }
    }
    tail.iter().map(|v| v.abs()).chain(m8).fold(0f32, f32::max)
}

/// Integer products of `rows` (≤ [`QMR`]) quantized rows (stride `kp`) with one packed column
/// block; `acc[r][c]` receives the exact sums.
#[inline(always)]
fn kernel<const SIMD: bool>(
    a: &[i16],
    rows: usize,
    kp: usize,
    w: &[i16],
    acc: &mut [[i32; QNR]; QMR],
) {
    #[cfg(target_arch = "x86_64")]
    if SIMD {
        // SAFETY: SIMD is only true when AVX2 was detected at load (`Engine::simd`); the slices
        // are long enough for every read (checked by the assertions inside).
        unsafe {
            return match rows {
                6 => avx2::block::<6>(a, kp, w, acc),
                5 => avx2::block::<5>(a, kp, w, acc),
                4 => avx2::block::<4>(a, kp, w, acc),
                3 => avx2::block::<3>(a, kp, w, acc),
                2 => avx2::block::<2>(a, kp, w, acc),
                _ => avx2::block::<1>(a, kp, w, acc),
            };
        }
    }
    scalar_block(a, rows, kp, w, acc);
}

/// The portable kernel: the same sums as the AVX2 one.
fn scalar_block(a: &[i16], rows: usize, kp: usize, w: &[i16], acc: &mut [[i32; QNR]; QMR]) {
    let pairs = kp / 2;
    for (r, acc_r) in acc.iter_mut().enumerate().take(rows) {
        let ar = &a[r * kp..(r + 1) * kp];
        *acc_r = [0; QNR];
        for p in 0..pairs {
            let a0 = ar[2 * p] as i32;
            let a1 = ar[2 * p + 1] as i32;
            let wp = &w[p * 2 * QNR..(p + 1) * 2 * QNR];
            for (c, s) in acc_r.iter_mut().enumerate() {
                *s += a0 * wp[2 * c] as i32 + a1 * wp[2 * c + 1] as i32;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{MR, NR, QC, QMR, QNR};
    use std::arch::x86_64::*;

    /// `R` rows × 16 columns with `vpmaddwd`: per inner pair, one broadcast of the row's two
    /// activations, two multiply-adds against the packed weights, two i32 additions.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn block<const R: usize>(
        a: &[i16],
        kp: usize,
        w: &[i16],
        acc: &mut [[i32; QNR]; QMR],
    ) {
        let pairs = kp / 2;
        assert!(a.len() >= R * kp && w.len() >= pairs * 2 * QNR && R <= QMR);
        let mut acc_v = [[_mm256_setzero_si256(); QC]; R];
        let ap = a.as_ptr();
        let wp = w.as_ptr();
        for p in 0..pairs {
            // SAFETY: p < pairs, so the 2·QNR i16 read at 2·QNR·p lie inside `w`; 2p+1 < kp.
            let mut wv = [_mm256_setzero_si256(); QC];
            for (c, v) in wv.iter_mut().enumerate() {
                *v = _mm256_loadu_si256(wp.add(p * 2 * QNR + 16 * c) as *const __m256i);
            }
            for (r, acc_r) in acc_v.iter_mut().enumerate() {
                let pair = std::ptr::read_unaligned(ap.add(r * kp + 2 * p) as *const i32);
                let av = _mm256_set1_epi32(pair);
                for c in 0..QC {
                    acc_r[c] = _mm256_add_epi32(acc_r[c], _mm256_madd_epi16(av, wv[c]));
                }
            }
        }
        for (r, acc_r) in acc_v.iter().enumerate() {
            for (c, v) in acc_r.iter().enumerate() {
                _mm256_storeu_si256(acc[r].as_mut_ptr().add(8 * c) as *mut __m256i, *v);
            }
        }
    }

    /// The f32 kernel for attention: `R` rows × 16 columns with FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA; `a` holds `R` rows of stride `lda` with `k` values
    /// each, `b` holds `k` rows of stride `ldb` with 16 readable values (asserted by the caller).
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn fblock<const R: usize>(
        a: &[f32],
        lda: usize,
        k: usize,
        b: &[f32],
        ldb: usize,
        acc: &mut [[f32; NR]; MR],
    ) {
        let mut lo = [_mm256_setzero_ps(); R];
        let mut hi = [_mm256_setzero_ps(); R];
        let ap = a.as_ptr();
        let bp = b.as_ptr();
        for p in 0..k {
            let b0 = _mm256_loadu_ps(bp.add(p * ldb));
            let b1 = _mm256_loadu_ps(bp.add(p * ldb + 8));
            for r in 0..R {
                let av = _mm256_set1_ps(*ap.add(r * lda + p));
                lo[r] = _mm256_fmadd_ps(av, b0, lo[r]);
                hi[r] = _mm256_fmadd_ps(av, b1, hi[r]);
            }
        }
        for r in 0..R {
            _mm256_storeu_ps(acc[r].as_mut_ptr(), lo[r]);
            _mm256_storeu_ps(acc[r].as_mut_ptr().add(8), hi[r]);
        }
    }
}

/// Layer norm's affine parameters.
struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    /// Query (pre-scaled by 1/√d), key and value in one product: `[3h, h]`.
    qkv: QLinear,
    attn_out: QLinear,
    attn_norm: Norm,
    inter: QLinear,
    out: QLinear,
    out_norm: Norm,
}

/// Sizes the engine needs from the model's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Dims {
    /// Vocabulary size.
    pub vocab: usize,
    /// Hidden width.
    pub hidden: usize,
    /// Attention heads.
    pub heads: usize,
    /// Feed-forward width.
    pub inter: usize,
    /// Transformer layers.
    pub layers: usize,
    /// Position embeddings.
    pub max_pos: usize,
    /// Token types (0: none).
    pub types: usize,
    /// Word shapes (0: none).
    pub shapes: usize,
    /// Head width (labels).
    pub labels: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
}

/// The encoder and head, ready to run.
pub struct Engine {
    dims: Dims,
    word: Vec<f16>,
    pos: Vec<f32>,
    /// Token type 0 (the only one used).
    tt0: Vec<f32>,
    shape: Vec<f32>,
    emb_norm: Norm,
    layers: Vec<Layer>,
    cls_w: Vec<f32>,
    cls_b: Vec<f32>,
    simd: bool,
}

/// A tensor by name: its shape and its values as f32.
pub type Getter<'a> = dyn Fn(&str) -> Result<(Vec<usize>, Vec<f32>)> + 'a;

fn get_shaped(get: &Getter, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let (s, v) = get(name)?;
    if s != shape {
        bail!("{name}: shape {s:?}, expected {shape:?}");
    }
    Ok(v)
}

impl Engine {
    /// Build from tensors named as in the HF BERT layout without the `bert.` prefix
    /// (`embeddings.*`, `encoder.layer.N.*`, `classifier.*`), as `model.safetensors` stores them.
    pub fn build(dims: Dims, get: &Getter) -> Result<Self> {
        let h = dims.hidden;
        if dims.heads == 0 || !h.is_multiple_of(dims.heads) {
            bail!("hidden size {h} is not a multiple of {} heads", dims.heads);
        }
        let norm = |p: &str| -> Result<Norm> {
            Ok(Norm {
                gamma: get_shaped(get, &format!("{p}.weight"), &[h])?,
                beta: get_shaped(get, &format!("{p}.bias"), &[h])?,
            })
        };
        let lin = |p: &str, n: usize, k: usize| -> Result<(Vec<f32>, Vec<f32>)> {
            Ok((
                get_shaped(get, &format!("{p}.weight"), &[n, k])?,
                get_shaped(get, &format!("{p}.bias"), &[n])?,
            ))
        };
        let word = get_shaped(get, "embeddings.word_embeddings.weight", &[dims.vocab, h])?;
        let pos = get_shaped(
            get,
            "embeddings.position_embeddings.weight",
            &[dims.max_pos, h],
        )?;
        // Token type 0's row is added everywhere; a model without token types (DistilBERT) has none.
        let tt = if dims.types > 0 {
            get_shaped(
                get,
                "embeddings.token_type_embeddings.weight",
                &[dims.types, h],
            )?
        } else {
            vec![0.0; h]
        };
        let shape = if dims.shapes > 0 {
            get_shaped(get, "embeddings.shape_embeddings.weight", &[dims.shapes, h])?
        } else {
            Vec::new()
        };
        let emb_norm = norm("embeddings.LayerNorm")?;
        let scale = 1.0 / ((h / dims.heads) as f32).sqrt();
        let mut layers = Vec::with_capacity(dims.layers);
        for i in 0..dims.layers {
            let p = format!("encoder.layer.{i}");
            let (mut qw, mut qb) = lin(&format!("{p}.attention.self.query"), h, h)?;
            qw.iter_mut().chain(qb.iter_mut()).for_each(|v| *v *= scale);
            let (kw, kb) = lin(&format!("{p}.attention.self.key"), h, h)?;
            let (vw, vb) = lin(&format!("{p}.attention.self.value"), h, h)?;
            let w = [qw, kw, vw].concat();
            let b = [qb, kb, vb].concat();
            let ctx = |e: anyhow::Error| e.context(p.clone());
            let qkv = QLinear::new(&w, &b, 3 * h, h).map_err(ctx)?;
            let (w, b) = lin(&format!("{p}.attention.output.dense"), h, h)?;
            let attn_out = QLinear::new(&w, &b, h, h).map_err(ctx)?;
            let (w, b) = lin(&format!("{p}.intermediate.dense"), dims.inter, h)?;
            let inter = QLinear::new(&w, &b, dims.inter, h).map_err(ctx)?;
            let (w, b) = lin(&format!("{p}.output.dense"), h, dims.inter)?;
            let out = QLinear::new(&w, &b, h, dims.inter).map_err(ctx)?;
            layers.push(Layer {
                qkv,
                attn_out,
                attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                inter,
                out,
                out_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let (cls_w, cls_b) = lin("classifier", dims.labels, h)?;
        Ok(Self {
            dims,
            word: word.iter().map(|&v| f16::from_f32(v)).collect(),
            pos,
            tt0: tt[..h].to_vec(),
            shape,
            emb_norm,
            layers,
            cls_w,
            cls_b,
            simd: simd_available(),
        })
    }

    /// Build from a parsed `model.safetensors` (f16, bf16 or f32 tensors).
    pub fn from_safetensors(dims: Dims, st: &safetensors::SafeTensors) -> Result<Self> {
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
            let t = st
                .tensor(name)
                .with_context(|| format!("no tensor {name}"))?;
            let d = t.data();
            let v: Vec<f32> = match t.dtype() {
                safetensors::Dtype::F16 => d
                    .chunks_exact(2)
                    .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                safetensors::Dtype::BF16 => d
                    .chunks_exact(2)
                    .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                safetensors::Dtype::F32 => d
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
                other => bail!("{name}: unsupported dtype {other:?}"),
            };
            Ok((t.shape().to_vec(), v))
        };
        Self::build(dims, &get)
    }

    /// Use the portable kernel even where AVX2 is present (tests compare the two).
    pub fn force_portable(&mut self) {
        self.simd = false;
    }

    /// Position embeddings: the most pieces one window can hold, `[CLS]` and `[SEP]` included.
    pub fn max_positions(&self) -> usize {
        self.dims.max_pos
    }

    /// Hidden width of the encoder.
    pub fn hidden(&self) -> usize {
        self.dims.hidden
    }

    /// Floating-point operations (a multiply-add counts two) of one window of `t` pieces: the
    /// linear layers, the two attention products and the head.
    pub fn flop(&self, t: usize) -> u64 {
        let d = self.dims;
        let (t, h, f) = (t as u64, d.hidden as u64, d.inter as u64);
        let per_layer = 2 * t * (4 * h * h + 2 * h * f) + 4 * t * t * h;
        d.layers as u64 * per_layer + 2 * t * h * d.labels as u64
    }

    /// Logits `[t, labels]` of one window of piece ids and shapes (special tokens included).
    pub fn logits(&self, ids: &[u32], shapes: &[u32]) -> Result<Vec<f32>> {
        Ok(self.run(ids, shapes, None)?.0)
    }

    /// Logits `[t, labels]` and features `[t, 2 × hidden]` of one window from the same forward
    /// pass: each piece's hidden state after layer `tap` (1-based) followed by its final hidden
    /// state. The features feed heads other than the NER head (the attribution tagger).
    pub fn logits_and_features(
        &self,
        ids: &[u32],
        shapes: &[u32],
        tap: usize,
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        if tap == 0 || tap > self.dims.layers {
            bail!("feature layer {tap} is outside 1..={}", self.dims.layers);
        }
        self.run(ids, shapes, Some(tap))
    }

    /// Check one window's inputs, then run the forward pass (with features when `tap` is set).
    fn run(&self, ids: &[u32], shapes: &[u32], tap: Option<usize>) -> Result<(Vec<f32>, Vec<f32>)> {
        let t = ids.len();
        if shapes.len() != t {
            bail!("{} ids but {} shapes", t, shapes.len());
        }
        if t > self.dims.max_pos {
            bail!(
                "window of {t} pieces is longer than {} positions",
                self.dims.max_pos
            );
        }
        if let Some(&bad) = ids.iter().find(|&&i| i as usize >= self.dims.vocab) {
            bail!("piece id {bad} is outside the vocabulary");
        }
        if self.dims.shapes > 0 {
            if let Some(&bad) = shapes.iter().find(|&&s| s as usize >= self.dims.shapes) {
                bail!("shape id {bad} is outside the shape embedding");
            }
        }
        if t == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        #[cfg(target_arch = "x86_64")]
        if self.simd {
            // SAFETY: `simd` is true only when AVX2 and FMA were detected.
            return Ok(unsafe { self.forward_avx2(ids, shapes, tap) });
        }
        Ok(self.forward::<false>(ids, shapes, tap))
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn forward_avx2(
        &self,
        ids: &[u32],
        shapes: &[u32],
        tap: Option<usize>,
    ) -> (Vec<f32>, Vec<f32>) {
        self.forward::<true>(ids, shapes, tap)
    }

    #[inline(always)]
    fn forward<const SIMD: bool>(
        &self,
        ids: &[u32],
        shapes: &[u32],
        tap: Option<usize>,
    ) -> (Vec<f32>, Vec<f32>) {
        let d = self.dims;
        let (t, h) = (ids.len(), d.hidden);
        let mut x = vec![0f32; t * h];
        for (i, (&id, &sh)) in ids.iter().zip(shapes).enumerate() {
            let row = &mut x[i * h..(i + 1) * h];
            let w = &self.word[id as usize * h..(id as usize + 1) * h];
            let p = &self.pos[i * h..(i + 1) * h];
            for j in 0..h {
                row[j] = w[j].to_f32() + p[j] + self.tt0[j];
            }
            if d.shapes > 0 {
                let s = &self.shape[sh as usize * h..(sh as usize + 1) * h];
                for j in 0..h {
                    row[j] += s[j];
                }
            }
        }
        layer_norm(&mut x, h, &self.emb_norm, d.eps);
        let mut s = Scratch::default();
        let mut tapped = Vec::new();
        for (li, layer) in self.layers.iter().enumerate() {
            self.layer::<SIMD>(layer, &mut x, t, &mut s);
            if tap == Some(li + 1) {
                tapped = x.clone();
            }
        }
        let l = d.labels;
        let mut logits = vec![0f32; t * l];
        for i in 0..t {
            let xr = &x[i * h..(i + 1) * h];
            for c in 0..l {
                let wr = &self.cls_w[c * h..(c + 1) * h];
                logits[i * l + c] = dot(xr, wr) + self.cls_b[c];
            }
        }
        let mut features = Vec::new();
        if tap.is_some() {
            features.reserve(t * 2 * h);
            for i in 0..t {
                features.extend_from_slice(&tapped[i * h..(i + 1) * h]);
                features.extend_from_slice(&x[i * h..(i + 1) * h]);
            }
        }
        (logits, features)
    }

    #[inline(always)]
    fn layer<const SIMD: bool>(&self, w: &Layer, x: &mut [f32], t: usize, s: &mut Scratch) {
        let h = self.dims.hidden;
        let heads = self.dims.heads;
        let dh = h / heads;
        s.qkv.resize(t * 3 * h, 0.0);
        w.qkv
            .forward::<SIMD>(x, t, &mut s.qkv, &mut s.qa, &mut s.sa);
        s.ctx.resize(t * h, 0.0);
        s.scores.resize(t * t, 0.0);
        let tp = t.div_ceil(NR) * NR;
        s.kt.resize(dh * tp, 0.0);
        for hd in 0..heads {
            let off = hd * dh;
            // Scores = Q·Kᵀ, with the head's keys transposed to [dh, tp] (zero-padded columns).
            for j in 0..t {
                let kr = &s.qkv[j * 3 * h + h + off..j * 3 * h + h + off + dh];
                for (e, &v) in kr.iter().enumerate() {
                    s.kt[e * tp + j] = v;
                }
            }
            fgemm::<SIMD>(&s.qkv[off..], 3 * h, t, dh, &s.kt, tp, t, &mut s.scores, t);
            for row in s.scores.chunks_exact_mut(t) {
                softmax(row);
            }
            // Context = P·V, reading the head's values in place (row stride 3h) when the head
            // width is a multiple of the kernel's, else from a zero-padded copy.
            if dh.is_multiple_of(NR) {
                let v = &s.qkv[2 * h + off..];
                fgemm::<SIMD>(&s.scores, t, t, t, v, 3 * h, dh, &mut s.ctx[off..], h);
            } else {
                let dp = dh.div_ceil(NR) * NR;
                s.vp.clear();
                s.vp.resize(t * dp, 0.0);
                for j in 0..t {
                    let src = j * 3 * h + 2 * h + off;
                    s.vp[j * dp..j * dp + dh].copy_from_slice(&s.qkv[src..src + dh]);
                }
                fgemm::<SIMD>(&s.scores, t, t, t, &s.vp, dp, dh, &mut s.ctx[off..], h);
            }
        }
        s.tmp.resize(t * h, 0.0);
        w.attn_out
            .forward::<SIMD>(&s.ctx, t, &mut s.tmp, &mut s.qa, &mut s.sa);
        for (xv, &a) in x.iter_mut().zip(&s.tmp) {
            *xv += a;
        }
        layer_norm(x, h, &w.attn_norm, self.dims.eps);
        let n = w.inter.out_dim();
        s.inter.resize(t * n, 0.0);
        w.inter
            .forward::<SIMD>(x, t, &mut s.inter, &mut s.qa, &mut s.sa);
        for v in s.inter.iter_mut() {
            *v = gelu(*v);
        }
        w.out
            .forward::<SIMD>(&s.inter, t, &mut s.tmp, &mut s.qa, &mut s.sa);
        for (xv, &a) in x.iter_mut().zip(&s.tmp) {
            *xv += a;
        }
        layer_norm(x, h, &w.out_norm, self.dims.eps);
    }
}

/// Buffers reused across the layers of one window.
#[derive(Default)]
struct Scratch {
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    scores: Vec<f32>,
    kt: Vec<f32>,
    vp: Vec<f32>,
    tmp: Vec<f32>,
    inter: Vec<f32>,
    qa: Vec<i16>,
    sa: Vec<f32>,
}

/// Whether the AVX2 path can run here.
pub(crate) fn simd_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight partial sums, so the loop vectorizes without reassociating floats.
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; 8];
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = acc.iter().sum::<f32>();
    let tail = n - n % 8;
    for (x, y) in a[tail..].iter().zip(&b[tail..]) {
        s += x * y;
    }
    s
}

/// In-place layer norm of each row of width `h` (two-pass variance, as in training).
#[inline(always)]
fn layer_norm(x: &mut [f32], h: usize, n: &Norm, eps: f32) {
    for row in x.chunks_exact_mut(h) {
        let mean = row.iter().sum::<f32>() / h as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&n.gamma).zip(&n.beta) {
            *v = (*v - mean) * inv * g + b;
        }
    }
}

/// In-place softmax (eight partial maxima and sums, so the loops vectorize).
#[inline(always)]
fn softmax(p: &mut [f32]) {
    let mut m8 = [f32::NEG_INFINITY; 8];
    let chunks = p.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for l in 0..8 {
            m8[l] = m8[l].max(c[l]);
        }
    }
    let mx = tail
        .iter()
        .chain(&m8)
        .fold(f32::NEG_INFINITY, |a, &v| a.max(v));
    // Exponentials and their eight partial sums in one pass.
    let mut s8 = [0f32; 8];
    let mut chunks = p.chunks_exact_mut(8);
    for c in &mut chunks {
        for l in 0..8 {
            c[l] = exp(c[l] - mx);
            s8[l] += c[l];
        }
    }
    let tail = chunks.into_remainder();
    for v in tail.iter_mut() {
        *v = exp(*v - mx);
    }
    let sum: f32 = s8.iter().sum::<f32>() + tail.iter().sum::<f32>();
    let inv = 1.0 / sum;
    for v in p.iter_mut() {
        *v *= inv;
    }
}

/// `C[m, n] = A[m, k] · B[k, n]` in f32: A row-major with stride `lda`, B row-major with stride
/// `ldb` (its columns are read in blocks of [`NR`]; `n` must be a multiple of [`NR`] or B must have
/// readable padding up to the next multiple), C with stride `ldc`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn fgemm<const SIMD: bool>(
    a: &[f32],
    lda: usize,
    m: usize,
    k: usize,
    b: &[f32],
    ldb: usize,
    n: usize,
    c: &mut [f32],
    ldc: usize,
) {
    let mut acc = [[0f32; NR]; MR];
    for jb in 0..n.div_ceil(NR) {
        let c0 = jb * NR;
        let cols = NR.min(n - c0);
        let bj = &b[c0..];
        let mut r0 = 0;
        while r0 < m {
            let rows = MR.min(m - r0);
            let ar = &a[r0 * lda..];
            fkernel::<SIMD>(ar, lda, rows, k, bj, ldb, &mut acc);
            for (r, acc_r) in acc.iter().enumerate().take(rows) {
                let base = (r0 + r) * ldc + c0;
                c[base..base + cols].copy_from_slice(&acc_r[..cols]);
            }
            r0 += rows;
        }
    }
}

#[inline(always)]
fn fkernel<const SIMD: bool>(
    a: &[f32],
    lda: usize,
    rows: usize,
    k: usize,
    b: &[f32],
    ldb: usize,
    acc: &mut [[f32; NR]; MR],
) {
    assert!((1..=MR).contains(&rows) && a.len() >= (rows - 1) * lda + k);
    assert!(k == 0 || b.len() >= (k - 1) * ldb + NR);
    #[cfg(target_arch = "x86_64")]
    if SIMD {
        // SAFETY: SIMD is only true when AVX2 and FMA were detected; the bounds are asserted.
        unsafe {
            return match rows {
                6 => avx2::fblock::<6>(a, lda, k, b, ldb, acc),
                5 => avx2::fblock::<5>(a, lda, k, b, ldb, acc),
                4 => avx2::fblock::<4>(a, lda, k, b, ldb, acc),
                3 => avx2::fblock::<3>(a, lda, k, b, ldb, acc),
                2 => avx2::fblock::<2>(a, lda, k, b, ldb, acc),
                _ => avx2::fblock::<1>(a, lda, k, b, ldb, acc),
            };
        }
    }
    for (r, acc_r) in acc.iter_mut().enumerate().take(rows) {
        *acc_r = [0.0; NR];
        for p in 0..k {
            let av = a[r * lda + p];
            let bp = &b[p * ldb..p * ldb + NR];
            for (s, &bv) in acc_r.iter_mut().zip(bp) {
                *s += av * bv;
            }
        }
    }
}

/// `e^x` to about 2 ulp for x in [-87, 88] (clamped outside): `2^n · P(r)` with a degree-6
/// polynomial on `r ∈ [-ln2/2, ln2/2]`. Branch-free, so loops over it vectorize.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    let x = x.clamp(-87.0, 88.0);
    // `k` holds n = round(x · log2 e) in its low mantissa bits (it lies in [2^23, 2^24)), so the
    // exponent below is integer arithmetic on its bits: no float-to-int conversion, which would
    // keep the loops that call this from vectorizing.
    let k = x * LOG2E + ROUND;
    let n = k - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.166_666_67
                    + r * (0.041_666_668 + r * (0.008_333_334 + r * 0.001_388_889)))));
    let bits = (k.to_bits() as i32 - ROUND.to_bits() as i32 + 127) << 23;
    let bits = bits as u32;
    p * f32::from_bits(bits)
}

/// erf(x) (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7).
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let y = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let v = 1.0 - y * exp(-a * a);
    if x < 0.0 {
        -v
    } else {
        v
    }
}

/// Exact (erf) GELU, as the model was trained with.
#[inline(always)]
pub(crate) fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod speed;
