"""General-English word statistics for key phrases, and the lookup lemmatizer's table.

Built from spacy-lookups-data by scripts/build_english_lexicon.py into two small `.npz` files of sorted
UTF-8 keys. Lookups binary-search the sorted keys and cache what they find, so nothing is loaded into
Python objects up front: start-up does not pay for 120k dictionary entries it will mostly never read.
Words not in the word table are rare (names, jargon).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from importlib import resources

import numpy as np

NOUN, ADJECTIVE, VERB, ADVERB = "N", "J", "V", "R"
# Log-probability given to words the table does not know: rarer than any word it lists.
UNKNOWN_LOGPROB = -19.5
WORDS_FILE = "english_words.npz"
LEMMAS_FILE = "english_lemmas.npz"
# Cached lookups per table; cleared at this size so that long runs over open vocabularies stay bounded.
CACHE_LIMIT = 300_000
_MISSING = object()


class SortedKeys:
    """Position of a string among sorted UTF-8 keys (None when absent), with a bounded cache."""

    def __init__(self, keys: np.ndarray) -> None:
        self._keys = keys
        self._sorted: list[bytes] | None = None  # the keys as Python bytes, made on first use
        self._cache: dict[str, int | None] = {}

    def find(self, key: str) -> int | None:
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            if self._sorted is None:
                self._sorted = self._keys.tolist()  # bisect on a list is ~10x faster than searchsorted
            encoded = key.encode("utf-8", "surrogatepass")
            i = bisect_left(self._sorted, encoded)
            found = i if i < len(self._sorted) and self._sorted[i] == encoded else None
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    def __len__(self) -> int:
        return len(self._keys)


class EnglishLexicon:
    """Word -> (log-probability, class) for about 120k common English word forms."""

    def __init__(self, words: np.ndarray, logprobs: np.ndarray, classes: np.ndarray) -> None:
        self._words = SortedKeys(words)
        self._logprobs = logprobs
        self._classes = classes

    def logprob(self, word: str) -> float:
        i = self._words.find(word)
        return UNKNOWN_LOGPROB if i is None else float(self._logprobs[i])

    def word_class(self, word: str) -> str | None:
        """N, J, V or R for a known lower-case word form; None for an unknown one."""
        i = self._words.find(word)
        return None if i is None else self._classes[i].decode("ascii")

    def __len__(self) -> int:
        return len(self._words)


class LemmaTable:
    """spacy-lookups-data's English lookup-lemmatizer table (form -> lemma), read-only."""

    def __init__(self, forms: np.ndarray, lemmas: np.ndarray) -> None:
        self._forms = SortedKeys(forms)
        self._lemmas = lemmas
        self._decoded: dict[int, str] = {}

    def get(self, form: str, default: str | None = None) -> str | None:
        i = self._forms.find(form)
        if i is None:
            return default
        lemma = self._decoded.get(i)
        if lemma is None:
            lemma = self._decoded[i] = self._lemmas[i].decode("utf-8")
        return lemma

    def to_dict(self) -> dict[str, str]:
        """The whole table as a dict (for spaCy's Lookups)."""
        forms = (f.decode("utf-8") for f in self._forms._keys)
        return dict(zip(forms, (lemma.decode("utf-8") for lemma in self._lemmas), strict=True))

    def __len__(self) -> int:
        return len(self._forms)


def _resource(name: str) -> dict[str, np.ndarray]:
    source = resources.files("stratclass") / "resources" / name
    with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


@cache
def english_lexicon() -> EnglishLexicon:
    """The packaged lexicon, loaded once per process."""
    data = _resource(WORDS_FILE)
    return EnglishLexicon(data["words"], data["logprobs"], data["classes"])


@cache
def lemma_lookup() -> LemmaTable:
    """spacy-lookups-data's English lookup-lemmatizer table, packaged compactly."""
    data = _resource(LEMMAS_FILE)
    return LemmaTable(data["forms"], data["lemmas"])


def save_sorted(path, key_name: str, keys: list[str], **columns: np.ndarray) -> None:
    """Write `keys` (sorted here by their UTF-8 bytes, as lookups expect) and parallel columns."""
    encoded = np.array([k.encode("utf-8") for k in keys])
    order = np.argsort(encoded, kind="stable")
    arrays = {key_name: encoded[order], **{name: np.asarray(v)[order] for name, v in columns.items()}}
    with open(path, "wb") as handle:
        np.savez_compressed(handle, **arrays)
