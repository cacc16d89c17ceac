"""The numpy copy of a fitted pipeline: same probabilities, exact evidence, safe loading."""

from __future__ import annotations

import numpy as np
import pytest

from stratclass.bundle import LINEAR_FILE, load_model
from stratclass.corpus import read_corpus
from stratclass.features import FeatureConfig
from stratclass.linear import LinearTextModel, UnsupportedPipeline
from stratclass.nlp import feature_texts

TEXTS = [
    "Ledgerline sells a payments API to online stores and charges per call.",
    "A meal-kit subscription for busy families, delivered every Sunday.",
    "",
    "api api api api platform",
    "zzqx unseenword _num_ _url_",
    "The striker scored twice as the home side won the league.",
]


def _features(texts):
    return feature_texts(texts, None)


def test_shipped_model_gives_the_pipelines_probabilities():
    bundle = load_model()
    texts = _features(TEXTS)
    assert np.allclose(bundle.linear.predict_proba(texts), bundle.pipeline.predict_proba(texts), atol=1e-6)


def test_three_label_model_gives_the_pipelines_probabilities(three_label_model_dir, fixtures):
    bundle = load_model(three_label_model_dir)
    texts = _features(TEXTS + [e.text for e in read_corpus([fixtures / "three_labels"]).examples])
    assert bundle.linear.labels == bundle.labels and len(bundle.labels) == 3
    assert np.allclose(bundle.linear.predict_proba(texts), bundle.pipeline.predict_proba(texts), atol=1e-6)


def test_contributions_add_up_to_the_decision_value():
    model = load_model().linear
    text = _features([TEXTS[0]])[0]
    row = model.features(text)
    per_label = model.contributions(row)  # terms x labels
    decision = model.decision([text])[0]
    # Binary model: label 1's contributions minus label 0's are the decision value without intercept.
    assert np.isclose((per_label[:, 1] - per_label[:, 0]).sum() + model.intercept[0], decision[0])
    assert len(row.terms) == len(set(row.terms)) == per_label.shape[0]


def test_saved_copy_loads_back_identically(tmp_path):
    model = load_model().linear
    model.save(tmp_path / LINEAR_FILE)
    again = LinearTextModel.load(tmp_path / LINEAR_FILE)
    texts = _features(TEXTS)
    assert again.labels == model.labels
    assert np.array_equal(again.predict_proba(texts), model.predict_proba(texts))


def test_character_ngram_models_keep_a_partial_copy_for_phrases_only(tmp_path, fixtures):
    from stratclass.classifier import Classifier
    from stratclass.training import train_to_folder

    out = tmp_path / "chars"
    config = FeatureConfig(char_ngrams=(2, 4))
    train_to_folder(read_corpus([fixtures / "small_corpus.jsonl"]), out, features=config, name="chars")
    bundle = load_model(out)
    assert not (out / LINEAR_FILE).exists()
    assert bundle.linear.partial
    with pytest.raises(UnsupportedPipeline):
        bundle.linear.predict_proba(["api"])
    result = Classifier(bundle).classify(TEXTS[0])
    texts = _features([TEXTS[0]])
    assert np.isclose(result.scores["infrastructure"], bundle.pipeline.predict_proba(texts)[0][1], atol=1e-6)
    assert result.key_phrases


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("n_features", np.array(2**32)),
        ("coef_columns", np.array([2**21])),
        ("labels", np.array(["only-one"])),
        ("coef_values", np.zeros((5, 3))),
    ],
)
def test_a_crafted_linear_file_is_refused_before_anything_large_is_allocated(tmp_path, field, value):
    model = load_model().linear
    model.save(tmp_path / LINEAR_FILE)
    with np.load(tmp_path / LINEAR_FILE, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    arrays[field] = value
    with open(tmp_path / "crafted.npz", "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ValueError, match="malformed"):
        LinearTextModel.load(tmp_path / "crafted.npz")
