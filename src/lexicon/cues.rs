//! Reporting verbs (cues) with their inflections and how each may be used. A Rust table rather than
//! a data file because each row carries a typed [`CueClass`].
//!
//! The reporting-verb list was drawn up from the cue words of news attribution corpora (the most
//! frequent cue lemmas of PolNeAR train and the Gender Gap Tracker's verb list), then inflected.

use std::collections::HashMap;
use std::sync::LazyLock;

/// How a reporting verb may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueClass {
    /// Takes reported speech without quotation marks ("said that …").
    pub indirect: bool,
    /// Takes a hearer object before the content ("told reporters that …").
    pub object: bool,
    /// Unquoted content must open with "that" ("denied that …", not "denied the request").
    pub that: bool,
    /// A stance verb ("criticized", "shows"): no attribution of its own inside a sentence that
    /// already reports speech ("Scheer said when the Liberals dismiss any concerns …").
    pub weak: bool,
}

const IND: CueClass = CueClass {
    indirect: true,
    object: false,
    that: false,
    weak: false,
};
const THAT: CueClass = CueClass {
    indirect: true,
    object: false,
    that: true,
    weak: false,
};
const OBJ: CueClass = CueClass {
    indirect: true,
    object: true,
    that: false,
    weak: false,
};
/// Class of the phrasal cues "went on", "pointed out".
pub const PHRASAL: CueClass = IND;
/// Stance and evidence verbs with their content right after them.
pub const STANCE: CueClass = CueClass {
    indirect: true,
    object: false,
    that: false,
    weak: true,
};
const STANCE_THAT: CueClass = CueClass {
    indirect: true,
    object: false,
    that: true,
    weak: true,
};
const DIR: CueClass = CueClass {
    indirect: false,
    object: false,
    that: false,
    weak: false,
};

/// (base, 3rd person, past, -ing, class). Irregular forms written out.
const VERBS: &[(&str, &str, &str, &str, CueClass)] = &[
    ("say", "says", "said", "saying", IND),
    ("tell", "tells", "told", "telling", OBJ),
    ("state", "states", "stated", "stating", IND),
    ("claim", "claims", "claimed", "claiming", IND),
    ("argue", "argues", "argued", "arguing", IND),
    ("add", "adds", "added", "adding", IND),
    ("note", "notes", "noted", "noting", IND),
    ("explain", "explains", "explained", "explaining", IND),
    ("insist", "insists", "insisted", "insisting", IND),
    ("assert", "asserts", "asserted", "asserting", IND),
    ("contend", "contends", "contended", "contending", IND),
    ("maintain", "maintains", "maintained", "maintaining", IND),
    (
        "acknowledge",
        "acknowledges",
        "acknowledged",
        "acknowledging",
        IND,
    ),
    ("admit", "admits", "admitted", "admitting", IND),
    ("allege", "alleges", "alleged", "alleging", IND),
    ("announce", "announces", "announced", "announcing", THAT),
    ("confirm", "confirms", "confirmed", "confirming", IND),
    ("declare", "declares", "declared", "declaring", IND),
    ("deny", "denies", "denied", "denying", THAT),
    ("imply", "implies", "implied", "implying", THAT),
    ("emphasize", "emphasizes", "emphasized", "emphasizing", IND),
    ("emphasise", "emphasises", "emphasised", "emphasising", IND),
    ("stress", "stresses", "stressed", "stressing", IND),
    ("suggest", "suggests", "suggested", "suggesting", IND),
    ("warn", "warns", "warned", "warning", OBJ),
    ("write", "writes", "wrote", "writing", IND),
    ("tweet", "tweets", "tweeted", "tweeting", IND),
    ("report", "reports", "reported", "reporting", IND),
    ("reveal", "reveals", "revealed", "revealing", THAT),
    ("indicate", "indicates", "indicated", "indicating", IND),
    ("believe", "believes", "believed", "believing", IND),
    ("predict", "predicts", "predicted", "predicting", THAT),
    ("promise", "promises", "promised", "promising", OBJ),
    ("vow", "vows", "vowed", "vowing", THAT),
    ("pledge", "pledges", "pledged", "pledging", THAT),
    ("recall", "recalls", "recalled", "recalling", THAT),
    ("remark", "remarks", "remarked", "remarking", THAT),
    ("observe", "observes", "observed", "observing", THAT),
    ("concede", "concedes", "conceded", "conceding", IND),
    ("conclude", "concludes", "concluded", "concluding", IND),
    ("complain", "complains", "complained", "complaining", IND),
    ("caution", "cautions", "cautioned", "cautioning", IND),
    ("comment", "comments", "commented", "commenting", THAT),
    ("counter", "counters", "countered", "countering", THAT),
    ("respond", "responds", "responded", "responding", IND),
    ("reply", "replies", "replied", "replying", IND),
    ("answer", "answers", "answered", "answering", THAT),
    ("estimate", "estimates", "estimated", "estimating", THAT),
    ("testify", "testifies", "testified", "testifying", THAT),
    ("mention", "mentions", "mentioned", "mentioning", THAT),
    ("boast", "boasts", "boasted", "boasting", THAT),
    ("agree", "agrees", "agreed", "agreeing", THAT),
    ("hint", "hints", "hinted", "hinting", THAT),
    ("speculate", "speculates", "speculated", "speculating", THAT),
    ("charge", "charges", "charged", "charging", THAT),
    ("advise", "advises", "advised", "advising", OBJ),
    ("remind", "reminds", "reminded", "reminding", OBJ),
    ("urge", "urges", "urged", "urging", OBJ),
    ("ask", "asks", "asked", "asking", OBJ),
    ("inform", "informs", "informed", "informing", OBJ),
    ("assure", "assures", "assured", "assuring", OBJ),
    ("reassure", "reassures", "reassured", "reassuring", OBJ),
    ("reiterate", "reiterates", "reiterated", "reiterating", THAT),
    ("repeat", "repeats", "repeated", "repeating", THAT),
    ("recount", "recounts", "recounted", "recounting", THAT),
    ("describe", "describes", "described", "describing", DIR),
    ("call", "calls", "called", "calling", DIR),
    ("continue", "continues", "continued", "continuing", DIR),
    ("quip", "quips", "quipped", "quipping", DIR),
    ("joke", "jokes", "joked", "joking", IND),
    ("laugh", "laughs", "laughed", "laughing", DIR),
    ("sigh", "sighs", "sighed", "sighing", DIR),
    ("shout", "shouts", "shouted", "shouting", DIR),
    ("yell", "yells", "yelled", "yelling", DIR),
    ("exclaim", "exclaims", "exclaimed", "exclaiming", DIR),
    ("whisper", "whispers", "whispered", "whispering", DIR),
    ("cry", "cries", "cried", "crying", DIR),
    ("read", "reads", "read", "reading", DIR),
    ("wonder", "wonders", "wondered", "wondering", IND),
    ("muse", "muses", "mused", "musing", DIR),
    ("concur", "concurs", "concurred", "concurring", THAT),
    ("proclaim", "proclaims", "proclaimed", "proclaiming", THAT),
    ("insinuate", "insinuates", "insinuated", "insinuating", IND),
    ("retort", "retorts", "retorted", "retorting", DIR),
    ("snap", "snaps", "snapped", "snapping", DIR),
    ("scoff", "scoffs", "scoffed", "scoffing", DIR),
    ("lament", "laments", "lamented", "lamenting", THAT),
    ("post", "posts", "posted", "posting", DIR),
    ("fear", "fears", "feared", "fearing", THAT),
    ("worry", "worries", "worried", "worrying", THAT),
    ("blog", "blogs", "blogged", "blogging", THAT),
    ("email", "emails", "emailed", "emailing", DIR),
    ("text", "texts", "texted", "texting", DIR),
    ("accuse", "accuses", "accused", "accusing", DIR),
    ("cite", "cites", "cited", "citing", THAT),
    (
        "recommend",
        "recommends",
        "recommended",
        "recommending",
        THAT,
    ),
    ("propose", "proposes", "proposed", "proposing", THAT),
    ("demand", "demands", "demanded", "demanding", THAT),
    ("plead", "pleads", "pleaded", "pleading", DIR),
    // Evidence and stance verbs, the most frequent PolNeAR train cues with their content right
    // after the verb ("a poll shows …", "she criticized the plan").
    ("show", "shows", "showed", "showing", STANCE),
    ("find", "finds", "found", "finding", STANCE_THAT),
    (
        "criticize",
        "criticizes",
        "criticized",
        "criticizing",
        STANCE,
    ),
    (
        "criticise",
        "criticises",
        "criticised",
        "criticising",
        STANCE,
    ),
    ("praise", "praises", "praised", "praising", STANCE),
    ("defend", "defends", "defended", "defending", STANCE),
    ("denounce", "denounces", "denounced", "denouncing", STANCE),
    ("blame", "blames", "blamed", "blaming", STANCE),
    ("blast", "blasts", "blasted", "blasting", STANCE),
    ("decry", "decries", "decried", "decrying", STANCE),
    ("dismiss", "dismisses", "dismissed", "dismissing", STANCE),
    ("reject", "rejects", "rejected", "rejecting", STANCE),
    ("endorse", "endorses", "endorsed", "endorsing", STANCE),
    ("question", "", "questioned", "questioning", STANCE),
    ("want", "wants", "wanted", "", STANCE),
    ("hope", "hopes", "hoped", "hoping", STANCE),
    ("seek", "seeks", "sought", "seeking", STANCE),
    ("refuse", "refuses", "refused", "", STANCE),
    ("decline", "declines", "declined", "", STANCE),
    ("expect", "expects", "expected", "", STANCE_THAT),
    ("support", "supports", "supported", "supporting", STANCE),
    ("oppose", "opposes", "opposed", "opposing", STANCE),
    ("mock", "mocks", "mocked", "mocking", STANCE),
    ("attack", "", "attacked", "attacking", STANCE),
    ("challenge", "", "challenged", "challenging", STANCE),
];

/// Lower-cased word → (base form, class). Built once.
static CUES: LazyLock<HashMap<&'static str, (&'static str, CueClass)>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for &(base, s, past, ing, class) in VERBS {
        for f in [base, s, past, ing] {
            if !f.is_empty() {
                m.entry(f).or_insert((base, class));
            }
        }
    }
    m
});

/// A reporting phrase of a verb and a particle ("pointed out", "called for").
#[derive(Debug)]
pub struct PhrasalCue {
    /// The verb forms that take the particle.
    pub forms: &'static [&'static str],
    /// The particles.
    pub particles: &'static [&'static str],
    /// How the phrase is used.
    pub class: CueClass,
    /// A word after the particle that makes the phrase no cue ("went on to win").
    pub not_before: Option<&'static str>,
    /// No cue after "to" ("to point out", "to call for").
    pub not_after_to: bool,
    /// A stance phrase: no cue after a determiner or a form of "be" ("a call for", "was called
    /// for"), nor inside a capitalised name.
    pub stance: bool,
    /// The cue text takes in the particle ("pointed out"); else it is the verb alone ("went").
    pub particle_in_cue: bool,
}

/// The phrasal cues, tried in order.
pub const PHRASAL_CUES: &[PhrasalCue] = &[
    PhrasalCue {
        forms: &["go", "goes", "going", "went"],
        particles: &["on"],
        class: PHRASAL,
        not_before: Some("to"),
        not_after_to: false,
        stance: false,
        particle_in_cue: false,
    },
    PhrasalCue {
        forms: &["call", "called", "calling", "calls"],
        particles: &["for", "on"],
        class: STANCE,
        not_before: None,
        not_after_to: true,
        stance: true,
        particle_in_cue: true,
    },
    PhrasalCue {
        forms: &["pointed", "pointing", "points", "referring"],
        particles: &["to"],
        class: STANCE,
        not_before: None,
        not_after_to: true,
        stance: true,
        particle_in_cue: true,
    },
    PhrasalCue {
        forms: &["talked", "talking", "talks"],
        particles: &["about"],
        class: STANCE,
        not_before: None,
        not_after_to: true,
        stance: true,
        particle_in_cue: true,
    },
    PhrasalCue {
        forms: &["point", "pointed", "points"],
        particles: &["out"],
        class: PHRASAL,
        not_before: None,
        not_after_to: true,
        stance: false,
        particle_in_cue: true,
    },
];

/// The phrasal cue of a verb form and the word after it (lower case), if any.
pub fn phrasal_cue(verb: &str, next: Option<&str>) -> Option<&'static PhrasalCue> {
    let next = next?;
    PHRASAL_CUES
        .iter()
        .find(|p| p.forms.contains(&verb) && p.particles.contains(&next))
}

/// The base form and class of a reporting verb form ("said" → "say").
pub fn cue(lower: &str) -> Option<(&'static str, CueClass)> {
    CUES.get(lower).copied()
}

/// True for an inflected reporting verb ("said", "tells", "arguing").
pub fn is_cue_word(lower: &str) -> bool {
    cue(lower).is_some()
}
