"""Classifying with the shipped default model: results, scores, threshold, key phrases, errors."""

from __future__ import annotations

import json
import math

import pytest

from stratclass.classifier import UNCERTAIN, Classifier, classify
from stratclass.records import Record


def test_infrastructure_and_consumer_texts_get_their_labels(default_classifier):
    infra = default_classifier.classify(
        "We sell a usage-based API that lets developers add payments to their apps, with SDKs for Go."
    )
    consumer = default_classifier.classify("A sparkling oat-milk latte in a can, sold at grocery stores.")
    assert infra.label == "infrastructure"
    assert consumer.label == "consumer"


def test_scores_are_probabilities_per_label_summing_to_one(default_classifier):
    result = default_classifier.classify("Chips for data centres.")
    assert set(result.scores) == {"infrastructure", "consumer"}
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-6)
    assert result.confidence == max(result.scores.values())
    assert result.model.startswith("default@")
    assert result.error is None


def test_below_the_threshold_the_label_is_uncertain_but_scores_remain(default_classifier):
    strict = Classifier(default_classifier.bundle, threshold=1.0)
    result = strict.classify("A company.")
    assert result.label == UNCERTAIN
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-6)


def test_key_phrases_come_from_the_text_with_offsets(default_classifier):
    text = "Ledgerline sells payout APIs to marketplaces and payroll providers, with audit logs."
    result = default_classifier.classify(text)
    assert 1 <= len(result.key_phrases) <= 10
    for phrase in result.key_phrases:
        assert text[phrase.start : phrase.end] == phrase.text
        assert 0.0 <= phrase.score <= 1.0
        assert phrase.supports in (None, "infrastructure", "consumer")
    assert result.key_phrases[0].score == 1.0


def test_top_phrases_limits_and_zero_turns_them_off(default_classifier):
    text = "Cloud storage, managed databases, GPU clusters, audit logs and single sign-on for banks."
    assert len(Classifier(default_classifier.bundle, top_phrases=2).classify(text).key_phrases) == 2
    assert Classifier(default_classifier.bundle, top_phrases=0).classify(text).key_phrases == []


def test_records_keep_order_and_failed_records_become_errors(default_classifier):
    records = [
        Record("a", "An API for developers."),
        Record("b", "   "),
        Record("c", "Snacks for kids."),
    ]
    results = list(default_classifier.classify_records(records))
    assert [r.id for r in results] == ["a", "b", "c"]
    assert results[1].label is None and results[1].error.type == "empty_text"
    assert results[0].error is None and results[2].error is None


def test_many_records_stream_in_chunks(default_classifier):
    records = (Record(str(i), f"Database number {i} for software teams.") for i in range(600))
    results = default_classifier.classify_records(records)
    assert sum(1 for _ in results) == 600


def test_result_serialises_to_the_design_schema(default_classifier):
    data = default_classifier.classify("Managed Kubernetes for platform teams.", id="x", source="s").to_dict()
    assert json.loads(json.dumps(data)) == data  # plain JSON types only (no numpy scalars)
    assert list(data)[:2] == ["id", "source"]
    assert {"label", "confidence", "scores", "key_phrases", "model", "error"} <= set(data)
    assert data["error"] is None
    assert {"text", "score", "supports", "start", "end"} == set(data["key_phrases"][0])


def test_classify_function_accepts_a_string_or_a_list():
    one = classify("Managed Kubernetes for platform teams.")
    many = classify(["Managed Kubernetes for platform teams.", "Lipstick in ten shades."])
    assert one.label == many[0].label
    assert len(many) == 2


@pytest.mark.slow
def test_very_long_text_does_not_crash(default_classifier):
    text = "Our API serves developers and enterprises across regions. " * 30000  # ~1.7 MB
    result = default_classifier.classify(text)
    assert result.error is None
    assert result.label == "infrastructure"


def test_long_texts_are_labelled_a_few_at_a_time():
    from stratclass.classifier import CHUNK_CHARS, CHUNK_SIZE, _chunks
    from stratclass.records import Record

    long = [Record(id=str(i), text="x" * (CHUNK_CHARS // 3 + 1)) for i in range(10)]
    sizes = [len(chunk) for chunk in _chunks(long)]
    assert sizes == [3, 3, 3, 1]
    short = [Record(id=str(i), text="ok") for i in range(CHUNK_SIZE + 1)]
    assert [len(chunk) for chunk in _chunks(short)] == [CHUNK_SIZE, 1]


@pytest.mark.parametrize("text", ["!!!", "Qwzx blorft vrimble snark.", "1234 5678", "\u200b\u200b"])
def test_a_text_without_any_word_the_model_knows_is_not_given_a_label(default_classifier, text):
    result = default_classifier.classify(text)
    assert result.error is None and result.label == "uncertain"
    assert result.warning.type == "no_known_words"
    assert abs(sum(result.scores.values()) - 1) < 1e-6


def test_a_lone_surrogate_from_the_library_api_does_not_break_the_chunk(default_classifier):
    from stratclass.records import Record

    records = [
        Record(id="bad", text="Cloud \udcff servers for banks"),
        Record(id="ok", text="Snacks for kids"),
    ]
    results = list(default_classifier.classify_records(records))
    assert [r.id for r in results] == ["bad", "ok"]
    assert all(r.error is None and r.label for r in results)
