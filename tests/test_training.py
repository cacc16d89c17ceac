"""Training: real spaCy parsing and real scikit-learn fitting on small fixture corpora."""

from __future__ import annotations

import numpy as np
import pytest

from stratclass.bundle import load_model
from stratclass.corpus import Corpus, CorpusError, Example, read_corpus
from stratclass.training import train


def test_training_is_reproducible_with_the_same_seed(fixtures):
    corpus = read_corpus([fixtures / "small_corpus.jsonl"])
    one = train(corpus, seed=3, cv=3)
    two = train(corpus, seed=3, cv=3)
    coef_one = one.bundle.pipeline.named_steps["classifier"].coef_
    coef_two = two.bundle.pipeline.named_steps["classifier"].coef_
    assert np.array_equal(coef_one, coef_two)
    assert one.cv_macro_f1 == two.cv_macro_f1
    assert one.bundle.version == two.bundle.version == corpus.sha256()[:8]


def test_model_card_describes_the_training(fixtures):
    corpus = read_corpus([fixtures / "small_corpus.jsonl"])
    card = train(corpus, seed=0, cv=2, name="demo").bundle.card
    assert card["labels"] == ["consumer", "infrastructure"]
    assert card["training_data"]["labels"] == {"consumer": 14, "infrastructure": 14}
    assert card["training_data"]["sha256"] == corpus.sha256()
    assert card["metrics"]["cv"]["folds"] == 2
    assert 0.0 <= card["metrics"]["cv"]["macro_f1_mean"] <= 1.0
    assert {"scikit-learn", "spacy", "numpy", "stratclass"} <= set(card["libraries"])


def test_users_own_labels_are_learned(three_label_model_dir):
    from stratclass.classifier import Classifier

    classifier = Classifier(three_label_model_dir, threshold=0.0)
    assert classifier.labels == ["finance", "sports", "weather"]
    result = classifier.classify("Thunderstorms and heavy rain will reach the coast by the evening.")
    assert result.label == "weather"
    assert set(result.scores) == {"finance", "sports", "weather"}


def test_invalid_corpus_stops_training_with_every_problem():
    corpus = Corpus([Example("one text", "a", "f:1"), Example("", "a", "f:2")])
    with pytest.raises(CorpusError) as info:
        train(corpus)
    problems = " | ".join(info.value.problems)
    assert "only one label" in problems and "no text" in problems


def test_cv_needs_enough_examples_per_label(fixtures):
    corpus = read_corpus([fixtures / "small_corpus.jsonl"])
    with pytest.raises(CorpusError, match="--cv 20 needs at least 20 examples of every label"):
        train(corpus, cv=20)


def test_saved_model_loads_and_predicts_like_the_fitted_one(fixtures, tmp_path):
    result = train(read_corpus([fixtures / "small_corpus.jsonl"]), seed=0)
    result.bundle.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    texts = ["api for developers", "snacks for kids"]
    assert np.allclose(result.bundle.pipeline.predict_proba(texts), loaded.pipeline.predict_proba(texts))
