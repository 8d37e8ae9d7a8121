use super::*;
use crate::conll::chunks;

fn m(doc: &str, start: usize, end: usize, label: &str) -> Mention {
    Mention {
        doc_id: doc.into(),
        start,
        end,
        label: label.into(),
        text: String::new(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Mentions from a tag sequence, one word per offset unit.
fn from_tags(tags: &str) -> Vec<Mention> {
    let tags: Vec<String> = tags.split_whitespace().map(String::from).collect();
    chunks(&tags)
        .into_iter()
        .map(|(s, e, t)| m("d", s, e, &t))
        .collect()
}

#[test]
fn strict_micro_per_label_and_macro() {
    let gold = [
        m("d", 0, 5, "PER"),
        m("d", 10, 15, "ORG"),
        m("d", 20, 25, "LOC"),
    ];
    let pred = [
        m("d", 0, 5, "PER"),
        m("d", 10, 15, "LOC"),
        m("d", 30, 35, "MISC"),
    ];
    let (s, errors) = score_mentions(&gold, &pred);
    assert_eq!(s.strict, Prf::new(1, 3, 3));
    assert!(close(s.strict.f1(), 1.0 / 3.0));
    assert_eq!(s.per_label["PER"], Prf::new(1, 1, 1));
    assert_eq!(s.per_label["ORG"], Prf::new(0, 0, 1));
    assert_eq!(s.per_label["LOC"], Prf::new(0, 1, 1));
    assert_eq!(s.per_label["MISC"], Prf::new(0, 1, 0));
    assert!(close(s.macro_f1, 1.0 / 3.0)); // (1 + 0 + 0) / 3 gold labels
    assert_eq!(s.span, Prf::new(2, 3, 3));
    let kinds: Vec<_> = errors
        .iter()
        .map(|e| (e.error, e.gold_start, e.pred_start))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("type", Some(10), Some(10)),
            ("false_positive", None, Some(30)),
            ("false_negative", Some(20), None),
        ]
    );
}

#[test]
fn conlleval_i_after_o_starts_a_chunk() {
    // IOB1 prediction, IOB2 gold: the same chunks, so everything is right.
    let gold = from_tags("B-PER I-PER O B-LOC O B-ORG");
    let pred = from_tags("I-PER I-PER O I-LOC O I-ORG");
    let (s, errors) = score_mentions(&gold, &pred);
    assert_eq!(s.strict, Prf::new(3, 3, 3));
    assert!(close(s.strict.f1(), 1.0));
    assert!(errors.is_empty());
}

#[test]
fn conlleval_adjacent_entities_of_one_type() {
    // Gold: two one-word persons side by side; prediction merges them into one.
    let gold = from_tags("B-PER B-PER O");
    let pred = from_tags("B-PER I-PER O");
    assert_eq!(gold.len(), 2);
    assert_eq!(pred.len(), 1);
    let (s, errors) = score_mentions(&gold, &pred);
    assert_eq!(s.strict, Prf::new(0, 1, 2));
    assert_eq!(s.strict.f1(), 0.0);
    // Overlap, same label: the prediction is right, both gold mentions are found.
    assert!(close(s.overlap.p(), 1.0) && close(s.overlap.r(), 1.0));
    // Partial: prediction best credit 0.5; each gold mention 0.5.
    assert!(close(s.partial.p(), 0.5) && close(s.partial.r(), 0.5));
    // One boundary error (the merged pair) and one miss.
    let kinds: Vec<_> = errors.iter().map(|e| e.error).collect();
    assert_eq!(kinds, vec!["boundary", "false_negative"]);
}

#[test]
fn no_nan_on_empty_sets() {
    let (s, _) = score_mentions(&[], &[]);
    for x in [
        s.strict.p(),
        s.strict.r(),
        s.strict.f1(),
        s.macro_f1,
        s.partial.f1(),
    ] {
        assert_eq!(x, 0.0);
    }
    let (q, _) = score_quotes(&[], &[], true);
    assert!(q.prf.values().all(|p| p.f1() == 0.0));
}

#[test]
fn duplicates_count_once_and_score_entities_api() {
    use crate::doc::Label;
    let g = vec![
        ("a".to_string(), 0, 3, Label::Per),
        ("a".to_string(), 5, 9, Label::Org),
    ];
    let p = vec![
        g[0].clone(),
        g[0].clone(),
        ("a".to_string(), 5, 9, Label::Loc),
    ];
    let s = score_entities(&g, &p);
    assert_eq!(s.strict, Prf::new(1, 2, 2));
    assert!(s.to_string().contains("entities strict"));
}

fn q(start: usize, end: usize, kind: &str, speaker: &str, cue: &str) -> QuoteMention {
    QuoteMention {
        doc_id: "d".into(),
        start,
        end,
        kind: kind.into(),
        speaker: speaker.into(),
        cue: cue.into(),
        ..Default::default()
    }
}

#[test]
fn quote_scores_worked_by_hand() {
    let gold = [
        q(0, 100, "direct", "Ann Lee", "said"),
        q(200, 300, "indirect", "Bob", ""),
    ];
    let pred = [
        q(10, 100, "direct", "Lee", "Said"), // overlap 90 = 0.9 of gold
        q(270, 320, "indirect", "Bob", ""),  // overlap 30 = 0.3 of gold
        q(500, 510, "direct", "", ""),       // no gold
    ];
    let (s, errors) = score_quotes(&gold, &pred, true);
    let get = |sub: &str, c| s.prf[&(sub.to_string(), c)];
    let g30 = get("all", Criterion::Gold30);
    assert_eq!(
        (g30.tp_gold, g30.gold, g30.tp_pred, g30.pred),
        (2.0, 2, 2.0, 3)
    );
    assert!(close(g30.f1(), 0.8)); // P 2/3, R 1
    let g80 = get("all", Criterion::Gold80);
    assert!(close(g80.p(), 1.0 / 3.0) && close(g80.r(), 0.5) && close(g80.f1(), 0.4));
    assert!(close(get("all", Criterion::Sym50).f1(), 0.4)); // 30/100 < 0.5
    assert_eq!(get("all", Criterion::Exact).f1(), 0.0);
    // direct: recall over gold direct (1 of 1), precision over predicted direct (1 of 2).
    let d = get("direct", Criterion::Gold30);
    assert!(close(d.r(), 1.0) && close(d.p(), 0.5));
    let a = &s.attribution["all"];
    assert_eq!(
        (a.matched, a.speaker_n, a.speaker_strict, a.speaker_lenient),
        (2, 2, 1, 2)
    );
    assert_eq!((a.cue_n, a.cue_ok, a.kind_n, a.kind_ok), (1, 1, 2, 2));
    let kinds: Vec<_> = errors.iter().map(|e| e.error).collect();
    assert_eq!(
        kinds,
        vec!["boundary", "speaker", "boundary", "false_positive"]
    );
}

#[test]
fn greedy_matching_order() {
    // Largest overlap first.
    let gold = [q(0, 10, "", "", "")];
    let pred = [q(0, 4, "", "", ""), q(0, 10, "", "", "")];
    assert_eq!(match_quotes(&gold, &pred), vec![(0, 1, 10)]);
    // Equal overlap and ratio: the earlier gold quote wins.
    let gold = [q(0, 10, "", "", ""), q(5, 15, "", "", "")];
    let pred = [q(5, 10, "", "", "")];
    assert_eq!(match_quotes(&gold, &pred), vec![(0, 0, 5)]);
    // Equal overlap: the larger overlap/longer-span ratio wins.
    let gold = [q(0, 40, "", "", ""), q(50, 60, "", "", "")];
    let pred = [q(35, 55, "", "", "")]; // 5/40 against 5/20
    assert_eq!(match_quotes(&gold, &pred), vec![(1, 0, 5)]);
}

#[test]
fn name_normalisation() {
    assert_eq!(last_word("José Martínez Jr."), "martinez");
    assert_eq!(last_word("Hamdan\u{2019}s"), "hamdan");
    assert_eq!(norm_text("  Osama\u{a0}HAMDAN "), "osama hamdan");
    assert_eq!(norm_name("O'Neil-Smith, PhD"), "o'neil-smith phd");
    let g = q(0, 5, "", "Osama Hamdan", "");
    assert_eq!(
        speaker_verdict(&g, &q(0, 5, "", "hamdan", "")),
        (false, true)
    );
    assert_eq!(
        speaker_verdict(&g, &q(0, 5, "", "osama  hamdan", "")),
        (true, true)
    );
    assert_eq!(speaker_verdict(&g, &q(0, 5, "", "", "")), (false, false));
}
