//! Speaker resolution: each quote's speaker mention resolved to an entity, and the `said` relations.

use super::*;

/// Resolve each quote's speaker mention to an entity group, fill `speaker_entity` and
/// `speaker_name`, and return `said` and `has_role` relations.
///
/// Quotes are taken in text order. Resolution of a mention: an entity holding its head word (PER
/// first; "a spokeswoman for Trudeau" is not Trudeau); several people joined by "and" keep the
/// mention; a document ("the Civic Action study") goes to the organisation named in it; a
/// proper name with no entity by its last name; he/she (also him/her) by salience: the nearest
/// subject-position PER mention or an earlier speaker, gender permitting (courtesy titles, first
/// names, later pronouns); it/they by the last organisation or group speaking; a definite nominal
/// by role ("the mayor" → "Mayor …"), else an earlier person or organisation for descriptive
/// nouns ("the bow-tied maverick", "the agency"), while anonymous-source nouns ("the official")
/// stay unnamed. A quote with no mention (a follow-on) takes a person introduced in subject
/// position since the previous quote, else the previous quote's speaker within three
/// paragraphs. Unresolved speakers keep the mention text as `speaker_name`; every score is
/// scaled by the confidence of the resolution.
pub fn attribute(
    analysis: &TextAnalysis,
    entities: &[Entity],
    groups: &[EntityGroup],
    quotes: &mut [Quote],
) -> Vec<Relation> {
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by_key(|&i| (entities[i].span.start, entities[i].span.end));
    let mut quoted: Vec<Span> = quotes
        .iter()
        .filter(|q| q.kind == crate::doc::QuoteKind::Direct)
        .map(|q| q.span)
        .collect();
    quoted.sort();
    quoted.dedup_by(|b, a| b.start < a.end); // drop overlaps, keep the earlier
    let text = analysis.text;
    let mut ctx = Ctx {
        text,
        toks: &analysis.tokens,
        entities,
        order,
        quoted,
        gender: HashMap::new(),
        newlines: &analysis.paragraph_breaks,
    };
    ctx.collect_gender();
    let roles = find_roles(&ctx, groups);
    let valid = |g: usize| g < groups.len();

    let mut qorder: Vec<usize> = (0..quotes.len()).collect();
    qorder.sort_by_key(|&i| (quotes[i].span.start, quotes[i].span.end));
    let mut speakers: Vec<(usize, usize)> = Vec::new(); // (group, position)
    let mut last_other: Option<(Option<usize>, String, usize)> = None; // non-person speaker
    let mut last_plural: Option<(Option<usize>, String, usize)> = None; // several people
    let mut doc_sources: HashMap<String, usize> = HashMap::new(); // "study" → its author
    let mut prev_q: Option<(usize, Option<usize>, Option<String>)> = None; // end, group, name
    let mut last_org: Option<(usize, usize)> = None; // (group, position) of the last ORG speaker
    let mut conf = vec![0.0f32; quotes.len()];
    for &qi in &qorder {
        let q = quotes[qi].clone();
        let pos = q.speaker.map(|m| m.start).unwrap_or(q.span.start);
        let mut resolved: Option<(usize, f32)> = None;
        let mut name: Option<String> = None;
        let mut plural = false;
        if let Some(m) = q.speaker {
            let mtext = text.get(m.start..m.end).unwrap_or("").trim().to_string();
            // Object pronouns ("according to him") resolve like subject ones.
            let lower = match mtext.to_lowercase().as_str() {
                "him" => "he".to_string(),
                "her" => "she".to_string(),
                "them" => "they".to_string(),
                other => other.to_string(),
            };
            if is_subject_pronoun(&lower) {
                match lower.as_str() {
                    "he" | "she" => {
                        resolved = ctx.resolve_pronoun(m.start, pronoun_gender(&lower), &speakers);
                    }
                    "they"
                        if last_plural
                            .as_ref()
                            .is_some_and(|x| m.start.saturating_sub(x.2) < 2000) =>
                    {
                        let (g, n, _) = last_plural.clone().unwrap();
                        match g {
                            Some(g) => resolved = Some((g, 0.55)),
                            None => name = Some(n),
                        }
                    }
                    "it" | "they" => {
                        if let Some((g, n, p)) = &last_other {
                            if m.start.saturating_sub(*p) < 3000 {
                                match g {
                                    Some(g) => resolved = Some((*g, 0.6)),
                                    None => name = Some(n.clone()),
                                }
                            }
                        }
                        if resolved.is_none() && name.is_none() && lower == "it" {
                            resolved = ctx.nearest_org(m.start).map(|g| (g, 0.45));
                        }
                        if resolved.is_none() && name.is_none() && lower == "they" {
                            if let Some(&(g, p)) = speakers.last() {
                                if m.start.saturating_sub(p) < 1500 {
                                    resolved = Some((g, 0.4));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            } else {
                // Overlapping entity: PER first.
                let mut best: Option<(usize, bool)> = None;
                // The mention's head (its last word) must lie in the entity: "a spokeswoman for
                // Trudeau" is not Trudeau, "McCallum’s staff" is not McCallum.
                let head = mention_head(text, m);
                for &i in &ctx.order {
                    let e = &entities[i];
                    // A lower-case word the NER tagged ("study") names nobody.
                    let lower_case = text
                        .get(e.span.start..e.span.end)
                        .and_then(|t| t.chars().next())
                        .is_some_and(|c| c.is_lowercase());
                    if lower_case {
                        continue;
                    }
                    if e.span.overlaps(&head) || (e.span.start <= m.start && m.end <= e.span.end) {
                        let per = e.label == Label::Per;
                        if best.is_none_or(|(_, bp)| per && !bp) {
                            best = Some((e.entity, per));
                        }
                    }
                }
                let per_groups: std::collections::BTreeSet<usize> = ctx
                    .order
                    .iter()
                    .map(|&i| &entities[i])
                    .filter(|e| e.label == Label::Per && e.span.overlaps(&m))
                    .map(|e| e.entity)
                    .collect();
                if per_groups.len() > 1 && lower.contains(" and ") {
                    // "Tore Sohlberg and Lehla Abreder": several people speak together.
                    name = Some(mtext.clone());
                    plural = true;
                } else if let Some((g, _)) = best {
                    resolved = Some((g, 0.9));
                } else if let Some(g) =
                    document_source(text, m, head, entities, &ctx.order, &mut doc_sources)
                {
                    // "the Civic Action study", "numbers from Statistics Canada", later "the study"
                    resolved = Some((g, 0.6));
                } else if let Some(g) = surname_match(&mtext, groups) {
                    resolved = Some((g, 0.7));
                } else if let Some(g) = role_match(&lower, &roles, &speakers, m.start) {
                    resolved = Some((g, 0.55));
                } else if let Some(g) = ctx.nominal_antecedent(&mtext, m.start, &speakers, last_org)
                {
                    resolved = Some((g, 0.4));
                }
            }
            if resolved.is_none() && name.is_none() {
                name = Some(mtext);
            }
        } else {
            // No mention: a follow-on quotation. A person introduced in subject position since
            // the previous quote speaks ("Green’s feelings make sense. … “…”"); else the previous
            // quote's speaker, within three paragraphs; else the nearest subject nearby.
            let since = prev_q.as_ref().map(|p| p.0).unwrap_or(0);
            for &i in ctx.order.iter().rev() {
                let e = &entities[i];
                if e.span.end > q.span.start || e.label != Label::Per || ctx.in_quote(e.span) {
                    continue;
                }
                if e.span.start < since || q.span.start - e.span.end > 600 {
                    break;
                }
                if ctx.is_subject(e) && !ctx.in_side_line(e.span.start) {
                    resolved = Some((e.entity, 0.45));
                    break;
                }
            }
            if resolved.is_none() {
                if let Some((end, g, n)) = &prev_q {
                    if paragraphs_between(text, ctx.newlines, *end, q.span.start) <= 3 {
                        match g {
                            Some(g) => resolved = Some((*g, 0.6)),
                            None => name = n.clone(),
                        }
                    }
                }
            }
        }
        let resolved = resolved.filter(|&(g, _)| valid(g));
        let qm = &mut quotes[qi];
        match resolved {
            Some((g, c)) => {
                qm.speaker_entity = Some(g);
                qm.speaker_name = Some(groups[g].canonical.clone());
                conf[qi] = c;
                if groups[g].label == Label::Per {
                    speakers.push((g, pos));
                } else {
                    last_other = Some((Some(g), groups[g].canonical.clone(), pos));
                    if groups[g].label == Label::Org {
                        last_org = Some((g, pos));
                    }
                }
            }
            None => {
                qm.speaker_entity = None;
                qm.speaker_name = name.clone().filter(|n| !n.is_empty());
                conf[qi] = 0.5;
                if let Some(n) = &name {
                    let l = n.to_lowercase();
                    if plural {
                        last_plural = Some((None, n.clone(), pos));
                    } else if !is_subject_pronoun(&l) && !n.is_empty() {
                        last_other = Some((None, n.clone(), pos));
                    }
                }
            }
        }
        qm.score = (qm.score * (0.5 + 0.5 * conf[qi])).clamp(0.0, 1.0);
        if qm.speaker_entity.is_some() || qm.speaker_name.is_some() {
            // An unresolved pronoun is no speaker to carry on.
            let pronoun_only = qm.speaker_entity.is_none()
                && qm
                    .speaker_name
                    .as_deref()
                    .is_some_and(|n| is_subject_pronoun(&n.to_lowercase()));
            if !pronoun_only {
                prev_q = Some((qm.span.end, qm.speaker_entity, qm.speaker_name.clone()));
            }
        }
    }

    let mut rels = Vec::new();
    for &qi in &qorder {
        let q = &quotes[qi];
        let Some(g) = q.speaker_entity else { continue };
        let mut s = q.span.start;
        let mut e = q.span.end;
        for sp in [q.cue, q.speaker].into_iter().flatten() {
            if sp.end + 300 >= s && sp.start <= e + 300 {
                s = s.min(sp.start);
                e = e.max(sp.end);
            }
        }
        rels.push(Relation {
            subject: g,
            kind: RelationKind::Said,
            quote: Some(qi),
            object_text: None,
            span: Span::new(s, e),
            score: round4(q.score),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for r in &roles {
        if seen.insert((r.group, r.role.to_lowercase())) {
            rels.push(Relation {
                subject: r.group,
                kind: RelationKind::HasRole,
                quote: None,
                object_text: Some(r.role.clone()),
                span: r.span,
                score: r.score,
            });
        }
    }
    rels
}

pub(super) fn round4(x: f32) -> f32 {
    (x * 10000.0).round() / 10000.0
}

/// The head word of a speaker mention: its last word, or for a determined nominal with a
/// prepositional phrase ("a spokeswoman for Trudeau") the word before the preposition.
pub(super) fn mention_head(text: &str, m: Span) -> Span {
    let s = text.get(m.start..m.end).unwrap_or("");
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut off = 0;
    for w in s.split(' ') {
        if !w.is_empty() {
            words.push((off, w));
        }
        off += w.len() + 1;
    }
    let Some(&(lo, lw)) = words.last() else {
        return m;
    };
    let mut head = (lo, lw);
    if words.len() > 2 && is_determiner(&words[0].1.to_lowercase()) {
        for k in 1..words.len() {
            let of_nominal = words[k].1 == "of"
                && words[k - 1]
                    .1
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase());
            if of_nominal || (words[k].1 != "of" && is_preposition(words[k].1)) {
                head = words[k - 1];
                break;
            }
        }
    }
    Span::new(m.start + head.0, m.start + head.0 + head.1.len())
}
