use super::*;

/// The quantized engine computes what the candle model (the training graph) computes: a small
/// random model with every kind of layer, logits compared on windows of several lengths.
#[test]
fn engine_matches_the_candle_model() {
    use candle_core::Device;
    use candle_nn::VarBuilder;
    use model::{attention_mask, pad_u32, NerModel, NUM_SHAPES};
    let dev = Device::Cpu;
    let varmap = VarMap::new();
    let cfg = NerConfig {
        vocab_size: 60,
        hidden_size: 48,
        num_attention_heads: 4,
        intermediate_size: 96,
        max_position_embeddings: 64,
        window: 62,
        id2label: ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
            .map(String::from)
            .to_vec(),
        ..model::testing::tiny()
    };
    let m = NerModel::load(VarBuilder::from_varmap(&varmap, DType::F32, &dev), &cfg).unwrap();
    model::testing::randomize(&varmap, 3, 0.3);
    let tok = || {
        NerTokenizer::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner/tokenizer.json"))
            .unwrap()
    };
    let mut portable = Ner::from_varmap(&varmap, &cfg, tok()).unwrap();
    portable.engine.force_portable();
    let engines = [
        Ner::from_varmap(&varmap, &cfg, tok()).unwrap().engine,
        portable.engine,
    ];
    for len in [1usize, 2, 7, 17, 40] {
        let ids: Vec<u32> = (0..len).map(|i| (i * 7 % 60) as u32).collect();
        let shapes: Vec<u32> = (0..len).map(|i| (i % NUM_SHAPES) as u32).collect();
        let want = m
            .forward(
                &pad_u32(&[&ids], 0, &dev).unwrap(),
                &pad_u32(&[&shapes], 0, &dev).unwrap(),
                &attention_mask(&[len], &dev).unwrap(),
                None,
            )
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let scale = want.iter().fold(0f32, |a, v| a.max(v.abs()));
        for e in &engines {
            let got = e.logits(&ids, &shapes).unwrap();
            assert_eq!(got.len(), want.len());
            let diff = got
                .iter()
                .zip(&want)
                .fold(0f32, |a, (g, w)| a.max((g - w).abs()));
            assert!(diff < 0.02 * scale, "len {len}: max diff {diff} of {scale}");
        }
    }
    // Bad input is an error, not a panic.
    assert!(engines[0].logits(&[99], &[0]).is_err());
    assert!(engines[0].logits(&[1, 2], &[0]).is_err());
    assert!(engines[0].logits(&vec![1; 65], &vec![0; 65]).is_err());
}

/// A model without token types (DistilBERT) runs in the engine as the same model with a zero
/// token-type row: identical logits.
#[test]
fn engine_without_token_types_adds_nothing() {
    use candle_core::{Device, Tensor};
    use candle_nn::VarBuilder;
    use model::{DropoutRng, NerModel, NUM_SHAPES};
    let dev = Device::Cpu;
    let cfg = |types| NerConfig {
        vocab_size: 60,
        hidden_size: 48,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        intermediate_size: 96,
        max_position_embeddings: 64,
        type_vocab_size: types,
        layer_norm_eps: 1e-12,
        hidden_dropout_prob: 0.1,
        attention_probs_dropout_prob: 0.1,
        num_shapes: NUM_SHAPES,
        id2label: ["O", "B-PER", "I-PER"].map(String::from).to_vec(),
        window: 62,
    };
    let with = VarMap::new();
    NerModel::load(VarBuilder::from_varmap(&with, DType::F32, &dev), &cfg(2)).unwrap();
    let without = VarMap::new();
    NerModel::load(VarBuilder::from_varmap(&without, DType::F32, &dev), &cfg(0)).unwrap();
    let rng = DropoutRng::new(11);
    let mut tensors = std::collections::HashMap::new();
    for (name, var) in with.data().lock().unwrap().iter() {
        let t = Tensor::from_vec(rng.normal(var.elem_count(), 0.3), var.shape(), &dev).unwrap();
        let t = if name.contains("token_type") {
            t.zeros_like().unwrap()
        } else {
            t
        };
        var.set(&t).unwrap();
        tensors.insert(name.clone(), t);
    }
    for (name, var) in without.data().lock().unwrap().iter() {
        var.set(&tensors[name]).unwrap();
    }
    let tok = || {
        NerTokenizer::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner/tokenizer.json"))
            .unwrap()
    };
    let a = Ner::from_varmap(&with, &cfg(2), tok()).unwrap();
    let b = Ner::from_varmap(&without, &cfg(0), tok()).unwrap();
    let ids: Vec<u32> = (0..23).map(|i| (i * 11 % 60) as u32).collect();
    let shapes: Vec<u32> = (0..23).map(|i| (i % NUM_SHAPES) as u32).collect();
    assert_eq!(
        a.engine.logits(&ids, &shapes).unwrap(),
        b.engine.logits(&ids, &shapes).unwrap()
    );
    // A model that has token types must have the tensor.
    let mut dims = dims(&cfg(2));
    dims.types = 3;
    let data = with.data().lock().unwrap();
    let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
        let t = data.get(name).context("missing")?.as_tensor();
        Ok((t.dims().to_vec(), t.flatten_all()?.to_vec1::<f32>()?))
    };
    assert!(Engine::build(dims, &get).is_err());
}

fn check_tiling(n: usize, can_cut: &[bool], size: usize, margin: usize) -> Vec<Window> {
    let ws = pack_windows(n, can_cut, size, margin);
    let mut next = 0;
    for w in &ws {
        assert!(w.end - w.start <= size, "{w:?}");
        assert!(w.start <= w.own_start && w.own_start < w.own_end && w.own_end <= w.end);
        assert_eq!(w.own_start, next, "owned ranges must be contiguous: {ws:?}");
        next = w.own_end;
        // A window either ends at a boundary (owning its whole input) or keeps context.
        if w.end < n && !can_cut[w.end] {
            assert_eq!(w.end - w.own_end, margin, "{w:?}");
        }
    }
    assert_eq!(next, n, "n={n}: {ws:?}");
    ws
}

#[test]
fn windows_tile_exactly_once_and_end_at_sentences() {
    for n in [0, 1, 5, 126, 127, 200, 500, 1000, 1234] {
        // No boundaries at all: overlapping windows with context.
        check_tiling(n, &vec![false; n + 1], 126, 16);
        // A boundary every 30 pieces: windows are whole sentences, no piece computed twice.
        let cuts: Vec<bool> = (0..=n).map(|p| p % 30 == 0).collect();
        let ws = check_tiling(n, &cuts, 126, 16);
        for w in &ws {
            assert_eq!((w.start, w.end), (w.own_start, w.own_end));
            assert!(w.end == n || w.end % 30 == 0);
            assert!(
                w.end == n || w.end - w.start == 120,
                "packed greedily: {w:?}"
            );
        }
        // A long sentence among short ones.
        let cuts: Vec<bool> = (0..=n).map(|p| p == 10 || p == 400 || p == 420).collect();
        check_tiling(n, &cuts, 126, 16);
    }
    // Windows of a sentence longer than the window keep context on the inner side.
    let ws = pack_windows(300, &[false; 301], 126, 16);
    assert_eq!(
        ws[0],
        Window {
            start: 0,
            end: 126,
            own_start: 0,
            own_end: 110
        }
    );
    assert_eq!(ws[1].start, 94);
}

fn five_tags() -> Vec<Tag> {
    ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
        .map(|s| Tag::parse(s).unwrap())
        .to_vec()
}

/// Logits whose softmax is the given probability rows (each sums to 1).
fn logits_of(rows: &[[f32; 5]]) -> Vec<f32> {
    rows.iter().flat_map(|r| r.iter().map(|p| p.ln())).collect()
}

fn labels_of(v: &[(usize, f32)]) -> Vec<usize> {
    v.iter().map(|x| x.0).collect()
}

#[test]
fn viterbi_repairs_invalid_bio() {
    let tags = five_tags();
    // Word 1's arg-max is I-PER after O: invalid. B-PER is the best valid label there.
    let lg = logits_of(&[
        [0.8, 0.1, 0.0001, 0.05, 0.0499],
        [0.05, 0.4, 0.5, 0.03, 0.02],
        [0.1, 0.05, 0.8, 0.03, 0.02],
    ]);
    let am: Vec<(usize, f32)> = lg.chunks_exact(5).map(best_label).collect();
    assert_eq!(labels_of(&am), [0, 2, 2]);
    let v = viterbi(&tags, &lg, &[true, false, false]);
    assert_eq!(labels_of(&v), [0, 1, 2]);
    assert!((v[1].1 - 0.4).abs() < 1e-5 && (v[2].1 - 0.8).abs() < 1e-5);
    // The repair may change an earlier word: O (0.6) then I-PER (0.9) becomes B-PER I-PER
    // (0.4 × 0.9 = 0.36 beats the best path through O, 0.6 × 0.05).
    let lg = logits_of(&[
        [0.6, 0.39997, 0.00001, 0.00001, 0.00001],
        [0.05, 0.02, 0.9, 0.02, 0.01],
    ]);
    assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, false])), [1, 2]);
    // An inside label opening the sequence, and I-ORG after B-PER, are invalid too (word 0:
    // O, B-PER and B-ORG tie, and the tie goes to the lower index).
    let lg = logits_of(&[
        [0.1, 0.1, 0.6, 0.1, 0.1],
        [0.1, 0.7, 0.1, 0.05, 0.05],
        [0.1, 0.1, 0.1, 0.3, 0.4],
    ]);
    assert_eq!(
        labels_of(&viterbi(&tags, &lg, &[true, false, false])),
        [0, 1, 3]
    );
    // A break starts a new sequence: no I- label right after it.
    let lg = logits_of(&[[0.02, 0.9, 0.04, 0.02, 0.02], [0.05, 0.3, 0.6, 0.03, 0.02]]);
    assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, false])), [1, 2]);
    assert_eq!(labels_of(&viterbi(&tags, &lg, &[true, true])), [1, 1]);
    // Nothing at all.
    assert!(viterbi(&tags, &[], &[]).is_empty());
}

#[test]
fn viterbi_keeps_a_valid_argmax() {
    let tags = five_tags();
    let lg = logits_of(&[
        [0.02, 0.9, 0.04, 0.02, 0.02],
        [0.1, 0.05, 0.8, 0.03, 0.02],
        [0.7, 0.1, 0.1, 0.05, 0.05],
        [0.1, 0.1, 0.1, 0.6, 0.1],
        [0.2, 0.1, 0.1, 0.1, 0.5],
        [0.1, 0.1, 0.1, 0.6, 0.1],
    ]);
    let am: Vec<(usize, f32)> = lg.chunks_exact(5).map(best_label).collect();
    assert_eq!(labels_of(&am), [1, 2, 0, 3, 4, 3]);
    // Same labels and the very same probabilities (entity scores do not move).
    assert_eq!(
        viterbi(&tags, &lg, &[true, false, true, false, false, true]),
        am
    );
    let mut from_start = [false; 6];
    from_start[0] = true;
    assert_eq!(viterbi(&tags, &lg, &from_start), am);
}

/// On random tables, Viterbi's sequence is valid BIO and no valid sequence scores higher
/// (checked against every sequence).
#[test]
fn viterbi_finds_the_best_valid_sequence() {
    let tags = five_tags();
    let mut seed = 12345u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f32 / (1u64 << 31) as f32) * 8.0 - 4.0
    };
    for case in 0..200 {
        let n = 1 + case % 5;
        let lg: Vec<f32> = (0..n * 5).map(|_| rnd()).collect();
        let breaks: Vec<bool> = (0..n).map(|i| i == 0 || rnd() > 2.0).collect();
        let logp = |i: usize, j: usize| {
            let row = &lg[i * 5..i * 5 + 5];
            let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let sum: f32 = row.iter().map(|v| (v - mx).exp()).sum();
            (row[j] - mx) as f64 - (sum as f64).ln()
        };
        let valid = |seq: &[usize]| {
            (0..seq.len()).all(|i| {
                let prev = (!breaks[i]).then(|| tags[seq[i - 1]]);
                allowed(prev, tags[seq[i]])
            })
        };
        let total = |seq: &[usize]| (0..seq.len()).map(|i| logp(i, seq[i])).sum::<f64>();
        let got = labels_of(&viterbi(&tags, &lg, &breaks));
        assert!(valid(&got), "case {case}: {got:?}");
        let mut best = f64::NEG_INFINITY;
        for code in 0..5usize.pow(n as u32) {
            let seq: Vec<usize> = (0..n).map(|i| code / 5usize.pow(i as u32) % 5).collect();
            if valid(&seq) {
                best = best.max(total(&seq));
            }
        }
        assert!(
            total(&got) >= best - 1e-9,
            "case {case}: {} < {best}",
            total(&got)
        );
    }
}

#[test]
fn decode_follows_conlleval() {
    let spans: Vec<Span> = (0..6).map(|i| Span::new(i * 2, i * 2 + 1)).collect();
    let t = |s: &str| Tag::parse(s).unwrap();
    let tags = vec![
        (t("B-PER"), 0.9),
        (t("I-PER"), 0.7),
        (t("O"), 1.0),
        (t("I-ORG"), 0.5),
        (t("B-ORG"), 0.5),
        (t("I-LOC"), 0.5),
    ];
    let text = "a b c d e f";
    let e = decode(text, &spans, &tags);
    assert_eq!(e.len(), 4);
    assert_eq!(e[0].span, Span::new(0, 3));
    assert!((e[0].score - 0.8).abs() < 1e-6);
    assert_eq!(e[1].label, Label::Org);
    assert_eq!(e[1].span, Span::new(6, 7));
    assert_eq!(e[2].span, Span::new(8, 9));
    assert_eq!(e[3].label, Label::Loc);
    // A line break ends an entity: I-PER after it starts a new one.
    let text = "a\nb";
    let spans = [Span::new(0, 1), Span::new(2, 3)];
    let e = decode(text, &spans, &[(t("B-PER"), 0.9), (t("I-PER"), 0.9)]);
    assert_eq!(e.len(), 2);
}

/// A model config without `window` (every model before the setting) packs windows of
/// [`WINDOW`] pieces; one with it keeps its own.
#[test]
fn config_window_defaults_to_the_old_size() {
    let mut v = serde_json::to_value(model::testing::tiny()).unwrap();
    v.as_object_mut().unwrap().remove("window");
    let c: NerConfig = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(c.window, WINDOW);
    v["window"] = 254.into();
    let c: NerConfig = serde_json::from_value(v).unwrap();
    assert_eq!(c.window, 254);
}

/// A window must leave room for `[CLS]` and `[SEP]` in the encoder's positions and hold at
/// least 8 pieces: the check of a model's config, `extract --window` and `train --window`.
#[test]
fn window_fits_the_positions() {
    assert!(check_window(126, 128).is_ok());
    assert!(check_window(510, 512).is_ok());
    assert!(check_window(8, 512).is_ok());
    let e = check_window(127, 128).unwrap_err().to_string();
    assert!(e.contains("expected 8 to 126"), "{e}");
    assert!(check_window(7, 512).is_err());
}
