"""Key phrases: rank the parse's noun-phrase candidates and tag each with the label it supports.

A phrase scores by the words in it: each word counts by how informative it is (rare in general English,
from spacy-lookups-data's word probabilities, and rare in the training corpus) and how often the text uses
it; the phrase's own frequency and how early it first appears add to that. Near-duplicates ("API",
"APIs", "API access") are merged, keeping the best-ranked form once. `supports` comes from the
classifier's weights on the phrase's own features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stratclass.bundle import ModelBundle
from stratclass.lexicon import EnglishLexicon, english_lexicon
from stratclass.linear import LinearTextModel
from stratclass.nlp import ParsedText
from stratclass.records import KeyPhrase

# A phrase whose features favour one label by less than this (in decision-function units) is neutral.
NEUTRAL_MARGIN = 0.15
# Word informativeness is cached per (word, lemma); cleared at this size so long runs stay bounded.
INFO_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class PhraseScoring:
    """The constants of the ranking (chosen on the key-phrase dev set; see docs/EVALUATION.md)."""

    common_logprob: float = -6.0  # words at least this common carry almost no information
    corpus_weight: float = 0.3  # share of training-corpus rarity in a word's informativeness
    length_exponent: float = 0.6  # phrase score = sum of word scores / n_words ** (1 - exponent)
    position_weight: float = 1.0  # how much an early first occurrence helps
    phrase_frequency_weight: float = 0.5
    word_frequency_power: float = 0.5  # a word used n times in the text counts n ** power
    # In long texts repetition is a reliable sign of topic: phrase frequency counts more the longer the
    # text (count ** (long_text_weight * log(words / long_text_words)) beyond `long_text_words`).
    long_text_words: int = 150
    long_text_weight: float = 3.0
    # In a text that reads like a news report (at least `name_dense_share` of its words capitalised inside
    # sentences: people, places, organisations; at least `passing_mention_words` words) the topic is carried
    # by repeated words, and a phrase of several words used once, whose head noun the text never uses
    # again, is a passing detail ("wore a shapeless retro dress"): it scores `passing_mention_factor` of
    # what it would. Technical and descriptive prose, with few names, names its subject with once-used
    # terms ("self-tuning PID controller") and is left alone.
    name_dense_share: float = 0.11
    passing_mention_words: int = 60
    passing_mention_factor: float = 0.1


@dataclass(slots=True)
class _Scored:
    key: str
    text: str
    start: int
    end: int
    score: float


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


class KeyPhraseExtractor:
    """Ranks a ParsedText's candidates; with a model bundle it also uses corpus rarity and `supports`."""

    def __init__(
        self,
        bundle: ModelBundle | None = None,
        *,
        scoring: PhraseScoring | None = None,
        lexicon: EnglishLexicon | None = None,
    ) -> None:
        self.scoring = scoring or PhraseScoring()
        self._lexicon = lexicon or english_lexicon()
        self._labels = bundle.labels if bundle is not None else []
        self._model: LinearTextModel | None = bundle.linear if bundle is not None else None
        if self._model is not None:
            idf = self._model.idf
            self._idf_low, self._idf_span = float(idf.min()), float(idf.max() - idf.min()) or 1.0
        self._info_cache: dict[tuple[str, str], float] = {}

    def _informativeness(self, word: str, lemma: str) -> float:
        cached = self._info_cache.get((word, lemma))
        if cached is not None:
            return cached
        s = self.scoring
        general = max(0.3, s.common_logprob - self._lexicon.logprob(word))  # 0.3 .. ~13.5
        if self._model is not None and s.corpus_weight:
            general = (1 - s.corpus_weight) * general + s.corpus_weight * self._corpus_rarity(lemma) * 13.5
        if len(self._info_cache) >= INFO_CACHE_LIMIT:
            self._info_cache.clear()
        self._info_cache[(word, lemma)] = general
        return general

    def _corpus_rarity(self, lemma: str) -> float:
        """How rare the lemma was in the training corpus: its IDF scaled to [0, 1]."""
        idf = self._model.idf[self._model.column(lemma)]
        return (float(idf) - self._idf_low) / self._idf_span

    def rank(self, parsed: ParsedText, top_n: int) -> list[_Scored]:
        """The best `top_n` phrases of one text, near-duplicates merged."""
        candidates = parsed.candidates
        if top_n <= 0 or not candidates:
            return []
        s = self.scoring
        groups: dict[str, list] = {}
        for candidate in candidates:
            found = groups.get(candidate.key)
            if found is None:
                groups[candidate.key] = [candidate]
            else:
                found.append(candidate)
        words_of: dict[str, tuple[str, ...]] = {}
        word_counts: dict[str, int] = {}
        for key, found in groups.items():
            lemmas = words_of[key] = tuple(key.split())
            for lemma in lemmas:
                word_counts[lemma] = word_counts.get(lemma, 0) + len(found)
        n_words = max(parsed.n_words, 1)
        repetition = s.long_text_weight * max(0.0, math.log(n_words / s.long_text_words))
        passing = (
            s.passing_mention_factor
            if n_words >= s.passing_mention_words
            and parsed.capitalised_words >= s.name_dense_share * max(parsed.letter_words, 1)
            else 1.0
        )
        power, shrink = s.word_frequency_power, 1.0 - s.length_exponent
        info_cache, informativeness = self._info_cache, self._informativeness
        scored = []
        for key, found in groups.items():
            first = found[0]
            lemmas = words_of[key]
            total = 0.0
            for word, lemma in zip(first.words or lemmas, lemmas, strict=False):
                info = info_cache.get((word, lemma))
                if info is None:
                    info = informativeness(word, lemma)
                total += info * word_counts[lemma] ** power
            raw = total / len(lemmas) ** shrink
            if len(found) > 1:
                raw *= (1.0 + s.phrase_frequency_weight * math.log(len(found))) * len(found) ** repetition
            elif len(lemmas) > 1 and word_counts[lemmas[-1]] == 1:
                raw *= passing
            raw /= 1.0 + s.position_weight * (first.position / n_words)
            scored.append(_Scored(key, first.text, first.start, first.end, raw))
        scored.sort(key=lambda item: (-item.score, item.start))
        chosen: list[_Scored] = []
        chosen_words: list[tuple[str, ...]] = []
        used: set[str] = set()  # every word of the chosen phrases: no shared word, no containment
        for item in scored:
            words = words_of[item.key]
            if not used.isdisjoint(words) and any(
                _contains(other, words) or _contains(words, other) for other in chosen_words
            ):
                continue
            chosen.append(item)
            chosen_words.append(words)
            used.update(words)
            if len(chosen) == top_n:
                break
        return chosen

    def _supports(self, keys: list[str]) -> list[str | None]:
        if self._model is None or not keys:
            return [None] * len(keys)
        contributions = self._model.label_scores(keys)
        ordered = np.sort(contributions, axis=1)
        margins = ordered[:, -1] - ordered[:, -2]
        best = contributions.argmax(axis=1)
        return [self._labels[b] if m >= NEUTRAL_MARGIN else None for b, m in zip(best, margins, strict=True)]

    def extract(self, parsed: list[ParsedText], top_n: int = 10) -> list[list[KeyPhrase]]:
        """Top `top_n` key phrases for each parsed text, with one vectorised `supports` pass."""
        ranked = [self.rank(p, top_n) for p in parsed]
        supports = self._supports([item.key for chosen in ranked for item in chosen])
        out: list[list[KeyPhrase]] = []
        i = 0
        for chosen in ranked:
            top = chosen[0].score if chosen else 1.0
            phrases = []
            for item in chosen:
                phrases.append(
                    KeyPhrase(item.text, float(item.score / top), supports[i], item.start, item.end)
                )
                i += 1
            out.append(phrases)
        return out
