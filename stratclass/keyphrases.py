"""Key phrases: score the parse's candidate spans and tag each with the label it supports.

Scoring combines statistics of the phrase in the text (frequency, first position, length) with how
rare its words are in the training corpus (the fitted word vectorizer's IDF). `supports` comes from
the classifier's weights on the phrase's own features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stratclass.bundle import ModelBundle
from stratclass.model import class_weights
from stratclass.nlp import ParsedText
from stratclass.records import KeyPhrase

# A phrase whose features favour one label by less than this (in decision-function units) is neutral.
NEUTRAL_MARGIN = 0.15


@dataclass(slots=True)
class _Scored:
    key: str
    text: str
    start: int
    end: int
    score: float


class KeyPhraseExtractor:
    """Ranks a ParsedText's candidates with statistics from a fitted model bundle."""

    def __init__(self, bundle: ModelBundle) -> None:
        features = bundle.pipeline.named_steps["features"]
        words = dict(features.transformer_list)["words"]
        self._features = features
        self._vocabulary = words.vocabulary_
        self._idf = words.idf_
        self._max_idf = float(self._idf.max()) if len(self._idf) else 1.0
        self._weights = class_weights(bundle.pipeline)
        self._labels = bundle.labels

    def _rarity(self, key: str) -> float:
        idfs = [
            self._idf[i] if (i := self._vocabulary.get(word)) is not None else self._max_idf
            for word in key.split()
        ]
        return float(sum(idfs) / len(idfs))

    def _rank(self, parsed: ParsedText, top_n: int) -> list[_Scored]:
        groups: dict[str, list] = {}
        for candidate in parsed.candidates:
            groups.setdefault(candidate.key, []).append(candidate)
        n_words = max(parsed.n_words, 1)
        scored = []
        for key, found in groups.items():
            first = found[0]
            position = first.position / n_words
            raw = (
                (1.0 + math.log(len(found)))
                * self._rarity(key)
                * (1.0 + 0.3 * (min(first.n_words, 3) - 1))
                / math.log2(2.0 + 4.0 * position)
            )
            scored.append(_Scored(key, first.text, first.start, first.end, raw))
        scored.sort(key=lambda s: (-s.score, s.start))
        chosen: list[_Scored] = []
        for item in scored:
            padded = f" {item.key} "
            if any(padded in f" {c.key} " or f" {c.key} " in padded for c in chosen):
                continue
            chosen.append(item)
            if len(chosen) == top_n:
                break
        return chosen

    def extract(self, parsed: list[ParsedText], top_n: int = 10) -> list[list[KeyPhrase]]:
        """Top `top_n` key phrases for each parsed text, in one vectorised `supports` pass."""
        if top_n <= 0:
            return [[] for _ in parsed]
        ranked = [self._rank(p, top_n) for p in parsed]
        keys = [s.key for chosen in ranked for s in chosen]
        supports: list[str | None] = []
        if keys:
            contributions = np.asarray(self._features.transform(keys) @ self._weights.T)
            order = np.sort(contributions, axis=1)
            margins = order[:, -1] - order[:, -2]
            best = contributions.argmax(axis=1)
            supports = [
                self._labels[b] if m >= NEUTRAL_MARGIN else None for b, m in zip(best, margins, strict=True)
            ]
        out: list[list[KeyPhrase]] = []
        i = 0
        for chosen in ranked:
            top = chosen[0].score if chosen else 1.0
            phrases = []
            for s in chosen:
                phrases.append(KeyPhrase(s.text, s.score / top, supports[i], s.start, s.end))
                i += 1
            out.append(phrases)
        return out
