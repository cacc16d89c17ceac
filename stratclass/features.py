"""scikit-learn feature extraction over the lemma text that `stratclass.nlp` produces.

The input of every transformer here is `ParsedText.feature_text` (space-separated normalised lemmas).
Features are hashed (HashingVectorizer + TfidfTransformer): the fitted pipeline holds no vocabulary, so a
model loads in milliseconds, and it holds no Python callables, so it can be stored in a safe format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline

# Lemmas are already normalised and space-separated: a token is anything between spaces.
LEMMA_TOKEN_PATTERN = r"\S+"


@dataclass
class FeatureConfig:
    """Which feature families to use and how.

    The default, lemma unigrams, generalises best to real text: richer n-grams score slightly higher in
    cross-validation on the project's corpus but lower on external text (see docs/EVALUATION.md).
    """

    word_ngrams: tuple[int, int] | None = (1, 1)
    char_ngrams: tuple[int, int] | None = None
    sublinear_tf: bool = True
    n_features: int = 2**20

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("word_ngrams", "char_ngrams"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(**data)


def _hashed(config: FeatureConfig, **vectorizer: Any) -> Pipeline:
    return Pipeline(
        [
            (
                "hash",
                HashingVectorizer(
                    lowercase=False,
                    alternate_sign=False,
                    norm=None,
                    n_features=config.n_features,
                    dtype=np.float32,
                    **vectorizer,
                ),
            ),
            ("tfidf", TfidfTransformer(sublinear_tf=config.sublinear_tf)),
        ]
    )


def build_features(config: FeatureConfig | None = None) -> FeatureUnion:
    """A FeatureUnion of lemma n-grams ("words", first) and character n-grams ("chars")."""
    config = config or FeatureConfig()
    parts: list[tuple[str, Pipeline]] = []
    if config.word_ngrams is not None:
        parts.append(
            ("words", _hashed(config, token_pattern=LEMMA_TOKEN_PATTERN, ngram_range=config.word_ngrams))
        )
    if config.char_ngrams is not None:
        parts.append(("chars", _hashed(config, analyzer="char_wb", ngram_range=config.char_ngrams)))
    if not parts:
        raise ValueError("at least one feature family (word or character n-grams) is needed")
    return FeatureUnion(parts)
