//! Unit tests for the quote finder: one constructed paragraph per quote-mark case.

use super::*;

/// (kind, text, cue, speaker) rows.
fn rows(text: &str) -> Vec<(String, String, String, String)> {
    extract(text)
        .iter()
        .map(|q| {
            (
                q.kind.as_str().to_string(),
                q.span.as_str(text).to_string(),
                q.cue
                    .map(|c| c.as_str(text).to_string())
                    .unwrap_or_default(),
                q.speaker
                    .map(|c| c.as_str(text).to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn row(kind: &str, text: &str, cue: &str, speaker: &str) -> (String, String, String, String) {
    (kind.into(), text.into(), cue.into(), speaker.into())
}

#[test]
fn curly_trailing_attribution() {
    let t = "“We will not give up,” Hamdan said.";
    assert_eq!(
        rows(t),
        vec![row("direct", "We will not give up,", "said", "Hamdan")]
    );
}
