use super::*;

/// A base in DistilBERT's layout (names, config fields, no token types, a head of its own)
/// loads as the same encoder: the hidden states equal those of the model it was written from.
#[test]
fn distilbert_base_loads_as_the_same_encoder() {
    let dev = Device::Cpu;
    let cfg = NerConfig {
        type_vocab_size: 0,
        num_shapes: 0,
        id2label: LABELS.iter().map(|s| s.to_string()).collect(),
        ..crate::ner::model::testing::tiny()
    };
    let vm1 = VarMap::new();
    let m1 = NerModel::load(VarBuilder::from_varmap(&vm1, DType::F32, &dev), &cfg).unwrap();
    let mut file = HashMap::new();
    for (name, t) in crate::ner::model::testing::randomize(&vm1, 5, 0.5) {
        if let Some(d) = distilbert_name(&name) {
            file.insert(d, t);
        }
    }
    // The base's own head has another width: it must be left alone.
    file.insert(
        "classifier.weight".to_string(),
        Tensor::zeros((5, 8), DType::F32, &dev).unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    candle_core::safetensors::save(&file, dir.path().join("model.safetensors")).unwrap();
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"model_type": "distilbert", "vocab_size": 50, "dim": 8, "n_layers": 2,
                "n_heads": 2, "hidden_dim": 16, "max_position_embeddings": 32,
                "sinusoidal_pos_embds": false, "activation": "gelu"}"#,
    )
    .unwrap();
    let got = config_from_base(dir.path(), false, cfg.window).unwrap();
    assert_eq!(got, cfg);
    let (_vm2, m2) = init_model(dir.path(), &got, &dev, &DropoutRng::new(9)).unwrap();
    let ids = pad_u32(&[&[1, 5, 7, 9, 2], &[1, 4, 2]], 0, &dev).unwrap();
    let shapes = pad_u32(&[&[0; 5], &[0; 3]], 0, &dev).unwrap();
    let mask = attention_mask(&[5, 3], &dev).unwrap();
    let h1 = m1.encode(&ids, &shapes, &mask, None).unwrap();
    let h2 = m2.encode(&ids, &shapes, &mask, None).unwrap();
    let d = (h1 - h2)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert_eq!(d, 0.0);
    // A DistilBERT config this encoder cannot follow is refused.
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"model_type": "distilbert", "vocab_size": 50, "dim": 8, "n_layers": 2,
                "n_heads": 2, "hidden_dim": 16, "max_position_embeddings": 32,
                "sinusoidal_pos_embds": true}"#,
    )
    .unwrap();
    assert!(config_from_base(dir.path(), false, WINDOW).is_err());
}

fn teacher_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("NEWSX_TEACHER")
            .expect("set NEWSX_TEACHER to the folder tools/teacher/convert_quire.py wrote"),
    )
}

fn teacher_reference(dir: &Path) -> serde_json::Value {
    let p = dir.join("check.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    v["reference"].clone()
}

/// The converted cased teacher in this encoder reproduces the numpy forward pass of
/// `convert_quire.py` (itself checked against ONNX Runtime) on its reference sentence.
#[test]
#[ignore = "needs NEWSX_TEACHER=<folder written by tools/teacher/convert_quire.py>"]
fn teacher_encoder_matches_the_reference() {
    let dev = Device::Cpu;
    let dir = teacher_dir();
    let r = teacher_reference(&dir);
    let ids: Vec<u32> = r["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    let cfg = config_from_base(&dir, false, WINDOW).unwrap();
    assert_eq!(
        (cfg.hidden_size, cfg.num_hidden_layers, cfg.type_vocab_size),
        (768, 6, 0)
    );
    let (_vm, m) = init_model(&dir, &cfg, &dev, &DropoutRng::new(1)).unwrap();
    let n = ids.len();
    let h = m
        .encode(
            &pad_u32(&[&ids], 0, &dev).unwrap(),
            &pad_u32(&[&vec![0; n]], 0, &dev).unwrap(),
            &attention_mask(&[n], &dev).unwrap(),
            None,
        )
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let mut worst = 0f32;
    for (i, row) in r["hidden_first_rows"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (j, v) in row.as_array().unwrap().iter().enumerate() {
            worst = worst.max((h[i * 768 + j] - v.as_f64().unwrap() as f32).abs());
        }
    }
    let mean = h.iter().map(|v| v.abs()).sum::<f32>() / h.len() as f32;
    let want_mean = r["hidden_mean_abs"].as_f64().unwrap() as f32;
    eprintln!("teacher: max abs diff {worst:e} over 4 rows; mean |h| {mean} vs {want_mean}");
    assert!(worst < 1e-3, "max abs diff {worst}");
    assert!((mean - want_mean).abs() < 1e-4 * want_mean.max(1.0));
}

/// The project's tokenizer with the teacher's cased `tokenizer.json` gives the reference ids.
#[test]
#[ignore = "needs NEWSX_TEACHER=<folder written by tools/teacher/convert_quire.py>"]
fn teacher_tokenizer_matches_the_reference() {
    let dir = teacher_dir();
    let r = teacher_reference(&dir);
    let tok = NerTokenizer::load(&dir.join("tokenizer.json")).unwrap();
    let words: Vec<&str> = r["text"].as_str().unwrap().split_whitespace().collect();
    let p = tok.encode_words(&words).unwrap();
    let mut ids = vec![tok.cls];
    ids.extend(&p.ids);
    ids.push(tok.sep);
    let want: Vec<u32> = r["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(ids, want);
}

#[test]
fn schedule_warms_up_and_decays() {
    assert!((lr_at(0, 100, 10, 1.0) - 0.1).abs() < 1e-9);
    assert!((lr_at(9, 100, 10, 1.0) - 1.0).abs() < 1e-9);
    assert!((lr_at(10, 100, 10, 1.0) - 1.0).abs() < 1e-9);
    assert!(lr_at(99, 100, 10, 1.0) < 0.02);
}

#[test]
fn scoring_is_conlleval() {
    let g = vec![vec![
        "B-PER".into(),
        "I-PER".into(),
        "O".into(),
        "B-LOC".into(),
    ]];
    let p = vec![vec![
        "B-PER".into(),
        "I-PER".into(),
        "O".into(),
        "B-ORG".into(),
    ]];
    let (pr, r, f, _) = score_tags(&g, &p);
    assert!((pr - 0.5).abs() < 1e-9 && (r - 0.5).abs() < 1e-9 && (f - 0.5).abs() < 1e-9);
}

fn project_tokenizer() -> NerTokenizer {
    NerTokenizer::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner/tokenizer.json"))
        .unwrap()
}

fn doc(sentences: &[(&[&str], &[&str])]) -> ConllDoc {
    ConllDoc {
        sentences: sentences
            .iter()
            .map(|(w, t)| crate::conll::Sentence {
                words: w.iter().map(|s| s.to_string()).collect(),
                tags: t.iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
    }
}

/// Log-probabilities that put (nearly) all mass on `tags`, one row per word.
fn sharp(tags: &[&str]) -> Vec<f32> {
    tags.iter()
        .flat_map(|t| {
            LABELS
                .iter()
                .map(move |l| if l == t { -0.001 } else { -9.5 })
        })
        .collect()
}

/// Teacher labels survive the file: words, gold tags, missing tags and the rows (3 decimals).
#[test]
fn teacher_labels_round_trip_through_the_file() {
    let sd = soft::SoftDocs {
        docs: vec![
            doc(&[
                (&["Peter", "Hale"], &["B-PER", "I-PER"]),
                (&["in", "Paris"], &["O", "B-LOC"]),
            ]),
            doc(&[(&["Acme", "said"], &[soft::NO_TAG, soft::NO_TAG])]),
        ],
        logp: vec![
            sharp(&["B-PER", "I-PER", "O", "B-LOC"]),
            sharp(&["B-ORG", "O"]),
        ],
    };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("soft.tsv");
    soft::write(&sd, &p).unwrap();
    assert_eq!(soft::read(&p).unwrap(), sd);
}

/// A damaged teacher-label file is refused with the line at fault.
#[test]
fn a_damaged_teacher_label_file_names_the_line() {
    let head = format!("{} {}\n-DOCSTART-\n\n", soft::HEADER, LABELS.join(" "));
    let row = ["-0.100"; 9].join(" ");
    let cases = [
        (
            format!("{head}Paris\tB-LOC\t-0.1 -0.2\n"),
            "line 4: 2 log-probabilities",
        ),
        (
            format!("{head}Paris\tB-XYZ\t{row}\n"),
            "line 4: unknown tag",
        ),
        (
            format!("{head}Paris\tB-LOC\t{}\n", row.replacen("-0.100", "0.5", 1)),
            "line 4",
        ),
        (format!("{head}Paris B-LOC\n"), "line 4: expected word"),
        (
            "Paris\tB-LOC\n".to_string(),
            "line 1: not a newsx teacher-label file",
        ),
    ];
    for (text, want) in cases {
        let e = format!("{:#}", soft::parse(&text).unwrap_err());
        assert!(e.contains(want), "{e:?} should contain {want:?}");
    }
}

/// Unlabelled articles become documents of the extract path's words and sentences, no gold tags.
#[test]
fn an_article_becomes_an_unlabelled_document() {
    let d = soft::text_doc("Peter Hale left Paris. He said so.\n");
    assert_eq!(d.sentences.len(), 2);
    assert_eq!(
        d.sentences[0].words,
        ["Peter", "Hale", "left", "Paris", "."]
    );
    assert!(d
        .sentences
        .iter()
        .flat_map(|s| &s.tags)
        .all(|t| t == soft::NO_TAG));
}

/// Each window carries the teacher row of each of its first pieces, in order, and a word without
/// a gold tag is a labelled position without gold.
#[test]
fn packed_windows_carry_the_teacher_rows_of_their_words() {
    let tok = project_tokenizer();
    // Two documents; the second unlabelled; long enough to need more than one window.
    let long: Vec<String> = (0..150).map(|i| format!("word{i}")).collect();
    let long_refs: Vec<&str> = long.iter().map(String::as_str).collect();
    let tags = vec![soft::NO_TAG; long.len()];
    let docs = vec![
        doc(&[
            (&["Peter", "Hale"], &["B-PER", "I-PER"]),
            (&["Mr."], &["O"]),
        ]),
        doc(&[(&long_refs, &tags)]),
    ];
    // Row of word w of document d: every value -(1000 d + w).
    let soft_rows: Vec<Vec<f32>> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| {
            let n: usize = doc.sentences.iter().map(|s| s.words.len()).sum();
            (0..n)
                .flat_map(|w| vec![-((1000 * d + w) as f32); LABELS.len()])
                .collect()
        })
        .collect();
    let ex = pack_with(&docs, Some(&soft_rows), &tok, Packing::default()).unwrap();
    assert!(ex.len() >= 3, "{} windows", ex.len());
    let mut seen = Vec::new();
    for e in &ex {
        let labelled: Vec<u32> = e.labels.iter().copied().filter(|&l| l != IGNORE).collect();
        assert_eq!(e.soft.len(), labelled.len() * LABELS.len());
        seen.extend(e.soft.chunks_exact(LABELS.len()).map(|r| -r[0] as usize));
    }
    let want: Vec<usize> = (0..3).chain((0..150).map(|w| 1000 + w)).collect();
    assert_eq!(seen, want);
    assert_eq!(ex[0].labels[1], 1); // B-PER
    assert!(ex[1..]
        .iter()
        .flat_map(|e| &e.labels)
        .all(|&l| l == IGNORE || l == NO_GOLD));
    // Without teacher labels, a missing tag is an error, as before.
    assert!(pack(&docs, &tok).is_err());
}

/// The distillation loss of a one-hot teacher at temperature 1 is the gold cross-entropy; it is
/// smallest where the student gives the teacher's distribution.
#[test]
fn distillation_loss_is_cross_entropy_against_the_teacher() {
    let dev = Device::Cpu;
    let logits = Tensor::new(&[[2.0f32, 0.5, -1.0], [0.1, 0.2, 3.0]], &dev).unwrap();
    let one_hot = [0.0f32, -1e9, -1e9, -1e9, -1e9, 0.0];
    let kd = distill_loss(&logits, &one_hot, 1.0).unwrap();
    let ce =
        candle_nn::loss::cross_entropy(&logits, &Tensor::new(&[0u32, 2], &dev).unwrap()).unwrap();
    let (a, b) = (
        kd.to_scalar::<f32>().unwrap(),
        ce.to_scalar::<f32>().unwrap(),
    );
    assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    // A teacher equal to the student's own distribution: any other student scores worse.
    let teacher: Vec<f32> = candle_nn::ops::log_softmax(&logits, 1)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let at = |l: &Tensor| {
        distill_loss(l, &teacher, 2.0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    };
    let other = (logits.clone()
        + Tensor::new(&[[0.0f32, 1.0, 0.0], [0.0, 0.0, -1.0]], &dev).unwrap())
    .unwrap();
    assert!(at(&logits) < at(&other));
}

/// The teacher's decode is scored against gold-tagged documents only.
#[test]
fn teacher_labels_are_scored_on_gold_documents() {
    let gold = ["B-PER", "I-PER", "O", "B-LOC"];
    let sd = soft::SoftDocs {
        docs: vec![
            doc(&[(&["Peter", "Hale", "in", "Paris"], &gold)]),
            doc(&[(&["Acme"], &[soft::NO_TAG])]),
        ],
        // Wrong on the first word (I-PER at a start is not allowed: Viterbi must repair it).
        logp: vec![sharp(&["I-PER", "I-PER", "O", "B-LOC"]), sharp(&["B-ORG"])],
    };
    let (_, _, f, _) = soft::score(&sd).unwrap();
    assert!((f - 1.0).abs() < 1e-9, "{f}");
    let none = soft::SoftDocs {
        docs: vec![sd.docs[1].clone()],
        logp: vec![sd.logp[1].clone()],
    };
    assert!(soft::score(&none).is_none());
}

/// `Packing::window` bounds every window, and a smaller window gives more of them over the same
/// words, each word labelled once.
#[test]
fn windows_follow_the_packing_size() {
    let tok = project_tokenizer();
    let sent: Vec<String> = (0..20).map(|i| format!("word{i}")).collect();
    let refs: Vec<&str> = sent.iter().map(String::as_str).collect();
    let tags = vec!["O"; refs.len()];
    let sentences: Vec<(&[&str], &[&str])> = (0..12).map(|_| (&refs[..], &tags[..])).collect();
    let docs = vec![doc(&sentences)];
    let mut counts = Vec::new();
    for window in [40, 126, 254] {
        let how = Packing {
            window,
            ..Packing::default()
        };
        let ex = pack_with(&docs, None, &tok, how).unwrap();
        assert!(ex.iter().all(|e| e.ids.len() <= window + 2), "{window}");
        let labelled: usize = ex
            .iter()
            .map(|e| e.labels.iter().filter(|&&l| l != IGNORE).count())
            .sum();
        assert_eq!(labelled, 12 * 20);
        counts.push(ex.len());
    }
    assert!(counts[0] > counts[1] && counts[1] > counts[2], "{counts:?}");
}

/// Case augmentation: the chosen share of sentences (about `title_case`, fixed by the seed) is
/// read with Title-Case shapes; the pieces and labels are those of the original words.
#[test]
fn title_case_augmentation_changes_shapes_only() {
    let tok = project_tokenizer();
    let words = ["the", "minister", "said", "on", "monday", "."];
    let tags = ["O"; 6];
    let sentences: Vec<(&[&str], &[&str])> = (0..400).map(|_| (&words[..], &tags[..])).collect();
    let docs = vec![doc(&sentences)];
    let plain = pack_with(&docs, None, &tok, Packing::default()).unwrap();
    let how = Packing {
        title_case: 0.25,
        seed: 7,
        ..Packing::default()
    };
    let aug = pack_with(&docs, None, &tok, how).unwrap();
    assert_eq!(aug.len(), plain.len());
    let titled_shape = crate::ner::tokenizer::word_shape("Minister");
    let lower = crate::ner::tokenizer::word_shape("minister");
    let (mut titled, mut total) = (0, 0);
    for (a, p) in aug.iter().zip(&plain) {
        assert_eq!(a.ids, p.ids);
        assert_eq!(a.labels, p.labels);
        // Each sentence is six words of one piece each, so the shapes come in runs of six.
        for (sa, sp) in a.shapes[1..a.shapes.len() - 1]
            .chunks(6)
            .zip(p.shapes[1..p.shapes.len() - 1].chunks(6))
        {
            total += 1;
            assert!(sp[..5].iter().all(|&s| s == lower));
            if sa[..5].iter().all(|&s| s == titled_shape) {
                titled += 1;
            } else {
                assert_eq!(sa, sp);
            }
        }
    }
    assert_eq!(total, 400);
    assert!((60..=140).contains(&titled), "{titled} of 400 title-cased");
    // The same seed picks the same sentences.
    let again = pack_with(&docs, None, &tok, how).unwrap();
    assert!(again.iter().zip(&aug).all(|(x, y)| x.shapes == y.shapes));
    assert_eq!(title("'em"), "'em");
    assert_eq!(title("éclair"), "Éclair");
    assert_eq!(title("U.S."), "U.S.");
}
