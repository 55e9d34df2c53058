"""Extractive question answering: the best passages, and the graph facts they support.

No language model: the answer is made of what the documents say. When the question asks for an
amount ("hvor meget", "how much", "koster", "budget" …), the money facts of the retrieved passages
are ranked — by the passage's rank, by years the question names, and by how many of the question's
words the fact's initiative and quote share — and the best one is stated first, with its period.
A figure the parser was unsure of (``kg:uncertain``) is stated with "[usikker aflæsning: …]" and
its flags, never as plain fact; every fact carries ``uncertain`` and ``flags``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.store import GraphStore
from search.ask_sparql import ShownQuery, question_sparql
from search.service import SearchFilters, SearchResult, search

AMOUNT_CUES = re.compile(
    r"\b(?:hvor (?:meget|mange penge|stor)|hvor store|beløb|koster|kostede|budget\w*|afsat|afsættes|bevilg\w*|"
    r"mio|millioner|kroner|kr\b|andel|how much|how many|funding|budgeted|cost|costs|allocat\w*|money|share|"
    r"earmark\w*|receive\w*|får|fik|modtager)\b", re.I)
YEAR = re.compile(r"\b(19|20)\d\d\b")
STOP = frozenset("hvad hvor meget hvilke hvilken hvem der er og i af til for den det de en et med på som om "
                 "what how much does the of to for in and is are a an which who with from "
                 # money words say that an amount is asked for, not which one
                 "afsættes afsat afsætte mio kr kroner millioner beløb penge midler året årligt "
                 "million dkk money funding year".split())


@dataclass
class Answer:
    question: str
    asks_amount: bool
    answer: str | None
    facts: list[dict[str, Any]] = field(default_factory=list)
    passages: list[SearchResult] = field(default_factory=list)
    sparql: ShownQuery | None = None  # the query behind the facts, for analysts to take further


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOP and len(w) > 2}


def _period(f: dict[str, Any]) -> str:
    if f.get("per_year") and f.get("year") and f.get("open_ended"):
        return f"årligt fra {f['year']} og frem"
    if f.get("year") and f.get("year_end"):
        return f"{f['year']}-{f['year_end']}" + (" (årligt)" if f.get("per_year") else "")
    if f.get("year"):
        return f"i {f['year']}" + (" (årligt)" if f.get("per_year") else "")
    return "årligt" if f.get("per_year") else "periode ikke angivet"


def _score(f: dict[str, Any], rank: int, q_words: set[str], q_years: set[int]) -> float:
    score = 1.0 / (rank + 1)
    if q_years:
        years = {f.get("year")} | ({y for y in range(f["year"], f["year_end"] + 1)} if f.get("year") and f.get("year_end") else set())
        score += 0.6 if years & q_years else -0.3
    # the question names what it asks about: its words in the initiative's name count most
    named = q_words & _words(f.get("initiative_label") or "")
    quoted = (q_words & _words(f.get("quote") or "")) - named
    score += 0.2 * len(named) + 0.1 * len(quoted)
    if f.get("kind") == "allocated":
        score += 0.05
    return score


def ask(store: GraphStore, index, question: str, k: int = 6, filters: SearchFilters | None = None) -> Answer:
    passages = search(store, index, question, k=k, filters=filters)
    asks_amount = bool(AMOUNT_CUES.search(question))
    q_words = _words(question)
    q_years = {int(m.group(0)) for m in YEAR.finditer(question)}
    facts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for p in passages:
        for f in p.facts:
            if f["iri"] in seen or (asks_amount and f["measure"] != "MoneyAmount"):
                continue
            seen.add(f["iri"])
            facts.append({**f, "period": _period(f), "passage": p.iri, "document": p.doc_title,
                          "doc_key": p.doc_key, "page": p.page,
                          "score": _score(f, p.rank, q_words, q_years)})
    facts.sort(key=lambda f: -f["score"])
    answer = None
    if asks_amount and facts:
        top = facts[0]
        where = f", side {top['page']}" if top.get("page") else ""
        answer = f"{top['label'].split(' (')[0]} {top['period']}" + (
            f" til {top['initiative_label']}" if top.get("initiative_label") else "") + (
            f" [usikker aflæsning: {', '.join(top.get('flags') or ['?'])}]" if top.get("uncertain") else "") + (
            f" — «{top['quote']}» ({top['document']}{where})" if top.get("quote") else "")
    elif passages:
        answer = passages[0].text[:400]
    return Answer(question, asks_amount, answer, facts[:10], passages,
                  question_sparql(store, question, facts[:10], asks_amount))


def evaluate_ask(store: GraphStore, index, questions: list[dict[str, Any]], top: int = 3) -> dict[str, Any]:
    """For amount/trace questions with a gold amount: success when it is among the top facts."""
    rows = []
    for q in questions:
        if q.get("kind") not in ("amount", "trace") or q.get("answer_amount_dkk") is None:
            continue
        a = ask(store, index, q["question"])
        values = [round(f["value"]) for f in a.facts[:top]]
        rows.append({"id": q["id"], "lang": q["lang"], "ok": round(q["answer_amount_dkk"]) in values,
                     "first": values[0] if values else None, "gold": q["answer_amount_dkk"]})
    by_lang = {lang: [r for r in rows if lang == "all" or r["lang"] == lang] for lang in ("da", "en", "all")}
    return {"top": top, "n": len(rows),
            "success": {lang: (sum(r["ok"] for r in rs) / len(rs) if rs else 0.0) for lang, rs in by_lang.items()},
            "per_question": rows}


def format_ask_report(r: dict[str, Any]) -> str:
    s = r["success"]
    return (f"Ask on {r['n']} gold amount/trace questions: gold amount among the top {r['top']} facts\n\n"
            "| da | en | all |\n|---:|---:|---:|\n"
            f"| {s['da']:.3f} | {s['en']:.3f} | {s['all']:.3f} |")
