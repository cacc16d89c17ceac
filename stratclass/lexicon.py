"""General-English word statistics for key phrases: how rare a word is and its most likely word class.

Built from spacy-lookups-data by scripts/build_english_lexicon.py into a compact table that loads in a
fraction of the time of the original tables. Words not in the table are rare (names, jargon).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

NOUN, ADJECTIVE, VERB, ADVERB = "N", "J", "V", "R"
# Log-probability given to words the table does not know: rarer than any word it lists.
UNKNOWN_LOGPROB = -19.5


class EnglishLexicon:
    """Word -> (log-probability, class) for about 120k common English word forms."""

    def __init__(self, entries: dict[str, tuple[float, str]]) -> None:
        self._entries = entries

    def logprob(self, word: str) -> float:
        entry = self._entries.get(word)
        return entry[0] if entry else UNKNOWN_LOGPROB

    def word_class(self, word: str) -> str | None:
        """N, J, V or R for a known lower-case word form; None for an unknown one."""
        entry = self._entries.get(word)
        return entry[1] if entry else None

    def __len__(self) -> int:
        return len(self._entries)


@cache
def english_lexicon() -> EnglishLexicon:
    """The packaged lexicon, loaded once per process."""
    entries: dict[str, tuple[float, str]] = {}
    source = resources.files("stratclass") / "resources" / "english_words.tsv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            word, logprob, word_class = line.rstrip("\n").split("\t")
            entries[word] = (float(logprob), word_class)
    return EnglishLexicon(entries)


@cache
def lemma_lookup() -> dict[str, str]:
    """spacy-lookups-data's English lookup-lemmatizer table (form -> lemma), packaged compactly."""
    table: dict[str, str] = {}
    source = resources.files("stratclass") / "resources" / "english_lemmas.tsv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                form, lemma = line.rstrip("\n").split("\t")
                table[form] = lemma
    return table
