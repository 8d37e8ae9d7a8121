//! DEV-ONLY measuring harness for the quote stage, usable before the real NER is wired in.
//!
//! usage: cargo run --example quotes_dev -- INPUT_DIR OUT_DIR [ENTITIES_CSV]
//!
//! Reads every `.txt` in INPUT_DIR, runs `quotes::extract`, a CRUDE STAND-IN FOR NER (capitalised
//! word sequences, a few keyword rules; NOT the product's NER and not meant to be good), then
//! `link::merge_aliases` and `link::attribute`, and writes `quotes.csv`, `entities.csv` and
//! `relations.csv` in the
//! contract columns with code-point offsets. With ENTITIES_CSV (an `entities.csv` of a real NER
//! run: doc_id,start,end,label in code points) those mentions replace the stand-in. Score with
//! `python3 ../shared/tools/score.py GOLD_DIR OUT_DIR`.

use newsx::doc::{Entity, Label, Span};
use newsx::{link, quotes};
use std::collections::HashMap;
use std::path::Path;

const STOP: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "In",
    "On",
    "At",
    "But",
    "And",
    "Or",
    "If",
    "When",
    "While",
    "As",
    "After",
    "Before",
    "For",
    "With",
    "From",
    "By",
    "To",
    "Of",
    "So",
    "Yet",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "Some",
    "Many",
    "Most",
    "There",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Which",
    "Where",
    "According",
    "Although",
    "Though",
    "Despite",
    "Meanwhile",
    "Also",
    "Now",
    "Then",
    "Still",
    "However",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Sen.",
    "Gov.",
    "Rep.",
    "Prime",
    "Minister",
    "President",
    "Mayor",
    "Justice",
    "Leader",
    "CEO",
    "Chief",
    "Director",
    "READ",
    "MORE",
    "WATCH",
    "Story",
    "Article",
    "Continued",
    "Below",
    "Email",
    "Photo",
    "One",
    "Two",
    "Several",
    "Both",
    "Each",
    "Every",
    "No",
    "Not",
    "Do",
    "Did",
    "Does",
    "Is",
    "Are",
    "Was",
    "Were",
    "Has",
    "Have",
    "Had",
    "Will",
    "Would",
    "Can",
    "Could",
    "Should",
    "Officials",
    "Police",
    "Sources",
    "Conservative",
    "Liberal",
    "Canadian",
    "Canadians",
    "Israeli",
    "American",
    "U.S.",
];
const ORG_WORDS: &[&str] = &[
    "Council",
    "Committee",
    "Department",
    "Association",
    "Inc",
    "Ltd",
    "Corp",
    "University",
    "Commission",
    "Police",
    "Press",
    "News",
    "Service",
    "Board",
    "Party",
    "Union",
    "Agency",
    "Ministry",
    "Government",
    "Court",
    "Bank",
    "Canada",
    "Group",
    "Network",
    "Company",
    "Institute",
    "Centre",
    "Center",
    "Office",
    "Foundation",
    "Nations",
];
const LOC_WORDS: &[&str] = &[
    "Street", "Highway", "Bay", "Lake", "River", "City", "County", "Island", "Mountain", "North",
    "South", "East", "West", "Park", "Road", "Avenue",
];

/// DEV-ONLY crude NER: capitalised word runs; PER unless an ORG/LOC keyword or all capitals;
/// single words are kept only as surnames of earlier two-word PER runs.
fn crude_ner(text: &str) -> Vec<Entity> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let part = c.is_alphanumeric() || c == '.' || c == '-' || c == '\'' || c == '’';
        match (start, part) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let clean = |s: usize, e: usize| -> (usize, usize) {
        let w = &text[s..e];
        let mut e2 = e;
        for suf in ["’s", "'s", ".", "’", "'"] {
            if w.len() > suf.len()
                && text[s..e2].ends_with(suf)
                && !(suf == "." && STOP.contains(&w))
            {
                e2 -= suf.len();
            }
        }
        (s, e2)
    };
    let is_cap = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
    let mut ents = Vec::new();
    let mut surnames: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (s, e) = words[i];
        let w = &text[s..e];
        if !is_cap(w) || STOP.contains(&w) || STOP.contains(&w.trim_end_matches(['’', '\'', 's']))
        {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < words.len() {
            let (ps, pe) = words[j - 1];
            let (ns, ne) = words[j];
            let gap = &text[pe..ns];
            let prev = &text[ps..pe];
            if gap != " "
                || !is_cap(&text[ns..ne])
                || prev.ends_with('s') && (prev.ends_with("’s") || prev.ends_with("'s"))
            {
                break;
            }
            if STOP.contains(&&text[ns..ne]) {
                break;
            }
            j += 1;
        }
        let (a, _) = clean(words[i].0, words[i].1);
        let (_, b) = clean(words[j - 1].0, words[j - 1].1);
        let span_text = &text[a..b];
        let toks: Vec<&str> = span_text.split(' ').collect();
        let upper = span_text
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase());
        let label = if toks.iter().any(|t| ORG_WORDS.contains(t)) || (upper && span_text.len() > 1)
        {
            Label::Org
        } else if toks.iter().any(|t| LOC_WORDS.contains(t)) {
            Label::Loc
        } else {
            Label::Per
        };
        let keep = if toks.len() >= 2 {
            if label == Label::Per && toks.len() <= 3 {
                surnames.push(toks.last().unwrap().to_string());
            }
            true
        } else {
            label != Label::Per || surnames.iter().any(|s| s == span_text)
        };
        if keep && b > a {
            ents.push(Entity {
                span: Span::new(a, b),
                label,
                score: 0.5,
                entity: 0,
            });
        }
        i = j;
    }
    ents
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 && args.len() != 4 {
        anyhow::bail!("usage: quotes_dev INPUT_DIR OUT_DIR [ENTITIES_CSV]");
    }
    let (input, out) = (Path::new(&args[1]), Path::new(&args[2]));
    // Optional entity mentions from a real NER run (entities.csv: doc_id,start,end,label with
    // code-point offsets) instead of the crude stand-in.
    let mut given: HashMap<String, Vec<(usize, usize, Label)>> = HashMap::new();
    if let Some(path) = args.get(3) {
        let mut rd = csv::Reader::from_path(path)?;
        let h = rd.headers()?.clone();
        let col = |name: &str| h.iter().position(|x| x == name);
        let (d, s, e, l) = (col("doc_id"), col("start"), col("end"), col("label"));
        let (Some(d), Some(s), Some(e), Some(l)) = (d, s, e, l) else {
            anyhow::bail!("{path}: needs doc_id,start,end,label columns");
        };
        for rec in rd.records() {
            let rec = rec?;
            if let Some(label) = Label::parse(&rec[l]) {
                given.entry(rec[d].to_string()).or_default().push((
                    rec[s].parse()?,
                    rec[e].parse()?,
                    label,
                ));
            }
        }
    }
    std::fs::create_dir_all(out)?;
    let mut files: Vec<_> = std::fs::read_dir(input)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut qw = csv::Writer::from_path(out.join("quotes.csv"))?;
    qw.write_record([
        "doc_id",
        "quote_id",
        "kind",
        "start",
        "end",
        "text",
        "cue",
        "cue_start",
        "cue_end",
        "speaker_text",
        "speaker_start",
        "speaker_end",
        "speaker_entity_id",
        "speaker",
        "score",
    ])?;
    let mut ew = csv::Writer::from_path(out.join("entities.csv"))?;
    ew.write_record([
        "doc_id",
        "start",
        "end",
        "text",
        "label",
        "entity_id",
        "canonical",
        "score",
    ])?;
    let mut rw = csv::Writer::from_path(out.join("relations.csv"))?;
    rw.write_record([
        "doc_id",
        "relation_id",
        "subject_id",
        "relation",
        "object_id",
        "object_text",
        "start",
        "end",
        "score",
    ])?;
    let mut warn_total = 0;
    for path in files {
        let doc_id = path.file_stem().unwrap().to_string_lossy().to_string();
        let raw = std::fs::read_to_string(&path)?;
        let text = raw.strip_prefix('\u{feff}').unwrap_or(&raw);
        // Code-point offset of every byte position.
        let mut cp = vec![0usize; text.len() + 1];
        let mut n = 0;
        for (b, c) in text.char_indices() {
            for k in 0..c.len_utf8() {
                cp[b + k] = n;
            }
            n += 1;
        }
        cp[text.len()] = n;
        let (mut qs, warnings) = quotes::extract_with_warnings(text);
        warn_total += warnings.len();
        let mut ents = match given.get(&doc_id) {
            Some(list) if args.len() == 4 => {
                // Code points → bytes.
                let bytes: Vec<usize> = text
                    .char_indices()
                    .map(|(b, _)| b)
                    .chain(std::iter::once(text.len()))
                    .collect();
                let mut v: Vec<Entity> = list
                    .iter()
                    .filter(|&&(s, e, _)| s < e && e < bytes.len())
                    .map(|&(s, e, label)| Entity {
                        span: Span::new(bytes[s], bytes[e]),
                        label,
                        score: 1.0,
                        entity: 0,
                    })
                    .collect();
                v.sort_by_key(|e| (e.span.start, e.span.end));
                v
            }
            _ if args.len() == 4 => Vec::new(),
            _ => crude_ner(text),
        };
        let groups = link::merge_aliases(text, &mut ents);
        let rels = link::attribute(text, &ents, &groups, &mut qs);
        for (i, r) in rels.iter().enumerate() {
            rw.write_record([
                doc_id.clone(),
                format!("R{}", i + 1),
                format!("E{}", r.subject + 1),
                match r.kind {
                    newsx::doc::RelationKind::Said => "said".to_string(),
                    newsx::doc::RelationKind::HasRole => "has_role".to_string(),
                },
                r.quote.map(|q| format!("Q{}", q + 1)).unwrap_or_default(),
                r.object_text.clone().unwrap_or_default(),
                cp[r.span.start].to_string(),
                cp[r.span.end].to_string(),
                format!("{:.4}", r.score),
            ])?;
        }
        for e in &ents {
            ew.write_record([
                doc_id.clone(),
                cp[e.span.start].to_string(),
                cp[e.span.end].to_string(),
                e.span.as_str(text).to_string(),
                e.label.as_str().to_string(),
                format!("E{}", e.entity + 1),
                groups[e.entity].canonical.clone(),
                format!("{:.4}", e.score),
            ])?;
        }
        let opt = |s: Option<Span>| -> [String; 3] {
            match s {
                Some(s) => [
                    s.as_str(text).to_string(),
                    cp[s.start].to_string(),
                    cp[s.end].to_string(),
                ],
                None => [String::new(), String::new(), String::new()],
            }
        };
        for (i, q) in qs.iter().enumerate() {
            let [ct, cs, ce] = opt(q.cue);
            let [st, ss, se] = opt(q.speaker);
            qw.write_record([
                doc_id.clone(),
                format!("Q{}", i + 1),
                q.kind.as_str().to_string(),
                cp[q.span.start].to_string(),
                cp[q.span.end].to_string(),
                q.span.as_str(text).to_string(),
                ct,
                cs,
                ce,
                st,
                ss,
                se,
                q.speaker_entity
                    .map(|g| format!("E{}", g + 1))
                    .unwrap_or_default(),
                q.speaker_name.clone().unwrap_or_default(),
                format!("{:.4}", q.score),
            ])?;
        }
    }
    qw.flush()?;
    ew.flush()?;
    rw.flush()?;
    eprintln!("quote-mark warnings: {warn_total}");
    Ok(())
}
