"""The spaCy layer: default pipeline, lemmas, candidates, sentences, long texts."""

from __future__ import annotations

import pytest

from stratclass.nlp import PipelineError, build_pipeline, parse_text, parse_texts, split_for_parsing


def test_default_pipeline_is_blank_english_with_lookup_lemmatizer_and_sentencizer(nlp):
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["lemmatizer", "sentencizer"]
    assert nlp.get_pipe("lemmatizer").mode == "lookup"


def test_lemmas_are_lowercased_lookups_also_for_capitalised_words(nlp):
    parsed = parse_text(nlp, "Families love Apps. Developers ran 12 builds at https://example.com")
    assert parsed.lemmas == ["family", "love", "app", "developer", "run", "_num_", "build", "at", "_url_"]


def test_candidates_are_content_spans_with_exact_offsets(nlp):
    text = "We sell a usage-based API to developers, and the self-serve dashboard costs $5."
    parsed = parse_text(nlp, text)
    for candidate in parsed.candidates:
        assert text[candidate.start : candidate.end] == candidate.text
        assert candidate.text.split()[0].lower() not in {"we", "a", "to", "and", "the"}
    assert "usage-based API" in [c.text for c in parsed.candidates]


def test_sentences_cover_the_text(nlp):
    parsed = parse_text(nlp, "First sentence here. Second one follows! Third?")
    assert len(parsed.sentences) == 3
    assert parsed.sentences[0][0] == 0


def test_text_longer_than_max_length_is_parsed_in_pieces(nlp):
    unit = "Cloud platform for developers and teams. "
    text = unit * (nlp.max_length // len(unit) + 500)
    assert len(text) > nlp.max_length
    parsed = parse_text(nlp, text)
    assert parsed.n_words == 6 * (nlp.max_length // len(unit) + 500)
    last = parsed.candidates[-1]
    assert text[last.start : last.end] == last.text
    assert parsed.sentences[-1][1] <= len(text)


def test_split_for_parsing_prefers_paragraph_breaks():
    text = ("a" * 60 + "\n\n") * 4
    parts = split_for_parsing(text, limit=100)
    assert "".join(piece for _, piece in parts) == text
    assert all(len(piece) <= 100 for _, piece in parts)
    assert all(piece.endswith("\n\n") for _, piece in parts[:-1])


def test_empty_text_parses_to_nothing(nlp):
    parsed = next(parse_texts(nlp, [""]))
    assert parsed.lemmas == [] and parsed.candidates == []


def test_unknown_spacy_model_is_a_clear_error():
    with pytest.raises(PipelineError, match="cannot load spaCy pipeline 'no_such_pipeline_xyz'"):
        build_pipeline("no_such_pipeline_xyz")


def test_inline_lemmas_equal_what_the_lookup_lemmatizer_pipe_assigns(nlp):
    from stratclass.lexicon import lemma_lookup
    from stratclass.nlp import INLINE_LEMMAS

    text = "The teams were running managed databases; children bought better phones and Families sang."
    assert nlp.meta[INLINE_LEMMAS]
    with_pipe = [t.lemma_ for t in nlp(text)]  # the lemmatizer pipe, run for real
    table = lemma_lookup()
    assert with_pipe == [table.get(t.text, t.text) for t in nlp.make_doc(text)]
    assert parse_text(nlp, text).lemmas[:4] == ["the", "team", "be", "run"]


def test_inline_sentences_equal_what_the_sentencizer_pipe_assigns(nlp):
    for text in (
        "First one. Second one?! 'Quoted.' Then (a bracket.) And... the end\n\nNew paragraph: yes! ok",
        "! Hello world. Bye now",
        "... and so. On",
    ):
        with_pipe = [(s.start_char, s.end_char) for s in nlp(text).sents]  # the sentencizer, run for real
        assert parse_text(nlp, text).sentences == with_pipe


def test_linear_model_columns_match_the_hashing_vectorizer(default_classifier):
    from sklearn.feature_extraction.text import HashingVectorizer

    model = default_classifier.bundle.linear
    vectorizer = HashingVectorizer(token_pattern=r"\S+", alternate_sign=False, n_features=model.n_features)
    for term in ("api", "über", "ledgerline", "_num_", "x", "日本", "a-b"):
        assert model.column(term) == vectorizer.transform([term]).indices[0]


def test_noun_chunks_are_the_candidates_when_the_parse_has_dependencies(nlp):
    from spacy.tokens import Doc

    from stratclass.lexicon import english_lexicon
    from stratclass.nlp import ParsedText, _read_doc, _WordFacts

    # What a trained pipeline (e.g. en_core_web_sm) would annotate, built by hand: no model needed.
    words = ["Ledgerline", "sells", "payout", "APIs", "to", "large", "marketplaces"]
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=[True] * 6 + [False],
        pos=["PROPN", "VERB", "NOUN", "NOUN", "ADP", "ADJ", "NOUN"],
        heads=[1, 1, 3, 1, 1, 6, 4],
        deps=["nsubj", "ROOT", "compound", "dobj", "prep", "amod", "pobj"],
    )
    out = ParsedText(text=doc.text)
    _read_doc(doc, 0, _WordFacts(doc.vocab, None, english_lexicon(), False, None), out)
    assert [c.text for c in out.candidates] == ["Ledgerline", "payout APIs", "large marketplaces"]
    assert [c.position for c in out.candidates] == [0, 2, 5]
    assert out.lemmas[:2] == ["ledgerline", "sells"]


def test_a_very_long_run_of_nouns_is_cut_into_phrases_without_recursion(nlp):
    text = "cloud " * 15_000  # one piece (under 100,000 characters), one run of 15,000 nouns
    parsed = parse_text(nlp, text)
    assert len(parsed.candidates) == 3_750
    assert all(c.n_words == 4 for c in parsed.candidates)
    assert parsed.candidates[0].start == 0 and parsed.candidates[-1].end == len(text) - 1
