//! Word lists for the quote finder: reporting verbs (with their inflections), titles, function words.
//!
//! The reporting-verb list was drawn up from the cue words of news attribution corpora (the most
//! frequent cue lemmas of PolNeAR train and the Gender Gap Tracker's verb list), then inflected.

use std::collections::HashMap;
use std::sync::LazyLock;

/// How a reporting verb may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CueClass {
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
pub(crate) const PHRASAL: CueClass = IND;
/// Stance and evidence verbs with their content right after them.
pub(crate) const STANCE: CueClass = CueClass {
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

/// The base form and class of a reporting verb form ("said" → "say").
pub(crate) fn cue(lower: &str) -> Option<(&'static str, CueClass)> {
    CUES.get(lower).copied()
}

/// Words that may stand between a subject and its reporting verb ("also", "has", "later").
pub(crate) fn is_pre_cue_adverb(lower: &str) -> bool {
    matches!(
        lower,
        "also"
            | "later"
            | "now"
            | "further"
            | "then"
            | "previously"
            | "reportedly"
            | "recently"
            | "repeatedly"
            | "often"
            | "once"
            | "again"
            | "earlier"
            | "still"
            | "even"
            | "just"
            | "already"
            | "initially"
            | "simply"
            | "quickly"
            | "separately"
            | "publicly"
            | "privately"
            | "flatly"
            | "bluntly"
            | "has"
            | "have"
            | "had"
            | "not"
            | "never"
            | "always"
            | "first"
            | "last"
            | "long"
            | "since"
            | "subsequently"
            | "finally"
            | "ultimately"
            | "frequently"
            | "today"
            | "yesterday"
    ) || is_modal(lower)
        || (lower.len() > 4
            && lower.ends_with("ly")
            && !matches!(lower, "only" | "family" | "italy"))
}

/// Modal and "do" auxiliaries ("would", "did", "can").
pub(crate) fn is_modal(lower: &str) -> bool {
    matches!(
        lower,
        "would"
            | "will"
            | "could"
            | "may"
            | "might"
            | "did"
            | "does"
            | "do"
            | "can"
            | "should"
            | "must"
    )
}

/// Subject pronouns that can be speakers.
pub(crate) fn is_subject_pronoun(lower: &str) -> bool {
    matches!(lower, "he" | "she" | "they" | "it" | "we" | "i" | "you")
}

/// Determiners and quantifiers that open a noun phrase.
pub(crate) fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "this"
            | "these"
            | "those"
            | "some"
            | "several"
            | "many"
            | "most"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "another"
            | "other"
            | "both"
            | "each"
            | "every"
            | "all"
            | "no"
            | "few"
            | "various"
            | "numerous"
            | "any"
    )
}

/// Function words that end a noun phrase (prepositions, conjunctions, subordinators, auxiliaries,
/// relative and object pronouns).
pub(crate) fn is_np_stop(lower: &str) -> bool {
    matches!(
        lower,
        "in" | "on"
            | "at"
            | "by"
            | "with"
            | "from"
            | "to"
            | "into"
            | "onto"
            | "after"
            | "before"
            | "during"
            | "about"
            | "except"
            | "over"
            | "under"
            | "against"
            | "between"
            | "through"
            | "since"
            | "until"
            | "while"
            | "because"
            | "as"
            | "but"
            | "or"
            | "so"
            | "yet"
            | "nor"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "when"
            | "where"
            | "why"
            | "how"
            | "what"
            | "if"
            | "although"
            | "though"
            | "whether"
            | "than"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "am"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "can"
            | "could"
            | "should"
            | "shall"
            | "may"
            | "might"
            | "must"
            | "not"
            | "him"
            | "them"
            | "me"
            | "us"
            | "there"
            | "here"
            | "then"
            | "also"
            | "however"
            | "despite"
            | "without"
            | "within"
            | "upon"
            | "toward"
            | "towards"
            | "across"
            | "behind"
            | "beyond"
            | "amid"
            | "among"
            | "like"
            | "unlike"
            | "via"
            | "per"
            | "even"
            | "just"
            | "only"
            | "now"
            | "meanwhile"
            | "instead"
            | "too"
            | "very"
            | "said"
            | "says"
            | "say"
            | "told"
    )
}

/// Words that open a subordinate or adverbial clause; a leading clause starting so is no content.
pub(crate) fn is_subordinator(lower: &str) -> bool {
    matches!(
        lower,
        "when"
            | "while"
            | "although"
            | "though"
            | "despite"
            | "after"
            | "before"
            | "if"
            | "as"
            | "because"
            | "since"
            | "asked"
            | "speaking"
            | "in"
            | "on"
            | "at"
            | "during"
            | "for"
            | "with"
            | "without"
            | "unless"
            | "until"
            | "once"
            | "whereas"
            | "responding"
            | "pressed"
            | "later"
            | "earlier"
            | "meanwhile"
            | "still"
            | "however"
            | "instead"
            | "by"
            | "from"
            | "to"
            | "under"
            | "given"
            | "told"
            | "writing"
            | "following"
            | "like"
            | "amid"
    )
}

/// Titles and role words that precede a name ("Prime Minister", "Sen.", "Mayor").
pub(crate) fn is_title(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    matches!(
        w.as_str(),
        "president"
            | "minister"
            | "premier"
            | "mayor"
            | "sen"
            | "senator"
            | "rep"
            | "representative"
            | "gov"
            | "governor"
            | "justice"
            | "judge"
            | "leader"
            | "ceo"
            | "cfo"
            | "coo"
            | "chief"
            | "director"
            | "secretary"
            | "chairman"
            | "chairwoman"
            | "chair"
            | "chancellor"
            | "commissioner"
            | "ambassador"
            | "envoy"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "officer"
            | "gen"
            | "general"
            | "col"
            | "colonel"
            | "capt"
            | "captain"
            | "sgt"
            | "sergeant"
            | "lt"
            | "lieutenant"
            | "cpl"
            | "corporal"
            | "maj"
            | "major"
            | "adm"
            | "admiral"
            | "prof"
            | "professor"
            | "dr"
            | "rev"
            | "reverend"
            | "pope"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "sheikh"
            | "attorney"
            | "councillor"
            | "councilor"
            | "councilman"
            | "councilwoman"
            | "coach"
            | "detective"
            | "det"
            | "const"
            | "constable"
            | "supt"
            | "superintendent"
            | "inspector"
            | "insp"
            | "pres"
            | "vice"
            | "deputy"
            | "speaker"
            | "mp"
            | "mpp"
            | "mla"
            | "founder"
            | "executive"
            | "manager"
            | "economist"
            | "analyst"
            | "sir"
            | "dame"
            | "lord"
            | "lady"
            | "hon"
            | "honourable"
            | "honorable"
            | "emir"
            | "ayatollah"
            | "rabbi"
            | "imam"
            | "bishop"
            | "cardinal"
            | "father"
            | "sister"
            | "brother"
            | "dean"
            | "principal"
            | "trustee"
            | "sheriff"
            | "marshal"
            | "auditor"
            | "treasurer"
            | "comptroller"
            | "controller"
            | "commander"
            | "chef"
            | "reporter"
            | "correspondent"
            | "columnist"
            | "editor"
            | "anchor"
            | "journalist"
            | "historian"
            | "lawyer"
            | "actor"
            | "actress"
            | "singer"
            | "rapper"
            | "author"
            | "novelist"
            | "comedian"
            | "activist"
            | "pastor"
    )
}

/// Courtesy titles that belong to the name mention ("Mr. Hemming").
pub(crate) fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.').to_lowercase().as_str(),
        "mr" | "mrs" | "ms" | "miss" | "mx" | "messrs" | "mme" | "mlle" | "m"
    )
}

/// Abbreviations whose trailing period does not end a sentence.
pub(crate) fn is_abbreviation(lower_no_dot: &str) -> bool {
    matches!(
        lower_no_dot,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "prof"
            | "sen"
            | "rep"
            | "gov"
            | "gen"
            | "col"
            | "lt"
            | "sgt"
            | "capt"
            | "cpl"
            | "maj"
            | "adm"
            | "st"
            | "jr"
            | "sr"
            | "inc"
            | "ltd"
            | "corp"
            | "co"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sept"
            | "sep"
            | "oct"
            | "nov"
            | "dec"
            | "vs"
            | "mt"
            | "ft"
            | "ave"
            | "blvd"
            | "rev"
            | "hon"
            | "pres"
            | "supt"
            | "insp"
            | "det"
            | "const"
            | "no"
            | "nos"
            | "approx"
            | "dept"
            | "univ"
            | "gov't"
            | "mme"
            | "messrs"
            | "atty"
            | "cmdr"
            | "brig"
            | "ph"
            | "fig"
            | "est"
    )
}

/// Adverbial words that may stand between a reporting verb and its content ("said Thursday").
pub(crate) fn is_time_word(lower: &str) -> bool {
    is_day_name(lower)
        || matches!(
            lower,
            "tonight"
                | "later"
                | "earlier"
                | "recently"
                | "also"
                | "again"
                | "repeatedly"
                | "previously"
                | "publicly"
                | "privately"
                | "however"
                | "then"
                | "now"
                | "further"
                | "too"
                | "once"
                | "late"
                | "early"
                | "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "week"
                | "month"
                | "year"
                | "weekend"
        )
        || (lower.len() > 4
            && lower.ends_with("ly")
            && !matches!(lower, "only" | "family" | "italy"))
}

/// A weekday, "today" or "yesterday" (lower-cased).
pub(crate) fn is_day_name(lower: &str) -> bool {
    matches!(
        lower,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
    )
}

/// Month names (lower-cased, with common abbreviations).
pub(crate) fn is_month(lower: &str) -> bool {
    matches!(
        lower.trim_end_matches('.'),
        "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sept"
            | "sep"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Prepositions that open an adverbial phrase after a reporting verb ("said in a statement").
pub(crate) fn is_adverbial_prep(lower: &str) -> bool {
    matches!(
        lower,
        "in" | "on"
            | "at"
            | "during"
            | "last"
            | "this"
            | "via"
            | "through"
            | "after"
            | "before"
            | "from"
            | "over"
            | "while"
            | "outside"
            | "inside"
            | "following"
            | "earlier"
            | "late"
    )
}

/// Words that make a short quoted phrase a name or title rather than a quotation.
pub(crate) fn is_naming_word(lower: &str) -> bool {
    matches!(
        lower,
        "named"
            | "called"
            | "dubbed"
            | "nicknamed"
            | "titled"
            | "entitled"
            | "as"
            | "by"
            | "so-called"
            | "word"
            | "term"
            | "phrase"
            | "slogan"
            | "hashtag"
            | "label"
            | "brand"
            | "album"
            | "song"
            | "film"
            | "movie"
            | "book"
            | "show"
            | "series"
            | "campaign"
            | "headline"
    )
}
