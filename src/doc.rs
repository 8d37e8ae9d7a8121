//! The document model: byte spans inside the program, Unicode code-point offsets at the CSV edge.

use std::path::PathBuf;

/// A document as read from disk: its id (see the CSV contract), path and decoded text.
/// The text is never changed after loading (a leading BOM is dropped at read time).
#[derive(Debug, Clone)]
pub struct Document {
    /// `doc_id` per the contract.
    pub id: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// UTF-8 text, BOM dropped, nothing else normalised.
    pub text: String,
}

/// A half-open byte range into a document's text; both ends lie on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span; panics in debug builds if `start > end`.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }
    /// The text of the span.
    pub fn as_str<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// Whether two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// CoNLL-2003 entity classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// Person.
    Per,
    /// Organisation.
    Org,
    /// Location.
    Loc,
    /// Miscellaneous.
    Misc,
}

impl Label {
    /// All labels in a fixed order.
    pub const ALL: [Label; 4] = [Label::Per, Label::Org, Label::Loc, Label::Misc];
    /// The CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
        }
    }
    /// Parse the CSV spelling.
    pub fn parse(s: &str) -> Option<Label> {
        match s {
            "PER" => Some(Label::Per),
            "ORG" => Some(Label::Org),
            "LOC" => Some(Label::Loc),
            "MISC" => Some(Label::Misc),
            _ => None,
        }
    }
}

/// One entity mention found in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Where it stands.
    pub span: Span,
    /// Its class.
    pub label: Label,
    /// Confidence in [0, 1].
    pub score: f32,
    /// Index of the entity (alias group) this mention belongs to; `E{n+1}` in the CSV.
    pub entity: usize,
}

/// Kind of quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuoteKind {
    /// Wholly inside quotation marks.
    Direct,
    /// Partly quoted.
    Mixed,
    /// Reported speech without marks.
    Indirect,
}

impl QuoteKind {
    /// The CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Mixed => "mixed",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// One quotation with its cue and speaker mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// The quoted content (for direct quotes without the outer marks).
    pub span: Span,
    /// The reporting verb or phrase.
    pub cue: Option<Span>,
    /// The speaker mention near the quote.
    pub speaker: Option<Span>,
    /// Entity index the speaker resolves to (filled by the link step).
    pub speaker_entity: Option<usize>,
    /// The speaker's canonical name, or the mention text for an unnamed speaker.
    pub speaker_name: Option<String>,
    /// Confidence in [0, 1].
    pub score: f32,
}

/// Kind of relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RelationKind {
    /// entity → quote.
    Said,
    /// person → role text.
    HasRole,
}

/// A relation between an entity and a quote or role.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Subject entity index.
    pub subject: usize,
    /// Relation type.
    pub kind: RelationKind,
    /// Object quote index (for `Said`).
    pub quote: Option<usize>,
    /// Literal object text (for `HasRole`).
    pub object_text: Option<String>,
    /// Evidence span.
    pub span: Span,
    /// Confidence.
    pub score: f32,
}

/// An entity (alias group): its canonical name and label.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityGroup {
    /// Canonical name: the longest full-name mention.
    pub canonical: String,
    /// Majority label.
    pub label: Label,
}

/// Everything extracted from one document; all that crosses from workers to the writer.
#[derive(Debug, Clone, Default)]
pub struct DocOutput {
    /// Mentions sorted by span.
    pub entities: Vec<Entity>,
    /// Alias groups, indexed by `Entity::entity`.
    pub groups: Vec<EntityGroup>,
    /// Quotes sorted by span.
    pub quotes: Vec<Quote>,
    /// Relations.
    pub relations: Vec<Relation>,
}
