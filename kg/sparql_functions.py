"""Semantic search inside SPARQL: ``kgf:similarity(?passage, "tekst")``.

The function is the cosine similarity (an ``xsd:double`` in [-1, 1]) between a passage's embedding
in the search index and the embedding of the text, so an analyst can combine meaning with graph
patterns in one query::

    SELECT ?initiative ?value WHERE {
      ?passage a kg:Passage .
      BIND(kgf:similarity(?passage, "forebyggelse af selvmord") AS ?score)
      FILTER(?score > 0.85)
      ?fact prov:wasDerivedFrom ?passage ; kg:forInitiative ?initiative ; kg:value ?value .
    } ORDER BY DESC(?score)

For any other term (not a passage of the index) it is unbound. English texts are embedded through
their Danish glossary translation, as in ``/search``.

The text must be a string constant: the server embeds each text once, before the query runs, and the
query (in a worker process without the model) looks the scores up. That keeps the encoder out of the
query workers and makes the function cost a dictionary lookup per solution.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kg.errors import QueryError
from kg.namespace import FN_IRI

SIMILARITY_IRI = FN_IRI + "similarity"
MAX_TEXTS = 8
MAX_TEXT_CHARS = 1000

_STRING = r"""'''(?:.|\n)*?'''|\"\"\"(?:.|\n)*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""
_NAME = r"(?:kgf:similarity|<" + re.escape(SIMILARITY_IRI) + r">)"
_CALL = re.compile(_NAME + r"\s*\(\s*[^,()]+?\s*,\s*(?P<arg>" + _STRING + r"|[^)]*)\s*\)")
_MENTION = re.compile(_NAME)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def similarity_texts(query: str) -> list[str]:
    """The distinct string constants passed as ``kgf:similarity``'s second argument, in order.

    Raises :class:`QueryError` when the function is used with anything but a string constant, or
    with too many or too long texts.
    """
    if not _MENTION.search(query):
        return []
    texts: list[str] = []
    calls = list(_CALL.finditer(query))
    if len(calls) != len(_MENTION.findall(query)):
        raise QueryError("kgf:similarity takes two arguments: a passage and a string constant, "
                         'e.g. kgf:similarity(?passage, "forebyggelse af selvmord")')
    for call in calls:
        arg = call.group("arg").strip()
        if not arg or arg[0] not in "'\"":
            raise QueryError(f"kgf:similarity's second argument must be a string constant, not {arg!r}: "
                             "the server embeds the text before the query runs")
        text = _unquote(arg)
        if not text.strip():
            raise QueryError("kgf:similarity's text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise QueryError(f"kgf:similarity's text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
        if text not in texts:
            texts.append(text)
    if len(texts) > MAX_TEXTS:
        raise QueryError(f"a query may compare with at most {MAX_TEXTS} different texts, not {len(texts)}")
    return texts


def _unquote(literal: str) -> str:
    quote = 3 if literal[:3] in ("'''", '"""') else 1
    body = literal[quote:-quote]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def similarity_scores(index: Any, texts: list[str]) -> dict[str, dict[str, float]]:
    """For each text, every indexed passage's cosine similarity to it (``index``: a SearchIndex)."""
    return {text: index.similarities(text) for text in texts}


def custom_functions(scores: Mapping[str, Mapping[str, float]]) -> dict[Any, Callable[..., Any]]:
    """pyoxigraph custom functions answering ``kgf:similarity`` from precomputed ``scores``."""
    import pyoxigraph as ox

    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")

    def similarity(passage: Any, text: Any) -> Any:
        if not isinstance(passage, ox.NamedNode) or not isinstance(text, ox.Literal):
            return None
        by_passage = scores.get(text.value)
        value = None if by_passage is None else by_passage.get(passage.value)
        return None if value is None else ox.Literal(repr(float(value)), datatype=double)

    return {ox.NamedNode(SIMILARITY_IRI): similarity}
