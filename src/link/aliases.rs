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

impl Build {
    /// An empty group; its first [`Build::add`] sets the canonical name.
    fn new(label: Label) -> Build {
        Build {
            keys: Vec::new(),
            canonical: String::new(),
            canon_len: 0,
            labels: HashMap::new(),
            first_label: label,
            full: false,
        }
    }

    /// Take in one more mention: its name key, display form and label. A full name (two or more
    /// words) becomes canonical over a single name, a longer over a shorter; an acronym never
    /// replaces a spelled-out name.
    fn add(&mut self, key: &[String], display: String, label: Label) {
        if !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_vec());
        }
        *self.labels.entry(label).or_insert(0) += 1;
        let full = key.len() > 1;
        let len = display.chars().count();
        let better = (full && !self.full) || (full == self.full && len > self.canon_len);
        if better || self.canon_len == 0 {
            self.canonical = display;
            self.canon_len = len;
            self.full = self.full || full;
        }
    }

    /// Whether a full name (two or more words) of the group ends in `word`.
    fn has_full_name_ending_in(&self, word: &str) -> bool {
        self.keys
            .iter()
            .any(|k| k.len() > 1 && k.last().is_some_and(|w| w == word))
    }

    /// Whether the group is known only by the one name `word` (a lone surname, a short form).
    fn is_only(&self, word: &str) -> bool {
        !self.full && self.keys.iter().all(|k| k.len() == 1 && k[0] == word)
    }

    /// The entity: its canonical name and majority label (ties: the first label seen).
    fn finish(self) -> Entity {
        let mut label = self.first_label;
        let mut best = 0;
        for l in Label::ALL {
            let n = self.labels.get(&l).copied().unwrap_or(0);
            if n > best {
                best = n;
                label = l;
            }
        }
        Entity {
            canonical: self.canonical,
            label,
        }
    }
}

/// Group the mentions so that all mentions of one person or organisation share one entity, and
/// return the entities in first-mention order (deterministic) with the entity of each mention.
///
/// PER: identical names merge; a single-token mention ("Hamdan", "Mr. Hamdan") joins the nearest
/// earlier full name with that last name; a full name joins an earlier lone surname. Two full
/// names that share a surname stay apart. ORG/LOC/MISC: identical names merge, and an acronym
/// ("IRCC") joins the name whose initials it spells. Canonical = the longest full-name mention.
pub fn merge_aliases(text: &str, mentions: &[Mention]) -> Entities {
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| (mentions[i].span.start, mentions[i].span.end));
    let expansions = acronym_expansions(text, mentions);
    let (joined, follows) = joined_neighbours(text, mentions, &order);
    let mut groups: Vec<Build> = Vec::new();
    // Position of the latest mention of each group, for surname lookups.
    let mut last_seen: Vec<usize> = Vec::new();
    let mut of_mention = vec![EntityId(0); mentions.len()];
    for &i in &order {
        let sp = joined.get(&i).copied().unwrap_or(mentions[i].span);
        let label = mentions[i].label;
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
        let mut target: Option<usize> = follows.get(&i).map(|&a| of_mention[a].0);
        if !key.is_empty() && target.is_none() {
            target = alias_target(raw, &key, label, &groups, &last_seen);
        }
        let g = target.unwrap_or_else(|| {
            groups.push(Build::new(label));
            last_seen.push(sp.start);
            groups.len() - 1
        });
        groups[g].add(&key, display_name(raw), label);
        last_seen[g] = sp.start;
        of_mention[i] = EntityId(g);
    }
    for b in groups.iter_mut() {
        spell_out_acronym(text, &expansions, b);
    }
    Entities {
        list: groups.into_iter().map(Build::finish).collect(),
        of_mention,
    }
}

/// Spelled-out forms of the acronyms in the text ("Immigration, Refugees and Citizenship
/// Canada" for "IRCC"): a mention inside one (the NER often splits such names at commas or
/// "and") stands for the whole name.
fn acronym_expansions(text: &str, mentions: &[Mention]) -> Vec<Span> {
    let mut expansions: Vec<Span> = Vec::new();
    // A person's name that happens to spell the acronym ("Nora Dee Park" for "NDP") is none.
    let person = |x: &Span| {
        mentions
            .iter()
            .any(|m| m.label == Label::Per && m.span.overlaps(x))
    };
    for e in mentions {
        let raw = text.get(e.span.start..e.span.end).unwrap_or("");
        if e.label != Label::Per && is_acronym(raw) {
            if let Some(x) = acronym_expansion(text, &raw.to_lowercase()) {
                if !expansions.contains(&x) && !person(&x) {
                    expansions.push(x);
                }
            }
        }
    }
    expansions
}

/// Adjacent non-person mentions split by the NER ("UFCW" + "Local 832"): one name. Returns the
/// whole name of each joined mention and, for the second of a pair, the first.
fn joined_neighbours(
    text: &str,
    mentions: &[Mention],
    order: &[usize],
) -> (HashMap<usize, Span>, HashMap<usize, usize>) {
    let mut joined: HashMap<usize, Span> = HashMap::new(); // mention → the whole name
    let mut follows: HashMap<usize, usize> = HashMap::new(); // second mention → first
    for w in order.windows(2) {
        let (a, b) = (&mentions[w[0]], &mentions[w[1]]);
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
    (joined, follows)
}

/// The earlier group a mention (its raw text, name key and label) names, by the alias rules in
/// order: identical key; for a person, surname → nearest full name, full name → earlier lone
/// surname, short first name; for others, acronym → spelled-out name.
fn alias_target(
    raw: &str,
    key: &[String],
    label: Label,
    groups: &[Build],
    last_seen: &[usize],
) -> Option<usize> {
    let same_key = groups
        .iter()
        .position(|b| b.first_label == label && b.keys.iter().any(|k| k == key));
    if same_key.is_some() {
        return same_key;
    }
    let people = || {
        groups
            .iter()
            .enumerate()
            .filter(|(_, b)| b.first_label == Label::Per)
    };
    match label {
        Label::Per if key.len() == 1 => {
            // Surname (or single name): nearest earlier full name ending in it.
            latest(groups, last_seen, |b| {
                b.first_label == Label::Per && b.has_full_name_ending_in(&key[0])
            })
        }
        Label::Per => {
            let last = key.last()?;
            // A full name after its lone surname.
            people()
                .find(|(_, b)| b.is_only(last))
                // A short form of the first name ("Xander Wise" after "Alexander Wise",
                // "Alex Smith" after "Alexander Smith").
                .or_else(|| people().find(|(_, b)| b.keys.iter().any(|k| short_first_name(k, key))))
                .map(|(g, _)| g)
        }
        _ if key.len() == 1 => {
            let word = &key[0];
            let all_caps = raw
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase());
            let acronym_of = (word.len() >= 2 && all_caps)
                .then(|| {
                    groups.iter().position(|b| {
                        b.first_label != Label::Per && b.keys.iter().any(|k| initials(k) == *word)
                    })
                })
                .flatten();
            if acronym_of.is_some() || all_caps || label == Label::Loc {
                return acronym_of;
            }
            // A lone name the NER typed ORG or MISC that ends an earlier full name: the surname
            // of a person named before ("Cindy Secord" ... "Secord"), else, for an ORG, the short
            // form of a longer ORG name ("Cisco Talos" ... "Talos"). Not MISC: a lone "American"
            // is no short form of "Polish American". The latest such group.
            latest(groups, last_seen, |b| {
                b.first_label == Label::Per && b.has_full_name_ending_in(word)
            })
            .or_else(|| {
                latest(groups, last_seen, |b| {
                    label == Label::Org && b.first_label == label && b.has_full_name_ending_in(word)
                })
            })
        }
        _ => {
            // A longer ORG name after its lone last word ("Talos" ... "Cisco Talos"): the same
            // organisation, now named in full.
            let last = key.last()?;
            if label != Label::Org {
                return None;
            }
            groups
                .iter()
                .position(|b| b.first_label == label && b.is_only(last))
        }
    }
}

/// The group `pick` accepts that was seen latest (on a tie the first group).
fn latest(groups: &[Build], last_seen: &[usize], pick: impl Fn(&Build) -> bool) -> Option<usize> {
    groups
        .iter()
        .enumerate()
        .filter(|(_, b)| pick(b))
        .map(|(g, _)| g)
        .fold(None, |best: Option<usize>, g| match best {
            Some(b) if last_seen[b] >= last_seen[g] => Some(b),
            _ => Some(g),
        })
}

/// A non-person group known only by an acronym takes the spelled-out name found in the text.
fn spell_out_acronym(text: &str, expansions: &[Span], b: &mut Build) {
    if b.full || b.first_label == Label::Per || !is_acronym(&b.canonical) {
        return;
    }
    let acr = b.canonical.to_lowercase();
    if let Some(x) = expansions
        .iter()
        .find(|x| initials(&name_tokens(text.get(x.start..x.end).unwrap_or(""))) == acr)
    {
        b.canonical = text.get(x.start..x.end).unwrap_or("").to_string();
        b.full = true;
    }
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
