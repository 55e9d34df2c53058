"""The answer frame in the asker's language: amount, period, what for, sources, conflicts.

Only the frame is translated; quotes stay in Danish with their citation, and initiative and actor
names are proper names in the documents' language. Amounts are whole kroner in the graph:

* Danish: ``7,0 mio. kr.``, ``48,75 mio. kr.``, ``3.165 mio. kr.``, ``1.225 kr.``;
* English: ``DKK 7.0m``, ``DKK 48.75m``, ``DKK 3,165m``, ``DKK 1,225``.

Periods: "årligt fra 2025 og frem" / "per year from 2025 onwards", "i 2025" / "in 2025",
"2024-2026" / "in 2024-2026", "periode ikke angivet" / "period not stated".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

WORDS = {
    "da": {"per_year": "årligt", "from": "fra {y} og frem", "in": "i {y}", "range": "{a}-{b}",
           "none": "periode ikke angivet", "for": "til", "to": "modtager", "page": "side",
           "also": "også angivet i", "conflict": "Kilderne afviger", "and": "og",
           "no_match": "Dokumenterne angiver intet beløb for det, der spørges om{target}; her er de bedste passager.",
           "no_facts": "Ingen beløb fundet i de bedste passager.", "uncertain": "usikker aflæsning", "kind": {"share": "andel", "total": "i alt",
           "used": "anvendt", "allocated": "afsat", "other": "andet"}},
    "en": {"per_year": "per year", "from": "from {y} onwards", "in": "in {y}", "range": "in {a}-{b}",
           "none": "period not stated", "for": "for", "to": "recipient", "page": "page",
           "also": "also stated in", "conflict": "The sources differ", "and": "and",
           "no_match": "The documents state no amount for what is asked{target}; these are the best passages.",
           "no_facts": "No amounts found in the best passages.", "uncertain": "uncertain reading", "kind": {"share": "share", "total": "total",
           "used": "used", "allocated": "allocated", "other": "other"}},
}


def _grouped(integer: int, sep: str) -> str:
    return f"{integer:,}".replace(",", sep)


def amount_text(value: float, lang: str = "da", measure: str = "MoneyAmount") -> str:
    """An amount as a reader of ``lang`` writes it (kroner; FTEs and per cent for the other measures)."""
    if measure == "StaffFigure":
        n = f"{value:g}" if lang == "en" else f"{value:g}".replace(".", ",")
        return f"{n} FTE" if lang == "en" else f"{n} årsværk"
    if measure == "PercentFigure":
        return f"{value:g} %" if lang == "en" else f"{value:g} %".replace(".", ",")
    thousands, decimal = (",", ".") if lang == "en" else (".", ",")
    if abs(value) < 100_000:
        number = _grouped(round(value), thousands)
        return f"DKK {number}" if lang == "en" else f"{number} kr."
    millions = value / 1e6
    if abs(millions) >= 1000 and abs(millions - round(millions)) < 1e-9:
        number = _grouped(round(millions), thousands)
    else:
        decimals = 1 if abs(millions * 10 - round(millions * 10)) < 1e-6 else 2
        whole, _, frac = f"{abs(millions):.{decimals}f}".partition(".")
        number = ("-" if millions < 0 else "") + _grouped(int(whole), thousands) + decimal + frac
    return f"DKK {number}m" if lang == "en" else f"{number} mio. kr."


def period_text(f: Mapping[str, Any], lang: str = "da") -> str:
    """The fact's period in ``lang`` (from ``year``, ``year_end``, ``per_year``, ``open_ended``)."""
    w = WORDS[lang]
    year, end, per_year, open_ended = f.get("year"), f.get("year_end"), f.get("per_year"), f.get("open_ended")
    if year and open_ended:
        text = w["from"].format(y=year)
        return f"{w['per_year']} {text}" if per_year else text
    if year and end:
        text = w["range"].format(a=year, b=end)
        return f"{text} ({w['per_year']})" if per_year else text
    if year:
        text = w["in"].format(y=year)
        return f"{text} ({w['per_year']})" if per_year else text
    return w["per_year"] if per_year else w["none"]


def citation(f: Mapping[str, Any], lang: str = "da") -> str:
    """"<document>, side 3" / "<document>, page 3"."""
    page = f", {WORDS[lang]['page']} {f['page']}" if f.get("page") else ""
    return f"{f.get('document') or f.get('doc_key')}{page}"


def answer_sentence(facts: Sequence[Mapping[str, Any]], conflicts: Sequence[Mapping[str, Any]], lang: str = "da") -> str:
    """The answer line: amount and period, what for, a caveat when the figure is ``uncertain``
    ("[usikker aflæsning: unit-far-away]"), the Danish quote and its sources, any conflict.

    ``facts`` state one figure (the first leads); ``conflicts`` state the same allocation differently.
    """
    w = WORDS[lang]
    top = facts[0]
    parts = [f"{amount_text(top['value'], lang, top.get('measure', 'MoneyAmount'))} {period_text(top, lang)}"]
    if top.get("initiative_label"):
        parts.append(f" {w['for']} {top['initiative_label']}")
    if top.get("recipient_label"):
        parts.append(f" ({w['to']}: {top['recipient_label']})")
    if top.get("uncertain"):  # never stated as plain fact (kg:uncertain; kg:parseFlag says why)
        parts.append(f" [{w['uncertain']}: {', '.join(top.get('flags') or ['?'])}]")
    if top.get("quote"):
        parts.append(f" — «{top['quote']}» ({citation(top, lang)})")
    others = list(dict.fromkeys(citation(f, lang) for f in facts[1:] if citation(f, lang) != citation(top, lang)))
    if others:
        parts.append(f"; {w['also']} {', '.join(others)}")
    if conflicts:
        shown = [f"{amount_text(top['value'], lang)} ({citation(top, lang)})"]
        shown += [f"{amount_text(c['value'], lang)} ({citation(c, lang)})" for c in conflicts]
        parts.append(f". {w['conflict']}: " + f" {w['and']} ".join(dict.fromkeys(shown)))
    return "".join(parts)


def no_match_sentence(lang: str = "da", target: str | None = None) -> str:
    """What is said when no fact matches what the question asks about."""
    return WORDS[lang]["no_match"].format(target=f" ({target})" if target else "")
