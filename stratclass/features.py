"""scikit-learn feature extraction over the lemma text that `stratclass.nlp` produces.

The input of every transformer here is `ParsedText.feature_text` (space-separated normalised lemmas),
so the fitted pipeline holds no Python callables and can be stored in a safe format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

# Lemmas are already normalised and space-separated: a token is anything between spaces.
LEMMA_TOKEN_PATTERN = r"\S+"


@dataclass
class FeatureConfig:
    """Which feature families to use and how."""

    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 1
    char_ngrams: tuple[int, int] | None = (2, 5)
    char_min_df: int = 2
    sublinear_tf: bool = True
    max_features: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        data = dict(data)
        for key in ("word_ngrams", "char_ngrams"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(**data)


def build_features(config: FeatureConfig | None = None) -> FeatureUnion:
    """A FeatureUnion of lemma n-grams (always first) and, optionally, character n-grams."""
    config = config or FeatureConfig()
    parts: list[tuple[str, TfidfVectorizer]] = [
        (
            "words",
            TfidfVectorizer(
                token_pattern=LEMMA_TOKEN_PATTERN,
                lowercase=False,
                ngram_range=config.word_ngrams,
                min_df=config.word_min_df,
                sublinear_tf=config.sublinear_tf,
                max_features=config.max_features,
                dtype=np.float32,
            ),
        )
    ]
    if config.char_ngrams is not None:
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    lowercase=False,
                    ngram_range=config.char_ngrams,
                    min_df=config.char_min_df,
                    sublinear_tf=config.sublinear_tf,
                    max_features=config.max_features,
                    dtype=np.float32,
                ),
            )
        )
    return FeatureUnion(parts)
