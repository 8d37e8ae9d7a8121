//! Tests of the CSV edge.

use super::*;
use crate::doc::{
    Attribution, Entities, Entity, EntityId, Label, Mention, Quote, QuoteId, QuoteKind, Relation,
};
use crate::doc::{DocOutput, Document, RelationKind, Span};

#[test]
fn guard_round_trip() {
    for s in [
        "=1+2", "+x", "-3", "@a", "\tx", "\rx", "'x", "plain", "", "'",
    ] {
        assert_eq!(unguard(&guard(s)), s);
    }
    // The contract's one ambiguity: a text that itself starts with `'=` reads back without
    // its apostrophe (as in every reader of the contract).
    assert_eq!(unguard(&guard("'=x")), "=x");
    assert_eq!(guard("-5"), "'-5");
    assert_eq!(guard("a-5"), "a-5");
    assert_eq!(unguard("'hello"), "'hello");
}

proptest::proptest! {
    /// Any cells survive writing and reading back (the guard added and stripped), except a
    /// text that itself starts with `'` before a guard character (the contract's ambiguity).
    #[test]
    fn csv_round_trip(cells in proptest::collection::vec("[=+@'\t\r\n\",a-z\u{201c}\u{e9} -]{0,8}", 1..6)) {
        proptest::prop_assume!(cells.iter().all(|c| unguard(c) == c.as_str()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let columns: Vec<String> = (0..cells.len()).map(|i| format!("c{i}")).collect();
        let cols: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
        let row: Vec<String> = cells.iter().map(|c| guard(c)).collect();
        // A row of blank cells is skipped by the reader; keep one non-blank cell.
        let rows = vec![row, vec!["x".to_string(); cells.len()]];
        write_csv_file(&path, &cols, &rows, true).unwrap();
        let t = CsvTable::read(&path).unwrap();
        proptest::prop_assert_eq!(&t.header, &columns);
        let blank = cells.iter().all(|c| c.trim().is_empty());
        let first = &t.rows[0].1;
        if !blank {
            proptest::prop_assert_eq!(first, &cells);
        }
    }
}

#[test]
fn scores_have_at_most_four_decimals() {
    assert_eq!(format_score(0.123456), "0.1235");
    assert_eq!(format_score(f64::from(0.95f32)), "0.95");
    assert_eq!(format_score(1.0), "1");
    assert_eq!(format_score(f64::NAN), "");
    assert_eq!(format_score(-0.00001), "0");
}

#[test]
fn rows_use_code_points_and_ids() {
    let text = "\u{201c}Go,\u{201d} said Ann Lee. Lee left.";
    let doc = Document {
        id: "d".into(),
        path: "d.txt".into(),
        text: text.into(),
    };
    let b = |s: &str| {
        let i = text.find(s).unwrap();
        Span::new(i, i + s.len())
    };
    let ann = b("Ann Lee");
    let lee2 = Span::new(text.rfind("Lee").unwrap(), text.rfind("Lee").unwrap() + 3);
    let out = DocOutput {
        mentions: vec![
            Mention {
                span: lee2,
                label: Label::Per,
                score: 0.5,
            },
            Mention {
                span: ann,
                label: Label::Per,
                score: 0.9,
            },
        ],
        entities: Entities {
            list: vec![Entity {
                canonical: "Ann Lee".into(),
                label: Label::Per,
            }],
            of_mention: vec![EntityId(0), EntityId(0)],
        },
        quotes: vec![Quote {
            kind: QuoteKind::Direct,
            span: b("Go,"),
            cue: Some(b("said")),
            speaker: Some(ann),
            score: 0.9,
        }],
        attributions: vec![Attribution {
            entity: Some(EntityId(0)),
            name: Some("Ann Lee".into()),
            score: 0.8,
            mention: None,
        }],
        relations: vec![Relation {
            subject: EntityId(0),
            kind: RelationKind::Said,
            quote: Some(QuoteId(0)),
            object_text: None,
            span: b("said Ann Lee"),
            score: 0.8,
        }],
    };
    let rows = doc_rows(&doc, &out);
    assert_eq!(rows.entities[0].start, 11);
    assert_eq!(rows.entities[0].text, "Ann Lee");
    assert_eq!(rows.entities[1].canonical, "Ann Lee");
    assert_eq!(rows.quotes[0].start, 1);
    assert_eq!(rows.quotes[0].end, 4);
    assert_eq!(rows.quotes[0].cue_start, Some(6));
    assert_eq!(rows.quotes[0].speaker_entity_id, "E1");
    assert_eq!(rows.relations[0].object_id, "Q1");
    assert_eq!(rows.document.chars, Some(text.chars().count()));
}
