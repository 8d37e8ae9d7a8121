//! The link step's tuning numbers in one place: how far back an antecedent is looked for (in
//! bytes of text, about 6 bytes a word) and how confident each way of resolving a speaker is.
//!
//! A quote's score is scaled by `0.5 + 0.5 × confidence` of its speaker's resolution, so these
//! numbers order the resolutions against each other; none was fitted to a single article.

/// The mention's head word lies inside a named entity ("Hamdan", "Mr. Hamdan said").
pub(super) const CONF_HEAD_ENTITY: f32 = 0.9;
/// A surname alone matches one PER entity's last name.
pub(super) const CONF_SURNAME: f32 = 0.7;
/// A document ("the study") resolves to the organisation or person named for it.
pub(super) const CONF_DOCUMENT: f32 = 0.6;
/// A role noun ("the mayor") matches a role given to a person earlier.
pub(super) const CONF_ROLE: f32 = 0.55;
/// A definite description ("the agency", "the bow-tied maverick") takes an earlier antecedent.
pub(super) const CONF_NOMINAL: f32 = 0.4;
/// he/she: a subject-position person or earlier speaker of that gender.
pub(super) const CONF_PRONOUN_SUBJECT: f32 = 0.75;
/// he/she: the latest earlier speaker, gender permitting.
pub(super) const CONF_PRONOUN_SPEAKER: f32 = 0.6;
/// he/she: the nearest person mention in any position.
pub(super) const CONF_PRONOUN_NEAREST: f32 = 0.5;
/// "they" after several people spoke together.
pub(super) const CONF_THEY_GROUP: f32 = 0.55;
/// it/they: the latest non-person speaker.
pub(super) const CONF_IT_SPEAKER: f32 = 0.6;
/// "it": the nearest organisation in subject position.
pub(super) const CONF_IT_ORG: f32 = 0.45;
/// "they": the latest person speaker.
pub(super) const CONF_THEY_PERSON: f32 = 0.4;
/// A follow-on quotation: a person introduced in subject position since the previous quote.
pub(super) const CONF_FOLLOW_SUBJECT: f32 = 0.45;
/// A follow-on quotation: the previous quote's speaker.
pub(super) const CONF_FOLLOW_PREVIOUS: f32 = 0.6;
/// A speaker left unresolved (the mention text stands as the name).
pub(super) const CONF_UNRESOLVED: f32 = 0.5;

/// Role found as a pre-modifier ("Axios journalist Barak Ravid").
pub(super) const CONF_ROLE_PREMODIFIER: f32 = 0.7;
/// Role found as an apposition ("Adam Boehler, the U.S. presidential envoy").
pub(super) const CONF_ROLE_APPOSITION: f32 = 0.8;

/// he/she: how far back a person antecedent or speaker is looked for.
pub(super) const PRONOUN_WINDOW: usize = 2500;
/// "they" after several people spoke together: how long the group stays the antecedent.
pub(super) const THEY_GROUP_WINDOW: usize = 2000;
/// it/they: how long a non-person speaker stays the antecedent.
pub(super) const IT_SPEAKER_WINDOW: usize = 3000;
/// "they": how far back the latest person speaker is taken; also "it" → nearest organisation
/// and the person window of a definite description.
pub(super) const NEAR_WINDOW: usize = 1500;
/// A definite description of an organisation ("the agency"), or a document noun seen before.
pub(super) const ORG_WINDOW: usize = 2500;
/// A follow-on quotation: how far before it a newly introduced person may stand.
pub(super) const FOLLOW_SUBJECT_WINDOW: usize = 600;
/// A follow-on quotation keeps the previous speaker across at most this many paragraph breaks.
pub(super) const FOLLOW_MAX_PARAGRAPHS: usize = 3;
/// A cue or speaker mention within this many bytes of a quote joins the `said` evidence span.
pub(super) const EVIDENCE_REACH: usize = 300;
/// "a study released Monday by Civic Action": how far after a document noun its agent is looked for.
pub(super) const DOCUMENT_AGENT_REACH: usize = 120;
