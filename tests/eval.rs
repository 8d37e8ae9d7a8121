//! `newsx eval`: figures on hand-worked cases, the three gold formats, malformed gold, and
//! agreement with the reference scorer.

use crate::util::{read_csv, root, run, shared_data, show, tempdir, write};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// scores.csv as `(part, scheme, subset) -> row`.
fn scores(dir: &Path) -> HashMap<(String, String, String), HashMap<String, String>> {
    let (h, rows) = read_csv(&dir.join("scores.csv"));
    rows.into_iter()
        .map(|r| {
            let m: HashMap<String, String> = h.iter().cloned().zip(r.iter().cloned()).collect();
            ((r[0].clone(), r[1].clone(), r[2].clone()), m)
        })
        .collect()
}

fn get<'a>(
    s: &'a HashMap<(String, String, String), HashMap<String, String>>,
    part: &str,
    scheme: &str,
    subset: &str,
    col: &str,
) -> &'a str {
    let row = s
        .get(&(part.into(), scheme.into(), subset.into()))
        .unwrap_or_else(|| panic!("no score row {part} {scheme} {subset}"));
    &row[col]
}

/// Assert `(part, scheme, subset, column, value)` figures of scores.csv.
fn expect(
    s: &HashMap<(String, String, String), HashMap<String, String>>,
    want: &[(&str, &str, &str, &str, &str)],
) {
    for (part, scheme, subset, col, value) in want {
        assert_eq!(
            get(s, part, scheme, subset, col),
            *value,
            "{part} {scheme} {subset} {col}"
        );
    }
}

/// Run eval and return the --out folder (kept alive by the TempDir).
fn eval(gold: &Path, pred: &Path) -> (tempfile::TempDir, PathBuf) {
    let d = tempdir();
    let out = d.path().join("eval");
    let o = run(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--pred",
        pred.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", show(&o));
    (d, out)
}

/// Copy a CSV file with `edit` applied to the raw rows (header excluded).
fn copy_csv(from: &Path, to: &Path, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    let (h, mut rows) = read_csv(from);
    edit(&mut rows);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(to)
        .unwrap();
    w.write_record(&h).unwrap();
    for r in rows {
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
}

/// A copy of `file` of the corpus gold set with `edit` applied, written into `pred/`.
fn edited_gold(pred: &Path, file: &str, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    copy_csv(
        &root().join("corpus/gold").join(file),
        &pred.join(file),
        edit,
    );
}

#[test]
fn corpus_gold_against_itself_is_perfect() {
    let gold = root().join("corpus/gold");
    let (_d, out) = eval(&gold, &gold);
    let (h, rows) = read_csv(&out.join("scores.csv"));
    assert!(rows.len() > 40);
    for r in &rows {
        for col in ["p", "r", "f1", "value"] {
            let i = h.iter().position(|c| c == col).unwrap();
            assert!(r[i].is_empty() || r[i] == "1", "{col} is {} in {r:?}", r[i]);
        }
    }
    let (_, errors) = read_csv(&out.join("errors.csv"));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn one_removed_entity_and_one_changed_speaker_are_the_only_errors() {
    let gold = root().join("corpus/gold");
    let d = tempdir();
    let pred = d.path().join("pred");
    edited_gold(&pred, "entities.csv", |rows| {
        let i = rows
            .iter()
            .position(|r| r[3] == "Benjamin Netanyahu")
            .unwrap();
        rows.remove(i);
    });
    edited_gold(&pred, "quotes.csv", |rows| {
        let q = rows
            .iter_mut()
            .find(|r| r[0] == "seed" && r[1] == "Q10")
            .unwrap();
        q[13] = "Benjamin Netanyahu".into();
    });
    let (_e, out) = eval(&gold, &pred);
    let (h, errors) = read_csv(&out.join("errors.csv"));
    assert_eq!(h[..3], ["doc_id", "part", "error"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0][..5], ["seed", "quote", "speaker", "2414", "2514"]);
    assert_eq!(errors[0][6], "Osama Hamdan");
    assert_eq!(errors[0][10], "Benjamin Netanyahu");
    assert_eq!(
        errors[1][..6],
        [
            "seed",
            "entity",
            "false_negative",
            "2581",
            "2599",
            "Benjamin Netanyahu"
        ]
    );
    let s = scores(&out);
    assert_eq!(get(&s, "entities", "strict", "all", "tp_gold"), "72");
    assert_eq!(get(&s, "entities", "strict", "all", "p"), "1");
    assert_eq!(get(&s, "entities", "strict", "all", "r"), "0.9863"); // 72/73
    assert_eq!(
        get(&s, "quotes", "speaker_strict", "all", "value"),
        "0.9706"
    ); // 33/34
    assert_eq!(get(&s, "quotes", "g>=0.3", "all", "f1"), "1");
}

/// IOB1 gold (I- starting a chunk after O, adjacent chunks of one type split by B-) against a
/// hand-written prediction; figures worked out by hand.
#[test]
fn conll_gold_hand_worked() {
    let d = tempdir();
    let gold = write(
        d.path(),
        "gold.conll",
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n\n\
         Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n\n\
         -DOCSTART- -X- -X- O\n\nBonn NNP B-NP I-LOC\nParis NNP B-NP B-LOC\n",
    );
    // doc000: "EU rejects German call\nPeter Blackburn"; doc001: "Bonn Paris"
    write(
        d.path(),
        "pred/entities.csv",
        "doc_id,start,end,label\n\
         doc000,0,2,ORG\n\
         doc000,11,17,PER\n\
         doc000,23,38,PER\n\
         doc001,0,10,LOC\n",
    );
    let (_e, out) = eval(&gold, &d.path().join("pred"));
    let s = scores(&out);
    expect(
        &s,
        &[
            // gold: EU/ORG, German/MISC, Peter Blackburn/PER, Bonn/LOC, Paris/LOC = 5; pred 4; tp 2.
            ("entities", "strict", "all", "tp_gold", "2"),
            ("entities", "strict", "all", "p", "0.5"),
            ("entities", "strict", "all", "r", "0.4"),
            ("entities", "strict", "all", "f1", "0.4444"),
            ("entities", "strict", "LOC", "r", "0"),
            ("entities", "span", "all", "p", "0.75"),
            // partial: preds 1 + 1 + 1 + 0.5 (merged LOC) = 3.5 of 4; golds 1+1+1+0.5+0.5 = 4 of 5.
            ("entities", "partial", "all", "p", "0.875"),
            ("entities", "partial", "all", "r", "0.8"),
        ],
    );
    let (_, errors) = read_csv(&out.join("errors.csv"));
    let kinds: Vec<(&str, &str)> = errors
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("doc000", "type"),
            ("doc001", "boundary"),
            ("doc001", "false_negative")
        ]
    );
    assert_eq!(errors[0][5], "German");
}

/// brat gold with entities and a PolNeAR-style attribution event.
#[test]
fn brat_gold() {
    let d = tempdir();
    let text = "\u{201c}We will win,\u{201d} said Ann Lee of Acme Corp in Oslo.";
    write(d.path(), "gold/a.txt", text);
    write(
        d.path(),
        "gold/a.ann",
        "T1\tPER 20 27\tAnn Lee\nT2\tORG 31 40\tAcme Corp\nT3\tLocation 44 48\tOslo\n\
         T4\tSource 20 27\tAnn Lee\nT5\tCue 15 19\tsaid\nT6\tContent 0 14\t\u{201c}We will win,\u{201d}\n\
         T7\tAttribution 15 19\tsaid\nE1\tAttribution:T7 Content:T6 Cue:T5 Source:T4\n#1\tAnnotatorNotes T1\tnote\n",
    );
    write(
        d.path(),
        "pred/entities.csv",
        "doc_id,start,end,text,label\na,20,27,Ann Lee,PER\na,31,40,Acme Corp,ORG\n",
    );
    write(
        d.path(),
        "pred/quotes.csv",
        "doc_id,kind,start,end,speaker,cue\na,direct,1,13,Lee,said\n",
    );
    let (_e, out) = eval(&d.path().join("gold"), &d.path().join("pred"));
    let s = scores(&out);
    expect(
        &s,
        &[
            ("entities", "strict", "all", "p", "1"),
            ("entities", "strict", "all", "r", "0.6667"),
            ("quotes", "exact", "direct", "f1", "1"),
            ("quotes", "speaker_strict", "all", "value", "0"),
            ("quotes", "speaker_lenient", "all", "value", "1"),
            ("quotes", "cue", "all", "value", "1"),
        ],
    );
    // The brat set against itself is perfect.
    let (_f, out) = eval(&d.path().join("gold"), &d.path().join("gold"));
    assert_eq!(
        get(&scores(&out), "quotes", "speaker_strict", "all", "value"),
        "1"
    );
}

fn eval_fails(gold: &Path, pred: &Path) -> String {
    let o = run(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--pred",
        pred.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn malformed_gold_is_a_clear_error() {
    let d = tempdir();
    let pred = root().join("corpus/gold");
    let g = d.path().join("csv");
    write(
        &g,
        "entities.csv",
        "doc_id,start,end,label\nseed,0,4,PER\nseed,x,9,ORG\n",
    );
    let err = eval_fails(&g, &pred);
    assert!(
        err.contains(
            "entities.csv: line 3, column 2: start: expected a non-negative integer, found \"x\""
        ),
        "{err}"
    );
    write(
        &g,
        "entities.csv",
        "doc_id,start,end,label\nseed,0,4,PERSON\n",
    );
    let err = eval_fails(&g, &pred);
    assert!(
        err.contains("entities.csv: line 2, column 4: label \"PERSON\" is not PER"),
        "{err}"
    );
    write(&g, "entities.csv", "doc_id,begin,end,label\n");
    let err = eval_fails(&g, &pred);
    assert!(
        err.contains("entities.csv: line 1: missing column \"start\""),
        "{err}"
    );
    write(&g, "entities.csv", "doc_id,start,end,label\nseed,9,4,PER\n");
    assert!(eval_fails(&g, &pred).contains("line 2, column 3: end 4 is before start 9"));

    let bio = write(
        d.path(),
        "bad.conll",
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP X-ORG\n",
    );
    let err = eval_fails(&bio, &pred);
    assert!(
        err.contains("bad.conll: line 2, column 18: bad NER tag \"X-ORG\""),
        "{err}"
    );

    let b = d.path().join("brat");
    write(&b, "a.txt", "Ann Lee spoke.");
    write(&b, "a.ann", "T1\tPER 0 3\tAnn\nT2\tPER 4;7\tLee\n");
    let err = eval_fails(&b, &pred);
    assert!(
        err.contains("a.ann: line 2, column 8: expected \"START END\" offsets, found \"4\""),
        "{err}"
    );
    write(&b, "a.ann", "T1\tPER 0 30\tAnn\n");
    assert!(eval_fails(&b, &pred).contains("a.ann: line 1, column 8: offset 30 is past the end"));
}

#[test]
fn prints_a_table() {
    let o = run(&["eval", "--gold", "corpus/gold", "--pred", "corpus/gold"]);
    assert!(o.status.success(), "{}", show(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("(5 documents)"), "{table}");
    assert!(
        table.contains("  strict (conlleval)     100.00 100.00 100.00      73     73"),
        "{table}"
    );
    assert!(
        table.contains("  all       g>=0.3        100.00 100.00 100.00  [34/34 34/34]"),
        "{table}"
    );
    assert!(table.contains("Errors: 0"), "{table}");
}

#[test]
fn help_states_the_metric() {
    let o = run(&["eval", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("conlleval semantics"), "{help}");
    assert!(help.contains("g>=0.3"), "{help}");
}

/// CoNLL-2003 valid as gold against itself converted to the contract, then with labels changed:
/// the figures are the conlleval counts (no boundary changed, so tp = unchanged mentions).
#[test]
fn conll2003_valid_against_converted_copy() {
    let Some(valid) = shared_data(
        "conll2003-en/valid.txt",
        "conll2003_valid_against_converted_copy",
    ) else {
        return;
    };
    let mut warn = newsx::eval::gold::Warnings::default();
    let set =
        newsx::eval::gold::load(&valid, newsx::eval::gold::Format::Conll, true, &mut warn).unwrap();
    let ents = set.entities.unwrap();
    let d = tempdir();
    let labels = ["PER", "ORG", "LOC", "MISC"];
    let mut changed = HashMap::new();
    for (dir, perturb) in [("same", false), ("perturbed", true)] {
        let rows: Vec<Vec<String>> = ents
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut label = m.label.clone();
                if perturb && i % 7 == 3 {
                    let k = labels.iter().position(|l| *l == label).unwrap();
                    label = labels[(k + 1 + i % 3) % 4].to_string();
                    *changed.entry(label.clone()).or_insert(0usize) += 1;
                }
                vec![
                    m.doc_id.clone(),
                    m.start.to_string(),
                    m.end.to_string(),
                    m.text.clone(),
                    label,
                ]
            })
            .collect();
        let header = ["doc_id", "start", "end", "text", "label"];
        std::fs::create_dir_all(d.path().join(dir)).unwrap();
        let path = d.path().join(dir).join("entities.csv");
        newsx::output::write_csv_file(&path, &header, &rows, false).unwrap();
    }
    let (_a, out) = eval(&valid, &d.path().join("same"));
    let s = scores(&out);
    assert_eq!(get(&s, "entities", "strict", "all", "f1"), "1");
    assert_eq!(
        get(&s, "entities", "strict", "all", "gold"),
        ents.len().to_string()
    );

    let (_b, out) = eval(&valid, &d.path().join("perturbed"));
    let s = scores(&out);
    let n = ents.len();
    let k: usize = changed.values().sum();
    let f = |x: f64| newsx::output::format_score(x);
    assert_eq!(
        get(&s, "entities", "strict", "all", "p"),
        f((n - k) as f64 / n as f64)
    );
    assert_eq!(
        get(&s, "entities", "strict", "all", "r"),
        f((n - k) as f64 / n as f64)
    );
    for lab in labels {
        let gold_n = ents.iter().filter(|m| m.label == lab).count();
        let lost = ents
            .iter()
            .enumerate()
            .filter(|(i, m)| m.label == lab && i % 7 == 3)
            .count();
        let pred_n = gold_n - lost + changed.get(lab).copied().unwrap_or(0);
        let tp = gold_n - lost;
        assert_eq!(
            get(&s, "entities", "strict", lab, "p"),
            f(tp as f64 / pred_n as f64),
            "{lab}"
        );
        assert_eq!(
            get(&s, "entities", "strict", lab, "r"),
            f(tp as f64 / gold_n as f64),
            "{lab}"
        );
    }
}

/// `newsx eval` and the reference scorer agree on a perturbed copy of the corpus gold set.
#[test]
fn agrees_with_score_py() {
    let script = root().join("../shared/tools/score.py");
    if !script.exists() {
        eprintln!("SKIP agrees_with_score_py: {} is absent", script.display());
        return;
    }
    let gold = root().join("corpus/gold");
    let d = tempdir();
    let pred = d.path().join("pred");
    edited_gold(&pred, "entities.csv", |rows| {
        rows.retain(|r| r[3] != "Hamas");
        for (i, r) in rows.iter_mut().enumerate() {
            match i % 9 {
                1 => r[4] = "MISC".into(),
                4 => r[2] = (r[2].parse::<usize>().unwrap() + 2).to_string(),
                _ => {}
            }
        }
    });
    edited_gold(&pred, "quotes.csv", |rows| {
        rows.remove(5);
        for (i, r) in rows.iter_mut().enumerate() {
            match i % 5 {
                1 => r[3] = (r[3].parse::<usize>().unwrap() + 25).to_string(),
                2 => r[13] = r[13].rsplit(' ').next().unwrap().to_uppercase(),
                3 => r[6] = "noted".into(),
                4 => r[2] = "indirect".into(),
                _ => {}
            }
        }
    });
    let o = std::process::Command::new("python3")
        .arg(&script)
        .arg(&gold)
        .arg(&pred)
        .arg("--json")
        .output();
    let Ok(o) = o else {
        eprintln!("SKIP agrees_with_score_py: python3 not found");
        return;
    };
    assert!(o.status.success(), "{}", show(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (_e, out) = eval(&gold, &pred);
    let s = scores(&out);
    let close = |a: &serde_json::Value, b: &str, what: &str| {
        let a = a.as_f64().unwrap();
        let b: f64 = b.parse().unwrap();
        assert!((a - b).abs() < 1e-4, "{what}: score.py {a}, newsx {b}");
    };
    let ner = &r["ner"];
    for k in ["p", "r", "f1"] {
        close(
            &ner["strict"][k],
            get(&s, "entities", "strict", "all", k),
            "strict",
        );
        close(
            &ner["span"][k],
            get(&s, "entities", "span", "all", k),
            "span",
        );
        for lab in ["PER", "ORG", "LOC", "MISC"] {
            close(
                &ner["per_label"][lab][k],
                get(&s, "entities", "strict", lab, k),
                lab,
            );
        }
    }
    close(
        &ner["macro_f1"],
        get(&s, "entities", "macro_f1", "all", "value"),
        "macro",
    );
    let q = &r["quotes"];
    for sub in ["all", "direct"] {
        for th in ["g>=0.3", "g>=0.8", "s>=0.5"] {
            for k in ["p", "r", "f1"] {
                close(
                    &q[sub][th][k],
                    get(&s, "quotes", th, sub, k),
                    &format!("{sub} {th} {k}"),
                );
            }
        }
        let a = &q["attribution"][sub];
        close(
            &a["speaker_strict"],
            get(&s, "quotes", "speaker_strict", sub, "value"),
            "speaker",
        );
        close(
            &a["speaker_lenient"],
            get(&s, "quotes", "speaker_lenient", sub, "value"),
            "lenient",
        );
        close(&a["cue_acc"], get(&s, "quotes", "cue", sub, "value"), "cue");
        close(
            &a["kind_acc"],
            get(&s, "quotes", "kind", sub, "value"),
            "kind",
        );
        for k in ["p", "r", "f1"] {
            close(
                &a["e2e"][k],
                get(&s, "quotes", "quote+speaker", sub, k),
                "e2e",
            );
        }
    }
}

/// `--input` checks every predicted `text` against the document.
#[test]
fn input_check_reports_text_mismatches() {
    let d = tempdir();
    let pred = d.path().join("pred");
    edited_gold(&pred, "entities.csv", |rows| {
        rows[0][3] = "Germany".into();
    });
    let args = [
        "eval",
        "--gold",
        "corpus/gold",
        "--pred",
        pred.to_str().unwrap(),
    ];
    let o = crate::util::newsx()
        .args(args)
        .args(["--input", "corpus"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains(
            "predicted entities: text != document[start..end]: 1 (e.g. chip-plant [17, 23) \"Germany\" vs \"German\")"
        ),
        "{table}"
    );
    let o = crate::util::newsx()
        .args([
            "eval",
            "--gold",
            "corpus/gold",
            "--pred",
            "corpus/gold",
            "--input",
            "corpus",
        ])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("Warnings"),
        "{}",
        show(&o)
    );
}
