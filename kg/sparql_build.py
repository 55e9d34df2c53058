"""Pieces of SPARQL text built from Python values: vocabulary terms and string literals.

Queries in the code are f-strings; what varies goes in through these helpers, never by hand:

* :func:`term` writes a vocabulary term as the CURIE the query text uses, ``term(KG.MoneyAmount)`` →
  ``kg:MoneyAmount``. ``KG`` is the closed namespace built from ``kg/vocab.ttl``, so a misspelt name
  (``KG.Percentage``) raises ``AttributeError`` where the query is built, at import for the module-level
  queries, instead of silently matching nothing. The ``kg:`` prefix is declared by
  :func:`kg.namespace.sparql_prologue`, which :meth:`kg.store.GraphStore.query` prepends.
* :data:`V` is the same for a name written in the query: ``f"?f a {V.MoneyAmount}"`` is
  ``f"?f a {term(KG.MoneyAmount)}"``, short enough that the query still reads as SPARQL.
* :func:`sparql_literal` writes any Python text as a SPARQL string literal that holds exactly that
  text, so user input (a search filter, an initiative name) can never end the literal and add query text.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.namespace import KG, VOCAB_IRI

# SPARQL 1.1 grammar, ECHAR ::= '\' [tbnrf\"']. The single quote is left as it is: it needs no escape
# inside "…", and rdflib's parser (the memory store) rejects the valid ECHAR \'.
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# After an escaped backslash, a "u" or "U" is written as a code point escape: SPARQL expands \uXXXX and
# \UXXXXXXXX before parsing (§19.2; rdflib does, Oxigraph does it in the lexer), so the text \u0022 written
# as "\\u0022" could become "\"" there. \U with 8 digits, because rdflib reads \u followed by 8 hex digits
# as one escape.
_AFTER_BACKSLASH = {"u": "\\U00000075", "U": "\\U00000055"}


def term(iri: URIRef) -> str:
    """The CURIE of a vocabulary term for SPARQL text: ``term(KG.MoneyAmount)`` → ``"kg:MoneyAmount"``.

    ``iri`` must be a term of :data:`kg.namespace.KG` (declared in ``kg/vocab.ttl``); anything else raises
    ``ValueError``. Spell the term as ``KG.Name``: a name the vocabulary lacks raises ``AttributeError``
    already there.
    """
    if not isinstance(iri, URIRef) or iri not in KG:
        raise ValueError(f"{iri!r} is not a term of the vocabulary {VOCAB_IRI} (kg/vocab.ttl)")
    return "kg:" + iri[len(VOCAB_IRI):]


class _Curies:
    """``V.Name`` → ``term(KG.Name)``, e.g. ``V.forInitiative`` → ``"kg:forInitiative"``; unknown names raise AttributeError."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):  # copy, pickle and inspect probe dunders; they are not vocabulary terms
            raise AttributeError(name)
        return term(getattr(KG, name))


V = _Curies()


def sparql_literal(text: str) -> str:
    r"""``text`` as a double-quoted SPARQL string literal (``STRING_LITERAL2``) whose value is exactly ``text``.

    Escapes follow the SPARQL 1.1 grammar's ECHAR rule: backslash, double quote, line feed, carriage
    return, tab, backspace and form feed are written ``\\ \" \n \r \t \b \f``; every other character
    stands for itself (a literal is Unicode text; the query is sent as UTF-8). A ``u`` or ``U`` right
    after a backslash is written ``\U00000075``/``\U00000055``, so the code point escape expansion SPARQL
    does before parsing cannot turn the text ``\u0022`` into a quote. Example: ``sparql_literal('say "hi"')``
    → ``"say \"hi\""``. ``text`` must be a ``str`` (``TypeError`` otherwise).
    """
    if not isinstance(text, str):
        raise TypeError(f"sparql_literal takes a str, not {type(text).__name__}")
    out = []
    after_backslash = False
    for ch in text:
        out.append(_AFTER_BACKSLASH[ch] if after_backslash and ch in _AFTER_BACKSLASH else _ECHAR.get(ch, ch))
        after_backslash = ch == "\\"
    return '"' + "".join(out) + '"'
