"""Build stratclass/resources/english_words.npz from spacy-lookups-data (run once; output is committed).

    python scripts/build_english_lexicon.py

It also stores the lookup lemmatizer's table (english_lemmas.npz). For each common English word form
it stores the log-probability (how rare the word is in general English) and its most likely word class (N noun, J adjective, V verb, R adverb), which key-phrase extraction needs
with the blank spaCy pipeline, where there is no part-of-speech tagger:
- the class comes from spacy-lookups-data's lemma index (which base forms are nouns, verbs, adjectives,
  adverbs) via the lemma lookup table, and for forms the index leaves ambiguous ("rents", "yields") from
  how unambiguous words in the same Brown cluster (en_lexeme_cluster) are used: words that occur in the same
  contexts share a cluster path, so the majority class along the word's path is its typical use.
Loading the source tables takes several seconds; the compact result loads in a fraction of that.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import spacy_lookups_data

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stratclass.lexicon import LEMMAS_FILE, WORDS_FILE, save_sorted  # noqa: E402

OUT = ROOT / "stratclass" / "resources" / WORDS_FILE
LEMMAS_OUT = ROOT / "stratclass" / "resources" / LEMMAS_FILE
MIN_LOGPROB = -18.0
WORD = re.compile(r"^[a-z][a-z'\-]*$")
CLASSES = {"noun": "N", "adj": "J", "verb": "V", "adv": "R"}
MIN_CLUSTER_EVIDENCE = 12
NOUN_SHARE = 0.3


def main() -> None:
    data = Path(spacy_lookups_data.__file__).parent / "data"

    def table(name: str) -> dict:
        with gzip.open(data / f"en_{name}.json.gz", "rt", encoding="utf-8") as handle:
            return json.load(handle)

    prob = table("lexeme_prob")
    cluster = table("lexeme_cluster")
    index = table("lemma_index")
    exceptions = table("lemma_exc")
    lookup = table("lemma_lookup")

    bases: dict[str, set[str]] = defaultdict(set)  # base form -> classes
    forms: dict[str, set[str]] = defaultdict(set)  # irregular inflected form -> classes
    for name, tag in CLASSES.items():
        for base in index.get(name, []):
            bases[base].add(tag)
        for form in exceptions.get(name, {}):
            forms[form].add(tag)

    def classes_of(word: str) -> set[str]:
        found = set(bases.get(word, ())) | forms.get(word, set())
        lemma = lookup.get(word)
        if lemma and lemma != word:
            found |= bases.get(lemma, set())
        return found

    words = [w for w, p in prob.items() if p >= MIN_LOGPROB and WORD.match(w)]
    print(f"{len(words)} word forms with log-probability >= {MIN_LOGPROB}", file=sys.stderr)

    # Evidence: for each cluster path prefix (low-order bits), the classes of unambiguous words on it.
    evidence: dict[tuple[int, int], Counter] = defaultdict(Counter)
    known = {}
    for word in words:
        found = classes_of(word)
        known[word] = found
        path = cluster.get(word) or 0
        if len(found) == 1 and path:
            tag = next(iter(found))
            for bits in range(2, path.bit_length() + 1):
                evidence[(bits, path & ((1 << bits) - 1))][tag] += 1

    def by_cluster(word: str, allowed: set[str]) -> str | None:
        path = cluster.get(word) or 0
        for bits in range(path.bit_length(), 1, -1):
            counts = evidence.get((bits, path & ((1 << bits) - 1)))
            if counts:
                votes = {tag: counts[tag] for tag in (allowed or CLASSES.values())}
                total = sum(votes.values())
                if total >= MIN_CLUSTER_EVIDENCE:
                    # Phrases are built from nouns: a word that can be one stays one unless its cluster
                    # is clearly used otherwise.
                    if "N" in votes and votes["N"] / total >= NOUN_SHARE:
                        return "N"
                    return max(votes, key=votes.get)
        return None

    rows = []
    stats = Counter()
    for word in words:
        found = known[word]
        if len(found) == 1:
            tag = next(iter(found))
        else:
            tag = by_cluster(word, found) or (sorted(found, key="NJVR".index)[0] if found else "N")
            stats["cluster" if found else "unknown"] += 1
        rows.append((word, round(prob.get(word), 1), tag))
        stats[tag] += 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_sorted(
        OUT,
        "words",
        [word for word, _, _ in rows],
        logprobs=np.array([logprob for _, logprob, _ in rows], dtype=np.float32),
        classes=np.array([tag.encode("ascii") for _, _, tag in rows]),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB): {dict(stats)}", file=sys.stderr)

    # The lookup lemmatizer's own table, verbatim, so the default pipeline initialises without loading
    # every English table of spacy-lookups-data.
    forms = sorted(lookup)
    save_sorted(LEMMAS_OUT, "forms", forms, lemmas=np.array([lookup[f].encode("utf-8") for f in forms]))
    print(
        f"wrote {LEMMAS_OUT} ({LEMMAS_OUT.stat().st_size // 1024} KiB, {len(lookup)} forms)", file=sys.stderr
    )


if __name__ == "__main__":
    main()
