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
from sklearn.utils import murmurhash3_32

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


class LemmaRarity:
    """How rare a lemma was in the training corpus: the fitted word features' IDF, scaled to [0, 1]."""

    def __init__(self, features: FeatureUnion) -> None:
        words = dict(features.transformer_list).get("words")
        self._hash = words.named_steps["hash"] if words is not None else None
        self._n_features = self._hash.n_features if self._hash is not None else 1
        idf = words.named_steps["tfidf"].idf_ if words is not None else np.zeros(1)
        self._idf = idf
        self._low = float(idf.min())
        self._span = float(idf.max() - idf.min()) or 1.0
        self._cache: dict[str, float] = {}

    def __call__(self, lemma: str) -> float:
        if self._hash is None:
            return 1.0
        value = self._cache.get(lemma)
        if value is None:
            value = (float(self._idf[hashed_column(lemma, self._n_features)]) - self._low) / self._span
            self._cache[lemma] = value
        return value


def hashed_column(term: str, n_features: int) -> int:
    """The column HashingVectorizer (alternate_sign=False) gives `term`, without its per-call overhead."""
    h = murmurhash3_32(term, seed=0, positive=False)
    return (2147483647 - (n_features - 1)) % n_features if h == -2147483648 else abs(h) % n_features
