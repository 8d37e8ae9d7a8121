//! Unit tests for the quote finder: one constructed paragraph per quote-mark case, each with its
//! expected rows (kind, quoted text, cue, speaker mention).

use super::*;

type Row = (String, String, String, String);

fn rows(text: &str) -> Vec<Row> {
    extract(text)
        .iter()
        .map(|q| {
            (
                q.kind.as_str().to_string(),
                q.span.as_str(text).to_string(),
                q.cue
                    .map(|c| c.as_str(text).to_string())
                    .unwrap_or_default(),
                q.speaker
                    .map(|c| c.as_str(text).to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn row(kind: &str, text: &str, cue: &str, speaker: &str) -> Row {
    (kind.into(), text.into(), cue.into(), speaker.into())
}

/// Attributions of unusual shape (issue 9), one sentence of our own per kind:
/// (kind of case, text, expected rows).
type KindCase = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str, &'static str)],
);

const ATTRIBUTION_KINDS: &[KindCase] = &[
    (
        "a dash between the quotation and its cue",
        "The senator spoke at length. \"We need more time\" - she told reporters on Monday.",
        &[("direct", "We need more time", "told", "she")],
    ),
    (
        "an em dash between the quotation and its cue",
        "\u{201c}The vote is final\u{201d} \u{2014} the chairman said.",
        &[("direct", "The vote is final", "said", "the chairman")],
    ),
    (
        "a cue after 'but then'",
        "Nobody expected the outcome. \"It was a mistake,\" but then Coach Rivera conceded the point.",
        &[("direct", "It was a mistake,", "conceded", "Rivera")],
    ),
    (
        "a rare verb of speaking",
        "\"The numbers do not add up,\" Professor Lin Yao quipped during the hearing.",
        &[("direct", "The numbers do not add up,", "quipped", "Lin Yao")],
    ),
    (
        "an upper-case cue after the quotation",
        "\"We are not finished yet,\" SAID the union leader Maria Santos.",
        &[("direct", "We are not finished yet,", "SAID", "Maria Santos")],
    ),
    (
        "'implied that'",
        "Councillor Ravi Patel implied that the contract had been rigged.",
        &[("indirect", "that the contract had been rigged", "implied", "Ravi Patel")],
    ),
    (
        "a quotation standing alone has no speaker",
        "The building was quiet after midnight.\n\n\"Everything we built here is gone.\"",
        &[("direct", "Everything we built here is gone.", "", "")],
    ),
    (
        "the person before 'of' and an organisation speaks",
        "\"We were never consulted,\" said Sergeant Ana Ruiz of the Harbor Police Department.",
        &[("direct", "We were never consulted,", "said", "Ana Ruiz")],
    ),
    (
        "an organisation named with 'of' stays whole",
        "\"Rates will hold,\" said the Bank of Canada.",
        &[("direct", "Rates will hold,", "said", "the Bank of Canada")],
    ),
    (
        "a quoted title after 'in her book' is no quotation",
        "In her book \"Winter Roads,\" Ellen Marsh describes her childhood.",
        &[],
    ),
    (
        "a quoted title after 'claims that' stays inside the indirect quote",
        "Jane Doe claims that \"The Lost City\" is her best novel.",
        &[("indirect", "that \"The Lost City\" is her best novel", "claims", "Jane Doe")],
    ),
    (
        "a one-word quotation before an inverted cue is still a quotation",
        "\u{201c}One!\u{201d} says the proprietor.",
        &[("direct", "One!", "says", "the proprietor")],
    ),
    (
        "marks around the cue between two quotations",
        "\"We won the match,\" he 'said'. \"Now we rest for a week before the final.\"",
        &[
            ("direct", "We won the match,", "said", "he"),
            ("direct", "Now we rest for a week before the final.", "said", "he"),
        ],
    ),
    (
        "curly marks around the cue after a name",
        "\u{201c}The budget is balanced,\u{201d} Minister Okafor \u{2018}said\u{2019}.",
        &[("direct", "The budget is balanced,", "said", "Okafor")],
    ),
    (
        "a role nominal and a name in apposition after the quotation",
        "\"We will appeal the ruling,\" the club's chairman, Peter Hale, said on Tuesday.",
        &[("direct", "We will appeal the ruling,", "said", "Peter Hale")],
    ),
    (
        "a role nominal and a name in apposition before a cue",
        "The witness, Laura Chen, told the court that she saw the car leave at noon.",
        &[("indirect", "that she saw the car leave at noon", "told", "Laura Chen")],
    ),
];

#[test]
fn attribution_kinds() {
    for &(case, text, want) in ATTRIBUTION_KINDS {
        let want: Vec<Row> = want.iter().map(|&(k, t, c, s)| row(k, t, c, s)).collect();
        assert_eq!(rows(text), want, "{case}");
    }
}

#[test]
fn curly_double_marks_trailing_attribution() {
    let t = "“We will not give up,” Hamdan said.";
    assert_eq!(
        rows(t),
        vec![row("direct", "We will not give up,", "said", "Hamdan")]
    );
}

#[test]
fn straight_double_marks_and_follow_on_sentence() {
    let t = "\"The board has failed,\" Sinclair said. \"It must be replaced.\"\n\nThe report was released on Friday.";
    assert_eq!(
        rows(t),
        vec![
            row("direct", "The board has failed,", "said", "Sinclair"),
            row("direct", "It must be replaced.", "said", "Sinclair"),
        ]
    );
}

#[test]
fn single_marks_as_quotes_not_apostrophes() {
    let t = "'We don't know the Smiths' plans yet,' the mayor's aide said.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "We don't know the Smiths' plans yet,",
            "said",
            "the mayor's aide"
        )]
    );
    // Apostrophes alone make no quotation.
    assert!(rows("The Joneses' dog didn't bark at McCallum's car.").is_empty());
}

#[test]
fn guillemets() {
    let t = "« Nous ne céderons pas », a-t-il dit. Le ministre Jean Dupont said: «Nothing will change.»";
    let r = rows(t);
    assert!(
        r.contains(&row(
            "direct",
            "Nothing will change.",
            "said",
            "Jean Dupont"
        )),
        "{r:?}"
    );
}

#[test]
fn low_high_marks() {
    let t = "„Das ist eine Katastrophe“, sagte er. Economist Anna Weber said „the outlook is grim for everyone“.";
    let r = rows(t);
    assert!(
        r.contains(&row(
            "direct",
            "the outlook is grim for everyone",
            "said",
            "Anna Weber"
        )),
        "{r:?}"
    );
}

#[test]
fn nested_quotes_stay_inside() {
    let t = "“After an election they say, ‘Oh my gosh, the cupboards are bare,’ and then cut,” Telford said.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "After an election they say, ‘Oh my gosh, the cupboards are bare,’ and then cut,",
            "said",
            "Telford"
        )]
    );
}

#[test]
fn multi_paragraph_quotation() {
    let t = "Hamdan said: “The occupation seeks to reset negotiations.\n\n“It wants to derail the deal.\n\n“We will not accept it.”\n\nThe talks resumed.";
    let (q, warnings) = extract_with_warnings(t);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(q.len(), 1);
    let s = q[0].span.as_str(t);
    assert!(s.starts_with("The occupation seeks"), "{s}");
    assert!(s.ends_with("We will not accept it."), "{s}");
    assert_eq!(q[0].kind, QuoteKind::Direct);
    assert_eq!(q[0].speaker.unwrap().as_str(t), "Hamdan");
}

#[test]
fn hard_wrapped_lines_are_one_paragraph() {
    let t = "The minister spoke on Friday.\n\n“We will not accept\nthis deal under any\ncircumstances,” Hamdan\nsaid in a statement.\n\nTalks resumed on\nSaturday in Doha.\n";
    let (q, warnings) = extract_with_warnings(t);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker.unwrap().as_str(t), "Hamdan");
    assert_eq!(q[0].cue.unwrap().as_str(t), "said");
    let crlf = t.replace('\n', "\r\n");
    let (q, warnings) = extract_with_warnings(&crlf);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(q.len(), 1);
}

#[test]
fn unbalanced_marks_warn_and_do_not_abort() {
    let t = "“This is not over, Ravid said.\n\nOfficials declined to comment.";
    let (q, warnings) = extract_with_warnings(t);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("unclosed"));
    assert_eq!(q.len(), 1);
    let t2 = "He said ” nothing “ and ” then ”” left “";
    let _ = extract_with_warnings(t2);
}

#[test]
fn scare_quotes_titles_and_nicknames_are_not_quotations() {
    let t = "The suspect, who goes by “Shorty,” was arrested. Critics called the plan a “disgrace” online. The group read “War and Peace” together.";
    assert!(rows(t).is_empty(), "{:?}", rows(t));
}

#[test]
fn mixed_quote() {
    let t = "Mr. Hemming said his group was “very pleased with the decision” and would press on.";
    assert_eq!(
        rows(t),
        vec![row(
            "mixed",
            "his group was “very pleased with the decision” and would press on",
            "said",
            "Mr. Hemming"
        )]
    );
}

#[test]
fn partial_quotation_with_coordinated_cue() {
    let t = "He called it “a disgrace” and said the plan would fail.";
    assert_eq!(
        rows(t),
        vec![
            row("mixed", "it “a disgrace”", "called", "He"),
            row("indirect", "the plan would fail", "said", "He"),
        ]
    );
}

#[test]
fn indirect_quotes() {
    let t = "Ravid stated that Israel was not informed of the talks. According to officials, the negotiations were led by Adam Boehler.";
    assert_eq!(
        rows(t),
        vec![
            row(
                "indirect",
                "that Israel was not informed of the talks",
                "stated",
                "Ravid"
            ),
            row(
                "indirect",
                "the negotiations were led by Adam Boehler",
                "According to",
                "officials"
            ),
        ]
    );
}

#[test]
fn content_before_the_cue() {
    let t = "Israel was not directly informed of these discussions, Ravid stated.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "Israel was not directly informed of these discussions",
            "stated",
            "Ravid"
        )]
    );
}

#[test]
fn apposition_and_inverted_order() {
    let t =
        "Osama Hamdan, a senior Hamas official, said the deal was dead. “It is over,” said Hamdan.";
    assert_eq!(
        rows(t),
        vec![
            row("indirect", "the deal was dead", "said", "Osama Hamdan"),
            row("direct", "It is over,", "said", "Hamdan"),
        ]
    );
}

#[test]
fn titles_are_not_part_of_the_speaker() {
    let t = "Israeli Prime Minister Benjamin Netanyahu told reporters that the talks had failed.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "that the talks had failed",
            "told",
            "Benjamin Netanyahu"
        )]
    );
}

#[test]
fn colon_and_dash_introduced_quotes() {
    let t = "Surrey staff explained the numbers this way: “There are many possible reasons.”\n\n“Bring it, but you won’t.” — Michelle Rempel";
    assert_eq!(
        rows(t),
        vec![
            row(
                "direct",
                "There are many possible reasons.",
                "explained",
                "Surrey staff"
            ),
            row("direct", "Bring it, but you won’t.", "—", "Michelle Rempel"),
        ]
    );
}

#[test]
fn colon_at_paragraph_end_introduces_the_next_paragraph() {
    let t = "Reporter Jomana Karadsheh says:\n\n“The attackers came at night.”\n\nThe consulate burned.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "The attackers came at night.",
            "says",
            "Jomana Karadsheh"
        )]
    );
}

#[test]
fn question_then_apposition_and_cue() {
    let t = "“How are you today?” Miller, a retired worker, said into the phone.";
    assert_eq!(
        rows(t),
        vec![row("direct", "How are you today?", "said", "Miller")]
    );
}

#[test]
fn follow_on_paragraph_has_no_cue_or_mention() {
    let t = "“The sextortion spam is not new,” Haley explained.\n\n“While this caused chaos, it doesn’t look like it made them any money.”";
    assert_eq!(
        rows(t),
        vec![
            row(
                "direct",
                "The sextortion spam is not new,",
                "explained",
                "Haley"
            ),
            row(
                "direct",
                "While this caused chaos, it doesn’t look like it made them any money.",
                "",
                ""
            ),
        ]
    );
}

#[test]
fn unnamed_speaker_and_pronoun_mentions() {
    let t = "“At this stage, that is not the case,” an Israeli official reportedly said. He further argued that Israel’s insistence was an attempt to sidestep its obligations.";
    assert_eq!(
        rows(t),
        vec![
            row(
                "direct",
                "At this stage, that is not the case,",
                "reportedly said",
                "an Israeli official"
            ),
            row(
                "indirect",
                "that Israel’s insistence was an attempt to sidestep its obligations",
                "further argued",
                "He"
            ),
        ]
    );
}

#[test]
fn participle_and_coordinated_cues_inherit_the_subject() {
    let t = "Mr. Hemming argued that the move hurt his group, noting the board lobbies its members by e-mail.";
    assert_eq!(
        rows(t),
        vec![
            row(
                "indirect",
                "that the move hurt his group",
                "argued",
                "Mr. Hemming"
            ),
            row(
                "indirect",
                "the board lobbies its members by e-mail",
                "noting",
                "Mr. Hemming"
            ),
        ]
    );
}

#[test]
fn headlines_and_noun_uses_are_not_attributions() {
    let t = "READ MORE: Budget won’t be balanced until 2040, Finance Department says\n\nThe strange remark may have foreshadowed more statements. The agency has a final cost estimate for the line.";
    assert!(rows(t).is_empty(), "{:?}", rows(t));
}

#[test]
fn empty_and_mark_only_inputs() {
    for t in [
        "",
        "“",
        "”",
        "\"",
        "'",
        "« »",
        "“”",
        "\"\"\"",
        "\n\n“\n",
        "‘’‘",
    ] {
        let _ = extract_with_warnings(t);
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("“".to_string()),
            Just("”".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("’".to_string()),
            Just("‘".to_string()),
            Just("«".to_string()),
            Just("»".to_string()),
            Just("„".to_string()),
            Just("''".to_string()),
            Just("\n\n".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just(" .\n ".to_string()),
            Just(", ".to_string()),
            Just(". ".to_string()),
            Just(" said ".to_string()),
            Just(" according to ".to_string()),
            Just("Hamdan".to_string()),
            Just(" he ".to_string()),
            Just(" that ".to_string()),
            Just(": ".to_string()),
            Just(" — ".to_string()),
            "[a-zA-Zé ]{0,12}".prop_map(|s| s),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn never_panics_and_spans_are_valid(parts in proptest::collection::vec(piece(), 0..40)) {
            let text: String = parts.concat();
            let (a, _) = extract_with_warnings(&text);
            let (b, _) = extract_with_warnings(&text);
            prop_assert_eq!(&a, &b);
            for q in &a {
                prop_assert!(q.span.start < q.span.end && q.span.end <= text.len());
                prop_assert!(text.is_char_boundary(q.span.start) && text.is_char_boundary(q.span.end));
                for s in [q.cue, q.speaker].into_iter().flatten() {
                    prop_assert!(s.start <= s.end && s.end <= text.len());
                    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                }
                prop_assert!((0.0..=1.0).contains(&q.score));
            }
            for w in a.windows(2) {
                prop_assert!(w[0].span.start <= w[1].span.start);
            }
        }
    }
}

#[test]
fn apposition_with_a_place_name() {
    let t =
        "Rachel Berg, a philanthropist from Monsey, New York, said the speeches changed her mind.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "the speeches changed her mind",
            "said",
            "Rachel Berg"
        )]
    );
}

#[test]
fn names_ending_in_ly_are_no_adverbs() {
    let t = "Mrs. Schlafly replied that she was pleased. “It is fine,” said Kelly.";
    assert_eq!(
        rows(t),
        vec![
            row(
                "indirect",
                "that she was pleased",
                "replied",
                "Mrs. Schlafly"
            ),
            row("direct", "It is fine,", "said", "Kelly"),
        ]
    );
}

#[test]
fn stance_and_evidence_verbs_report_content() {
    let t = "A new poll shows most voters oppose the plan.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "most voters oppose the plan",
            "shows",
            "A new poll"
        )]
    );
    let t = "The senator criticized the administration for its handling of the crisis.";
    let r = rows(t);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].2, "criticized");
    assert_eq!(r[0].3, "The senator");
    let t = "The union called for a ban on overtime.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "a ban on overtime",
            "called for",
            "The union"
        )]
    );
    let t = "The mayor opposed the new tax.";
    assert_eq!(
        rows(t),
        vec![row("indirect", "the new tax", "opposed", "The mayor")]
    );
    let t = "The meeting was called for Monday.";
    assert!(rows(t).is_empty(), "{:?}", rows(t));
}

#[test]
fn stance_verbs_stay_quiet_inside_reported_speech_and_displays() {
    // The stance verb lies in the content of "said": no attribution of its own.
    let t = "Scheer said when the Liberals dismiss any concerns, they insult Canadians.";
    assert!(rows(t).iter().all(|r| r.2 != "dismiss"), "{:?}", rows(t));
    // "showed their alignment": a display, no report; "questions" is a noun.
    let t = "Members of the party showed their alignment with the Liberals by voting yes.";
    assert!(rows(t).is_empty(), "{:?}", rows(t));
    let t =
        "While they know where the party stands on environmental questions, they are still unsure.";
    assert!(rows(t).is_empty(), "{:?}", rows(t));
}

// Quotation marks that generalise (issue 9): line breaks, nesting, British style, apostrophes,
// stray and wrong marks, quotations standing alone. Sentences written for these tests.

#[test]
fn quotation_closed_on_the_next_line_of_a_paragraph() {
    let t = "The council met on Tuesday.\n“We will rebuild the bridge before the winter and\nnobody will be left behind,” Mayor Ellen Park said.\nThe vote is next week.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "We will rebuild the bridge before the winter and\nnobody will be left behind,",
            "said",
            "Ellen Park"
        )]
    );
}

#[test]
fn quotation_with_its_attribution_on_the_next_line() {
    let t = "The strike entered its third day.\n\"We are not going back without a contract,\"\nunion leader Maria Santos told reporters.\nTalks resume Monday.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "We are not going back without a contract,",
            "told",
            "Maria Santos"
        )]
    );
    let t = "Prices rose again in May.\r\n\r\n“Families are cutting back,”\r\nsaid economist Priya Nair.\r\n\r\nThe bank meets in June.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "Families are cutting back,",
            "said",
            "Priya Nair"
        )]
    );
}

#[test]
fn single_quoted_speech_holding_double_quoted_speech() {
    let t = "The coach was candid. 'When the referee told me \"get off the pitch\" I just laughed,' Gareth Evans said.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "When the referee told me \"get off the pitch\" I just laughed,",
            "said",
            "Gareth Evans"
        )]
    );
}

#[test]
fn guillemets_and_same_marks_nested_in_a_quotation() {
    let t = "“The slogan « never again » is on every wall in the city,” said Claire Martin.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "The slogan « never again » is on every wall in the city,",
            "said",
            "Claire Martin"
        )]
    );
    let t = "The mayor, Paul Girard, said: «They told me “wait” for ten years.»";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "They told me “wait” for ten years.",
            "said",
            "Paul Girard"
        )]
    );
    for t in [
        "“He shouted “stop the car” and then he ran,” Laura Chen told the court.",
        "\"He shouted \"stop the car\" and then he ran,\" Laura Chen told the court.",
    ] {
        let r = rows(t);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].0, "direct", "{r:?}");
        assert!(
            r[0].1.starts_with("He shouted") && r[0].1.ends_with("he ran,"),
            "{r:?}"
        );
        assert_eq!((r[0].2.as_str(), r[0].3.as_str()), ("told", "Laura Chen"));
    }
}

#[test]
fn british_style_single_marks_quote_speech() {
    let t = "‘There is no money left for the hospitals,’ said health minister David Brown. ‘We have to make choices.’";
    assert_eq!(
        rows(t),
        vec![
            row(
                "direct",
                "There is no money left for the hospitals,",
                "said",
                "David Brown"
            ),
            row("direct", "We have to make choices.", "said", "David Brown"),
        ]
    );
}

#[test]
fn word_initial_apostrophes_do_not_pair_as_marks() {
    let t = "‘They played rock ’n’ roll until the police arrived,’ neighbour Mark Reid said.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "They played rock ’n’ roll until the police arrived,",
            "said",
            "Mark Reid"
        )]
    );
    let t = "Residents told 'em to go. 'Nothing happened here,' said officer Kim Lee.";
    assert_eq!(
        rows(t),
        vec![row("direct", "Nothing happened here,", "said", "Kim Lee")]
    );
}

#[test]
fn stray_and_wrong_marks_do_not_swallow_attributions() {
    let t = "“We are not finished yet,“ said coach Brian Walsh.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "We are not finished yet,",
            "said",
            "Brian Walsh"
        )]
    );
    let t = "‘We are not finished yet,‘ said coach Brian Walsh.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "We are not finished yet,",
            "said",
            "Brian Walsh"
        )]
    );
    let t = "The deal is done \" critics disagree, the senator said. \"It will collapse within a year,\" said analyst Joe Park.";
    let r = rows(t);
    assert!(
        r.contains(&row(
            "direct",
            "It will collapse within a year,",
            "said",
            "Joe Park"
        )),
        "{r:?}"
    );
    let t = "The minister was defiant. Asked about the report, Helen Grant said: “I will not resign over this.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "I will not resign over this.",
            "said",
            "Helen Grant"
        )]
    );
}

#[test]
fn a_quotation_standing_alone_has_no_speaker() {
    let t = "The storm hit at dawn.\n\n“Everything is gone. The house, the car, all of it.”\n\nCrews worked through the night.";
    assert_eq!(
        rows(t),
        vec![row(
            "direct",
            "Everything is gone. The house, the car, all of it.",
            "",
            ""
        )]
    );
}

#[test]
fn cue_is_the_verb_group_and_carries_to_follow_on_quotations() {
    // Auxiliaries and adverbs before the verb belong to the cue; a day word does not.
    let t = "The mayor has repeatedly said that the budget is balanced. Ruiz on Friday also argued that taxes must fall.";
    assert_eq!(
        rows(t),
        vec![
            row(
                "indirect",
                "that the budget is balanced",
                "has repeatedly said",
                "The mayor"
            ),
            row("indirect", "that taxes must fall", "also argued", "Ruiz"),
        ]
    );
    // A follow-on quotation in the same paragraph takes the frame's cue and speaker mention;
    // in the next paragraph it does not (the link step resolves it).
    let t = "“We will appeal,” Okafor said Monday. “The ruling is wrong.”\n\n“It will not stand.”";
    assert_eq!(
        rows(t),
        vec![
            row("direct", "We will appeal,", "said", "Okafor"),
            row("direct", "The ruling is wrong.", "said", "Okafor"),
            row("direct", "It will not stand.", "", ""),
        ]
    );
    // A colon after a name is the cue of the quotation it introduces.
    let t = "The coach had one answer for critics. Coach Rivera: “We play the games.”";
    let got = rows(t);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].1.as_str(), got[0].2.as_str()),
        ("We play the games.", ":")
    );
}

#[test]
fn a_trailing_fragment_or_label_does_not_hide_the_paragraphs_quotes() {
    // The paragraph ends in a fragment without final punctuation, after full sentences.
    let t = "“We start small,” she says. “Nobody sells a million copies at first.” Email: desk@example.com";
    assert_eq!(
        rows(t),
        vec![
            row("direct", "We start small,", "says", "she"),
            row(
                "direct",
                "Nobody sells a million copies at first.",
                "says",
                "she"
            ),
        ]
    );
    // A paragraph that is one unpunctuated line is still a headline.
    assert!(rows("Mayor says “the budget is balanced” in bold claim").is_empty());
    // A quotation ending in an ellipsis ends its sentence when no attribution follows.
    let t = "“We sell horror, romance, westerns …” Stacked with comics, the shop is busy.";
    assert_eq!(rows(t).len(), 1);
    assert_eq!(rows(t)[0].1, "We sell horror, romance, westerns …");
}

#[test]
fn a_preposition_before_the_content_belongs_to_the_cue() {
    let t = "The senator pointed to reports that the contract was rigged.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "reports that the contract was rigged",
            "pointed to",
            "The senator"
        )]
    );
}

#[test]
fn a_subject_keeps_the_phrase_that_says_where_it_belongs() {
    for (t, speaker) in [
        (
            "\"Fares will rise,\" the spokesman for the company said.",
            "the spokesman for the company",
        ),
        (
            "\"Fares will rise,\" officials in the city said.",
            "officials in the city",
        ),
        (
            "\"Fares will rise,\" a lawyer at the firm said.",
            "a lawyer at the firm",
        ),
        (
            "“Why pay?” a narrator in the new ad asks.",
            "a narrator in the new ad",
        ),
    ] {
        let got = rows(t);
        assert_eq!(got.len(), 1, "{t}");
        assert_eq!(got[0].3, speaker, "{t}");
    }
    // A phrase before the subject with no noun ahead of it is no part of it.
    let got = rows("In the city the mayor said that fares would rise.");
    assert_eq!(got[0].3, "the mayor");
}

#[test]
fn a_quotation_introduced_by_its_cue_ends_its_sentence() {
    let t = "Ruiz boasted, “That makes me smart.” He said more later.";
    assert_eq!(
        rows(t)[0],
        row("direct", "That makes me smart.", "boasted", "Ruiz")
    );
}

#[test]
fn a_relative_clause_between_subject_and_cue_is_skipped() {
    let t = "An official at the port, who asked not to be named, said the gates had been shut.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "the gates had been shut",
            "said",
            "An official at the port"
        )]
    );
    let t = "Kim Lee, who said she was tired, told reporters the plan had failed.";
    let got = rows(t);
    let last = got.last().unwrap();
    assert_eq!(
        (last.1.as_str(), last.2.as_str(), last.3.as_str()),
        ("the plan had failed", "told", "Kim Lee")
    );
}

#[test]
fn a_name_after_told_is_the_hearer_not_an_inverted_speaker() {
    for (t, speaker) in [
        (
            "\"I never saw it coming,\" Mr. Okafor, 62, told the Herald.",
            "Mr. Okafor",
        ),
        (
            "\"I never saw it coming,\" Okafor, 62, told Reuters.",
            "Okafor",
        ),
        // Other cues do stand before their subject.
        ("\"Why now?\" asked Okafor.", "Okafor"),
    ] {
        let got = rows(t);
        assert_eq!(got.len(), 1, "{t}");
        assert_eq!(
            (got[0].1.as_str(), got[0].3.as_str()),
            (&t[1..t[1..].find('"').unwrap() + 1], speaker),
            "{t}"
        );
    }
}

#[test]
fn an_apposition_after_a_possessive_nominal_names_the_speaker() {
    let t = "Ruiz’s spokesman, Tom Hale, said the senator was unavailable.";
    assert_eq!(
        rows(t),
        vec![row(
            "indirect",
            "the senator was unavailable",
            "said",
            "Tom Hale"
        )]
    );
}

#[test]
fn the_writers_words_after_a_quotation_are_no_content() {
    // A quotation closed by a comma ends the content; the rest is the writer's.
    let t = "Ruiz said, \"We are done,\" before leaving the room.";
    assert_eq!(rows(t), vec![row("direct", "We are done,", "said", "Ruiz")]);
    // A phrase opened by a preposition is no content of its own.
    let t = "\"The vote was rigged,\" Ruiz claimed, without offering evidence.";
    assert_eq!(
        rows(t),
        vec![row("direct", "The vote was rigged,", "claimed", "Ruiz")]
    );
}
