//! `newsx view` (issue 12): the report of `corpus/`, of a hostile document, against a modified
//! gold set, and (where Chromium is installed) in a real browser.
//!
//! Every page is read back (the written HTML, and the live DOM from Chromium) and every entity,
//! quote, cue and speaker row of the CSV files is checked to be marked at exactly its text.

mod dom;

use crate::util::{root, run, show, tempdir, write};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Row = BTreeMap<String, String>;

/// The rows of `dir/file` by doc_id, in file order (the guard stripped from text cells).
fn rows_by_doc(dir: &Path, file: &str) -> BTreeMap<String, Vec<Row>> {
    let mut out: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let p = dir.join(file);
    if !p.exists() {
        return out;
    }
    let mut rd = csv::Reader::from_path(&p).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    for rec in rd.records() {
        let rec = rec.unwrap();
        let row: Row = header
            .iter()
            .cloned()
            .zip(rec.iter().map(|c| newsx::output::unguard(c).to_string()))
            .collect();
        out.entry(row["doc_id"].clone()).or_default().push(row);
    }
    out
}

fn chars(text: &str, s: usize, e: usize) -> String {
    text.chars().skip(s).take(e - s).collect()
}

fn num(r: &Row, k: &str) -> Option<usize> {
    r.get(k)
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
}

/// Check one page's article against the document text and its CSV rows; returns the problems.
fn check_article(html: &str, text: &str, ents: &[Row], quotes: &[Row]) -> Vec<String> {
    let a = dom::article(&dom::parse(html));
    let mut bad = Vec::new();
    if a.text != text {
        bad.push(format!(
            "article text differs from the document:\n{:?}\n{:?}",
            a.text, text
        ));
    }
    if !a.foreign.is_empty() {
        bad.push(format!("foreign elements in the article: {:?}", a.foreign));
    }
    let expect = |bad: &mut Vec<String>, key: String, s: usize, e: usize, what: &str| {
        let want = chars(text, s, e);
        let m = a.marks.get(&key);
        match m {
            None => bad.push(format!("{what} {key} [{s},{e}) {want:?} is not marked")),
            Some(m) if (m.start, m.end) != (s, e) || m.text != want || !m.contiguous => {
                bad.push(format!(
                    "{what} {key}: marked [{},{}) {:?} (contiguous {}), expected [{s},{e}) {want:?}",
                    m.start, m.end, m.text, m.contiguous
                ))
            }
            Some(_) => {}
        }
        m.cloned()
    };
    for (i, r) in ents.iter().enumerate() {
        let (s, e) = (num(r, "start").unwrap(), num(r, "end").unwrap());
        if let Some(m) = expect(&mut bad, format!("m{i}"), s, e, "entity") {
            let id = r.get("entity_id").map(String::as_str).unwrap_or("");
            if m.attrs.get("data-e").map(String::as_str) != Some(id) {
                bad.push(format!(
                    "entity m{i}: data-e {:?}, expected {id:?}",
                    m.attrs.get("data-e")
                ));
            }
            if !m.class.split(' ').any(|c| c == r["label"]) {
                bad.push(format!(
                    "entity m{i}: class {:?} lacks {}",
                    m.class, r["label"]
                ));
            }
            for k in ["entity_id", "canonical"] {
                let v = r.get(k).map(String::as_str).unwrap_or("");
                if !m.title.contains(v) {
                    bad.push(format!("entity m{i}: title {:?} lacks {k} {v:?}", m.title));
                }
            }
        }
    }
    for (i, r) in quotes.iter().enumerate() {
        let (s, e) = (num(r, "start").unwrap(), num(r, "end").unwrap());
        if let Some(m) = expect(&mut bad, format!("q{i}"), s, e, "quote") {
            let kind = r.get("kind").cloned().unwrap_or_default();
            if !kind.is_empty() && !m.class.split(' ').any(|c| c == format!("q-{kind}")) {
                bad.push(format!("quote q{i}: class {:?} lacks q-{kind}", m.class));
            }
        }
        if let (Some(s), Some(e)) = (num(r, "cue_start"), num(r, "cue_end")) {
            expect(&mut bad, format!("c{i}"), s, e, "cue");
        }
        if let (Some(s), Some(e)) = (num(r, "speaker_start"), num(r, "speaker_end")) {
            expect(&mut bad, format!("s{i}"), s, e, "speaker");
        }
        let spk = r.get("speaker").cloned().unwrap_or_default();
        let want = if spk.is_empty() {
            "no speaker".to_string()
        } else {
            spk
        };
        if a.labels.get(&format!("q{i}")) != Some(&want) {
            bad.push(format!(
                "quote q{i}: label beside it {:?}, expected {want:?}",
                a.labels.get(&format!("q{i}"))
            ));
        }
    }
    bad
}

/// The page file of each document, from the index.
fn pages(index_html: &str) -> BTreeMap<String, String> {
    let root = dom::parse(index_html);
    root.find(|e| e.attr("data-nx") == Some("doc-row"))
        .into_iter()
        .map(|tr| {
            let a = tr.find(|e| e.tag == "a")[0];
            (a.text(), a.attr("href").unwrap().to_string())
        })
        .collect()
}

/// Check every page of the report in `report` built from `out_dir` and the texts in `texts`;
/// `load` reads a page (the file, or the browser's DOM of it).
fn check_report(
    report: &Path,
    out_dir: &Path,
    texts: &BTreeMap<String, String>,
    load: &dyn Fn(&Path) -> String,
) {
    let ents = rows_by_doc(out_dir, "entities.csv");
    let quotes = rows_by_doc(out_dir, "quotes.csv");
    let index = load(&report.join("index.html"));
    let pages = pages(&index);
    let mut checked = 0;
    for (doc, text) in texts {
        let page = pages
            .get(doc)
            .unwrap_or_else(|| panic!("{doc} is not in the index"));
        let html = load(&report.join(page));
        let e = ents.get(doc).cloned().unwrap_or_default();
        let q = quotes.get(doc).cloned().unwrap_or_default();
        let bad = check_article(&html, text, &e, &q);
        assert!(bad.is_empty(), "{doc}:\n{}", bad.join("\n"));
        checked += e.len() + q.len();
    }
    assert!(checked > 0, "nothing was checked");
}

fn corpus_texts() -> BTreeMap<String, String> {
    [
        "chip-plant",
        "flood-warning",
        "harbour-bridge",
        "marathon",
        "seed",
    ]
    .iter()
    .map(|d| {
        let t = std::fs::read_to_string(root().join(format!("corpus/{d}.txt"))).unwrap();
        (
            d.to_string(),
            t.strip_prefix('\u{feff}').unwrap_or(&t).to_string(),
        )
    })
    .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `extract` on corpus/ into `dir/out`, then `view` into `dir/view`.
fn corpus_report(dir: &Path) -> (PathBuf, PathBuf) {
    let out = dir.join("out");
    let o = run(&[
        "extract",
        "corpus",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let view = dir.join("view");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        "corpus",
        "--out",
        view.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    (out, view)
}

#[test]
fn view_marks_every_entity_and_quote_of_corpus() {
    let dir = tempdir();
    let (out, view) = corpus_report(dir.path());
    check_report(&view, &out, &corpus_texts(), &|p| dom::source(read(p)));
    // The sample article: the two direct quotes with their speakers.
    let seed = read(&view.join("docs/seed.html"));
    let root = dom::parse(&seed);
    let a = dom::article(&root);
    let direct: Vec<String> = a
        .marks
        .iter()
        .filter(|(k, m)| k.starts_with('q') && m.class.split(' ').any(|c| c == "q-direct"))
        .map(|(k, _)| a.labels[k].clone())
        .collect();
    assert_eq!(direct, ["an Israeli official", "Osama Hamdan"]);
    // Roles are listed.
    let roles: Vec<String> = root
        .find(|e| e.attr("data-nx") == Some("role"))
        .iter()
        .map(|e| e.text())
        .collect();
    assert!(
        roles
            .iter()
            .any(|r| r.contains("Osama Hamdan") && r.contains("senior Hamas official")),
        "{roles:?}"
    );
}

#[test]
fn view_of_gold_and_a_page_per_gold_document() {
    // The gold set is a folder in the contract too: view it as an output folder.
    let dir = tempdir();
    let view = dir.path().join("view");
    let o = run(&[
        "view",
        "corpus/gold",
        "--input",
        "corpus",
        "--out",
        view.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    check_report(&view, &root().join("corpus/gold"), &corpus_texts(), &|p| {
        dom::source(read(p))
    });
}

/// Text of the differences table of a page: `(part, error, gold cell, predicted cell)`.
fn diffs(html: &str) -> Vec<(String, String, String, String)> {
    dom::parse(html)
        .find(|e| e.attr("data-nx") == Some("diff"))
        .iter()
        .map(|tr| {
            let cells: Vec<&dom::Element> = tr.find(|e| e.tag == "td");
            (
                tr.attr("data-part").unwrap().to_string(),
                tr.attr("data-error").unwrap().to_string(),
                cells[2].text(),
                cells[3].text(),
            )
        })
        .collect()
}

#[test]
fn view_gold_with_one_entity_removed_and_one_speaker_changed_shows_those_two() {
    let dir = tempdir();
    let gold = dir.path().join("gold");
    std::fs::create_dir_all(&gold).unwrap();
    let src = root().join("corpus/gold");
    for f in ["documents.csv", "relations.csv"] {
        std::fs::copy(src.join(f), gold.join(f)).unwrap();
    }
    // One entity removed: chip-plant's "Magdeburg".
    let ents = read(&src.join("entities.csv"));
    let removed = "chip-plant,92,101,Magdeburg,LOC,E3,Magdeburg,\n";
    assert!(ents.contains(removed));
    write(&gold, "entities.csv", ents.replacen(removed, "", 1));
    // One speaker changed: seed's quote by Osama Hamdan that he "asserted".
    let quotes = read(&src.join("quotes.csv"));
    let mut changed = 0;
    let q: Vec<String> = quotes
        .lines()
        .map(|l| {
            if l.starts_with("seed,") && l.contains(",asserted,") && changed == 0 {
                changed += 1;
                assert!(l.ends_with(",Osama Hamdan,"), "{l}");
                format!(
                    "{}Benjamin Netanyahu,",
                    &l[..l.len() - "Osama Hamdan,".len()]
                )
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(changed, 1);
    write(&gold, "quotes.csv", q.join("\n") + "\n");

    let view = dir.path().join("view");
    let o = run(&[
        "view",
        "corpus/gold",
        "--input",
        "corpus",
        "--out",
        view.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let mut all = Vec::new();
    for d in [
        "chip-plant",
        "flood-warning",
        "harbour-bridge",
        "marathon",
        "seed",
    ] {
        for x in diffs(&read(&view.join(format!("docs/{d}.html")))) {
            all.push((d.to_string(), x));
        }
    }
    assert_eq!(all.len(), 2, "{all:#?}");
    let (d, (part, err, g, p)) = &all[0];
    assert_eq!(
        (d.as_str(), part.as_str(), err.as_str()),
        ("chip-plant", "entity", "false_positive")
    );
    assert_eq!(g, "–");
    assert!(
        p.contains("Magdeburg") && p.contains("[92, 101)") && p.contains("LOC"),
        "{p}"
    );
    let (d, (part, err, g, p)) = &all[1];
    assert_eq!(
        (d.as_str(), part.as_str(), err.as_str()),
        ("seed", "quote", "speaker")
    );
    assert!(g.contains("Benjamin Netanyahu"), "{g}");
    assert!(p.contains("Osama Hamdan"), "{p}");
    // The index counts the same two, and `eval` agrees.
    let totals = read(&view.join("index.html"));
    assert!(totals.contains("<p>2 differences in 5 scored documents.</p>"));
    let ev = dir.path().join("eval");
    let o = run(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--pred",
        "corpus/gold",
        "--out",
        ev.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let (_, rows) = crate::util::read_csv(&ev.join("errors.csv"));
    assert_eq!(rows.len(), 2, "{rows:?}");
}

#[test]
fn view_differences_agree_with_eval_on_the_corpus() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let o = run(&[
        "extract",
        "corpus",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let view = dir.path().join("view");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        "corpus",
        "--out",
        view.to_str().unwrap(),
        "--gold",
        "corpus/gold",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let ev = dir.path().join("eval");
    let o = run(&[
        "eval",
        "--gold",
        "corpus/gold",
        "--pred",
        out.to_str().unwrap(),
        "--out",
        ev.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let (h, rows) = crate::util::read_csv(&ev.join("errors.csv"));
    let (dc, ec) = (
        h.iter().position(|c| c == "doc_id").unwrap(),
        h.iter().position(|c| c == "error").unwrap(),
    );
    let mut from_eval: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[dc].clone(), r[ec].clone()))
        .collect();
    let mut from_view = Vec::new();
    for d in corpus_texts().keys() {
        for (_, err, _, _) in diffs(&read(&view.join(format!("docs/{d}.html")))) {
            from_view.push((d.clone(), err));
        }
    }
    from_eval.sort();
    from_view.sort();
    assert!(!from_eval.is_empty());
    assert_eq!(from_view, from_eval);
}

// ------------------------------------------------------------------ a hostile document

const HOSTILE: &str = "Breaking: <script>document.title='PWNED'</script> \u{201c}Zo\u{eb} \u{141}awniczak\u{201d} said \u{201c}it\u{2019}s fine \u{1f3c3}\u{200d}\u{2640}\u{fe0f}\u{201d} today.\r\n\
<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\"> A&amp;B Corp. <b>bold</b> </article><script>document.title='PWNED2'</script>\r\n\
Na\u{ef}ve cafe\u{301} owner Jose\u{301} Nu\u{303}nez told reporters: \u{201c}We\u{2019}ll stay.\u{201d} <!-- x --> ]]> <svg onload=\"document.body.setAttribute('data-pwned','yes')\"></svg> \u{1F1EB}\u{1F1F7} end\r\n";

/// `(start, end)` in code points of the `nth` occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let (b, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?}"));
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

/// An output folder written by hand for [`HOSTILE`] (doc `hostile`) and an unreadable document
/// (`broken`, status error), with crossing and nested spans and markup in every text cell.
fn hostile_fixture(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("in");
    write(&input, "hostile.txt", format!("\u{feff}{HOSTILE}"));
    write(&input, "broken.txt", b"not \xff UTF-8");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let t = HOSTILE;
    let zoe = at(t, "Zo\u{eb} \u{141}awniczak", 0);
    let jose = at(t, "Jose\u{301} Nu\u{303}nez", 0);
    let corp = at(t, "A&amp;B Corp.", 0);
    let script = at(t, "<script>document.title='PWNED'</script>", 0);
    // Crosses the end of quote 1.
    let runner = at(t, "fine \u{1f3c3}\u{200d}\u{2640}\u{fe0f}\u{201d} today", 0);
    let flag = at(t, "\u{1F1EB}\u{1F1F7}", 0);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(newsx::output::ENTITY_COLUMNS).unwrap();
    let canon_zoe = "Zo\u{eb} \"><script>document.title='PWNED3'</script>";
    let text = |s: (usize, usize)| chars(t, s.0, s.1);
    let mut ents = vec![
        (script, "MISC", "E1", "<script>"),
        (zoe, "PER", "E2", canon_zoe),
        (runner, "MISC", "E3", "<img src=x onerror=alert(1)>"),
        (corp, "ORG", "E4", "A&amp;B Corp."),
        (jose, "PER", "E5", "Jose\u{301} Nu\u{303}nez"),
        (flag, "LOC", "E6", "France"),
    ];
    ents.sort_by_key(|e| e.0);
    for (s, label, id, canon) in &ents {
        w.write_record([
            "hostile",
            &s.0.to_string(),
            &s.1.to_string(),
            &newsx::output::guard(&text(*s)),
            label,
            id,
            &newsx::output::guard(canon),
            "0.5",
        ])
        .unwrap();
    }
    write(&out, "entities.csv", w.into_inner().unwrap());
    let q1 = at(t, "it\u{2019}s fine \u{1f3c3}\u{200d}\u{2640}\u{fe0f}", 0);
    let said = at(t, "said", 0);
    // Indirect, over the CRLF, crossing the start of "A&amp;B Corp.".
    let q2 = at(
        t,
        "today.\r\n<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\"> A&amp;B",
        0,
    );
    let q3 = at(t, "We\u{2019}ll stay.", 0);
    let told = at(t, "told reporters", 0);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(newsx::output::QUOTE_COLUMNS).unwrap();
    let n = |x: usize| x.to_string();
    let quotes = [
        ("Q1", "direct", q1, "said", said, zoe, "E2", canon_zoe),
        (
            "Q2",
            "indirect",
            q2,
            "said",
            said,
            zoe,
            "",
            "<b>someone</b>",
        ),
        (
            "Q3",
            "direct",
            q3,
            "told reporters",
            told,
            jose,
            "E5",
            "Jose\u{301} Nu\u{303}nez",
        ),
    ];
    for (id, kind, s, cue, c, sp, eid, speaker) in quotes {
        w.write_record([
            "hostile",
            id,
            kind,
            &n(s.0),
            &n(s.1),
            &newsx::output::guard(&text(s)),
            cue,
            &n(c.0),
            &n(c.1),
            &text(sp),
            &n(sp.0),
            &n(sp.1),
            eid,
            &newsx::output::guard(speaker),
            "0.7",
        ])
        .unwrap();
    }
    write(&out, "quotes.csv", w.into_inner().unwrap());
    write(
        &out,
        "relations.csv",
        format!(
            "doc_id,relation_id,subject_id,relation,object_id,object_text,start,end,score\n\
             hostile,R1,E5,has_role,,\"<i>owner</i> & \"\"boss\"\"\",{},{},0.7\n",
            jose.0 - 6,
            jose.1
        ),
    );
    write(
        &out,
        "documents.csv",
        format!(
            "doc_id,path,status,chars,entities,quotes,error\n\
             broken,in/broken.txt,error,,0,0,<b>not valid UTF-8</b> at byte 4\n\
             hostile,in/hostile.txt,ok,{},{},3,\n",
            t.chars().count(),
            ents.len()
        ),
    );
    (input, out)
}

fn hostile_report(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (input, out) = hostile_fixture(dir);
    let view = dir.join("view");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--out",
        view.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    (input, out, view)
}

/// The article's markup ran nowhere: no element came from it, the title is ours, the only
/// script is ours.
fn assert_nothing_ran(html: &str, title: &str) {
    let root = dom::parse(html);
    let titles: Vec<String> = root
        .find(|e| e.tag == "title")
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(titles, [title]);
    let scripts = root.find(|e| e.tag == "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].text(), newsx::view::html::JS);
    for e in root.all() {
        let tag = e.tag.as_str();
        assert!(
            !matches!(tag, "img" | "svg" | "iframe" | "object"),
            "a {tag} element"
        );
        assert!(!e.attrs.contains_key("data-pwned"), "an article script ran");
        assert!(
            !e.attrs.keys().any(|k| k.starts_with("on")),
            "event handler {:?}",
            e.attrs
        );
    }
}

#[test]
fn view_escapes_a_hostile_document_and_marks_odd_characters() {
    let dir = tempdir();
    let (_, out, view) = hostile_report(dir.path());
    let texts: BTreeMap<String, String> = [("hostile".to_string(), HOSTILE.to_string())].into();
    check_report(&view, &out, &texts, &|p| dom::source(read(p)));
    let page = read(&view.join("docs/hostile.html"));
    assert_nothing_ran(&page, "hostile · newsx review");
    assert!(page.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    assert!(page.contains("&#13;\n"), "CR kept as a reference");
    // Role, error row of the broken document.
    let root = dom::parse(&page);
    let roles: Vec<String> = root
        .find(|e| e.attr("data-nx") == Some("role"))
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(
        roles,
        ["Jose\u{301} Nu\u{303}nez (E5): <i>owner</i> & \"boss\""]
    );
    let broken = dom::parse(&read(&view.join("docs/broken.html")));
    let err = broken.find(|e| e.attr("data-nx") == Some("doc-error"));
    assert_eq!(
        err[0].text(),
        "newsx extract: <b>not valid UTF-8</b> at byte 4"
    );
    let index = read(&view.join("index.html"));
    assert!(index.contains("<td class=\"status-error\">error</td>"));
    assert!(index.contains("&lt;b&gt;not valid UTF-8&lt;/b&gt; at byte 4"));
}

#[test]
fn view_output_is_deterministic() {
    let dir = tempdir();
    let (input, out, view) = hostile_report(dir.path());
    let again = dir.path().join("again");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", show(&o));
    for f in ["index.html", "docs/hostile.html", "docs/broken.html"] {
        assert_eq!(
            std::fs::read(view.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn view_malformed_csv_names_file_line_and_column() {
    let dir = tempdir();
    let out = dir.path().join("out");
    write(
        &out,
        "entities.csv",
        "doc_id,start,end,text,label,entity_id,canonical,score\nseed,0,6,Recent,ORG,E1,Recent,\nseed,x7,9,ab,ORG,E2,ab,\n",
    );
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        "corpus",
        "--out",
        dir.path().join("v").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "entities.csv: line 3, column 2: start: expected a non-negative integer, found \"x7\""
        ),
        "{err}"
    );
    let o = run(&[
        "view",
        dir.path().to_str().unwrap(),
        "--input",
        "corpus",
        "--out",
        dir.path().join("v").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not an output folder of newsx extract"));
}

#[test]
fn view_a_document_without_text_or_with_bad_spans_does_not_stop_the_report() {
    let dir = tempdir();
    let out = dir.path().join("out");
    write(
        &out,
        "entities.csv",
        "doc_id,start,end,text,label,entity_id,canonical,score\n\
         gone,0,3,abc,PER,E1,abc,\n\
         marathon,0,4,XXXX,MISC,E1,x,\n\
         marathon,440,9000,far,LOC,E2,far,\n",
    );
    let view = dir.path().join("v");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        "corpus",
        "--out",
        view.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "newsx view: gone: cannot show the text: no input file has the doc_id \"gone\""
        ),
        "{err}"
    );
    assert!(
        err.contains("newsx view: marathon: 2 rows do not fit the text"),
        "{err}"
    );
    let m = read(&view.join("docs/marathon.html"));
    assert!(m.contains("entities.csv line 4: entity [440, 9000) is past the end of the text (447 characters); not marked"), "{m}");
    assert!(
        m.contains("entities.csv line 3: entity text &quot;XXXX&quot; differs from the document"),
        "{m}"
    );
    let a = dom::article(&dom::parse(&m));
    assert!(a.marks.contains_key("m0") && !a.marks.contains_key("m1"));
    assert!(read(&view.join("docs/gone.html")).contains("data-nx=\"text-problem\""));
}

// ------------------------------------------------------------------ in a browser

/// The Chromium binary, or `None` (after saying why) when it is absent; with
/// `NEWSX_REQUIRE_CHROMIUM=1` (CI) absence is a failure.
fn chromium(test: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("NEWSX_CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("chromium"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut all: Vec<PathBuf> = candidates.into_iter().flatten().collect();
    all.extend(on_path);
    if let Some(p) = all.into_iter().find(|p| p.is_file()) {
        return Some(p);
    }
    if std::env::var("NEWSX_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!("{test}: NEWSX_REQUIRE_CHROMIUM=1 but no chromium (apt-get install chromium, or set NEWSX_CHROMIUM)");
    }
    eprintln!("SKIP {test}: chromium is not installed (Debian package `chromium`; set NEWSX_CHROMIUM to use another binary)");
    None
}

/// Run headless Chromium on `page` with `args`, killed after `limit`; stdout on success.
fn browse(chrome: &Path, page: &Path, args: &[&str], limit: Duration) -> String {
    let profile = tempdir();
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout.read_to_end(&mut s).map(|_| s)
    });
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "chromium on {}: {st}", page.display());
            break;
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium on {} did not finish within {limit:?}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    String::from_utf8(reader.join().unwrap().unwrap()).unwrap()
}

fn dump_dom(chrome: &Path, page: &Path) -> String {
    let dom = browse(chrome, page, &["--dump-dom"], Duration::from_secs(60));
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's own script did not run: {}",
        page.display()
    );
    dom
}

fn screenshot(chrome: &Path, page: &Path, png: &Path) {
    let _ = std::fs::remove_file(png);
    browse(
        chrome,
        page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,1600",
        ],
        Duration::from_secs(60),
    );
    let bytes = std::fs::read(png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is no PNG",
        png.display()
    );
    assert!(
        bytes.len() > 5_000,
        "{} is nearly empty ({} bytes)",
        png.display(),
        bytes.len()
    );
}

/// A 1,000-document output folder and its inputs: the gold set of corpus/ copied 200 times
/// (doc_ids `NNN/name`).
fn thousand(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("in");
    let out = dir.join("out");
    let texts = corpus_texts();
    for k in 0..200 {
        for (d, t) in &texts {
            write(&input, &format!("{k:03}/{d}.txt"), t);
        }
    }
    std::fs::create_dir_all(&out).unwrap();
    let gold = root().join("corpus/gold");
    for f in [
        "entities.csv",
        "quotes.csv",
        "relations.csv",
        "documents.csv",
    ] {
        let mut rd = csv::Reader::from_path(gold.join(f)).unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(rd.headers().unwrap()).unwrap();
        let recs: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        for k in 0..200 {
            for r in &recs {
                let mut v: Vec<String> = r.iter().map(String::from).collect();
                v[0] = format!("{k:03}/{}", v[0]);
                w.write_record(&v).unwrap();
            }
        }
        write(&out, f, w.into_inner().unwrap());
    }
    (input, out)
}

#[test]
fn view_in_chromium() {
    let Some(chrome) = chromium("view_in_chromium") else {
        return;
    };
    let shots = root().join("target/view-test");
    std::fs::create_dir_all(&shots).unwrap();
    let dir = tempdir();

    // corpus/: every entity and quote marked at its text in the live DOM.
    let (out, view) = corpus_report(&dir.path().join("corpus"));
    let dom_of = |p: &Path| dump_dom(&chrome, p);
    check_report(&view, &out, &corpus_texts(), &dom_of);
    screenshot(
        &chrome,
        &view.join("docs/seed.html"),
        &shots.join("seed.png"),
    );
    screenshot(&chrome, &view.join("index.html"), &shots.join("index.png"));

    // The hostile document: nothing from it ran, its text is there as text.
    let (_, out, view) = hostile_report(&dir.path().join("hostile"));
    let texts: BTreeMap<String, String> = [("hostile".to_string(), HOSTILE.to_string())].into();
    check_report(&view, &out, &texts, &dom_of);
    let page = view.join("docs/hostile.html");
    let live = dump_dom(&chrome, &page);
    assert_nothing_ran(&live, "hostile · newsx review");
    let a = dom::article(&dom::parse(&live));
    assert!(a.text.contains("<script>document.title='PWNED'</script>"));
    screenshot(&chrome, &page, &shots.join("hostile.png"));

    // 1,000 documents: the index opens (within the limit of `browse`) with every row.
    let (input, out) = thousand(&dir.path().join("k"));
    let view = dir.path().join("k/view");
    let o = run(&[
        "view",
        out.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--out",
        view.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let live = dump_dom(&chrome, &view.join("index.html"));
    let rows = dom::parse(&live)
        .find(|e| e.attr("data-nx") == Some("doc-row"))
        .len();
    assert_eq!(rows, 1000);
    screenshot(
        &chrome,
        &view.join("index.html"),
        &shots.join("index-1000.png"),
    );
}
