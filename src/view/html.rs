//! The pages: plain functions from plain data to HTML strings. Every text that comes from an
//! article or a CSV cell goes through [`escape`]; ids and links are made from row indices, never
//! from cell contents.

use super::diff::{error_name, DocDiff};
use super::markup::{escape, render_marked, Insert, Mark};
use super::{DocPage, IndexRow, Summary};
use crate::eval::matching::{Criterion, Prf};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The style sheet, inlined in every page.
pub const CSS: &str = r#"
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#f6f6f4}
header{background:#233646;color:#fff;padding:.5em 1em}
header a{color:#bfe0ff}
h1{font-size:1.4em;margin:.2em 0;overflow-wrap:anywhere}
h2{font-size:1.05em;margin:1.2em 0 .3em}
.meta{color:#555;margin:0 1rem}
.wrap{padding:0 1rem 2rem}
.cols{display:flex;gap:1.5em;align-items:flex-start;flex-wrap:wrap}
.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:44em;flex:1 1 36em;background:#fff;padding:1em 1.5em;border:1px solid #ddd;line-height:1.9;font-size:16px}
aside{flex:1 1 26em;min-width:18em;max-width:60em;overflow-x:auto}
aside table{width:100%}
table.quotes td:nth-child(3){width:45%}
.ent{border-radius:3px;padding:1px 0}
.PER{background:#ffd9a8}.ORG{background:#c9e2ff}.LOC{background:#cdf3cd}.MISC{background:#e6d8ff}
.q{background:#fff6b8}
.q-direct{border-bottom:2px solid #b8860b}.q-mixed{border-bottom:2px dashed #b8860b}.q-indirect{border-bottom:2px dotted #b8860b}
.cue{font-weight:700;text-decoration:underline}
.spm{box-shadow:0 2px 0 #c0392b}
.spk{font-size:.72em;background:#c0392b;color:#fff;border-radius:3px;padding:0 .35em;margin:0 .25em;text-decoration:none;white-space:nowrap;vertical-align:.15em}
.spk::before{content:"\25C2\00A0"}
.hl{outline:2px solid #e00;outline-offset:1px}
.gold{outline:2px dashed #d40000;outline-offset:2px}
.err{box-shadow:inset 0 -3px 0 #d40000}
.legend{font-size:.85em;margin:.5em 0}.legend span{margin-right:.6em;padding:0 .3em}
table{border-collapse:collapse;font-size:13px;background:#fff}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eceae4}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th::after{content:" \2195";color:#999}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{background:#fff3cd;border:1px solid #e0c060;padding:.4em 1em;margin:.5em 0}
.error,.status-error{color:#b00000;font-weight:700}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}
.charts figure{margin:0;background:#fff;border:1px solid #ddd;padding:.5em}
figcaption{font-weight:700;font-size:.9em}
"#;

/// The script, inlined in every page: marks the page as run, highlights all mentions of an
/// entity on hover, sorts tables by a click on a column head. It reads nothing from the article.
pub const JS: &str = r#"
document.documentElement.setAttribute("data-ready","1");
document.addEventListener("mouseover",function(ev){
 var t=ev.target.closest&&ev.target.closest("[data-e]");
 document.querySelectorAll(".hl").forEach(function(x){x.classList.remove("hl")});
 if(t){document.querySelectorAll('.ent[data-e="'+CSS.escape(t.getAttribute("data-e"))+'"]').forEach(function(x){x.classList.add("hl")})}
});
document.querySelectorAll("table.sortable").forEach(function(tab){
 tab.querySelectorAll("th").forEach(function(th,i){th.addEventListener("click",function(){
  var tb=tab.tBodies[0],rows=Array.prototype.slice.call(tb.rows),dir=th.getAttribute("data-dir")==="asc"?-1:1;
  th.setAttribute("data-dir",dir>0?"asc":"desc");
  rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i],xv=x.getAttribute("data-v"),yv=y.getAttribute("data-v");
   if(xv!==null&&yv!==null){return dir*(Number(xv)-Number(yv))}
   return dir*x.textContent.localeCompare(y.textContent)});
  rows.forEach(function(r){tb.appendChild(r)});
 })});
});
"#;

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <title>{}</title><style>{CSS}</style></head>\n<body>\n",
        escape(title)
    );
}

fn foot(out: &mut String) {
    let _ = write!(out, "<script>{JS}</script>\n</body></html>\n");
}

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

fn prf_line(name: &str, s: &Prf) -> String {
    format!(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        escape(name),
        pct(s.p()),
        pct(s.r()),
        pct(s.f1()),
        s.gold,
        s.pred
    )
}

/// The scores table of a comparison (one document or the batch).
pub fn scores_table(d: &DocDiff) -> String {
    let mut o = String::from(
        "<table class=\"scores\"><thead><tr><th>score</th><th>P %</th><th>R %</th><th>F1 %</th><th>gold</th><th>pred</th></tr></thead><tbody>",
    );
    if let Some(e) = &d.entities {
        o.push_str(&prf_line("entities (strict)", &e.strict));
        for (lab, s) in &e.per_label {
            o.push_str(&prf_line(&format!("  {lab}"), s));
        }
    }
    if let Some(q) = &d.quotes {
        if let Some(s) = q.prf.get(&("all".to_string(), Criterion::Gold30)) {
            o.push_str(&prf_line("quotes (g>=0.3)", s));
        }
        if let Some(s) = q.prf.get(&("all".to_string(), Criterion::Exact)) {
            o.push_str(&prf_line("quotes (exact)", s));
        }
    }
    o.push_str("</tbody></table>");
    if let Some(a) = d.quotes.as_ref().and_then(|q| q.attribution.get("all")) {
        let acc = |k: usize, n: usize| {
            if n == 0 {
                "–".to_string()
            } else {
                format!("{}% ({k}/{n})", pct(k as f64 / n as f64))
            }
        };
        let _ = write!(
            o,
            "<p>Speaker on matched quotes: strict {}, lenient {}; cue {}.</p>",
            acc(a.speaker_strict, a.speaker_n),
            acc(a.speaker_lenient, a.speaker_n),
            acc(a.cue_ok, a.cue_n)
        );
    }
    o
}

/// Where an error's spans are marked on the page: key of the predicted mark, key of the gold
/// mark.
type ErrorTargets = Vec<(Option<String>, Option<String>)>;

/// Error classes and titles on the predicted marks, gold marks for missed or moved spans.
#[derive(Default)]
struct ErrorMarks {
    /// Per entity row: descriptions of its errors.
    ent_err: HashMap<usize, Vec<String>>,
    /// Per quote row: descriptions of its errors.
    quote_err: HashMap<usize, Vec<String>>,
    /// Per error of the diff: where its spans are marked.
    targets: ErrorTargets,
    /// Gold spans the prediction missed or bounded otherwise.
    gold_marks: Vec<Mark>,
}

/// One document's page.
pub fn doc_page(p: &DocPage<'_>) -> String {
    let mut out = String::with_capacity(p.text.map_or(0, str::len) * 3 + 16_384);
    head(&mut out, &format!("{} · newsx review", p.doc_id));
    page_top(&mut out, p);
    let rec = p.rec;
    // First mention of each entity id: where a speaker links to.
    let mut first_mention: HashMap<&str, usize> = HashMap::new();
    for (i, e) in rec.entities.iter().enumerate() {
        if p.valid.entities[i] && !e.entity_id.is_empty() {
            first_mention.entry(e.entity_id.as_str()).or_insert(i);
        }
    }
    let canon: HashMap<&str, &str> = rec
        .entities
        .iter()
        .filter(|e| !e.entity_id.is_empty())
        .map(|e| (e.entity_id.as_str(), e.canonical.as_str()))
        .collect();

    let errs = p.diff.map(|d| error_marks(p, d)).unwrap_or_default();
    article(
        &mut out,
        p,
        &first_mention,
        errs.ent_err,
        errs.quote_err,
        errs.gold_marks,
    );
    quotes_table(&mut out, p, &first_mention);
    entities_table(&mut out, p);
    roles_list(&mut out, p, &canon, &first_mention);
    differences(&mut out, p, &errs.targets);
    out.push_str("</aside>\n</div>\n</div>\n");
    foot(&mut out);
    out
}

/// The page's title, facts, problems and legend, and the start of its columns.
fn page_top(out: &mut String, p: &DocPage<'_>) {
    let _ = write!(
        out,
        "<header><a href=\"../index.html\">← all documents</a></header>\n<div class=\"wrap\">\n<h1>{}</h1>\n",
        escape(p.doc_id)
    );
    let rec = p.rec;
    let status = rec.status.as_ref();
    let mut meta = Vec::new();
    if let Some(s) = status {
        if !s.path.is_empty() {
            meta.push(escape(&s.path));
        }
        if s.status == "error" {
            meta.push("<span class=\"status-error\">status: error</span>".to_string());
        } else if !s.status.is_empty() {
            meta.push(format!("status: {}", escape(&s.status)));
        }
    }
    if let Some(t) = p.text {
        meta.push(format!("{} characters", super::markup::char_len(t)));
    }
    meta.push(format!(
        "{} entity mentions, {} quotes, {} relations",
        rec.entities.len(),
        rec.quotes.len(),
        rec.relations.len()
    ));
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    if let Some(s) = status.filter(|s| !s.error.is_empty()) {
        let _ = writeln!(
            out,
            "<p class=\"warn error\" data-nx=\"doc-error\">newsx extract: {}</p>",
            escape(&s.error)
        );
    }
    if let Some(why) = &p.text_problem {
        let _ = writeln!(
            out,
            "<p class=\"warn error\" data-nx=\"text-problem\">{}</p>",
            escape(why)
        );
    }
    if !p.warnings.is_empty() {
        out.push_str("<div class=\"warn\" data-nx=\"warnings\"><b>Warnings</b><ul>");
        for w in &p.warnings {
            let _ = write!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str(
        "<div class=\"legend\"><span class=\"ent PER\">PER</span><span class=\"ent ORG\">ORG</span>\
         <span class=\"ent LOC\">LOC</span><span class=\"ent MISC\">MISC</span>\
         <span class=\"q q-direct\">direct quote</span><span class=\"q q-mixed\">mixed</span>\
         <span class=\"q q-indirect\">indirect</span><span class=\"cue\">cue</span>\
         <span class=\"spm\">speaker</span>",
    );
    if p.diff.is_some() {
        out.push_str(
            "<span class=\"gold\">gold span (missed or other boundary)</span><span class=\"err\">predicted, with an error</span>",
        );
    }
    out.push_str("</div>\n<div class=\"cols\">\n");
}

/// Where the errors of `d` are marked on the page of `p`.
fn error_marks(p: &DocPage<'_>, d: &DocDiff) -> ErrorMarks {
    let rec = p.rec;
    let mut ent_err: HashMap<usize, Vec<String>> = HashMap::new();
    let mut quote_err: HashMap<usize, Vec<String>> = HashMap::new();
    let mut targets: ErrorTargets = Vec::new();
    let mut gold_marks: Vec<Mark> = Vec::new();
    let mut ent_at: HashMap<(usize, usize, &str), usize> = HashMap::new();
    for (i, e) in rec.entities.iter().enumerate() {
        ent_at
            .entry((e.start, e.end, e.label.as_str()))
            .or_insert(i);
    }
    let mut quote_at: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, q) in rec.quotes.iter().enumerate() {
        quote_at.entry((q.start, q.end)).or_insert(i);
    }
    let n = p.text.map_or(0, super::markup::char_len);
    for (k, e) in d.errors.iter().enumerate() {
        let name = error_name(e.part, e.error);
        let what = describe_error(e);
        let pred_key = match (e.part, e.pred_start, e.pred_end) {
            ("entity", Some(s), Some(t)) => ent_at
                .get(&(s, t, e.pred_value.as_str()))
                .copied()
                .filter(|&i| p.valid.entities[i])
                .map(|i| {
                    ent_err.entry(i).or_default().push(what.clone());
                    format!("m{i}")
                }),
            ("quote", Some(s), Some(t)) => quote_at
                .get(&(s, t))
                .copied()
                .filter(|&i| p.valid.quotes[i])
                .map(|i| {
                    quote_err.entry(i).or_default().push(what.clone());
                    format!("q{i}")
                }),
            _ => None,
        };
        let mut gold_key = None;
        if let (Some(s), Some(t)) = (e.gold_start, e.gold_end) {
            if matches!(e.error, "false_negative" | "boundary") && s < t && t <= n {
                let key = format!("g{k}");
                gold_marks.push(Mark {
                    start: s,
                    end: t,
                    attrs: format!(
                        " class=\"gold\" data-k=\"{key}\" data-nx=\"gold\" title=\"{}\"",
                        escape(&format!("gold {}: {name}", e.part))
                    ),
                    id: Some(key.clone()),
                });
                gold_key = Some(key);
            }
        }
        targets.push((pred_key, gold_key));
    }
    ErrorMarks {
        ent_err,
        quote_err,
        targets,
        gold_marks,
    }
}

/// The article with its marks (entities, quotes, cues, speakers, gold spans).
fn article(
    out: &mut String,
    p: &DocPage<'_>,
    first_mention: &HashMap<&str, usize>,
    ent_err: HashMap<usize, Vec<String>>,
    quote_err: HashMap<usize, Vec<String>>,
    gold_marks: Vec<Mark>,
) {
    out.push_str("<article class=\"text\" id=\"text\" data-nx=\"text\">");
    if let Some(text) = p.text {
        let mut marks: Vec<Mark> = Vec::new();
        let mut inserts: Vec<Insert> = Vec::new();
        quote_marks(p, first_mention, &quote_err, &mut marks, &mut inserts);
        entity_marks(p, &ent_err, &mut marks);
        marks.extend(gold_marks);
        out.push_str(&render_marked(text, &marks, &inserts));
    }
    out.push_str("</article>\n<aside>\n");
}

/// The marks of the quotes (with cue and speaker) and the speaker labels after them.
fn quote_marks(
    p: &DocPage<'_>,
    first_mention: &HashMap<&str, usize>,
    quote_err: &HashMap<usize, Vec<String>>,
    marks: &mut Vec<Mark>,
    inserts: &mut Vec<Insert>,
) {
    for (i, q) in p.rec.quotes.iter().enumerate() {
        if !p.valid.quotes[i] {
            continue;
        }
        let mut title = format!(
            "{} · {} quote · speaker: {}",
            q.quote_id,
            if q.kind.is_empty() { "?" } else { &q.kind },
            if q.speaker.is_empty() {
                "(none)"
            } else {
                &q.speaker
            }
        );
        if !q.cue.is_empty() {
            let _ = write!(title, " · cue: {}", q.cue);
        }
        if !q.score.is_empty() {
            let _ = write!(title, " · score {}", q.score);
        }
        let mut class = format!("q q-{}", class_word(&q.kind));
        if let Some(errs) = quote_err.get(&i) {
            class.push_str(" err");
            for e in errs {
                let _ = write!(title, " · {e}");
            }
        }
        marks.push(Mark {
            start: q.start,
            end: q.end,
            attrs: format!(
                " class=\"{class}\" data-k=\"q{i}\" data-q=\"{}\" title=\"{}\"",
                escape(&q.quote_id),
                escape(&title)
            ),
            id: Some(format!("q{i}")),
        });
        if let (Some((s, e)), true) = (q.cue_span, p.valid.cues[i]) {
            marks.push(Mark {
                start: s,
                end: e,
                attrs: format!(
                    " class=\"cue\" data-k=\"c{i}\" title=\"{}\"",
                    escape(&format!("cue of {}", q.quote_id))
                ),
                id: None,
            });
        }
        if let (Some((s, e)), true) = (q.speaker_span, p.valid.speakers[i]) {
            marks.push(Mark {
                start: s,
                end: e,
                attrs: format!(
                    " class=\"spm\" data-k=\"s{i}\" title=\"{}\"",
                    escape(&format!("speaker of {}: {}", q.quote_id, q.speaker))
                ),
                id: Some(format!("s{i}")),
            });
        }
        inserts.push(Insert {
            at: q.end,
            html: speaker_label(i, q, first_mention, p.valid.speakers[i]),
        });
    }
}

/// The marks of the entity mentions.
fn entity_marks(p: &DocPage<'_>, ent_err: &HashMap<usize, Vec<String>>, marks: &mut Vec<Mark>) {
    for (i, e) in p.rec.entities.iter().enumerate() {
        if !p.valid.entities[i] {
            continue;
        }
        let mut title = String::new();
        if !e.entity_id.is_empty() {
            let _ = write!(title, "{} · ", e.entity_id);
        }
        title.push_str(&e.label);
        if !e.canonical.is_empty() {
            let _ = write!(title, " · {}", e.canonical);
        }
        if !e.score.is_empty() {
            let _ = write!(title, " · score {}", e.score);
        }
        let mut class = format!("ent {}", class_word(&e.label));
        if let Some(errs) = ent_err.get(&i) {
            class.push_str(" err");
            for x in errs {
                let _ = write!(title, " · {x}");
            }
        }
        marks.push(Mark {
            start: e.start,
            end: e.end,
            attrs: format!(
                " class=\"{class}\" data-k=\"m{i}\" data-e=\"{}\" title=\"{}\"",
                escape(&e.entity_id),
                escape(&title)
            ),
            id: Some(format!("m{i}")),
        });
    }
}

/// The quotes table.
fn quotes_table(out: &mut String, p: &DocPage<'_>, first_mention: &HashMap<&str, usize>) {
    let rec = p.rec;
    let _ = writeln!(out, "<h2>Quotes ({})</h2>", rec.quotes.len());
    if !rec.quotes.is_empty() {
        out.push_str("<table class=\"quotes\"><thead><tr><th>id</th><th>kind</th><th>quote</th><th>cue</th><th>speaker</th><th>score</th></tr></thead><tbody>\n");
        for (i, q) in rec.quotes.iter().enumerate() {
            let spk = if q.speaker.is_empty() {
                "–".to_string()
            } else {
                link_speaker(i, q, first_mention, p.valid.speakers[i])
            };
            let _ = writeln!(
                out,
                "<tr data-nx=\"quote-row\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                link_if(p.valid.quotes[i], &format!("q{i}"), &escape(&q.quote_id)),
                escape(&q.kind),
                escape(&shorten(&q.text, 140)),
                escape(&q.cue),
                spk,
                escape(&q.score)
            );
        }
        out.push_str("</tbody></table>\n");
    }
}

/// The entities table, by entity id.
fn entities_table(out: &mut String, p: &DocPage<'_>) {
    let rec = p.rec;
    let mut ents: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut ent_pos: HashMap<&str, usize> = HashMap::new();
    for (i, e) in rec.entities.iter().enumerate() {
        let key = if e.entity_id.is_empty() {
            ""
        } else {
            e.entity_id.as_str()
        };
        match ent_pos.get(key) {
            Some(&k) => ents[k].1.push(i),
            None => {
                ent_pos.insert(key, ents.len());
                ents.push((key, vec![i]));
            }
        }
    }
    let n_ids = ents.iter().filter(|(k, _)| !k.is_empty()).count();
    let _ = writeln!(
        out,
        "<h2>Entities ({n_ids} entities, {} mentions)</h2>",
        rec.entities.len()
    );
    if !rec.entities.is_empty() {
        out.push_str("<table class=\"entities\"><thead><tr><th>id</th><th>label</th><th>canonical</th><th>mentions</th></tr></thead><tbody>\n");
        for (id, idx) in &ents {
            let e0 = &rec.entities[idx[0]];
            let mentions: Vec<String> = idx
                .iter()
                .map(|&i| {
                    link_if(
                        p.valid.entities[i],
                        &format!("m{i}"),
                        &escape(&rec.entities[i].text),
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td data-e=\"{}\">{}</td><td><span class=\"ent {}\">{}</span></td><td>{}</td><td>{}</td></tr>",
                escape(id),
                escape(id),
                class_word(&e0.label),
                escape(&e0.label),
                escape(&e0.canonical),
                mentions.join(", ")
            );
        }
        out.push_str("</tbody></table>\n");
    }
}

/// The roles (`has_role` relations).
fn roles_list(
    out: &mut String,
    p: &DocPage<'_>,
    canon: &HashMap<&str, &str>,
    first_mention: &HashMap<&str, usize>,
) {
    let rec = p.rec;
    let roles: Vec<_> = rec
        .relations
        .iter()
        .filter(|r| r.relation == "has_role")
        .collect();
    let _ = writeln!(out, "<h2>Roles ({})</h2>", roles.len());
    if !roles.is_empty() {
        out.push_str("<ul class=\"roles\">");
        for r in roles {
            let who = canon
                .get(r.subject_id.as_str())
                .copied()
                .filter(|c| !c.is_empty())
                .unwrap_or(r.subject_id.as_str());
            let target = first_mention
                .get(r.subject_id.as_str())
                .map(|&i| format!("m{i}"));
            let who_html = match target {
                Some(t) => format!(
                    "<a href=\"#{t}\" data-e=\"{}\">{}</a>",
                    escape(&r.subject_id),
                    escape(who)
                ),
                None => escape(who),
            };
            let _ = write!(
                out,
                "<li data-nx=\"role\">{who_html} ({}): {}</li>",
                escape(&r.subject_id),
                escape(&r.object_text)
            );
        }
        out.push_str("</ul>\n");
    }
}

/// The differences from gold and the scores, or why there are none.
fn differences(out: &mut String, p: &DocPage<'_>, targets: &ErrorTargets) {
    if let Some(d) = p.diff {
        let _ = writeln!(out, "<h2>Differences from gold ({})</h2>", d.errors.len());
        if d.errors.is_empty() {
            out.push_str("<p>None.</p>\n");
        } else {
            out.push_str("<table class=\"diffs\"><thead><tr><th>part</th><th>difference</th><th>gold</th><th>predicted</th><th>detail</th></tr></thead><tbody>\n");
            for (e, (pk, gk)) in d.errors.iter().zip(targets) {
                let side = |s: Option<usize>,
                            t: Option<usize>,
                            text: &str,
                            value: &str,
                            key: &Option<String>| {
                    let (Some(s), Some(t)) = (s, t) else {
                        return "–".to_string();
                    };
                    let mut h = format!("“{}” [{s}, {t})", escape(text));
                    if !value.is_empty() {
                        let _ = write!(h, " <b>{}</b>", escape(value));
                    }
                    match key {
                        Some(k) => format!("<a href=\"#{k}\">{h}</a>"),
                        None => h,
                    }
                };
                let _ = writeln!(
                    out,
                    "<tr data-nx=\"diff\" data-error=\"{}\" data-part=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e.error,
                    e.part,
                    e.part,
                    error_name(e.part, e.error),
                    side(e.gold_start, e.gold_end, &e.gold_text, &e.gold_value, gk),
                    side(e.pred_start, e.pred_end, &e.pred_text, &e.pred_value, pk),
                    escape(&e.detail)
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out.push_str("<h2>Scores against gold</h2>\n");
        out.push_str(&scores_table(d));
    } else if p.gold_given {
        out.push_str(
            "<h2>Differences from gold</h2><p>This document is not in the gold set.</p>\n",
        );
    }
}

/// A one-line description of an error for a mark's title.
fn describe_error(e: &crate::eval::matching::ErrorRow) -> String {
    let name = error_name(e.part, e.error);
    match e.error {
        "type" | "speaker" | "cue" => format!("{name}: gold {:?}", e.gold_value),
        "boundary" => format!("{name}: gold “{}”", e.gold_text),
        _ => name.to_string(),
    }
}

/// A class name made of ASCII letters only (labels and kinds come from CSV cells).
fn class_word(s: &str) -> String {
    let w: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if w.is_empty() {
        "none".to_string()
    } else {
        w
    }
}

fn link_if(ok: bool, key: &str, html: &str) -> String {
    if ok {
        format!("<a href=\"#{key}\">{html}</a>")
    } else {
        html.to_string()
    }
}

/// The speaker of quote `i`, linked to its entity's first mention (hovering highlights all of
/// them) or else to the speaker mention.
fn link_speaker(
    i: usize,
    q: &super::data::QuoteRec,
    first: &HashMap<&str, usize>,
    span_ok: bool,
) -> String {
    let name = escape(&q.speaker);
    if let Some(&m) = first.get(q.speaker_entity_id.as_str()) {
        format!(
            "<a href=\"#m{m}\" data-e=\"{}\">{name}</a>",
            escape(&q.speaker_entity_id)
        )
    } else if span_ok && q.speaker_span.is_some() {
        format!("<a href=\"#s{i}\">{name}</a>")
    } else {
        name
    }
}

/// The label shown right after a quote: its speaker. `data-nx="label"` marks it as no part of
/// the article text.
fn speaker_label(
    i: usize,
    q: &super::data::QuoteRec,
    first: &HashMap<&str, usize>,
    span_ok: bool,
) -> String {
    let name = if q.speaker.is_empty() {
        "no speaker".to_string()
    } else {
        escape(&q.speaker)
    };
    let title = escape(&format!("speaker of {}", q.quote_id));
    let (href, e) = match first.get(q.speaker_entity_id.as_str()) {
        Some(&m) => (
            Some(format!("#m{m}")),
            format!(" data-e=\"{}\"", escape(&q.speaker_entity_id)),
        ),
        None if span_ok && q.speaker_span.is_some() => (Some(format!("#s{i}")), String::new()),
        None => (None, String::new()),
    };
    match href {
        Some(h) => format!(
            "<a class=\"spk\" data-nx=\"label\" data-for=\"q{i}\" href=\"{h}\"{e} title=\"{title}\">{name}</a>"
        ),
        None => format!(
            "<span class=\"spk\" data-nx=\"label\" data-for=\"q{i}\" title=\"{title}\">{name}</span>"
        ),
    }
}

/// At most `n` characters of `s`, with an ellipsis when cut.
fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// A horizontal bar chart as inline SVG: one bar per `(label, value)`, in the order given.
pub fn bar_chart(caption: &str, rows: &[(String, usize)], unit: &str) -> String {
    const W: usize = 520;
    const LABEL_W: usize = 190;
    const ROW_H: usize = 20;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let h = ROW_H * rows.len().max(1) + 8;
    let mut o = format!(
        "<figure data-nx=\"chart\"><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{h}\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\">",
        escape(caption),
        escape(caption)
    );
    if rows.is_empty() {
        o.push_str("<text x=\"4\" y=\"16\" font-size=\"12\" fill=\"#777\">nothing to show</text>");
    }
    let bar_w = W - LABEL_W - 50;
    for (k, (label, v)) in rows.iter().enumerate() {
        let y = 4 + k * ROW_H;
        let w = (bar_w * v).div_ceil(max);
        let _ = write!(
            o,
            "<g><title>{}: {v} {}</title><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL_W}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#4a7bb0\"></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{v}</text></g>",
            escape(label),
            escape(unit),
            LABEL_W - 6,
            y + 14,
            escape(&shorten(label, 28)),
            y + 3,
            ROW_H - 6,
            LABEL_W + w + 4,
            y + 14,
        );
    }
    o.push_str("</svg></figure>");
    o
}

fn num_cell(v: Option<usize>) -> String {
    match v {
        Some(v) => format!("<td class=\"n\" data-v=\"{v}\">{v}</td>"),
        None => "<td class=\"n\" data-v=\"-1\">–</td>".to_string(),
    }
}

fn score_cell(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("<td class=\"n\" data-v=\"{v:.4}\">{}</td>", pct(v)),
        None => "<td class=\"n\" data-v=\"-1\">–</td>".to_string(),
    }
}

/// The index page: batch summary, charts, and one sortable row per document.
pub fn index_page(s: &Summary, rows: &[IndexRow]) -> String {
    let mut out = String::with_capacity(4096 + rows.len() * 400);
    head(&mut out, &format!("{} · newsx review", s.title));
    let _ = write!(
        out,
        "<header>newsx review</header>\n<div class=\"wrap\">\n<h1>{}</h1>\n",
        escape(&s.title)
    );
    let n_err = rows.iter().filter(|r| r.status == "error").count();
    let _ = writeln!(
        out,
        "<p class=\"meta\" data-nx=\"totals\">{} documents ({} with status error, {} with warnings) · {} entity mentions · {} quotes · {} relations</p>",
        rows.len(),
        n_err,
        rows.iter().filter(|r| r.warnings > 0 || r.text_problem).count(),
        s.entities_by_label.iter().map(|x| x.1).sum::<usize>(),
        rows.iter().map(|r| r.quotes).sum::<usize>(),
        rows.iter().map(|r| r.relations).sum::<usize>()
    );
    if let Some(g) = &s.gold {
        let _ = writeln!(
            out,
            "<h2>Against gold: {}</h2>\n<p>{} differences in {} scored documents.</p>",
            escape(&g.0),
            g.1.errors.len(),
            g.2
        );
        out.push_str(&scores_table(&g.1));
    }
    out.push_str("<h2>Summary</h2>\n<div class=\"charts\">\n");
    out.push_str(&bar_chart(
        "People quoted most (quotes, by canonical name)",
        &s.top_speakers,
        "quotes",
    ));
    out.push_str(&bar_chart(&s.quotes_caption, &s.quotes_chart, "documents"));
    out.push_str(&bar_chart(
        "Entity mentions by label",
        &s.entities_by_label,
        "mentions",
    ));
    out.push_str("</div>\n<h2>Documents</h2>\n<table class=\"sortable docs\" id=\"docs\"><thead><tr><th>document</th><th>status</th><th>chars</th><th>entities</th><th>quotes</th><th>relations</th><th>warnings</th>");
    let gold = s.gold.is_some();
    if gold {
        out.push_str("<th>differences</th><th>entity F1 %</th><th>quote F1 %</th>");
    }
    out.push_str("<th>error</th></tr></thead><tbody>\n");
    for r in rows {
        let status_class = if r.status == "error" {
            " class=\"status-error\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr data-nx=\"doc-row\"><td><a href=\"{}\">{}</a></td><td{status_class}>{}</td>{}{}{}{}{}",
            escape(&r.file),
            escape(&r.doc_id),
            escape(if r.status.is_empty() { "?" } else { &r.status }),
            num_cell(r.chars),
            num_cell(Some(r.entities)),
            num_cell(Some(r.quotes)),
            num_cell(Some(r.relations)),
            num_cell(Some(r.warnings + usize::from(r.text_problem))),
        );
        if gold {
            match &r.diff {
                Some((n, ef, qf)) => {
                    let _ = write!(
                        out,
                        "{}{}{}",
                        num_cell(Some(*n)),
                        score_cell(*ef),
                        score_cell(*qf)
                    );
                }
                None => out.push_str(&format!(
                    "{}{}{}",
                    num_cell(None),
                    score_cell(None),
                    score_cell(None)
                )),
            }
        }
        let _ = writeln!(out, "<td>{}</td></tr>", escape(&r.error));
    }
    out.push_str("</tbody></table>\n</div>\n");
    foot(&mut out);
    out
}
