//! Unit tests of the link step: alias rules, speakers, roles.

use super::*;

fn ent(text: &str, needle: &str, nth: usize, label: Label) -> Entity {
    let start = text.match_indices(needle).nth(nth).unwrap().0;
    Entity {
        span: Span::new(start, start + needle.len()),
        label,
        score: 1.0,
        entity: 0,
    }
}

#[test]
fn surname_and_title_merge() {
    let text = "Osama Hamdan spoke. Hamdan said it. Mr. Hamdan left. Jane Hamdan came.";
    let mut es = vec![
        ent(text, "Osama Hamdan", 0, Label::Per),
        ent(text, "Hamdan", 1, Label::Per),
        ent(text, "Mr. Hamdan", 0, Label::Per),
        ent(text, "Jane Hamdan", 0, Label::Per),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(es[0].entity, es[2].entity);
    assert_ne!(es[0].entity, es[3].entity);
    assert_eq!(g[es[0].entity].canonical, "Osama Hamdan");
    assert_eq!(g.len(), 2);
}

#[test]
fn full_name_after_surname_and_acronym() {
    let text = "Netanyahu spoke. Benjamin Netanyahu spoke. Immigration, Refugees and Citizenship Canada. IRCC said.";
    let mut es = vec![
        ent(text, "Netanyahu", 0, Label::Per),
        ent(text, "Benjamin Netanyahu", 0, Label::Per),
        ent(
            text,
            "Immigration, Refugees and Citizenship Canada",
            0,
            Label::Org,
        ),
        ent(text, "IRCC", 0, Label::Org),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(g[0].canonical, "Benjamin Netanyahu");
    assert_eq!(es[2].entity, es[3].entity);
    assert_eq!(
        g[es[3].entity].canonical,
        "Immigration, Refugees and Citizenship Canada"
    );
}

#[test]
fn acronym_spelled_out_in_text_names_the_group() {
    // The NER split the spelled-out name at the comma and "and".
    let text = "A letter from Immigration, Refugees and Citizenship Canada came. IRCC said no.";
    let mut es = vec![
        ent(text, "Citizenship Canada", 0, Label::Org),
        ent(text, "IRCC", 0, Label::Org),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(
        g[es[1].entity].canonical,
        "Immigration, Refugees and Citizenship Canada"
    );
    // No entity on the spelled-out name at all.
    let text = "The Canadian Broadcasting Corporation aired it. The CBC said so.";
    let mut es = vec![ent(text, "CBC", 0, Label::Org)];
    let g = merge_aliases(text, &mut es);
    assert_eq!(g[0].canonical, "Canadian Broadcasting Corporation");
    // No spelling-out: the acronym stays.
    let text = "The NDP said so. New voters came.";
    let mut es = vec![ent(text, "NDP", 0, Label::Org)];
    let g = merge_aliases(text, &mut es);
    assert_eq!(g[0].canonical, "NDP");
}

#[test]
fn short_first_name_joins_full_name() {
    let text = "Alexander Wise drew it. Later, 16-year-old Xander Wise spoke. Wise left. Kim Moran and Clark Moran came.";
    let mut es = vec![
        ent(text, "Alexander Wise", 0, Label::Per),
        ent(text, "Xander Wise", 0, Label::Per),
        ent(text, "Wise", 2, Label::Per),
        ent(text, "Kim Moran", 0, Label::Per),
        ent(text, "Clark Moran", 0, Label::Per),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(es[0].entity, es[2].entity);
    assert_eq!(g[es[2].entity].canonical, "Alexander Wise");
    assert_ne!(es[3].entity, es[4].entity);
}

#[test]
fn adjacent_org_mentions_are_one_name() {
    let text = "A release from UFCW Local 832 said the workers joined.";
    let mut es = vec![
        ent(text, "UFCW", 0, Label::Org),
        ent(text, "Local 832", 0, Label::Misc),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(g[es[0].entity].canonical, "UFCW Local 832");
    // A lower-case word tagged after a name is no part of it.
    let text = "The Civic Action study found it. Civic Action said so.";
    let mut es = vec![
        ent(text, "Civic Action", 0, Label::Org),
        ent(text, "study", 0, Label::Misc),
        ent(text, "Civic Action", 1, Label::Org),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[2].entity);
    assert_eq!(g[es[0].entity].canonical, "Civic Action");
}

#[test]
fn nominal_with_prepositional_phrase_resolves_to_relative_clause_subject() {
    let text = "I am talking about Alfonso Espinos, who was born in Mexico.\n\n\u{201c}We love comics,\u{201d} says the 39-year-old founder of Studiocomix Press.";
    let mut es = vec![
        ent(text, "Alfonso Espinos", 0, Label::Per),
        ent(text, "Mexico", 0, Label::Loc),
        ent(text, "Studiocomix Press", 0, Label::Org),
    ];
    let g = merge_aliases(text, &mut es);
    let mut qs = crate::quotes::extract(text);
    assert_eq!(qs.len(), 1);
    attribute(&TextAnalysis::new(text), &es, &g, &mut qs);
    assert_eq!(qs[0].speaker_name.as_deref(), Some("Alfonso Espinos"));
}

fn speakers_of(text: &str, es: &mut [Entity]) -> Vec<Option<String>> {
    let g = merge_aliases(text, es);
    let mut qs = crate::quotes::extract(text);
    attribute(&TextAnalysis::new(text), es, &g, &mut qs);
    qs.into_iter().map(|q| q.speaker_name).collect()
}

#[test]
fn document_sources_by_agent_and_earlier_mention() {
    // "a study … by X"; the NER tagged the lower-case "study" too.
    let text = "The Civic Action study found that. Retail is the best bet for youth, according to a study which is being released Monday by Civic Action. The jobs are scarce, according to the study.";
    let mut es = vec![
        ent(text, "Civic Action", 0, Label::Org),
        ent(text, "study", 0, Label::Misc),
        ent(text, "Civic Action", 1, Label::Org),
    ];
    let sp = speakers_of(text, &mut es);
    assert_eq!(sp.len(), 2, "{sp:?}");
    assert!(
        sp.iter().all(|s| s.as_deref() == Some("Civic Action")),
        "{sp:?}"
    );
    // "the post" after "X stated in the company's blog post that …".
    let text = "Jason Schultz, a researcher at Talos, stated in the company\u{2019}s blog post that the threats came from one group.\n\nAccording to the post, the threat had morphed once again by Thursday.";
    let mut es = vec![
        ent(text, "Jason Schultz", 0, Label::Per),
        ent(text, "Talos", 0, Label::Org),
    ];
    let sp = speakers_of(text, &mut es);
    assert_eq!(
        sp.last().cloned().flatten().as_deref(),
        Some("Jason Schultz"),
        "{sp:?}"
    );
}

#[test]
fn mention_across_line_break_is_its_first_line() {
    let text =
        "The rules failed. Linda Lamoureux\n\nSinclair recommended it. Linda Lamoureux spoke.";
    let mut es = vec![
        ent(text, "Linda Lamoureux\n\nSinclair", 0, Label::Per),
        ent(text, "Linda Lamoureux", 1, Label::Per),
    ];
    let g = merge_aliases(text, &mut es);
    assert_eq!(es[0].entity, es[1].entity);
    assert_eq!(g[es[0].entity].canonical, "Linda Lamoureux");
}

#[test]
fn roles_from_premodifier_and_apposition() {
    let text = "Sources spoke to Axios journalist Barak Ravid. The talks were led by Adam Boehler, the U.S. presidential envoy for hostage affairs. Israeli Prime Minister Benjamin Netanyahu agreed.";
    let mut es = vec![
        ent(text, "Barak Ravid", 0, Label::Per),
        ent(text, "Adam Boehler", 0, Label::Per),
        ent(text, "Benjamin Netanyahu", 0, Label::Per),
    ];
    let g = merge_aliases(text, &mut es);
    let mut qs = vec![];
    let rels = attribute(&TextAnalysis::new(text), &es, &g, &mut qs);
    let roles: Vec<(String, String)> = rels
        .iter()
        .filter(|r| r.kind == RelationKind::HasRole)
        .map(|r| {
            (
                g[r.subject].canonical.clone(),
                r.object_text.clone().unwrap(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("Barak Ravid".into(), "Axios journalist".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&(
            "Adam Boehler".into(),
            "U.S. presidential envoy for hostage affairs".into()
        )),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("Benjamin Netanyahu".into(), "Israeli Prime Minister".into())),
        "{roles:?}"
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn linking_never_panics(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("Hamdan"), Just("Osama"), Just("said"), Just("he"), Just("she"),
                    Just("“"), Just("”"), Just(","), Just("."), Just("\n\n"), Just("the"),
                    Just("minister"), Just("Mr."), Just("Hamas"), Just("’s"), Just("it"),
                    Just("they"), Just("and"), Just("study"), Just("—"), Just("(@x)"),
                ],
                0..60,
            ),
            picks in proptest::collection::vec((0usize..60, 1usize..4, 0usize..4), 0..12),
        ) {
            let text = words.join(" ");
            // Entities over word runs (always on char boundaries).
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices(' ').map(|(i, _)| i + 1))
                .collect();
            let mut ents = Vec::new();
            for (w, len, lab) in picks {
                if w >= starts.len() {
                    continue;
                }
                let s = starts[w];
                let e = starts.get(w + len).map(|&x| x - 1).unwrap_or(text.len());
                if e > s {
                    ents.push(Entity { span: Span::new(s, e), label: Label::ALL[lab], score: 1.0, entity: 0 });
                }
            }
            let groups = merge_aliases(&text, &mut ents);
            for e in &ents {
                prop_assert!(e.entity < groups.len());
            }
            let mut qs = crate::quotes::extract(&text);
            let rels = attribute(&TextAnalysis::new(&text), &ents, &groups, &mut qs);
            for r in &rels {
                prop_assert!(r.subject < groups.len());
                prop_assert!(r.span.start <= r.span.end && r.span.end <= text.len());
                if let Some(q) = r.quote {
                    prop_assert!(q < qs.len());
                }
            }
            for q in &qs {
                if let Some(g) = q.speaker_entity {
                    prop_assert!(g < groups.len());
                }
            }
            // Deterministic.
            let mut ents2 = ents.clone();
            let groups2 = merge_aliases(&text, &mut ents2);
            prop_assert_eq!(&groups, &groups2);
        }
    }
}
