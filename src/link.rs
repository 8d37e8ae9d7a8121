//! Linking: alias merging of entity mentions, speaker resolution of quotes, and relations.
//!
//! [`merge_aliases`] groups the mentions of one person or organisation ("Osama Hamdan" …
//! "Hamdan" … "Mr. Hamdan"). [`attribute`] resolves each quote's speaker mention to a group
//! (overlapping PER entity, surname, pronoun by salience and gender, nominal by role, follow-on
//! quotes by the previous speaker), fills `speaker_entity` / `speaker_name`, and emits `said` and
//! `has_role` relations (roles from pre-modifying titles and appositions).
//!
//! Typical use, after NER and [`crate::quotes::extract`] ran on the same text:
//! `let groups = merge_aliases(text, &mut entities);`
//! `let relations = attribute(text, &entities, &groups, &mut quotes);`

use crate::doc::{Entity, EntityGroup, Label, Quote, Relation, RelationKind, Span};
use crate::lexicon::{
    first_name_gender, honorific_gender, is_anonymous_head, is_cue_word, is_determiner,
    is_document_noun, is_honorific, is_listed_role_noun, is_name_connector, is_non_person_head,
    is_not_role_noun, is_np_stop, is_org_head, is_preposition, is_subject_pronoun, is_title,
    pronoun_gender, Gender,
};
use crate::text::paragraphs::paragraphs_between;
use crate::text::{TextAnalysis, Tok, TokKind};
use std::collections::HashMap;

/// Name tokens of a mention: words without leading honorifics/titles and without a possessive.
fn name_tokens(s: &str) -> Vec<String> {
    let mut toks: Vec<String> = s
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '.' && c != '-' && c != '\'' && c != '’'
            })
        })
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    while toks.len() > 1 && (is_honorific(&toks[0]) || is_title(&toks[0])) {
        toks.remove(0);
    }
    if let Some(last) = toks.last_mut() {
        for suf in ["'s", "’s"] {
            if last.len() > suf.len() && last.ends_with(suf) {
                last.truncate(last.len() - suf.len());
            }
        }
        if last.ends_with('’') || last.ends_with('\'') {
            last.pop();
        }
    }
    toks.retain(|t| !t.is_empty());
    toks
}

/// The display form of a mention: honorifics/titles and a possessive dropped.
fn display_name(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut i = 0;
    while i + 1 < words.len() && (is_honorific(words[i]) || is_title(words[i])) {
        i += 1;
    }
    let mut out = words[i..].join(" ");
    for suf in ["'s", "’s"] {
        if out.len() > suf.len() && out.ends_with(suf) {
            out.truncate(out.len() - suf.len());
        }
    }
    out
}

struct Build {
    keys: Vec<Vec<String>>,
    canonical: String,
    canon_len: usize,
    labels: HashMap<Label, usize>,
    first_label: Label,
    full: bool,
}

/// Assign `entity` group indices so that all mentions of one person or organisation share one
/// group, and return the groups in first-mention order (deterministic).
///
/// PER: identical names merge; a single-token mention ("Hamdan", "Mr. Hamdan") joins the nearest
/// earlier full name with that last name; a full name joins an earlier lone surname. Two full
/// names that share a surname stay apart. ORG/LOC/MISC: identical names merge, and an acronym
/// ("IRCC") joins the name whose initials it spells. Canonical = the longest full-name mention.
pub fn merge_aliases(text: &str, entities: &mut [Entity]) -> Vec<EntityGroup> {
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by_key(|&i| (entities[i].span.start, entities[i].span.end));
    let mut groups: Vec<Build> = Vec::new();
    // (group, last token, position of the mention) for surname lookups.
    let mut last_seen: Vec<usize> = Vec::new();
    // Spelled-out forms of the acronyms in the text ("Immigration, Refugees and Citizenship
    // Canada" for "IRCC"): a mention inside one (the NER often splits such names at commas or
    // "and") stands for the whole name.
    let mut expansions: Vec<Span> = Vec::new();
    for e in entities.iter() {
        let raw = text.get(e.span.start..e.span.end).unwrap_or("");
        if e.label != Label::Per && is_acronym(raw) {
            if let Some(x) = acronym_expansion(text, &raw.to_lowercase()) {
                if !expansions.contains(&x) {
                    expansions.push(x);
                }
            }
        }
    }
    // Adjacent non-person mentions split by the NER ("UFCW" + "Local 832"): one name.
    let mut joined: HashMap<usize, Span> = HashMap::new(); // entity → the whole name
    let mut follows: HashMap<usize, usize> = HashMap::new(); // second entity → first
    for w in order.windows(2) {
        let (a, b) = (&entities[w[0]], &entities[w[1]]);
        if a.label != Label::Per
            && matches!(b.label, Label::Org | Label::Misc)
            && text.get(a.span.end..b.span.start) == Some(" ")
            && text
                .get(b.span.start..b.span.end)
                .and_then(|t| t.chars().next())
                .is_some_and(|c| c.is_uppercase())
            && !follows.contains_key(&w[0])
            && !is_possessive_end(text.get(a.span.start..a.span.end).unwrap_or(""))
        {
            let whole = Span::new(a.span.start, b.span.end);
            joined.insert(w[0], whole);
            joined.insert(w[1], whole);
            follows.insert(w[1], w[0]);
        }
    }
    for &i in &order {
        let sp = joined.get(&i).copied().unwrap_or(entities[i].span);
        let label = entities[i].label;
        let sp = match expansions
            .iter()
            .find(|x| label != Label::Per && x.start <= sp.start && sp.end <= x.end)
        {
            Some(x) => *x,
            None => sp,
        };
        let raw = text.get(sp.start..sp.end).unwrap_or("");
        // A mention the NER ran across a line break ("Linda Lamoureux\n\nSinclair …") is
        // its first line.
        let raw = raw.split('\n').next().unwrap_or("").trim_end();
        let key = name_tokens(raw);
        let display = display_name(raw);
        let mut target: Option<usize> = follows.get(&i).map(|&a| entities[a].entity);
        if !key.is_empty() && target.is_none() {
            // Identical key, same label family.
            for (g, b) in groups.iter().enumerate() {
                if b.first_label == label && b.keys.contains(&key) {
                    target = Some(g);
                    break;
                }
            }
            if target.is_none() && label == Label::Per {
                let last = key.last().unwrap();
                if key.len() == 1 {
                    // Surname (or single name): nearest earlier full name ending in it.
                    let mut best: Option<(usize, usize)> = None;
                    for (g, b) in groups.iter().enumerate() {
                        if b.first_label == Label::Per
                            && b.keys.iter().any(|k| k.len() > 1 && k.last() == Some(last))
                        {
                            let pos = last_seen[g];
                            if best.is_none_or(|(_, p)| pos > p) {
                                best = Some((g, pos));
                            }
                        }
                    }
                    target = best.map(|x| x.0);
                } else {
                    // A full name after its lone surname.
                    for (g, b) in groups.iter().enumerate() {
                        if b.first_label == Label::Per
                            && !b.full
                            && b.keys.iter().all(|k| k.len() == 1 && k[0] == *last)
                        {
                            target = Some(g);
                            break;
                        }
                    }
                    // A short form of the first name ("Xander Wise" after "Alexander Wise",
                    // "Alex Smith" after "Alexander Smith").
                    if target.is_none() {
                        for (g, b) in groups.iter().enumerate() {
                            if b.first_label == Label::Per
                                && b.keys.iter().any(|k| short_first_name(k, &key))
                            {
                                target = Some(g);
                                break;
                            }
                        }
                    }
                }
            }
            if target.is_none() && label != Label::Per && key.len() == 1 {
                let acr = &key[0];
                if acr.len() >= 2
                    && raw
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(|c| c.is_uppercase())
                {
                    for (g, b) in groups.iter().enumerate() {
                        if b.first_label == Label::Per {
                            continue;
                        }
                        if b.keys.iter().any(|k| initials(k) == *acr) {
                            target = Some(g);
                            break;
                        }
                    }
                }
            }
        }
        let g = match target {
            Some(g) => g,
            None => {
                groups.push(Build {
                    keys: Vec::new(),
                    canonical: display.clone(),
                    canon_len: 0,
                    labels: HashMap::new(),
                    first_label: label,
                    full: false,
                });
                last_seen.push(sp.start);
                groups.len() - 1
            }
        };
        let b = &mut groups[g];
        if !b.keys.contains(&key) {
            b.keys.push(key.clone());
        }
        *b.labels.entry(label).or_insert(0) += 1;
        let full = key.len() > 1;
        let len = display.chars().count();
        let better = (full && !b.full) || (full == b.full && len > b.canon_len);
        // An acronym never replaces a spelled-out name.
        if better || b.canon_len == 0 {
            b.canonical = display;
            b.canon_len = len;
            b.full = b.full || full;
        }
        last_seen[g] = sp.start;
        entities[i].entity = g;
    }
    for b in groups.iter_mut() {
        if !b.full && b.first_label != Label::Per && is_acronym(&b.canonical) {
            let acr = b.canonical.to_lowercase();
            if let Some(x) = expansions
                .iter()
                .find(|x| initials(&name_tokens(text.get(x.start..x.end).unwrap_or(""))) == acr)
            {
                b.canonical = text.get(x.start..x.end).unwrap_or("").to_string();
                b.full = true;
            }
        }
    }
    groups
        .into_iter()
        .map(|b| {
            let mut label = b.first_label;
            let mut best = 0;
            for l in Label::ALL {
                let n = b.labels.get(&l).copied().unwrap_or(0);
                if n > best {
                    best = n;
                    label = l;
                }
            }
            EntityGroup {
                canonical: b.canonical,
                label,
            }
        })
        .collect()
}

/// Two full names that differ only in the first name, one a short form of the other: a prefix
/// of at least three letters ("Alex"/"Alexander") or a suffix of at least four ("Xander").
fn short_first_name(a: &[String], b: &[String]) -> bool {
    if a.len() < 2 || a.len() != b.len() || a[1..] != b[1..] || a[0] == b[0] {
        return false;
    }
    let (short, long) = if a[0].len() < b[0].len() {
        (&a[0], &b[0])
    } else {
        (&b[0], &a[0])
    };
    if !short.chars().all(|c| c.is_alphabetic()) {
        return false;
    }
    (short.len() >= 3 && long.starts_with(short.as_str()))
        || (short.len() >= 4 && long.ends_with(short.as_str()))
}

fn is_possessive_end(raw: &str) -> bool {
    raw.ends_with("'s") || raw.ends_with("’s") || raw.ends_with('\'') || raw.ends_with('’')
}

/// An all-capitals name of two to six letters ("IRCC", "CBC").
fn is_acronym(raw: &str) -> bool {
    let letters: Vec<char> = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_ascii_uppercase())
}

/// The first place where capitalised words spell `acr` (lower case) by their initials, with
/// "of"/"and"/"the"/"for"/"&"/"de" and commas between them allowed: "Immigration, Refugees and
/// Citizenship Canada" for "ircc". One letter per word; the span ends at the last word.
fn acronym_expansion(text: &str, acr: &str) -> Option<Span> {
    let acr: Vec<char> = acr.chars().collect();
    if acr.len() < 2 {
        return None;
    }
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (b, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, b));
            }
        } else if start.is_none() {
            start = Some(b);
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    'outer: for i in 0..words.len() {
        let mut j = 0; // letters matched
        for &(s, e) in &words[i..] {
            let w = &text[s..e];
            let core = w.trim_end_matches([',', '.', ';', ':', ')']);
            if j > 0 && is_name_connector(core) && core.len() == w.len() {
                continue;
            }
            let mut cs = core.chars();
            let first = cs.next();
            let ok = first.is_some_and(|c| c.is_uppercase())
                && first.and_then(|c| c.to_lowercase().next()) == Some(acr[j])
                && cs.clone().any(|c| c.is_lowercase())
                && core.chars().all(|c| c.is_alphabetic() || c == '-');
            if !ok {
                continue 'outer;
            }
            j += 1;
            if j == acr.len() {
                return Some(Span::new(words[i].0, s + core.len()));
            }
            // Only a comma may follow a word inside the name.
            if core.len() != w.len() && !w[core.len()..].starts_with(',') {
                continue 'outer;
            }
        }
    }
    None
}

fn initials(key: &[String]) -> String {
    key.iter()
        .filter(|w| !is_name_connector(w))
        .filter_map(|w| w.chars().next())
        .collect()
}

// ------------------------------------------------------------------------------------------------

struct Ctx<'a> {
    text: &'a str,
    toks: &'a [Tok],
    entities: &'a [Entity],
    /// Entity indices sorted by position.
    order: Vec<usize>,
    /// Byte spans of direct quotes (mentions inside are weak antecedents).
    quoted: Vec<Span>,
    gender: HashMap<usize, (u32, u32)>,
    /// Byte offsets of the paragraph-ending '\n'.
    newlines: &'a [usize],
}

impl<'a> Ctx<'a> {
    fn tok_at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.start < byte)
    }

    fn in_quote(&self, s: Span) -> bool {
        // `quoted` is sorted by start and non-overlapping.
        let i = self.quoted.partition_point(|q| q.start <= s.start);
        i > 0 && s.end <= self.quoted[i - 1].end
    }

    /// A possessive mention ("Hemming’s request").
    fn is_possessor(&self, e: &Entity) -> bool {
        let raw = self.text.get(e.span.start..e.span.end).unwrap_or("");
        let after = self.text.get(e.span.end..).unwrap_or("");
        raw.ends_with("’s")
            || raw.ends_with("'s")
            || after.starts_with("’s")
            || after.starts_with("'s")
            || after.starts_with("’ ")
    }

    /// Does the mention stand in subject position: first in its sentence or clause, or right
    /// before a verb of saying?
    fn is_subject(&self, e: &Entity) -> bool {
        let ti = self.tok_at(e.span.start);
        let te = self.tok_at(e.span.end);
        if self.is_possessor(e) {
            return false; // "Hemming’s request"
        }
        if self.in_side_line(e.span.start) {
            return false;
        }
        if let Some(t) = self.toks.get(te) {
            if t.kind == TokKind::Word && is_cue_word(&t.lower) {
                return true;
            }
        }
        // A person introduced with a relative clause ("about Alfonso Espinos, who …") is the
        // subject of that clause.
        if let (Some(a), Some(b)) = (self.toks.get(te), self.toks.get(te + 1)) {
            if a.kind == TokKind::Punct
                && a.ch == ','
                && b.kind == TokKind::Word
                && b.lower == "who"
            {
                return true;
            }
        }
        // Only pre-modifiers (names, titles, role nouns) between the clause start and the mention.
        let mut k = ti;
        let mut n = 0;
        while k > 0 {
            let t = &self.toks[k - 1];
            match t.kind {
                TokKind::Break => return true,
                TokKind::Punct if matches!(t.ch, '.' | ',' | ';' | ':' | '!' | '?' | '—' | '–') => {
                    return true
                }
                TokKind::Word => {
                    let w = t.lower.as_str();
                    let verbish = !t.is_cap(self.text)
                        && (w.ends_with("ed") || w.ends_with("ing") || is_cue_word(w));
                    if n >= 5
                        || is_np_stop(w)
                        || is_determiner(w)
                        || is_subject_pronoun(w)
                        || verbish
                        || w.ends_with("’s")
                        || w.ends_with("'s")
                    {
                        return false;
                    }
                }
                _ => return false,
            }
            n += 1;
            k -= 1;
        }
        true
    }

    /// Is `pos` in a headline, a "READ MORE:"/"WATCH:" line, or an embedded post's sign-off
    /// ("— Name (@handle)")? Mentions there are poor antecedents.
    fn in_side_line(&self, pos: usize) -> bool {
        let pos = pos.min(self.text.len());
        let li = self.newlines.partition_point(|&x| x < pos);
        let ls = if li == 0 {
            0
        } else {
            self.newlines[li - 1] + 1
        };
        let le = self.newlines.get(li).copied().unwrap_or(self.text.len());
        let (Some(line), Some(rest)) = (self.text.get(ls..le), self.text.get(pos..le)) else {
            return false;
        };
        let line = line.trim();
        if rest.contains("(@") {
            return true;
        }
        if line.split_whitespace().take(41).count() > 40 {
            return false;
        }
        if !line.ends_with(['.', '!', '?', '"', '”', '’', '\'', ')', '»', '…']) {
            return true;
        }
        match line.find(':') {
            Some(c) => {
                let label = &line[..c];
                !label.is_empty()
                    && label.len() < 25
                    && label.chars().any(|ch| ch.is_alphabetic())
                    && label.chars().all(|ch| !ch.is_lowercase())
            }
            None => false,
        }
    }

    /// A definite nominal speaker ("the bow-tied maverick", "the agency"): the nearest earlier
    /// subject-position PER mention for a person noun, the nearest ORG mention for an
    /// organisation noun.
    /// The nearest earlier ORG mention in subject position (for "it").
    fn nearest_org(&self, pos: usize) -> Option<usize> {
        for &i in self.order.iter().rev() {
            let e = &self.entities[i];
            if e.span.end > pos || e.label != Label::Org || self.in_quote(e.span) {
                continue;
            }
            if pos - e.span.end > 1500 {
                break;
            }
            if self.is_subject(e) {
                return Some(e.entity);
            }
        }
        None
    }

    fn nominal_antecedent(
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
        let window = if org { 2500 } else { 1500 };
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

    fn gender_of(&self, g: usize) -> Option<Gender> {
        let (m, f) = self.gender.get(&g).copied().unwrap_or((0, 0));
        if m > f {
            Some(Gender::Male)
        } else if f > m {
            Some(Gender::Female)
        } else {
            None
        }
    }

    /// Gender hints: courtesy titles, and the first personal pronoun after a mention in its
    /// sentence.
    fn collect_gender(&mut self) {
        let mut votes: HashMap<usize, (u32, u32)> = HashMap::new();
        for &i in &self.order {
            let e = &self.entities[i];
            if e.label != Label::Per {
                continue;
            }
            let ti = self.tok_at(e.span.start);
            let mut add = |g: Gender, w: u32| {
                let v = votes.entry(e.entity).or_insert((0, 0));
                match g {
                    Gender::Male => v.0 += w,
                    Gender::Female => v.1 += w,
                }
            };
            if ti > 0 {
                let p = &self.toks[ti - 1];
                if p.kind == TokKind::Word {
                    if let Some(g) = honorific_gender(p.lower.trim_end_matches('.')) {
                        add(g, 5);
                    }
                }
            }
            let inner = self.text.get(e.span.start..e.span.end).unwrap_or("");
            let words: Vec<&str> = inner.split_whitespace().collect();
            if let Some(first) = words.first() {
                let f = first.trim_end_matches('.').to_lowercase();
                if let Some(g) = honorific_gender(&f) {
                    add(g, 5);
                } else if words.len() > 1 {
                    if let Some(g) = first_name_gender(&f) {
                        add(g, 2);
                    }
                }
            }
            let te = self.tok_at(e.span.end);
            for t in self.toks.iter().skip(te).take(14) {
                if t.kind == TokKind::Break
                    || (t.kind == TokKind::Punct && matches!(t.ch, '.' | '?' | '!'))
                {
                    break;
                }
                if t.kind == TokKind::Word {
                    if let Some(g) = pronoun_gender(&t.lower) {
                        add(g, 1);
                        break;
                    }
                }
            }
        }
        self.gender = votes;
    }

    /// Antecedent of a he/she pronoun at `pos`: the nearest PER mention in subject position (or a
    /// previous speaker), gender permitting.
    fn resolve_pronoun(
        &self,
        pos: usize,
        gender: Option<Gender>,
        speakers: &[(usize, usize)],
    ) -> Option<(usize, f32)> {
        let window = 2500;
        let mut nearest: Option<usize> = None;
        for &i in self.order.iter().rev() {
            let e = &self.entities[i];
            if e.span.end > pos || e.label != Label::Per {
                continue;
            }
            if pos - e.span.end > window {
                break;
            }
            if let (Some(g), Some(eg)) = (gender, self.gender_of(e.entity)) {
                if g != eg {
                    continue;
                }
            }
            if self.in_quote(e.span) {
                continue;
            }
            if self.is_possessor(e) || self.in_side_line(e.span.start) {
                continue;
            }
            let was_speaker = speakers.iter().any(|&(g, p)| g == e.entity && p <= pos);
            if self.is_subject(e) || was_speaker {
                return Some((e.entity, 0.75));
            }
            if nearest.is_none() {
                nearest = Some(e.entity);
            }
        }
        if let Some(&(g, _)) = speakers.iter().rev().find(|&&(g, p)| {
            p <= pos && pos - p <= window && {
                let eg = self.gender_of(g);
                gender.is_none() || eg.is_none() || eg == gender
            }
        }) {
            return Some((g, 0.6));
        }
        nearest.map(|g| (g, 0.5))
    }
}

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

fn round4(x: f32) -> f32 {
    (x * 10000.0).round() / 10000.0
}

/// The head word of a speaker mention: its last word, or for a determined nominal with a
/// prepositional phrase ("a spokeswoman for Trudeau") the word before the preposition.
fn mention_head(text: &str, m: Span) -> Span {
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

/// A speaker that is a document ("the Civic Action study", "the most recent numbers from
/// Statistics Canada"): the organisation or person named inside the mention; a later "the study"
/// goes to the same author.
fn document_source(
    text: &str,
    m: Span,
    head: Span,
    entities: &[Entity],
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
        let rest = text.get(m.end..).unwrap_or("");
        let mut lim = rest.len().min(120);
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
        if m.start - p > 2500 {
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
fn surname_match(mention: &str, groups: &[EntityGroup]) -> Option<usize> {
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

/// A nominal speaker ("the mayor", "the Hamas official"): the person whose role ends in the same
/// head noun; the most recent speaker among several.
fn role_match(
    lower: &str,
    roles: &[Role],
    speakers: &[(usize, usize)],
    pos: usize,
) -> Option<usize> {
    let mut words = lower.split_whitespace();
    let first = words.next()?;
    if first != "the" {
        return None;
    }
    let head = lower.split_whitespace().last()?;
    if head.len() < 3 {
        return None;
    }
    let mut cands: Vec<usize> = roles
        .iter()
        .filter(|r| r.span.start < pos && role_head(&r.role) == head)
        .map(|r| r.group)
        .collect();
    cands.dedup();
    if cands.is_empty() {
        return None;
    }
    for &(g, _) in speakers.iter().rev() {
        if cands.contains(&g) {
            return Some(g);
        }
    }
    cands.last().copied()
}

/// The head noun of a role: its last word before any "of"/"for"/"at"/"in" phrase.
fn role_head(role: &str) -> String {
    let lower = role.to_lowercase();
    let mut last = "";
    for w in lower.split_whitespace() {
        if is_preposition(w) {
            break;
        }
        last = w;
    }
    last.trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// A role found for a person: pre-modifier ("Axios journalist Barak Ravid") or apposition
/// ("Adam Boehler, the U.S. presidential envoy for hostage affairs").
#[derive(Debug, Clone)]
struct Role {
    group: usize,
    role: String,
    span: Span,
    score: f32,
}

/// Could this word head a role ("journalist", "envoy", "Minister", "chairwoman")? Titles, a
/// list of common role nouns, and agent-noun endings; never a plural, verb form or function word.
fn is_role_noun(t: &Tok, text: &str) -> bool {
    if t.kind != TokKind::Word {
        return false;
    }
    let w = t.lower.as_str();
    if is_title(t.text(text)) {
        return true;
    }
    if t.is_cap(text)
        || w.len() < 3
        || is_np_stop(w)
        || is_determiner(w)
        || is_subject_pronoun(w)
        || is_cue_word(w)
        || !w.chars().all(|c| c.is_alphabetic() || c == '-')
        || is_not_role_noun(w)
    {
        return false;
    }
    let listed = is_listed_role_noun(w);
    let agent = w.len() > 5
        && [
            "er", "or", "ist", "ian", "ant", "ent", "man", "woman", "person", "ee", "eer",
        ]
        .iter()
        .any(|suf| w.ends_with(suf));
    listed || (agent && !w.ends_with("ed"))
}

fn find_roles(ctx: &Ctx, groups: &[EntityGroup]) -> Vec<Role> {
    let text = ctx.text;
    let toks = &ctx.toks;
    let mut out = Vec::new();
    for &i in &ctx.order {
        let e = &ctx.entities[i];
        if e.label != Label::Per || e.entity >= groups.len() {
            continue;
        }
        let ti = ctx.tok_at(e.span.start);
        let te = ctx.tok_at(e.span.end);
        // Pre-modifier.
        let mut k = ti;
        let mut n = 0;
        while k > 0 && n < 8 {
            let t = &toks[k - 1];
            if t.kind != TokKind::Word {
                break;
            }
            let w = t.lower.as_str();
            if is_honorific(w) && k == ti {
                break;
            }
            let of_the = w == "the" && k >= 2 && toks[k - 2].lower == "of";
            if (is_determiner(w) && !of_the)
                || is_subject_pronoun(w)
                || is_cue_word(w)
                || (is_np_stop(w) && !matches!(w, "of" | "for"))
                || matches!(w, "and" | "or" | "nor")
                || (!t.is_cap(text)
                    && !w.contains('-')
                    && (w.ends_with("ly") || w.ends_with("ing") || w.ends_with("ed")))
            {
                break;
            }
            k -= 1;
            n += 1;
        }
        while k < ti && matches!(toks[k].lower.as_str(), "of" | "for" | "the") {
            k += 1;
        }
        if k < ti && is_role_noun(&toks[ti - 1], text) {
            let role = &text[toks[k].start..toks[ti - 1].end];
            if !role.is_empty() && !is_honorific(role) {
                out.push(Role {
                    group: e.entity,
                    role: role.to_string(),
                    span: Span::new(toks[k].start, e.span.end),
                    score: 0.7,
                });
            }
        }
        // Apposition.
        if te < toks.len() && toks[te].kind == TokKind::Punct && toks[te].ch == ',' {
            let a = te + 1;
            let mut b = a;
            while b < toks.len() && b - a < 16 {
                let t = &toks[b];
                if t.kind == TokKind::Break
                    || (t.kind != TokKind::Word
                        && matches!(
                            t.ch,
                            ',' | '.' | ';' | ')' | '(' | ':' | '“' | '"' | '”' | '—' | '–'
                        ))
                {
                    break;
                }
                b += 1;
            }
            if b > a && b - a < 16 {
                let first = &toks[a];
                let fw = first.lower.as_str();
                let opens = first.kind == TokKind::Word
                    && (matches!(fw, "a" | "an" | "the")
                        || is_title(first.text(text))
                        || (!first.is_cap(text)
                            && !fw.chars().next().is_some_and(|c| c.is_ascii_digit())));
                let bad = toks[a..b].iter().any(|t| {
                    t.kind == TokKind::Word
                        && (matches!(
                            t.lower.as_str(),
                            "who" | "which" | "whose" | "and" | "said" | "says" | "but" | "that"
                        ) || is_subject_pronoun(&t.lower)
                            || is_cue_word(&t.lower))
                }) || toks[a..b].iter().any(|t| t.kind == TokKind::Mark);
                // The head (last word before any "of/for/at …" phrase) must be a role noun.
                let head_end = (a..b)
                    .find(|&k| k > a && is_preposition(toks[k].lower.as_str()))
                    .unwrap_or(b);
                let has_role_noun = is_role_noun(&toks[head_end - 1], text);
                let after_ok = b >= toks.len()
                    || toks[b].kind == TokKind::Break
                    || matches!(toks[b].ch, ',' | '.' | ';' | ')' | '—' | '–');
                if opens && !bad && has_role_noun && after_ok {
                    let mut s = a;
                    if matches!(fw, "a" | "an" | "the") {
                        s += 1;
                    }
                    if s < b {
                        out.push(Role {
                            group: e.entity,
                            role: text[toks[s].start..toks[b - 1].end].to_string(),
                            span: Span::new(e.span.start, toks[b - 1].end),
                            score: 0.8,
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
}
