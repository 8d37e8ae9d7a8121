//! Speakers that are documents or definite descriptions: "the study found", "the agency said", a surname alone.

use super::*;

/// A speaker that is a document ("the Civic Action study", "the most recent numbers from
/// Statistics Canada"): the organisation or person named inside the mention, or the agent
/// attached to it ("a study released Monday by Civic Action"); a later "the study" goes to the
/// same author. The agent is looked for only before `stop` (the quote's cue or content when they
/// follow the mention): a person named in what the document says is not its author ("According
/// to the report, the fire was started by …").
pub(super) fn document_source(
    text: &str,
    m: Span,
    head: Span,
    stop: usize,
    entities: &[Named],
    order: &[usize],
    memory: &mut HashMap<String, usize>,
) -> Option<usize> {
    let noun = text.get(head.start..head.end)?.to_lowercase();
    let noun = noun
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    if !is_document_noun(&noun) {
        return None;
    }
    let mut inside: Option<(usize, bool)> = None;
    for &i in order {
        let e = &entities[i];
        if m.start <= e.span.start && e.span.end <= m.end && e.label != Label::Loc {
            let org = e.label == Label::Org;
            if inside.is_none_or(|(_, o)| org && !o) {
                inside = Some((e.entity, org));
            }
        }
    }
    // The agent right after it: "a study released Monday by Civic Action".
    if inside.is_none() {
        let rest = text.get(m.end..stop.max(m.end)).unwrap_or("");
        let mut lim = rest.len().min(DOCUMENT_AGENT_REACH);
        while !rest.is_char_boundary(lim) {
            lim -= 1;
        }
        let rest = &rest[..lim];
        let clause_end = rest.find(['.', ';', '\n', '—']).unwrap_or(rest.len());
        if let Some(b) = rest[..clause_end].find(" by ") {
            let at = m.end + b + 4;
            inside = order
                .iter()
                .map(|&i| &entities[i])
                .find(|e| {
                    e.span.start >= at
                        && e.span.start <= at + 4
                        && matches!(e.label, Label::Org | Label::Per)
                })
                .map(|e| (e.entity, e.label == Label::Org));
        }
    }
    if let Some((g, _)) = inside {
        memory.insert(noun, g);
        return Some(g);
    }
    let definite = text.get(m.start..m.end)?.to_lowercase().starts_with("the ");
    if !definite {
        return None;
    }
    if let Some(&g) = memory.get(&noun) {
        return Some(g);
    }
    // "the post" after "Jason Schultz … stated in the company’s blog post that …": the first
    // person (else organisation) of the sentence that mentioned it.
    let before = text.get(..m.start)?;
    let lower = before.to_ascii_lowercase(); // same byte offsets
    let mut from = lower.len();
    while let Some(p) = lower[..from].rfind(noun.as_str()) {
        from = p;
        if m.start - p > ORG_WINDOW {
            break;
        }
        let word_start = p == 0 || !lower[..p].ends_with(|c: char| c.is_alphanumeric());
        let word_end = !lower[p + noun.len()..].starts_with(|c: char| c.is_alphanumeric());
        if !(word_start && word_end) {
            continue;
        }
        let sent_start = before[..p]
            .rfind(['.', '\n', '?', '!'])
            .map(|x| x + 1)
            .unwrap_or(0);
        let in_sentence = |l: Label| {
            order
                .iter()
                .map(|&i| &entities[i])
                .find(|e| e.label == l && e.span.start >= sent_start && e.span.end <= p)
                .map(|e| e.entity)
        };
        let g = in_sentence(Label::Per).or_else(|| in_sentence(Label::Org));
        if let Some(g) = g {
            memory.insert(noun, g);
        }
        return g;
    }
    None
}

/// A proper-name speaker mention without an entity: match a PER group by last name.
pub(super) fn surname_match(mention: &str, groups: &[Entity]) -> Option<usize> {
    let first_cap = mention.chars().next().is_some_and(|c| c.is_uppercase());
    if !first_cap {
        return None;
    }
    let key = name_tokens(mention);
    let last = key.last()?;
    if key.len() > 4 || is_determiner(&key[0]) {
        return None;
    }
    let mut hit = None;
    for (g, grp) in groups.iter().enumerate() {
        if grp.label != Label::Per {
            continue;
        }
        let gk = name_tokens(&grp.canonical);
        if gk.last() == Some(last) {
            if hit.is_some() {
                return None; // ambiguous
            }
            hit = Some(g);
        }
    }
    hit
}

impl<'a> Ctx<'a> {
    /// A definite nominal speaker ("the bow-tied maverick", "the agency"): the nearest earlier
    /// subject-position PER mention for a person noun, the nearest ORG mention for an
    /// organisation noun.
    /// The nearest earlier ORG mention in subject position (for "it").
    pub(super) fn nearest_org(&self, pos: usize) -> Option<usize> {
        for &i in self.order.iter().rev() {
            let e = &self.entities[i];
            if e.span.end > pos || e.label != Label::Org || self.in_quote(e.span) {
                continue;
            }
            if pos - e.span.end > NEAR_WINDOW {
                break;
            }
            if self.is_subject(e) {
                return Some(e.entity);
            }
        }
        None
    }

    pub(super) fn nominal_antecedent(
        &self,
        mention: &str,
        pos: usize,
        speakers: &[(usize, usize)],
        last_org: Option<(usize, usize)>,
    ) -> Option<usize> {
        let words: Vec<&str> = mention.split_whitespace().collect();
        if words.len() < 2 || words[0].to_lowercase() != "the" {
            return None;
        }
        // The head noun stands before a prepositional phrase ("the founder of Studiocomix Press").
        let pp = words
            .iter()
            .position(|w| is_preposition(w))
            .unwrap_or(words.len());
        let head_raw = words[..pp]
            .last()?
            .trim_matches(|c: char| !c.is_alphanumeric());
        if head_raw.is_empty() || head_raw.chars().next().is_some_and(|c| c.is_uppercase()) {
            return None;
        }
        let head_l = head_raw.to_lowercase();
        let head = head_l.as_str();
        let org = is_org_head(head);
        // Anonymous-source nouns ("the official", "the source") stay unnamed unless a role
        // matched them.
        let anonymous = is_anonymous_head(head);
        if anonymous {
            return None;
        }
        let not_person = is_non_person_head(head) || head.ends_with('s');
        if not_person && !org {
            return None;
        }
        let want = if org { Label::Org } else { Label::Per };
        let window = if org { ORG_WINDOW } else { NEAR_WINDOW };
        if org {
            // "the utility said": the organisation that was speaking.
            if let Some((g, p)) = last_org {
                if p < pos && pos - p < window {
                    return Some(g);
                }
            }
        }
        let mut found: Option<(usize, usize)> = None; // (group, position)
        for &i in self.order.iter().rev() {
            let e = &self.entities[i];
            if e.span.end > pos || e.label != want || self.in_quote(e.span) {
                continue;
            }
            if pos - e.span.end > window {
                break;
            }
            if org || self.is_subject(e) {
                found = Some((e.entity, e.span.start));
                break;
            }
        }
        if !org {
            // A more recent speaker wins ("…, insists Xander Wise … says the self-taught resident").
            if let Some(&(g, p)) = speakers
                .iter()
                .rev()
                .find(|&&(_, p)| p < pos && pos - p < window)
            {
                if found.is_none_or(|(_, fp)| p > fp) {
                    found = Some((g, p));
                }
            }
        }
        found.map(|x| x.0)
    }
}
