//! A small HTML reader for the tests of `newsx view`: enough for the pages `view` writes and for
//! the DOM that Chromium serialises with `--dump-dom` (double-quoted attributes, escaped text,
//! raw `<script>`/`<style>` content). Not a general HTML parser.

use std::collections::BTreeMap;

/// A node of the tree.
#[derive(Debug, Clone)]
pub enum Node {
    /// An element.
    El(Element),
    /// Text, character references decoded.
    Text(String),
}

/// An element with its attributes and children.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub tag: String,
    pub attrs: BTreeMap<String, String>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }
    /// All text below, in order.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            match c {
                Node::Text(t) => s.push_str(t),
                Node::El(e) => s.push_str(&e.text()),
            }
        }
        s
    }
    /// Every element below (self included), depth first.
    pub fn all(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for c in &self.children {
            if let Node::El(e) = c {
                out.extend(e.all());
            }
        }
        out
    }
    /// Elements below matching `f`.
    pub fn find(&self, f: impl Fn(&Element) -> bool) -> Vec<&Element> {
        self.all().into_iter().filter(|e| f(e)).collect()
    }
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

/// Decode character references (`&amp;`, `&#13;`, `&#x1F3C3;`, `&nbsp;`…).
pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(j) = rest.find(';').filter(|&j| j < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..j];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The HTML parser's input preprocessing, for a page as written (not for a serialised DOM): CR LF
/// and a lone CR become LF, so only `&#13;` keeps a carriage return in the text.
pub fn source(html: String) -> String {
    html.replace("\r\n", "\n").replace('\r', "\n")
}

/// Parse a page into a root element (tag `#root`).
pub fn parse(html: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element {
        tag: "#root".into(),
        ..Default::default()
    }];
    let b = html.as_bytes();
    let mut i = 0;
    let push_text = |stack: &mut Vec<Element>, t: &str| {
        if !t.is_empty() {
            stack
                .last_mut()
                .unwrap()
                .children
                .push(Node::Text(decode(t)));
        }
    };
    while i < b.len() {
        let Some(lt) = html[i..].find('<').map(|k| k + i) else {
            push_text(&mut stack, &html[i..]);
            break;
        };
        push_text(&mut stack, &html[i..lt]);
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = lt + rest.find("-->").map_or(rest.len(), |k| k + 3);
            continue;
        }
        if rest.starts_with("<!") {
            i = lt + rest.find('>').map_or(rest.len(), |k| k + 1);
            continue;
        }
        if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').expect("end tag closed");
            let tag = r[..end].trim().to_ascii_lowercase();
            // Close up to the matching element.
            if let Some(pos) = stack.iter().rposition(|e| e.tag == tag) {
                while stack.len() > pos {
                    let e = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(Node::El(e));
                }
            }
            i = lt + 2 + end + 1;
            continue;
        }
        // Start tag.
        let mut k = lt + 1;
        while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' && b[k] != b'/' {
            k += 1;
        }
        let tag = html[lt + 1..k].to_ascii_lowercase();
        let mut el = Element {
            tag: tag.clone(),
            ..Default::default()
        };
        loop {
            while k < b.len() && (b[k].is_ascii_whitespace() || b[k] == b'/') {
                k += 1;
            }
            if k >= b.len() || b[k] == b'>' {
                k += 1;
                break;
            }
            let s = k;
            while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'=' && b[k] != b'>' {
                k += 1;
            }
            let name = html[s..k].to_ascii_lowercase();
            let mut value = String::new();
            if k < b.len() && b[k] == b'=' {
                k += 1;
                let q = b[k];
                if q == b'"' || q == b'\'' {
                    let e = html[k + 1..].find(q as char).expect("attribute closed") + k + 1;
                    value = decode(&html[k + 1..e]);
                    k = e + 1;
                } else {
                    let s = k;
                    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                        k += 1;
                    }
                    value = decode(&html[s..k]);
                }
            }
            el.attrs.insert(name, value);
        }
        i = k;
        if VOID.contains(&tag.as_str()) {
            stack.last_mut().unwrap().children.push(Node::El(el));
        } else if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            let e = html[i..].find(&close).map_or(html.len(), |x| x + i);
            el.children.push(Node::Text(html[i..e].to_string()));
            stack.last_mut().unwrap().children.push(Node::El(el));
            i = e + html[e..].find('>').map_or(0, |x| x + 1);
        } else {
            stack.push(el);
        }
    }
    while stack.len() > 1 {
        let e = stack.pop().unwrap();
        stack.last_mut().unwrap().children.push(Node::El(e));
    }
    stack.pop().unwrap()
}

/// What a mark (all fragments with one `data-k`) covers in the article.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// False when the fragments leave a gap.
    pub contiguous: bool,
    pub class: String,
    pub title: String,
    pub attrs: BTreeMap<String, String>,
}

/// The article of a page read back: its text (labels skipped), each mark, each label.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub text: String,
    pub marks: BTreeMap<String, Seen>,
    /// `data-for` → label text (the speaker shown beside a quote).
    pub labels: BTreeMap<String, String>,
    /// Elements inside the article that are none of ours (must be none).
    pub foreign: Vec<String>,
}

fn walk(e: &Element, pos: &mut usize, active: &mut Vec<String>, a: &mut Article) {
    for c in &e.children {
        match c {
            Node::Text(t) => {
                let n = t.chars().count();
                for k in active.iter() {
                    let s = a.marks.get_mut(k).expect("opened");
                    if s.text.is_empty() {
                        s.start = *pos;
                        s.contiguous = true;
                    } else if s.end != *pos {
                        s.contiguous = false;
                    }
                    s.text.push_str(t);
                    s.end = *pos + n;
                }
                a.text.push_str(t);
                *pos += n;
            }
            Node::El(el) => {
                if el.attr("data-nx") == Some("label") {
                    let key = el.attr("data-for").unwrap_or("").to_string();
                    a.labels.insert(key, el.text());
                    continue;
                }
                if el.tag != "span" {
                    a.foreign.push(el.tag.clone());
                }
                match el.attr("data-k") {
                    Some(k) => {
                        let k = k.to_string();
                        a.marks.entry(k.clone()).or_insert_with(|| Seen {
                            class: el.attr("class").unwrap_or("").to_string(),
                            title: el.attr("title").unwrap_or("").to_string(),
                            attrs: el.attrs.clone(),
                            ..Default::default()
                        });
                        active.push(k);
                        walk(el, pos, active, a);
                        active.pop();
                    }
                    None => {
                        a.foreign.push(format!("{} without data-k", el.tag));
                        walk(el, pos, active, a);
                    }
                }
            }
        }
    }
}

/// Read the article (`#text`) of a parsed page.
pub fn article(root: &Element) -> Article {
    let art = root.find(|e| e.attr("id") == Some("text"));
    assert_eq!(art.len(), 1, "one article element");
    let mut a = Article::default();
    walk(art[0], &mut 0, &mut Vec::new(), &mut a);
    a
}
