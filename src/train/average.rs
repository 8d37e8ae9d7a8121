//! Weight averaging of NER models trained from one start (checkpoint averaging, a "model
//! soup"): every tensor of the output is the mean of the same tensor in each input. Only models
//! of the same shape can be averaged, so the inputs must share `config.json` and every tensor's
//! name and shape; the averaged folder is a normal model folder (f16 weights, the first input's
//! config and tokenizer).

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Average the `model.safetensors` of the model folders `dirs` into the folder `out`.
///
/// # Errors
/// Fewer than two inputs, an unreadable input, configs that differ, a tensor missing from one
/// input or of another shape (named with both folders), or an unwritable output.
pub fn average_models(dirs: &[&Path], out: &Path) -> Result<()> {
    if dirs.len() < 2 {
        bail!("averaging needs at least two models, got {}", dirs.len());
    }
    let first = dirs[0];
    let config = read_config(first)?;
    let mut sum: BTreeMap<String, Tensor> = BTreeMap::new();
    for (i, dir) in dirs.iter().enumerate() {
        if i > 0 && read_config(dir)? != config {
            bail!(
                "{}: config.json differs from {}'s; only models of one shape can be averaged",
                dir.display(),
                first.display()
            );
        }
        let weights = load(dir)?;
        if i == 0 {
            for (name, t) in weights {
                sum.insert(name, t.to_dtype(DType::F32)?);
            }
            continue;
        }
        if let Some(name) = sum.keys().find(|n| !weights.contains_key(*n)) {
            bail!(
                "{}: no tensor `{name}` (it is in {})",
                dir.display(),
                first.display()
            );
        }
        for (name, t) in weights {
            let Some(acc) = sum.get_mut(&name) else {
                bail!(
                    "{}: tensor `{name}` is not in {}",
                    dir.display(),
                    first.display()
                );
            };
            if acc.dims() != t.dims() {
                bail!(
                    "{}: tensor `{name}` is {:?}, in {} it is {:?}",
                    dir.display(),
                    t.dims(),
                    first.display(),
                    acc.dims()
                );
            }
            *acc = (&*acc + t.to_dtype(DType::F32)?)?;
        }
    }
    let n = dirs.len() as f64;
    let mean = sum
        .into_iter()
        .map(|(name, t)| Ok((name, (t / n)?)))
        .collect::<Result<Vec<_>>>()?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    super::save_weights_f16(mean, out)?;
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(first.join(f), out.join(f)).with_context(|| {
            format!("copying {} into {}", first.join(f).display(), out.display())
        })?;
    }
    Ok(())
}

fn read_config(dir: &Path) -> Result<serde_json::Value> {
    let p = dir.join("config.json");
    let text = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not valid JSON", p.display()))
}

fn load(dir: &Path) -> Result<HashMap<String, Tensor>> {
    let p = dir.join("model.safetensors");
    candle_core::safetensors::load(&p, &Device::Cpu)
        .with_context(|| format!("reading {}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_model(dir: &Path, tensors: &[(&str, Vec<f32>)], config: &str) {
        std::fs::create_dir_all(dir).unwrap();
        let mut map = HashMap::new();
        for (name, v) in tensors {
            let t = Tensor::from_vec(v.clone(), v.len(), &Device::Cpu).unwrap();
            map.insert(name.to_string(), t);
        }
        candle_core::safetensors::save(&map, dir.join("model.safetensors")).unwrap();
        std::fs::write(dir.join("config.json"), config).unwrap();
        std::fs::write(dir.join("tokenizer.json"), "{}").unwrap();
    }

    fn values(dir: &Path, name: &str) -> Vec<f32> {
        load(dir).unwrap()[name]
            .to_dtype(DType::F32)
            .unwrap()
            .to_vec1()
            .unwrap()
    }

    #[test]
    fn each_tensor_is_the_mean_of_the_inputs() {
        let t = tempfile::tempdir().unwrap();
        let (a, b, c, out) = (
            t.path().join("a"),
            t.path().join("b"),
            t.path().join("c"),
            t.path().join("out"),
        );
        write_model(&a, &[("w", vec![1.0, 2.0]), ("h", vec![0.5])], "{\"x\": 1}");
        write_model(
            &b,
            &[("w", vec![3.0, -2.0]), ("h", vec![1.5])],
            "{\"x\": 1}",
        );
        write_model(
            &c,
            &[("w", vec![2.0, 3.0]), ("h", vec![-2.0])],
            "{\"x\": 1}",
        );
        average_models(&[&a, &b, &c], &out).unwrap();
        assert_eq!(values(&out, "w"), vec![2.0, 1.0]);
        assert_eq!(values(&out, "h"), vec![0.0]);
        let saved = load(&out).unwrap();
        assert_eq!(saved["w"].dtype(), DType::F16);
        assert_eq!(saved.len(), 2);
        assert!(out.join("config.json").exists() && out.join("tokenizer.json").exists());
    }

    #[test]
    fn models_of_another_shape_are_refused_by_name() {
        let t = tempfile::tempdir().unwrap();
        let (a, b, out) = (t.path().join("a"), t.path().join("b"), t.path().join("out"));
        write_model(&a, &[("w", vec![1.0, 2.0])], "{}");
        write_model(&b, &[("w", vec![1.0, 2.0, 3.0])], "{}");
        let e = average_models(&[&a, &b], &out).unwrap_err().to_string();
        assert!(e.contains("tensor `w` is [3]"), "{e}");
        write_model(&b, &[("v", vec![1.0, 2.0])], "{}");
        let e = average_models(&[&a, &b], &out).unwrap_err().to_string();
        assert!(e.contains("no tensor `w`"), "{e}");
        write_model(&b, &[("w", vec![1.0, 2.0])], "{\"layers\": 3}");
        let e = average_models(&[&a, &b], &out).unwrap_err().to_string();
        assert!(e.contains("config.json differs"), "{e}");
        assert!(average_models(&[&a], &out).is_err());
        assert!(!out.join("model.safetensors").exists());
    }
}
