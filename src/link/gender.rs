//! Pronoun resolution: gender hints for each person (courtesy titles, first names, the first pronoun after a mention) and the antecedent of a pronoun by salience and gender.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn gender_of(&self, g: usize) -> Option<Gender> {
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
    pub(super) fn collect_gender(&mut self) {
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
    pub(super) fn resolve_pronoun(
        &self,
        pos: usize,
        gender: Option<Gender>,
        speakers: &[(usize, usize)],
    ) -> Option<(usize, f32)> {
        let window = PRONOUN_WINDOW;
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
                return Some((e.entity, CONF_PRONOUN_SUBJECT));
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
            return Some((g, CONF_PRONOUN_SPEAKER));
        }
        nearest.map(|g| (g, CONF_PRONOUN_NEAREST))
    }
}
