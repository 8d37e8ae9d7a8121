//! Alias merging: which entity mentions name one person or organisation (exact, surname, full name after surname, short first name, acronym, adjacent ORG mentions), and the canonical name of each entity.

use super::*;

/// Name tokens of a mention: words without leading honorifics/titles and without a possessive.
pub(super) fn name_tokens(s: &str) -> Vec<String> {
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
pub(super) fn display_name(s: &str) -> String {
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

pub(super) struct Build {
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
pub(super) fn short_first_name(a: &[String], b: &[String]) -> bool {
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

pub(super) fn is_possessive_end(raw: &str) -> bool {
    raw.ends_with("'s") || raw.ends_with("’s") || raw.ends_with('\'') || raw.ends_with('’')
}

/// An all-capitals name of two to six letters ("IRCC", "CBC").
pub(super) fn is_acronym(raw: &str) -> bool {
    let letters: Vec<char> = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_ascii_uppercase())
}

/// The first place where capitalised words spell `acr` (lower case) by their initials, with
/// "of"/"and"/"the"/"for"/"&"/"de" and commas between them allowed: "Immigration, Refugees and
/// Citizenship Canada" for "ircc". One letter per word; the span ends at the last word.
pub(super) fn acronym_expansion(text: &str, acr: &str) -> Option<Span> {
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

pub(super) fn initials(key: &[String]) -> String {
    key.iter()
        .filter(|w| !is_name_connector(w))
        .filter_map(|w| w.chars().next())
        .collect()
}
