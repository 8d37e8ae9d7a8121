//! A BERT encoder with a token-classification head, written on candle's basic tensor ops so that
//! every parameter receives a gradient (candle's fused layer norm passes none back) and dropout
//! really drops in training.
//!
//! Case is given back to the uncased MiniLM encoder by a word-shape embedding added to the input
//! embeddings (before the embedding layer norm), where attention can use it in context.
//!
//! DistilBERT has the same layers under other names and no token type embeddings: a base in its
//! layout (the cased teacher of `tools/teacher/convert_quire.py`) loads with `type_vocab_size` 0
//! and the names of [`distilbert_name`].

use candle_core::{DType, Device, Module, Result, Tensor, D};
use candle_nn::VarBuilder;
use serde::{Deserialize, Serialize};

/// Number of word shapes (see [`crate::ner::tokenizer::word_shape`]).
pub const NUM_SHAPES: usize = 8;

/// Architecture and label map; saved as `config.json` beside the weights.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NerConfig {
    /// WordPiece vocabulary size.
    pub vocab_size: usize,
    /// Hidden width.
    pub hidden_size: usize,
    /// Transformer layers.
    pub num_hidden_layers: usize,
    /// Attention heads.
    pub num_attention_heads: usize,
    /// Feed-forward width.
    pub intermediate_size: usize,
    /// Position embeddings.
    pub max_position_embeddings: usize,
    /// Token type embeddings (0: none, as in DistilBERT).
    pub type_vocab_size: usize,
    /// Layer norm epsilon.
    pub layer_norm_eps: f64,
    /// Dropout after attention output and feed-forward output.
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f32,
    /// Dropout on attention probabilities.
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f32,
    /// Word shapes embedded at the input; 0 disables the shape embedding.
    #[serde(default)]
    pub num_shapes: usize,
    /// Class index → BIO label (`O`, `B-PER`, …); its length is the head's width.
    #[serde(default)]
    pub id2label: Vec<String>,
    /// Most WordPieces in one window (without `[CLS]`/`[SEP]`), the same in training and at
    /// inference; a config without it was trained with [`crate::ner::WINDOW`].
    #[serde(default = "default_window")]
    pub window: usize,
}

fn default_window() -> usize {
    crate::ner::WINDOW
}

fn default_dropout() -> f32 {
    0.1
}

/// A linear layer that flattens leading dimensions into one matmul (cheaper backward than a
/// broadcast matmul).
#[derive(Debug, Clone)]
pub struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// Load `weight` `[out, in]` and `bias` `[out]`.
    pub fn load(vb: VarBuilder, inp: usize, out: usize) -> Result<Self> {
        let weight = vb.get((out, inp), "weight")?;
        let bias = vb.get(out, "bias")?;
        Ok(Self { weight, bias })
    }

    /// A zero bias and a normal(0, 0.02) weight, for new heads.
    pub fn init(vb: VarBuilder, inp: usize, out: usize) -> Result<Self> {
        let weight = vb.get_with_hints(
            (out, inp),
            "weight",
            candle_nn::Init::Randn {
                mean: 0.0,
                stdev: 0.02,
            },
        )?;
        let bias = vb.get_with_hints(out, "bias", candle_nn::Init::Const(0.0))?;
        Ok(Self { weight, bias })
    }
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims().to_vec();
        let inp = dims[dims.len() - 1];
        let rows: usize = dims[..dims.len() - 1].iter().product();
        let y = x
            .reshape((rows, inp))?
            .matmul(&self.weight.t()?)?
            .broadcast_add(&self.bias)?;
        let mut out_dims = dims;
        let last = out_dims.len() - 1;
        out_dims[last] = self.weight.dim(0)?;
        y.reshape(out_dims)
    }
}

/// Layer norm from basic ops (mean, variance, sqrt, affine), so gradients flow.
#[derive(Debug, Clone)]
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    /// Load `weight` and `bias` (`[hidden]`).
    pub fn load(vb: VarBuilder, hidden: usize, eps: f64) -> Result<Self> {
        Ok(Self {
            weight: vb.get(hidden, "weight")?,
            bias: vb.get(hidden, "bias")?,
            eps,
        })
    }
}

impl Module for LayerNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(D::Minus1)?;
        let xn = xc.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        xn.broadcast_mul(&self.weight)?.broadcast_add(&self.bias)
    }
}

/// The seeded random source of dropout masks (candle's CPU device cannot be seeded, so masks are
/// drawn on the host from a seeded generator: training runs are reproducible).
pub struct DropoutRng(std::sync::Mutex<rand::rngs::StdRng>);

impl DropoutRng {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self(std::sync::Mutex::new(rand::rngs::StdRng::seed_from_u64(
            seed,
        )))
    }

    /// Normal(0, std) samples (Box-Muller), for initialising new layers reproducibly.
    pub fn normal(&self, n: usize, std: f32) -> Vec<f32> {
        use rand::Rng;
        let mut rng = self.0.lock().expect("rng lock");
        (0..n)
            .map(|_| {
                let u1: f32 = rng.random::<f32>().max(1e-12);
                let u2: f32 = rng.random();
                std * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
            })
            .collect()
    }
}

/// Inverted dropout with probability `p` when a generator is given (training), identity otherwise.
fn dropout(x: &Tensor, p: f32, rng: Option<&DropoutRng>) -> Result<Tensor> {
    let Some(rng) = rng else {
        return Ok(x.clone());
    };
    if p <= 0.0 {
        return Ok(x.clone());
    }
    use rand::Rng;
    let keep = 1.0 / (1.0 - p);
    let n = x.elem_count();
    let mask: Vec<f32> = {
        let mut r = rng.0.lock().expect("rng lock");
        (0..n)
            .map(|_| if r.random::<f32>() < p { 0.0 } else { keep })
            .collect()
    };
    x * Tensor::from_vec(mask, x.shape(), x.device())?
}

struct Embeddings {
    word: candle_nn::Embedding,
    position: candle_nn::Embedding,
    token_type: Option<candle_nn::Embedding>,
    shape: Option<candle_nn::Embedding>,
    norm: LayerNorm,
    dropout: f32,
}

impl Embeddings {
    fn load(vb: VarBuilder, c: &NerConfig) -> Result<Self> {
        let h = c.hidden_size;
        let word = candle_nn::embedding(c.vocab_size, h, vb.pp("word_embeddings"))?;
        let position =
            candle_nn::embedding(c.max_position_embeddings, h, vb.pp("position_embeddings"))?;
        let token_type = if c.type_vocab_size > 0 {
            Some(candle_nn::embedding(
                c.type_vocab_size,
                h,
                vb.pp("token_type_embeddings"),
            )?)
        } else {
            None
        };
        let shape = if c.num_shapes > 0 {
            let w = vb.pp("shape_embeddings").get_with_hints(
                (c.num_shapes, h),
                "weight",
                candle_nn::Init::Const(0.0),
            )?;
            Some(candle_nn::Embedding::new(w, h))
        } else {
            None
        };
        let norm = LayerNorm::load(vb.pp("LayerNorm"), h, c.layer_norm_eps)?;
        Ok(Self {
            word,
            position,
            token_type,
            shape,
            norm,
            dropout: c.hidden_dropout_prob,
        })
    }

    fn forward(&self, ids: &Tensor, shapes: &Tensor, train: Option<&DropoutRng>) -> Result<Tensor> {
        let (_b, t) = ids.dims2()?;
        let pos = Tensor::arange(0u32, t as u32, ids.device())?;
        let mut x = self
            .word
            .forward(ids)?
            .broadcast_add(&self.position.forward(&pos)?)?;
        // Token type 0 everywhere: add its row once.
        if let Some(token_type) = &self.token_type {
            let tt = token_type.forward(&Tensor::new(&[0u32], ids.device())?)?;
            x = x.broadcast_add(&tt)?;
        }
        if let Some(shape) = &self.shape {
            x = (x + shape.forward(shapes)?)?;
        }
        dropout(&self.norm.forward(&x)?, self.dropout, train)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    inter: Linear,
    out: Linear,
    out_norm: LayerNorm,
    heads: usize,
    hidden_dropout: f32,
    attn_dropout: f32,
}

impl Layer {
    fn load(vb: VarBuilder, c: &NerConfig) -> Result<Self> {
        let h = c.hidden_size;
        let a = vb.pp("attention");
        Ok(Self {
            query: Linear::load(a.pp("self").pp("query"), h, h)?,
            key: Linear::load(a.pp("self").pp("key"), h, h)?,
            value: Linear::load(a.pp("self").pp("value"), h, h)?,
            attn_out: Linear::load(a.pp("output").pp("dense"), h, h)?,
            attn_norm: LayerNorm::load(a.pp("output").pp("LayerNorm"), h, c.layer_norm_eps)?,
            inter: Linear::load(vb.pp("intermediate").pp("dense"), h, c.intermediate_size)?,
            out: Linear::load(vb.pp("output").pp("dense"), c.intermediate_size, h)?,
            out_norm: LayerNorm::load(vb.pp("output").pp("LayerNorm"), h, c.layer_norm_eps)?,
            heads: c.num_attention_heads,
            hidden_dropout: c.hidden_dropout_prob,
            attn_dropout: c.attention_probs_dropout_prob,
        })
    }

    /// `x`: `[b, t, h]`; `mask`: additive `[b, 1, 1, t]` (0 or -1e4).
    fn forward(&self, x: &Tensor, mask: &Tensor, train: Option<&DropoutRng>) -> Result<Tensor> {
        let (b, t, h) = x.dims3()?;
        let d = h / self.heads;
        let split = |y: Tensor| -> Result<Tensor> {
            y.reshape((b, t, self.heads, d))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split((self.query.forward(x)? * (1.0 / (d as f64).sqrt()))?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;
        let scores = q.matmul(&k.t()?.contiguous()?)?.broadcast_add(mask)?;
        // The fused softmax has no backward pass: use the composed one when training.
        let probs = if train.is_some() {
            candle_nn::ops::softmax(&scores, D::Minus1)?
        } else {
            candle_nn::ops::softmax_last_dim(&scores)?
        };
        let probs = dropout(&probs, self.attn_dropout, train)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b, t, h))?;
        let a = dropout(&self.attn_out.forward(&ctx)?, self.hidden_dropout, train)?;
        let x = self.attn_norm.forward(&(a + x)?)?;
        let i = self.inter.forward(&x)?.gelu_erf()?;
        let o = dropout(&self.out.forward(&i)?, self.hidden_dropout, train)?;
        self.out_norm.forward(&(o + x)?)
    }
}

/// The encoder plus a linear token-classification head.
pub struct NerModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    classifier: Linear,
    /// The configuration it was built from.
    pub config: NerConfig,
}

impl NerModel {
    /// Build from a var builder whose names follow the HF BERT layout without the `bert.` prefix
    /// (`embeddings.*`, `encoder.layer.N.*`) plus `embeddings.shape_embeddings.weight` and
    /// `classifier.{weight,bias}`. With a `VarMap`-backed builder, missing tensors (the shape
    /// embedding and the head) are created: zeros and normal(0, 0.02).
    pub fn load(vb: VarBuilder, config: &NerConfig) -> Result<Self> {
        let embeddings = Embeddings::load(vb.pp("embeddings"), config)?;
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(vb.pp(format!("encoder.layer.{i}")), config))
            .collect::<Result<Vec<_>>>()?;
        let classifier = Linear::init(
            vb.pp("classifier"),
            config.hidden_size,
            config.id2label.len(),
        )?;
        Ok(Self {
            embeddings,
            layers,
            classifier,
            config: config.clone(),
        })
    }

    /// Logits `[b, t, labels]` for token ids `[b, t]` (u32), shapes `[b, t]` (u32) and an
    /// attention mask `[b, t]` (f32, 1 for real tokens, 0 for padding).
    pub fn forward(
        &self,
        ids: &Tensor,
        shapes: &Tensor,
        attention: &Tensor,
        train: Option<&DropoutRng>,
    ) -> Result<Tensor> {
        self.classifier
            .forward(&self.encode(ids, shapes, attention, train)?)
    }

    /// The encoder's last hidden states `[b, t, hidden]` (the head's input); arguments as
    /// [`NerModel::forward`].
    pub fn encode(
        &self,
        ids: &Tensor,
        shapes: &Tensor,
        attention: &Tensor,
        train: Option<&DropoutRng>,
    ) -> Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let mask = ((attention.to_dtype(DType::F32)? - 1.0)? * 10000.0)?.reshape((b, 1, 1, t))?;
        let mut x = self.embeddings.forward(ids, shapes, train)?;
        for layer in &self.layers {
            x = layer.forward(&x, &mask, train)?;
        }
        Ok(x)
    }
}

/// The Hugging Face DistilBERT name (`distilbert.embeddings.*`, `distilbert.transformer.layer.N.*`)
/// of an encoder tensor of this model; `None` for tensors DistilBERT does not have (token type and
/// shape embeddings, the head).
pub fn distilbert_name(name: &str) -> Option<String> {
    if let Some(rest) = name.strip_prefix("embeddings.") {
        return matches!(
            rest,
            "word_embeddings.weight"
                | "position_embeddings.weight"
                | "LayerNorm.weight"
                | "LayerNorm.bias"
        )
        .then(|| format!("distilbert.embeddings.{rest}"));
    }
    let rest = name.strip_prefix("encoder.layer.")?;
    let (layer, rest) = rest.split_once('.')?;
    layer.parse::<usize>().ok()?;
    let (module, param) = rest.rsplit_once('.')?;
    if !matches!(param, "weight" | "bias") {
        return None;
    }
    let to = match module {
        "attention.self.query" => "attention.q_lin",
        "attention.self.key" => "attention.k_lin",
        "attention.self.value" => "attention.v_lin",
        "attention.output.dense" => "attention.out_lin",
        "attention.output.LayerNorm" => "sa_layer_norm",
        "intermediate.dense" => "ffn.lin1",
        "output.dense" => "ffn.lin2",
        "output.LayerNorm" => "output_layer_norm",
        _ => return None,
    };
    Some(format!("distilbert.transformer.layer.{layer}.{to}.{param}"))
}

/// Build `[b, t]` u32 tensors from rows padded with `pad` to the longest row.
pub fn pad_u32(rows: &[&[u32]], pad: u32, device: &Device) -> Result<Tensor> {
    let t = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut flat = Vec::with_capacity(rows.len() * t);
    for r in rows {
        flat.extend_from_slice(r);
        flat.extend(std::iter::repeat_n(pad, t - r.len()));
    }
    Tensor::from_vec(flat, (rows.len(), t), device)
}

/// The `[b, t]` f32 attention mask for rows of the given lengths padded to the longest.
pub fn attention_mask(lens: &[usize], device: &Device) -> Result<Tensor> {
    let t = lens.iter().copied().max().unwrap_or(0);
    let mut flat = Vec::with_capacity(lens.len() * t);
    for &l in lens {
        flat.extend(std::iter::repeat_n(1f32, l));
        flat.extend(std::iter::repeat_n(0f32, t - l));
    }
    Tensor::from_vec(flat, (lens.len(), t), device)
}

/// Small random models for the tests of the NER modules and of training.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use candle_nn::VarMap;

    /// A tiny configuration (hidden 8, two layers, labels O/B-PER/I-PER); tests override fields.
    pub fn tiny() -> NerConfig {
        NerConfig {
            vocab_size: 50,
            hidden_size: 8,
            num_hidden_layers: 2,
            num_attention_heads: 2,
            intermediate_size: 16,
            max_position_embeddings: 32,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            hidden_dropout_prob: 0.1,
            attention_probs_dropout_prob: 0.1,
            num_shapes: NUM_SHAPES,
            id2label: vec!["O".into(), "B-PER".into(), "I-PER".into()],
            // All the positions but `[CLS]` and `[SEP]`.
            window: 30,
        }
    }

    /// Give every variable of `varmap` normal values of deviation `std` (layer-norm weights
    /// around 1), from `seed`; returns the values set, by name.
    pub fn randomize(varmap: &VarMap, seed: u64, std: f32) -> Vec<(String, Tensor)> {
        let rng = DropoutRng::new(seed);
        let mut out = Vec::new();
        for (name, var) in varmap.data().lock().unwrap().iter() {
            let t = Tensor::from_vec(rng.normal(var.elem_count(), std), var.shape(), var.device())
                .unwrap();
            let t = if name.contains("LayerNorm.weight") {
                (t + 1.0).unwrap()
            } else {
                t
            };
            var.set(&t).unwrap();
            out.push((name.clone(), t));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{randomize, tiny};
    use super::*;
    use candle_nn::VarMap;

    /// Every parameter, layer norms and the shape embedding included, gets a non-zero gradient.
    #[test]
    fn every_parameter_receives_a_gradient() {
        let dev = Device::Cpu;
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
        let cfg = tiny();
        let model = NerModel::load(vb, &cfg).unwrap();
        // The shape embedding starts at zero; give it values so that its own gradient is not
        // masked by symmetry, as after a few training steps.
        randomize(&varmap, 7, 0.5);
        let rng = DropoutRng::new(7);
        let ids = pad_u32(&[&[1, 5, 7, 9, 2], &[1, 4, 2]], 0, &dev).unwrap();
        let shapes = pad_u32(&[&[0, 2, 1, 3, 0], &[0, 1, 0]], 0, &dev).unwrap();
        let mask = attention_mask(&[5, 3], &dev).unwrap();
        let logits = model.forward(&ids, &shapes, &mask, Some(&rng)).unwrap();
        assert_eq!(logits.dims(), &[2, 5, 3]);
        let target = Tensor::new(&[0u32, 1, 2, 0, 1, 2, 0, 1, 2, 0], &dev).unwrap();
        let loss =
            candle_nn::loss::cross_entropy(&logits.reshape((10, 3)).unwrap(), &target).unwrap();
        let grads = loss.backward().unwrap();
        let data = varmap.data().lock().unwrap();
        assert!(data.len() >= 2 * 16 + 8);
        for (name, var) in data.iter() {
            let g = grads
                .get(var)
                .unwrap_or_else(|| panic!("{name}: no gradient"));
            let norm = g
                .sqr()
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap();
            assert!(norm > 0.0, "{name}: zero gradient");
        }
    }

    /// Every encoder tensor of a model without token types has a DistilBERT name, all distinct, and
    /// the names are DistilBERT's.
    #[test]
    fn distilbert_names_cover_the_encoder() {
        let dev = Device::Cpu;
        let varmap = VarMap::new();
        let cfg = NerConfig {
            type_vocab_size: 0,
            num_shapes: 0,
            ..tiny()
        };
        NerModel::load(VarBuilder::from_varmap(&varmap, DType::F32, &dev), &cfg).unwrap();
        let data = varmap.data().lock().unwrap();
        assert!(!data.keys().any(|n| n.contains("token_type")));
        let mut mapped: Vec<String> = data
            .keys()
            .filter(|n| !n.starts_with("classifier."))
            .map(|n| distilbert_name(n).unwrap_or_else(|| panic!("{n}: no DistilBERT name")))
            .collect();
        mapped.sort();
        mapped.dedup();
        // 4 embedding tensors + 16 per layer (6 linear layers and 2 layer norms, weight and bias).
        assert_eq!(mapped.len(), 4 + 2 * 16);
        for n in [
            "distilbert.embeddings.word_embeddings.weight",
            "distilbert.transformer.layer.1.attention.q_lin.weight",
            "distilbert.transformer.layer.0.attention.out_lin.bias",
            "distilbert.transformer.layer.1.sa_layer_norm.weight",
            "distilbert.transformer.layer.0.ffn.lin1.weight",
            "distilbert.transformer.layer.1.ffn.lin2.bias",
            "distilbert.transformer.layer.0.output_layer_norm.bias",
        ] {
            assert!(mapped.iter().any(|m| m == n), "{n} missing");
        }
        assert_eq!(
            distilbert_name("embeddings.token_type_embeddings.weight"),
            None
        );
        assert_eq!(distilbert_name("embeddings.shape_embeddings.weight"), None);
        assert_eq!(distilbert_name("encoder.layer.x.output.dense.weight"), None);
    }

    #[test]
    fn dropout_drops_in_training_only() {
        let dev = Device::Cpu;
        let x = Tensor::ones((1000,), DType::F32, &dev).unwrap();
        let rng = DropoutRng::new(1);
        let y = dropout(&x, 0.1, Some(&rng))
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let zeros = y.iter().filter(|&&v| v == 0.0).count();
        assert!((50..150).contains(&zeros), "{zeros} zeros");
        let kept = y.iter().find(|&&v| v != 0.0).copied().unwrap();
        assert!((kept - 1.0 / 0.9).abs() < 1e-6);
        let z = dropout(&x, 0.1, None).unwrap().to_vec1::<f32>().unwrap();
        assert!(z.iter().all(|&v| v == 1.0));
    }
}
