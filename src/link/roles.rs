//! Roles: pre-modifying titles ("Axios journalist Barak Ravid") and appositions ("Adam Boehler, the U.S. envoy"), and role nouns as speakers.

use super::*;

/// A nominal speaker ("the mayor", "the Hamas official"): the person whose role ends in the same
/// head noun; the most recent speaker among several.
pub(super) fn role_match(
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
pub(super) fn role_head(role: &str) -> String {
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

/// Could this word head a role ("journalist", "envoy", "Minister", "chairwoman")? Titles, a
/// list of common role nouns, and agent-noun endings; never a plural, verb form or function word.
pub(super) fn is_role_noun(t: &Tok, text: &str) -> bool {
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

pub(super) fn find_roles(ctx: &Ctx, groups: &[Entity]) -> Vec<Role> {
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
                || (is_np_stop(w) && !is_role_preposition(w))
                || is_np_coordinator(w)
                || (!t.is_cap(text)
                    && !w.contains('-')
                    && (w.ends_with("ly") || w.ends_with("ing") || w.ends_with("ed")))
            {
                break;
            }
            k -= 1;
            n += 1;
        }
        while k < ti && (is_role_preposition(&toks[k].lower) || toks[k].lower == "the") {
            k += 1;
        }
        if k < ti && is_role_noun(&toks[ti - 1], text) {
            let role = &text[toks[k].start..toks[ti - 1].end];
            if !role.is_empty() && !is_honorific(role) {
                out.push(Role {
                    group: e.entity,
                    role: role.to_string(),
                    span: Span::new(toks[k].start, e.span.end),
                    score: CONF_ROLE_PREMODIFIER,
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
                    && (is_article(fw)
                        || is_title(first.text(text))
                        || (!first.is_cap(text)
                            && !fw.chars().next().is_some_and(|c| c.is_ascii_digit())));
                let bad = toks[a..b].iter().any(|t| {
                    t.kind == TokKind::Word
                        && (is_apposition_breaker(&t.lower)
                            || is_subject_pronoun(&t.lower)
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
                    if is_article(fw) {
                        s += 1;
                    }
                    if s < b {
                        out.push(Role {
                            group: e.entity,
                            role: text[toks[s].start..toks[b - 1].end].to_string(),
                            span: Span::new(e.span.start, toks[b - 1].end),
                            score: CONF_ROLE_APPOSITION,
                        });
                    }
                }
            }
        }
    }
    out
}
