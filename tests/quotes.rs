//! Quote stage end to end: `quotes::extract`, then `link::merge_aliases` and `link::attribute`
//! with hand-placed entities standing in for the NER stage.

use newsx::doc::{EntityId, Label, Mention, QuoteKind, RelationKind, Span};
use newsx::{link, quotes};

/// An article built like the project's sample: an unnamed official, an apposition, a surname,
/// a pronoun, pre-modifying titles.
const ARTICLE: &str = "Talks were disclosed by sources speaking to Axios journalist Barak Ravid.\n\
According to the report, the negotiations were led by Adam Boehler, the U.S. presidential envoy for hostage affairs.\n\
Israel was not informed of these discussions, Ravid stated.\n\
“At this stage, that is not the case—there has been no breakthrough,” an Israeli official reportedly said.\n\
Meanwhile, senior Hamas official Osama Hamdan issued a statement. Speaking in a video address, Hamdan accused the Israeli government of undermining the agreement.\n\
He further argued that Israel’s insistence on extending the first stage was an attempt to sidestep its obligations. “The occupation seeks to derail the deal,” Hamdan asserted.\n\
Israeli Prime Minister Benjamin Netanyahu ordered a halt to the entry of goods.";

fn mentions(text: &str) -> Vec<Mention> {
    let per = [
        "Barak Ravid",
        "Adam Boehler",
        "Ravid",
        "Osama Hamdan",
        "Hamdan",
        "Benjamin Netanyahu",
    ];
    let org = ["Axios", "Hamas"];
    let loc = ["Israel"];
    let mut out = Vec::new();
    for (names, label) in [
        (&per[..], Label::Per),
        (&org[..], Label::Org),
        (&loc[..], Label::Loc),
    ] {
        for name in names {
            for (start, _) in text.match_indices(name) {
                let end = start + name.len();
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if !boundary(text[..start].chars().next_back())
                    || !boundary(text[end..].chars().next())
                {
                    continue;
                }
                // Skip a surname inside an already listed full name.
                if out
                    .iter()
                    .any(|e: &Mention| e.span.start <= start && end <= e.span.end)
                {
                    continue;
                }
                out.push(Mention {
                    span: Span::new(start, end),
                    label,
                    score: 0.9,
                });
            }
        }
    }
    out.sort_by_key(|e| (e.span.start, e.span.end));
    out
}

#[test]
fn sample_speakers_are_resolved() {
    let text = ARTICLE;
    let qs = quotes::extract(text);
    let ments = mentions(text);
    let ents = link::merge_aliases(text, &ments);
    let linked = link::attribute(&newsx::text::TextAnalysis::new(text), &ments, &ents, &qs);
    let rels = &linked.relations;

    let find = |needle: &str| {
        let i = qs
            .iter()
            .position(|q| q.span.as_str(text).contains(needle))
            .unwrap_or_else(|| panic!("no quote with {needle:?}: {qs:?}"));
        (&qs[i], &linked.attributions[i])
    };
    let (official, who) = find("there has been no breakthrough");
    assert_eq!(official.kind, QuoteKind::Direct);
    assert_eq!(who.entity, None);
    assert_eq!(who.name.as_deref(), Some("an Israeli official"));

    let (occupation, who) = find("The occupation seeks");
    assert_eq!(occupation.kind, QuoteKind::Direct);
    let g = who.entity.expect("Hamdan resolved");
    assert_eq!(ents.get(g).canonical, "Osama Hamdan");

    let (argued, who) = find("Israel’s insistence");
    assert_eq!(argued.kind, QuoteKind::Indirect);
    assert_eq!(argued.speaker.unwrap().as_str(text), "He");
    assert_eq!(who.name.as_deref(), Some("Osama Hamdan"));

    let (_, who) = find("Israel was not informed");
    assert_eq!(who.name.as_deref(), Some("Barak Ravid"));

    let (report, _) = find("the negotiations were led");
    assert_eq!(report.cue.unwrap().as_str(text), "According to");

    // Relations: `said` for each resolved quote, `has_role` from titles and appositions.
    let said = rels.iter().filter(|r| r.kind == RelationKind::Said).count();
    let resolved = linked.attributions.iter().filter(|a| a.entity.is_some());
    assert_eq!(said, resolved.count());
    let roles: Vec<(&str, &str)> = rels
        .iter()
        .filter(|r| r.kind == RelationKind::HasRole)
        .map(|r| {
            (
                ents.get(r.subject).canonical.as_str(),
                r.object_text.as_deref().unwrap(),
            )
        })
        .collect();
    for want in [
        ("Barak Ravid", "Axios journalist"),
        (
            "Adam Boehler",
            "U.S. presidential envoy for hostage affairs",
        ),
        ("Osama Hamdan", "senior Hamas official"),
        ("Benjamin Netanyahu", "Israeli Prime Minister"),
    ] {
        assert!(roles.contains(&want), "{want:?} not in {roles:?}");
    }
    for r in rels {
        assert!(r.span.end <= text.len() && r.span.start < r.span.end);
        assert!((0.0..=1.0).contains(&r.score));
    }
}

#[test]
fn same_surname_different_people_stay_apart() {
    let text = "John Smith met Jane Smith. “We disagree,” Jane Smith said. “We will see,” John Smith said.";
    let mut ments = Vec::new();
    for (start, _) in text
        .match_indices("John Smith")
        .chain(text.match_indices("Jane Smith"))
    {
        ments.push(Mention {
            span: Span::new(start, start + 10),
            label: Label::Per,
            score: 1.0,
        });
    }
    ments.sort_by_key(|e| e.span.start);
    let ents = link::merge_aliases(text, &ments);
    assert_eq!(ents.list.len(), 2);
    let qs = quotes::extract(text);
    let linked = link::attribute(&newsx::text::TextAnalysis::new(text), &ments, &ents, &qs);
    let names: Vec<_> = linked
        .attributions
        .iter()
        .map(|a| a.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Jane Smith", "John Smith"]);
}

#[test]
fn follow_on_quotes_take_the_previous_speaker() {
    let text = "“The sextortion spam is not new,” Kevin Haley explained.\n\n“It made them no money.”\n\nThe police issued a warning.";
    let start = text.find("Kevin Haley").unwrap();
    let ments = vec![Mention {
        span: Span::new(start, start + "Kevin Haley".len()),
        label: Label::Per,
        score: 1.0,
    }];
    let ents = link::merge_aliases(text, &ments);
    let qs = quotes::extract(text);
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[1].speaker, None);
    assert_eq!(qs[1].cue, None);
    let linked = link::attribute(&newsx::text::TextAnalysis::new(text), &ments, &ents, &qs);
    let who = &linked.attributions[1];
    assert_eq!(who.name.as_deref(), Some("Kevin Haley"));
    assert_eq!(who.entity, Some(EntityId(0)));
    let rels = &linked.relations;
    assert_eq!(
        rels.iter().filter(|r| r.kind == RelationKind::Said).count(),
        2
    );
}
