//! Speaker resolution: each quote's speaker mention resolved to an entity, and the `said` relations.

use super::*;

/// Resolve each quote's speaker mention to an entity and return one [`Attribution`] per quote
/// (same index as `quotes`) with the `said` and `has_role` relations.
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
/// paragraphs. Unresolved speakers keep the mention text as their name; every score is scaled
/// by the confidence of the resolution (see the `tuning` module).
pub fn attribute(
    analysis: &TextAnalysis,
    mentions: &[Mention],
    entities: &Entities,
    quotes: &[Quote],
) -> Linked {
    let named: Vec<Named> = mentions
        .iter()
        .zip(&entities.of_mention)
        .map(|(m, id)| Named {
            span: m.span,
            label: m.label,
            entity: id.0,
        })
        .collect();
    let ctx = Ctx::new(analysis, &named, quotes);
    let groups = &entities.list;
    let roles = find_roles(&ctx, groups);
    let mut qorder: Vec<usize> = (0..quotes.len()).collect();
    qorder.sort_by_key(|&i| (quotes[i].span.start, quotes[i].span.end));
    let mut discourse = Discourse::default();
    let mut attributions = vec![Attribution::default(); quotes.len()];
    for &qi in &qorder {
        let q = &quotes[qi];
        let outcome = match q.speaker {
            Some(m) => ctx.resolve_mention(q, m, groups, &roles, &mut discourse),
            None => ctx.resolve_follow_on(q, &discourse),
        };
        let pos = q.speaker.map(|m| m.start).unwrap_or(q.span.start);
        attributions[qi] = discourse.record(q, outcome, pos, groups);
    }
    let mut relations = said_relations(quotes, &attributions, &qorder);
    relations.extend(role_relations(&roles));
    Linked {
        attributions,
        relations,
    }
}

impl<'a> Ctx<'a> {
    fn new(analysis: &'a TextAnalysis, named: &'a [Named], quotes: &[Quote]) -> Ctx<'a> {
        let mut order: Vec<usize> = (0..named.len()).collect();
        order.sort_by_key(|&i| (named[i].span.start, named[i].span.end));
        let mut quoted: Vec<Span> = quotes
            .iter()
            .filter(|q| q.kind == crate::doc::QuoteKind::Direct)
            .map(|q| q.span)
            .collect();
        quoted.sort();
        quoted.dedup_by(|b, a| b.start < a.end); // drop overlaps, keep the earlier
        let mut ctx = Ctx {
            text: analysis.text,
            toks: &analysis.tokens,
            entities: named,
            order,
            quoted,
            gender: HashMap::new(),
            newlines: &analysis.paragraph_breaks,
        };
        ctx.collect_gender();
        ctx
    }

    /// Resolve a speaker mention: a pronoun by [`Ctx::resolve_pronoun_mention`], anything else by
    /// [`Ctx::resolve_named_mention`]; unresolved, the mention text is the name.
    fn resolve_mention(
        &self,
        q: &Quote,
        m: Span,
        groups: &[Entity],
        roles: &[Role],
        d: &mut Discourse,
    ) -> Outcome {
        let mtext = self
            .text
            .get(m.start..m.end)
            .unwrap_or("")
            .trim()
            .to_string();
        // Object pronouns ("according to him") resolve like subject ones.
        let lower = match mtext.to_lowercase().as_str() {
            "him" => "he".to_string(),
            "her" => "she".to_string(),
            "them" => "they".to_string(),
            other => other.to_string(),
        };
        let mut out = if is_subject_pronoun(&lower) {
            self.resolve_pronoun_mention(m, &lower, d)
        } else {
            self.resolve_named_mention(q, m, &mtext, &lower, groups, roles, d)
        };
        if out.entity.is_none() && out.name.is_none() {
            out.name = Some(mtext);
        }
        out
    }

    /// he/she by salience and gender; "they" after a group spoke; it/they by the latest
    /// non-person speaker, else "it" by the nearest organisation and "they" by the latest person.
    fn resolve_pronoun_mention(&self, m: Span, lower: &str, d: &Discourse) -> Outcome {
        let mut out = Outcome::default();
        let since = |p: usize| m.start.saturating_sub(p);
        match lower {
            "he" | "she" => {
                out.entity = self.resolve_pronoun(m.start, pronoun_gender(lower), &d.speakers);
            }
            "they"
                if d.last_plural
                    .as_ref()
                    .is_some_and(|x| since(x.2) < THEY_GROUP_WINDOW) =>
            {
                let (g, n, _) = d.last_plural.clone().unwrap();
                match g {
                    Some(g) => out.entity = Some((g, CONF_THEY_GROUP)),
                    None => out.name = Some(n),
                }
            }
            "it" | "they" => {
                if let Some((g, n, p)) = &d.last_other {
                    if since(*p) < IT_SPEAKER_WINDOW {
                        match g {
                            Some(g) => out.entity = Some((*g, CONF_IT_SPEAKER)),
                            None => out.name = Some(n.clone()),
                        }
                    }
                }
                if out.is_empty() && lower == "it" {
                    out.entity = self.nearest_org(m.start).map(|g| (g, CONF_IT_ORG));
                }
                if out.is_empty() && lower == "they" {
                    if let Some(&(g, p)) = d.speakers.last() {
                        if since(p) < NEAR_WINDOW {
                            out.entity = Some((g, CONF_THEY_PERSON));
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// A name or description: the entity holding its head word (PER first), several people
    /// joined by "and" (kept as the mention), a document's author, a surname, a role, a definite
    /// description's antecedent; the first rule that applies wins.
    #[allow(clippy::too_many_arguments)]
    fn resolve_named_mention(
        &self,
        q: &Quote,
        m: Span,
        mtext: &str,
        lower: &str,
        groups: &[Entity],
        roles: &[Role],
        d: &mut Discourse,
    ) -> Outcome {
        let text = self.text;
        // The mention's head (its last word) must lie in the entity: "a spokeswoman for
        // Trudeau" is not Trudeau, "McCallum’s staff" is not McCallum.
        let head = mention_head(text, m);
        let mut best: Option<(usize, bool)> = None;
        for e in self.order.iter().map(|&i| &self.entities[i]) {
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
        let per_groups: std::collections::BTreeSet<usize> = self
            .order
            .iter()
            .map(|&i| &self.entities[i])
            .filter(|e| e.label == Label::Per && e.span.overlaps(&m))
            .map(|e| e.entity)
            .collect();
        let mut out = Outcome::default();
        if per_groups.len() > 1 && lower.contains(" and ") {
            // "Tore Sohlberg and Lehla Abreder": several people speak together.
            out.name = Some(mtext.to_string());
            out.plural = true;
            return out;
        }
        out.entity = best
            .map(|(g, _)| (g, CONF_HEAD_ENTITY))
            .or_else(|| {
                // "the Civic Action study", "numbers from Statistics Canada", later "the study"
                // The document's agent stands before the quote's cue and content.
                let stop = [q.cue, Some(q.span)]
                    .into_iter()
                    .flatten()
                    .map(|x| x.start)
                    .filter(|&x| x >= m.end)
                    .min()
                    .unwrap_or(text.len());
                let (entities, order) = (self.entities, &self.order);
                document_source(text, m, head, stop, entities, order, &mut d.doc_sources)
                    .map(|g| (g, CONF_DOCUMENT))
            })
            .or_else(|| surname_match(mtext, groups).map(|g| (g, CONF_SURNAME)))
            .or_else(|| role_match(lower, roles, &d.speakers, m.start).map(|g| (g, CONF_ROLE)))
            .or_else(|| {
                self.nominal_antecedent(mtext, m.start, &d.speakers, d.last_org)
                    .map(|g| (g, CONF_NOMINAL))
            });
        out.written = out
            .entity
            .and_then(|(g, _)| groups.get(g))
            .and_then(|e| name_with_the(mtext, e));
        out
    }

    /// A quote with no mention (a follow-on quotation). A person introduced in subject position
    /// since the previous quote speaks ("Green’s feelings make sense. … “…”"); else the previous
    /// quote's speaker, within a few paragraphs.
    fn resolve_follow_on(&self, q: &Quote, d: &Discourse) -> Outcome {
        let mut out = Outcome::default();
        let since = d.prev_q.as_ref().map(|p| p.end).unwrap_or(0);
        for &i in self.order.iter().rev() {
            let e = &self.entities[i];
            if e.span.end > q.span.start || e.label != Label::Per || self.in_quote(e.span) {
                continue;
            }
            if e.span.start < since || q.span.start - e.span.end > FOLLOW_SUBJECT_WINDOW {
                break;
            }
            if self.is_subject(e) && !self.in_side_line(e.span.start) {
                out.entity = Some((e.entity, CONF_FOLLOW_SUBJECT));
                out.mention = Some(e.span);
                return out;
            }
        }
        if let Some(p) = &d.prev_q {
            let paragraphs = paragraphs_between(self.text, self.newlines, p.end, q.span.start);
            if paragraphs <= FOLLOW_MAX_PARAGRAPHS {
                match p.entity {
                    Some(g) => out.entity = Some((g, CONF_FOLLOW_PREVIOUS)),
                    None => out.name = p.name.clone(),
                }
                out.mention = p.mention;
            }
        }
        out
    }
}

/// How one quote's speaker resolved: an entity with the confidence of the rule, or only a name.
#[derive(Debug, Default)]
struct Outcome {
    /// Entity index and confidence.
    entity: Option<(usize, f32)>,
    /// The name when no entity was found (the mention text, or an earlier unnamed speaker's).
    name: Option<String>,
    /// Several people speaking together ("Tore Sohlberg and Lehla Abreder").
    plural: bool,
    /// The entity's name as this mention writes it, with its article ("The AFN Youth Council").
    written: Option<String>,
    /// The mention a follow-on quote's speaker was taken from.
    mention: Option<Span>,
}

impl Outcome {
    fn is_empty(&self) -> bool {
        self.entity.is_none() && self.name.is_none()
    }
}

/// What the quotes so far leave for the later ones to resolve against.
#[derive(Debug, Default)]
struct Discourse {
    /// Each person speaker so far: (entity, position).
    speakers: Vec<(usize, usize)>,
    /// The latest non-person speaker: (entity if any, name, position).
    last_other: Option<(Option<usize>, String, usize)>,
    /// The latest group of several people speaking together: (entity if any, name, position).
    last_plural: Option<(Option<usize>, String, usize)>,
    /// Document nouns resolved so far ("study" → its author).
    doc_sources: HashMap<String, usize>,
    /// The previous quote with a speaker to carry on.
    prev_q: Option<PrevQuote>,
    /// The latest organisation speaker: (entity, position).
    last_org: Option<(usize, usize)>,
    /// Non-person speakers named with their article so far, by entity ("The Forecaddie").
    written: HashMap<usize, String>,
}

/// A quote whose speaker later follow-on quotes may take.
#[derive(Debug)]
struct PrevQuote {
    /// Where the quote ends.
    end: usize,
    /// Its speaker entity, if resolved.
    entity: Option<usize>,
    /// Its speaker's name.
    name: Option<String>,
    /// The mention that names its speaker (its own, or the one it took).
    mention: Option<Span>,
}

impl Discourse {
    /// Turn a quote's resolution into its attribution, and remember the speaker for later
    /// quotes. `pos` is where the speaker mention (else the quote) starts.
    fn record(
        &mut self,
        q: &Quote,
        outcome: Outcome,
        pos: usize,
        groups: &[Entity],
    ) -> Attribution {
        let resolved = outcome.entity.filter(|&(g, _)| g < groups.len());
        let (entity, name, conf) = match resolved {
            Some((g, c)) => {
                if let Some(w) = outcome.written {
                    self.written.insert(g, w);
                }
                let canonical = match self.written.get(&g) {
                    Some(w) => w.clone(),
                    None => groups[g].canonical.clone(),
                };
                if groups[g].label == Label::Per {
                    self.speakers.push((g, pos));
                } else {
                    self.last_other = Some((Some(g), canonical.clone(), pos));
                    if groups[g].label == Label::Org {
                        self.last_org = Some((g, pos));
                    }
                }
                (Some(g), Some(canonical), c)
            }
            None => {
                if let Some(n) = &outcome.name {
                    if outcome.plural {
                        self.last_plural = Some((None, n.clone(), pos));
                    } else if !is_subject_pronoun(&n.to_lowercase()) && !n.is_empty() {
                        self.last_other = Some((None, n.clone(), pos));
                    }
                }
                let name = outcome.name.filter(|n| !n.is_empty());
                (None, name, CONF_UNRESOLVED)
            }
        };
        if entity.is_some() || name.is_some() {
            // An unresolved pronoun is no speaker to carry on.
            let pronoun_only = entity.is_none()
                && name
                    .as_deref()
                    .is_some_and(|n| is_subject_pronoun(&n.to_lowercase()));
            if !pronoun_only {
                self.prev_q = Some(PrevQuote {
                    end: q.span.end,
                    entity,
                    name: name.clone(),
                    mention: q.speaker.or(outcome.mention),
                });
            }
        }
        Attribution {
            entity: entity.map(EntityId),
            name,
            score: (q.score * (0.5 + 0.5 * conf)).clamp(0.0, 1.0),
            // Set only for a quote without a mention of its own (a follow-on).
            mention: outcome.mention,
        }
    }
}

/// The speaker's name as `mention` writes it when the mention is a non-person entity's name
/// behind "the" ("The AFN Youth Council stated"): an organisation's article is part of how the
/// article names it as a source, as both gold sets write such speakers ("The New York Times",
/// "the Roper Center for Public Opinion Research"). People keep their canonical name.
fn name_with_the(mention: &str, e: &Entity) -> Option<String> {
    if e.label == Label::Per {
        return None;
    }
    let (first, rest) = mention.split_once(' ')?;
    (first.eq_ignore_ascii_case("the") && rest.trim() == e.canonical).then(|| mention.to_string())
}

/// A `said` relation for each quote whose speaker is an entity, in text order; the evidence
/// span takes in the cue and the speaker mention when they stand near the quote.
fn said_relations(
    quotes: &[Quote],
    attributions: &[Attribution],
    qorder: &[usize],
) -> Vec<Relation> {
    let mut rels = Vec::new();
    for &qi in qorder {
        let (q, a) = (&quotes[qi], &attributions[qi]);
        let Some(g) = a.entity else { continue };
        let mut s = q.span.start;
        let mut e = q.span.end;
        for sp in [q.cue, q.speaker].into_iter().flatten() {
            if sp.end + EVIDENCE_REACH >= s && sp.start <= e + EVIDENCE_REACH {
                s = s.min(sp.start);
                e = e.max(sp.end);
            }
        }
        rels.push(Relation {
            subject: g,
            kind: RelationKind::Said,
            quote: Some(QuoteId(qi)),
            object_text: None,
            span: Span::new(s, e),
            score: round4(a.score),
        });
    }
    rels
}

/// A `has_role` relation for each distinct (person, role) found.
fn role_relations(roles: &[Role]) -> Vec<Relation> {
    let mut seen = std::collections::HashSet::new();
    roles
        .iter()
        .filter(|r| seen.insert((r.group, r.role.to_lowercase())))
        .map(|r| Relation {
            subject: EntityId(r.group),
            kind: RelationKind::HasRole,
            quote: None,
            object_text: Some(r.role.clone()),
            span: r.span,
            score: r.score,
        })
        .collect()
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

#[cfg(test)]
mod written_name_tests {
    use super::*;

    #[test]
    fn only_a_non_person_named_right_after_the_keeps_the_article() {
        let e = |canonical: &str, label| Entity {
            canonical: canonical.to_string(),
            label,
        };
        let trust = e("Harbour Trust", Label::Org);
        assert_eq!(
            name_with_the("The Harbour Trust", &trust).as_deref(),
            Some("The Harbour Trust")
        );
        assert_eq!(name_with_the("Harbour Trust", &trust), None);
        assert_eq!(name_with_the("the trust", &trust), None);
        assert_eq!(
            name_with_the("The Ana Ruiz", &e("Ana Ruiz", Label::Per)),
            None
        );
    }
}
