#!/usr/bin/env python3
"""Write corpus/gold/*.csv from the hand annotations below (Python 3, standard library only).

The annotations name mentions by their text; this script finds them in the article (in order)
and computes the offsets in Unicode code points, as the CSV contract requires. It refuses to
write anything when a mention is not found, and warns when an entity string also occurs
unannotated. Run from anywhere: `python3 corpus/gold/make_gold.py`.

Entities (CoNLL-2003 guidelines): ENTITIES[doc] lists every mention in text order as
(text, label, entity key); mentions with one key form one entity (E1, E2... by first mention);
the canonical name is the longest mention of the entity.
Quotes: QUOTES[doc] lists (kind, content, cue, speaker_text, speaker) in text order; `speaker` is an
entity key for a named speaker, or None when the speaker is the unnamed mention itself. Direct
quotes exclude the outer quotation marks; indirect quotes exclude a leading "that".
Roles: ROLES[doc] lists (entity key, role text) for appositions and pre-modifiers (has_role).
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)

ENTITIES = {
    "seed": [
        ("U.S.", "LOC", "US"), ("Hamas", "ORG", "Hamas"), ("American", "MISC", "American"),
        ("Gaza", "LOC", "Gaza"), ("Axios", "ORG", "Axios"), ("Barak Ravid", "PER", "Ravid"),
        ("Adam Boehler", "PER", "Boehler"), ("U.S.", "LOC", "US"), ("Doha", "LOC", "Doha"),
        ("U.S.", "LOC", "US"), ("Israel", "LOC", "Israel"), ("Hamas", "ORG", "Hamas"),
        ("Israel", "LOC", "Israel"), ("Ravid", "PER", "Ravid"), ("Ravid", "PER", "Ravid"),
        ("Israeli", "MISC", "Israeli"), ("Unit 8200", "ORG", "Unit 8200"),
        ("Washington", "LOC", "Washington"), ("Hamas", "ORG", "Hamas"), ("U.S.", "LOC", "US"),
        ("Steve Witkoff", "PER", "Witkoff"), ("Trump", "PER", "Trump"),
        ("West Asia", "LOC", "West Asia"), ("Qatar", "LOC", "Qatar"),
        ("Witkoff", "PER", "Witkoff"), ("Israeli", "MISC", "Israeli"),
        ("White House", "LOC", "White House"), ("Israeli", "MISC", "Israeli"),
        ("Maariv", "ORG", "Maariv"), ("U.S.", "LOC", "US"), ("Hamas", "ORG", "Hamas"),
        ("Israeli", "MISC", "Israeli"), ("Hamas", "ORG", "Hamas"), ("Israel", "LOC", "Israel"),
        ("Hamas", "ORG", "Hamas"), ("Osama Hamdan", "PER", "Hamdan"),
        ("Israel", "LOC", "Israel"), ("Hamdan", "PER", "Hamdan"), ("Israeli", "MISC", "Israeli"),
        ("Israel", "LOC", "Israel"), ("Hamdan", "PER", "Hamdan"), ("Israeli", "MISC", "Israeli"),
        ("Benjamin Netanyahu", "PER", "Netanyahu"), ("Gaza", "LOC", "Gaza"),
        ("Hamas", "ORG", "Hamas"), ("Gaza", "LOC", "Gaza"),
    ],
    "harbour-bridge": [
        ("Wellport", "LOC", "Wellport"), ("Maria Okafor", "PER", "Okafor"),
        ("Okafor", "PER", "Okafor"), ("Tom Brandt", "PER", "Brandt"),
    ],
    "flood-warning": [
        ("Rhône", "LOC", "Rhone"), ("Rhône", "LOC", "Rhone"), ("Lyon", "LOC", "Lyon"),
        ("Météo-France", "ORG", "Meteo"), ("Zoë Marchand", "PER", "Marchand"),
    ],
    "chip-plant": [
        ("German", "MISC", "German"), ("Nordlicht Semiconductors", "ORG", "Nordlicht"),
        ("Magdeburg", "LOC", "Magdeburg"), ("Anna Lindqvist", "PER", "Lindqvist"),
        ("Berlin", "LOC", "Berlin"), ("Lindqvist", "PER", "Lindqvist"),
        ("German", "MISC", "German"), ("Commerzbank", "ORG", "Commerzbank"),
        ("Jonas Weber", "PER", "Weber"), ("European", "MISC", "European"),
    ],
    "marathon": [
        ("Nairobi", "LOC", "Nairobi"), ("Kenya", "LOC", "Kenya"),
        ("Daniel Kiprono", "PER", "Kiprono"), ("Nairobi City Marathon", "MISC", "Marathon"),
        ("Kiprono", "PER", "Kiprono"), ("Grace Wanjiru", "PER", "Wanjiru"),
        ("Iten", "LOC", "Iten"), ("Daily Nation", "ORG", "Daily Nation"),
    ],
}

QUOTES = {
    "seed": [
        ("indirect", "senior U.S. officials have engaged in confidential discussions with Hamas, "
         "focusing on the potential release of American captives held in Gaza and exploring avenues "
         "for ending the ongoing war", "indicate", "Recent reports", None),
        ("indirect", "the negotiations were spearheaded by Adam Boehler, the U.S. presidential envoy "
         "for hostage affairs", "According to", "the report", None),
        ("indirect", "Although previous U.S. administrations had consulted Israel about the possibility "
         "of opening communication with Hamas, Israel was not directly informed of these recent "
         "discussions and instead became aware of them through separate channels", "stated", "Ravid",
         "Ravid"),
        ("indirect", "a lack of progress in ceasefire negotiations", "described", "sources", None),
        ("indirect", "any connection between the cancellation and the stalled talks", "denied",
         "the White House", "White House"),
        ("indirect", "the U.S. envoy would only proceed with the visit if a deal was close to being "
         "finalized", "suggested", "Israeli officials cited by Maariv", None),
        ("direct", "At this stage, that is not the case—there has been no breakthrough, and Hamas is "
         "unwilling to alter its stance,", "said", "an Israeli official", None),
        ("indirect", "the Israeli government of deliberately undermining the agreement during its "
         "initial phase to ensure its collapse", "accused", "Hamdan", "Hamdan"),
        ("indirect", "Israel’s insistence on extending the first stage of the ceasefire was an attempt "
         "to sidestep its obligations and avoid moving into the second phase of the agreement",
         "argued", "He", "Hamdan"),
        ("direct", "The occupation seeks to reset negotiations and derail the deal by introducing "
         "alternative proposals,", "asserted", "Hamdan", "Hamdan"),
        ("indirect", "food shortages in Gaza are rapidly worsening", "warn",
         "humanitarian organizations", None),
        ("indirect", "the continued restriction of aid will exacerbate famine-like conditions in the "
         "region, placing countless civilians at risk", "caution", "Relief agencies", None),
    ],
    "harbour-bridge": [
        ("indirect", "the crossing would open in 2029 if work began this autumn", "said",
         "Maria Okafor", "Okafor"),
        ("direct", "We have studied every alternative, from ferries to a tunnel under the channel. None "
         "of them carries as many people for the money.\n“This bridge does, and it can be built "
         "without closing the port for a single day,", "told", "Okafor", "Okafor"),
        ("mixed", "the bridge was “a very expensive way to move traffic jams” and that the budget of "
         "640 million euros was unrealistic", "said", "Tom Brandt", "Brandt"),
        ("indirect", "the estimate had been checked twice by independent auditors", "replied", "She",
         "Okafor"),
    ],
    "flood-warning": [
        ("indirect", "more was on the way", "warned", "forecasters", None),
        ("direct", "The river could rise another metre by Tuesday,", "said",
         "a spokesperson for Météo-France", None),
        ("direct", "People in low-lying streets should move their cars tonight.", "said",
         "a spokesperson for Météo-France", None),
        ("indirect", "1,200 homes were without power by the evening", "According to",
         "the regional prefecture", None),
        ("indirect", "she had never seen the water so high", "said", "Zoë Marchand", "Marchand"),
        ("direct", "My grandmother talks about 1957, but this is worse,", "said", "she", "Marchand"),
        ("indirect", "emergency shelters had been opened in three schools", "said",
         "An official at the prefecture", None),
    ],
    "chip-plant": [
        ("indirect", "Nordlicht Semiconductors will postpone its planned factory in Magdeburg by two "
         "years", "told reporters", "Anna Lindqvist", "Lindqvist"),
        ("direct", "Demand for the chips we would make there has not recovered,", "said", "Lindqvist",
         "Lindqvist"),
        ("direct", "Customers keep telling us ‘next quarter’, and next quarter never comes.", "said",
         "Lindqvist", "Lindqvist"),
        ("indirect", "it regretted the decision but that the subsidy agreement remained valid", "said",
         "The German economy ministry", None),
        ("indirect", "the delay was expected", "said", "Analysts at Commerzbank", None),
        ("mixed", "the company “had little choice” given weak orders from European carmakers",
         "wrote in a note", "Jonas Weber", "Weber"),
    ],
    "marathon": [
        ("direct", "I felt strong after 30 kilometres,", "said", "Kiprono", "Kiprono"),
        ("direct", "so I decided to go alone.", "said", "Kiprono", "Kiprono"),
        ("indirect", "he had trained at altitude in Iten for three months", "said", "Grace Wanjiru",
         "Wanjiru"),
        ("indirect", "about 40,000 runners took part, a record for the race", "said", "Organisers",
         None),
        ("direct", "It's the best day of my life,", "told", "he", "Kiprono"),
    ],
}

ROLES = {
    "seed": [
        ("Ravid", "Axios journalist"), ("Boehler", "the U.S. presidential envoy for hostage affairs"),
        ("Witkoff", "the Trump administration’s special envoy for West Asia"),
        ("Hamdan", "senior Hamas official"), ("Netanyahu", "Israeli Prime Minister"),
    ],
    "harbour-bridge": [("Okafor", "the city’s chief engineer"), ("Brandt", "Councillor")],
    "flood-warning": [("Marchand", "Local resident")],
    "chip-plant": [("Lindqvist", "chief executive"), ("Weber", "a semiconductor analyst at the bank")],
    "marathon": [("Wanjiru", "His coach")],
}

GUARD = ("=", "+", "-", "@", "\t", "\r")


def guard(v):
    return "'" + v if v and v[0] in GUARD else v


def find_word(text, needle, start=0):
    """First occurrence of `needle` at or after `start` not inside a longer word."""
    for m in re.finditer(re.escape(needle), text):
        s, e = m.start(), m.end()
        if s < start:
            continue
        if (s > 0 and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum()):
            continue
        return s
    return -1


def nearest(text, needle, qs, qe):
    """Occurrence of `needle` outside the quote [qs, qe) nearest to it."""
    best = None
    for m in re.finditer(re.escape(needle), text):
        s, e = m.start(), m.end()
        if (s > 0 and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum()):
            continue
        if s < qe and e > qs:
            continue
        d = qs - e if e <= qs else s - qe
        if best is None or d < best[0]:
            best = (d, s)
    if best is None:
        sys.exit("not found: %r" % needle)
    return best[1]


def write(path, cols, rows, guarded):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([guard(str(r.get(c, ""))) if c in guarded else r.get(c, "") for c in cols])


def main():
    ents, quotes, rels, docs = [], [], [], []
    for doc in sorted(ENTITIES):
        text = open(os.path.join(CORPUS, doc + ".txt"), encoding="utf-8").read()
        ids, canon, pos, mentions = {}, {}, 0, []
        for s_text, label, key in ENTITIES[doc]:
            s = find_word(text, s_text, pos)
            if s < 0:
                sys.exit("%s: entity %r not found after %d" % (doc, s_text, pos))
            pos = s + len(s_text)
            ids.setdefault(key, "E%d" % (len(ids) + 1))
            if len(s_text) > len(canon.get(key, "")):
                canon[key] = s_text
            mentions.append((s, s + len(s_text), s_text, label, key))
        for s_text in sorted({m[2] for m in mentions}):
            s = find_word(text, s_text)
            while s >= 0:
                if not any(m[0] <= s and s + len(s_text) <= m[1] for m in mentions):
                    print("warning: %s: %r at %d is not annotated" % (doc, s_text, s))
                s = find_word(text, s_text, s + 1)
        for s, e, t, label, key in mentions:
            ents.append({"doc_id": doc, "start": s, "end": e, "text": t, "label": label,
                         "entity_id": ids[key], "canonical": canon[key], "score": ""})
        pos, n_q = 0, 0
        for kind, content, cue, sp_text, sp_key in QUOTES[doc]:
            s = text.find(content, pos)
            if s < 0:
                sys.exit("%s: quote %r not found" % (doc, content[:40]))
            e = s + len(content)
            pos = s + 1
            n_q += 1
            cs = nearest(text, cue, s, e)
            ss = nearest(text, sp_text, s, e)
            row = {"doc_id": doc, "quote_id": "Q%d" % n_q, "kind": kind, "start": s, "end": e,
                   "text": content, "cue": cue, "cue_start": cs, "cue_end": cs + len(cue),
                   "speaker_text": sp_text, "speaker_start": ss, "speaker_end": ss + len(sp_text),
                   "speaker_entity_id": ids[sp_key] if sp_key else "",
                   "speaker": canon[sp_key] if sp_key else sp_text, "score": ""}
            quotes.append(row)
            if sp_key:
                lo, hi = min(s, cs, ss), max(e, cs + len(cue), ss + len(sp_text))
                rels.append({"doc_id": doc, "subject_id": ids[sp_key], "relation": "said",
                             "object_id": row["quote_id"], "object_text": "", "start": lo, "end": hi})
        for key, role in ROLES.get(doc, []):
            r = text.find(role)
            if r < 0:
                sys.exit("%s: role %r not found" % (doc, role))
            name = min((m for m in mentions if m[4] == key), key=lambda m: abs(m[0] - r))
            lo, hi = min(r, name[0]), max(r + len(role), name[1])
            rels.append({"doc_id": doc, "subject_id": ids[key], "relation": "has_role",
                         "object_id": "", "object_text": role, "start": lo, "end": hi})
        docs.append({"doc_id": doc, "path": doc + ".txt", "status": "ok", "chars": len(text),
                     "entities": len(mentions), "quotes": n_q, "error": ""})
    ents.sort(key=lambda r: (r["doc_id"], r["start"], r["end"]))
    quotes.sort(key=lambda r: (r["doc_id"], r["start"], r["end"]))
    rels.sort(key=lambda r: (r["doc_id"], r["start"], r["end"]))
    n = {}
    for r in rels:
        n[r["doc_id"]] = n.get(r["doc_id"], 0) + 1
        r["relation_id"] = "R%d" % n[r["doc_id"]]
        r["score"] = ""
    write(os.path.join(HERE, "entities.csv"),
          ["doc_id", "start", "end", "text", "label", "entity_id", "canonical", "score"], ents,
          {"text", "canonical"})
    write(os.path.join(HERE, "quotes.csv"),
          ["doc_id", "quote_id", "kind", "start", "end", "text", "cue", "cue_start", "cue_end",
           "speaker_text", "speaker_start", "speaker_end", "speaker_entity_id", "speaker", "score"],
          quotes, {"text", "cue", "speaker_text", "speaker"})
    write(os.path.join(HERE, "relations.csv"),
          ["doc_id", "relation_id", "subject_id", "relation", "object_id", "object_text", "start",
           "end", "score"], rels, {"object_text"})
    write(os.path.join(HERE, "documents.csv"),
          ["doc_id", "path", "status", "chars", "entities", "quotes", "error"], docs, {"path", "error"})
    print("wrote %d entities, %d quotes, %d relations, %d documents" % (
        len(ents), len(quotes), len(rels), len(docs)))


if __name__ == "__main__":
    main()
