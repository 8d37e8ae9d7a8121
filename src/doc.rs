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

/// One named-entity mention found by the NER stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Where it stands.
    pub span: Span,
    /// Its class.
    pub label: Label,
    /// Confidence in [0, 1].
    pub score: f32,
}

/// An entity of one document (the mentions that name one person, organisation, place or thing):
/// `E{n+1}` in the CSV for `EntityId(n)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub usize);

/// A quote of one document: `Q{n+1}` in the CSV for `QuoteId(n)` (its index in text order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuoteId(pub usize);

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

/// One quotation with its cue and speaker mention, as the quote stage finds it.
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
    /// Confidence in [0, 1] of the quote itself.
    pub score: f32,
}

/// Who said a quote, as the link step resolves it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attribution {
    /// The entity the speaker mention resolves to.
    pub entity: Option<EntityId>,
    /// The speaker's canonical name, or the mention text for an unnamed speaker.
    pub name: Option<String>,
    /// Confidence in [0, 1] of the quote with its speaker.
    pub score: f32,
    /// For a quote without a speaker mention of its own (a follow-on quote): the mention its
    /// speaker was taken from (a person introduced before it, or the previous quote's mention).
    pub mention: Option<Span>,
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
    /// Subject entity.
    pub subject: EntityId,
    /// Relation type.
    pub kind: RelationKind,
    /// Object quote (for `Said`).
    pub quote: Option<QuoteId>,
    /// Literal object text (for `HasRole`).
    pub object_text: Option<String>,
    /// Evidence span.
    pub span: Span,
    /// Confidence.
    pub score: f32,
}

/// An entity: its canonical name and label.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Canonical name: the longest full-name mention.
    pub canonical: String,
    /// Majority label.
    pub label: Label,
}

/// The entities of a document and which one each mention names (alias merging's result).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entities {
    /// The entities in first-mention order, indexed by [`EntityId`].
    pub list: Vec<Entity>,
    /// For each mention (same index as the mentions), its entity.
    pub of_mention: Vec<EntityId>,
}

impl Entities {
    /// The entity `id` (panics when out of range).
    pub fn get(&self, id: EntityId) -> &Entity {
        &self.list[id.0]
    }
}

/// Everything extracted from one document; all that crosses from workers to the writer.
#[derive(Debug, Clone, Default)]
pub struct DocOutput {
    /// Mentions sorted by span.
    pub mentions: Vec<Mention>,
    /// The entities and the entity of each mention.
    pub entities: Entities,
    /// Quotes sorted by span, indexed by [`QuoteId`].
    pub quotes: Vec<Quote>,
    /// The speaker of each quote (same index as `quotes`).
    pub attributions: Vec<Attribution>,
    /// Relations.
    pub relations: Vec<Relation>,
}

/// Byte ↔ code-point offset conversion for one document's text, built once per document.
///
/// Pure-ASCII text needs no table (bytes and code points agree); otherwise the byte offset of
/// every code point is stored, so both directions cost O(1) or O(log n).
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every code point plus the text length; `None` for pure-ASCII text.
    starts: Option<Vec<usize>>,
    /// Text length in bytes.
    len: usize,
}

impl CharIndex {
    /// Build the index for `text`.
    pub fn new(text: &str) -> CharIndex {
        let starts = if text.is_ascii() {
            None
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            Some(v)
        };
        CharIndex {
            starts,
            len: text.len(),
        }
    }

    /// Length of the text in code points.
    pub fn char_len(&self) -> usize {
        match &self.starts {
            None => self.len,
            Some(v) => v.len() - 1,
        }
    }

    /// The code-point offset of a byte offset; `None` when it is past the end or not on a char
    /// boundary.
    pub fn byte_to_char(&self, byte: usize) -> Option<usize> {
        match &self.starts {
            None => (byte <= self.len).then_some(byte),
            Some(v) => v.binary_search(&byte).ok(),
        }
    }

    /// The byte offset of a code-point offset; `None` when it is past the end.
    pub fn char_to_byte(&self, ch: usize) -> Option<usize> {
        match &self.starts {
            None => (ch <= self.len).then_some(ch),
            Some(v) => v.get(ch).copied(),
        }
    }

    /// A byte span as code-point `(start, end)`; `None` when an end is off the text or a char
    /// boundary.
    pub fn span_to_chars(&self, span: Span) -> Option<(usize, usize)> {
        Some((self.byte_to_char(span.start)?, self.byte_to_char(span.end)?))
    }

    /// Code-point `(start, end)` as a byte span; `None` when `start > end` or past the end.
    pub fn chars_to_span(&self, start: usize, end: usize) -> Option<Span> {
        if start > end {
            return None;
        }
        Some(Span {
            start: self.char_to_byte(start)?,
            end: self.char_to_byte(end)?,
        })
    }
}

impl Span {
    /// A span checked against `text`: `start <= end <= text.len()`, both on char boundaries.
    pub fn checked(text: &str, start: usize, end: usize) -> Option<Span> {
        (start <= end && text.is_char_boundary(start) && text.is_char_boundary(end))
            .then_some(Span { start, end })
    }
}

impl Document {
    /// The byte ↔ code-point index of this document's text.
    pub fn char_index(&self) -> CharIndex {
        CharIndex::new(&self.text)
    }
}

impl QuoteKind {
    /// Parse the CSV spelling (case-insensitive, surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<QuoteKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "direct" => Some(QuoteKind::Direct),
            "mixed" => Some(QuoteKind::Mixed),
            "indirect" => Some(QuoteKind::Indirect),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text made of characters that differ in byte and code-point width.
    fn news_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            " ",
            "\u{201c}",
            "\u{201d}",
            "\u{2019}",
            "\"",
            "\u{1F600}",
            "e\u{301}",
            "\u{e9}",
            "\r\n",
            "\u{5e9}",
            "Z",
            "\u{FEFF}",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn conversions_round_trip(text in news_text()) {
            let ix = CharIndex::new(&text);
            prop_assert_eq!(ix.char_len(), text.chars().count());
            for (ci, (b, _)) in text.char_indices().enumerate() {
                prop_assert_eq!(ix.byte_to_char(b), Some(ci));
                prop_assert_eq!(ix.char_to_byte(ci), Some(b));
            }
            prop_assert_eq!(ix.byte_to_char(text.len()), Some(ix.char_len()));
            prop_assert_eq!(ix.char_to_byte(ix.char_len() + 1), None);
            for b in 0..=text.len() {
                prop_assert_eq!(ix.byte_to_char(b).is_some(), text.is_char_boundary(b));
            }
        }

        #[test]
        fn spans_slice_back_to_their_text(text in news_text(), a in 0usize..80, b in 0usize..80) {
            let ix = CharIndex::new(&text);
            let n = ix.char_len();
            let (s, e) = (a.min(b).min(n), a.max(b).min(n));
            let span = ix.chars_to_span(s, e).unwrap();
            let expect: String = text.chars().skip(s).take(e - s).collect();
            prop_assert_eq!(span.as_str(&text), expect.as_str());
            prop_assert_eq!(ix.span_to_chars(span), Some((s, e)));
            prop_assert!(Span::checked(&text, span.start, span.end).is_some());
        }
    }

    #[test]
    fn off_boundary_bytes_are_rejected() {
        let text = "\u{201c}Hi\u{201d}";
        let ix = CharIndex::new(text);
        assert_eq!(ix.byte_to_char(1), None);
        assert_eq!(ix.span_to_chars(Span::new(3, 5)), Some((1, 3)));
        assert_eq!(Span::checked(text, 1, 3), None);
        assert_eq!(ix.chars_to_span(2, 1), None);
    }
}
