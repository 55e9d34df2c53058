from ingest.nlp import PIPELINE, build_nlp, quantities_of, sentence_bounds


def sentences(text):
    return [text[s:e] for s, e in sentence_bounds(text)]


def test_build_nlp_is_cached_and_danish():
    nlp = build_nlp()
    assert nlp is build_nlp()
    assert nlp.lang == "da"
    assert tuple(nlp.pipe_names) == PIPELINE
    assert [t.lemma_ for t in nlp("Der afsættes midler")][:2] == ["Der", "afsætte"]


def test_sentence_bounds_know_abbreviations():
    text = "Der afsættes ca. 3 mio. kr. til BUC, jf. bilag 1. Det er godt. Beløbet er 5 mio. kr. Regionen får resten."
    assert sentences(text) == [
        "Der afsættes ca. 3 mio. kr. til BUC, jf. bilag 1.", "Det er godt.", "Beløbet er 5 mio. kr.",
        "Regionen får resten."]


def test_sentence_bounds_at_paragraphs_and_list_items():
    text = "Penge til disse:\n- Omkring 65 mio. kr. til voldsudsatte.\n- Knap 50 mio. kr.\n\nNyt afsnit"
    assert sentences(text) == ["Penge til disse:", "- Omkring 65 mio. kr. til voldsudsatte.", "- Knap 50 mio. kr.",
                               "Nyt afsnit"]


def test_a_wrapped_line_is_no_sentence_break():
    text = "hvoraf de 24,8 \n\nmio.kr. allerede i 2023 blev disponeret til opfølgende indsatser efter hændelsen i\n2024."
    assert sentences(text) == [text]


def test_da_sentences_component_alone():
    nlp = build_nlp()
    doc = nlp.get_pipe("da_sentences")(nlp.make_doc("Der afsættes 2 mio. kr. Det er godt."))
    assert [s.text for s in doc.sents] == ["Der afsættes 2 mio. kr.", "Det er godt."]


def test_da_quantities_component_alone():
    nlp = build_nlp()
    doc = nlp.get_pipe("da_quantities")(nlp.make_doc("Der afsættes 2 mio. kr. og 3 årsværk."))
    assert [(s.text, s.label_) for s in doc.spans["quantities"]] == [("2 mio. kr.", "money"), ("3 årsværk", "staff")]
    assert [q.value for q in quantities_of(doc)] == [2_000_000, 3]
    assert [q.kind for q in quantities_of(doc)] == ["other", "other"]  # kinds come later


def test_da_amount_kinds_component():
    nlp = build_nlp()
    doc = nlp.make_doc("Region Hovedstadens andel er 19 mio. kr. årligt.")
    for name in ("lemmatizer", "da_sentences", "da_quantities", "da_amount_kinds"):
        doc = nlp.get_pipe(name)(doc)
    assert [q.kind for q in quantities_of(doc)] == ["share"]


def test_empty_text():
    assert quantities_of(build_nlp()("")) == []
