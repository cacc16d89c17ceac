"""Evidence for a label: which features and which sentences moved the linear model, and by how much.

The model scores each label as `intercept + sum over features of (TF-IDF value x weight)`, and its
probabilities are the softmax of those label scores (for two labels: the logistic of their difference).
Every feature's contribution is reported per label, so the listed features, the `other_features`
remainder and the intercept add up exactly to `scores`, the model's own decision.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from stratclass.linear import LinearTextModel
from stratclass.nlp import ParsedText

TOP_FEATURES = 10
TOP_SENTENCES = 2


def _margin(contributions: np.ndarray) -> tuple[int, float]:
    """The label a contribution row favours most, and by how much over the next best."""
    best = int(contributions.argmax())
    others = np.delete(contributions, best)
    return best, float(contributions[best] - (others.max() if len(others) else 0.0))


def _rounded(labels: list[str], values: np.ndarray) -> dict[str, float]:
    return {label: round(float(v), 6) for label, v in zip(labels, values, strict=True)}


def explain(
    parsed: ParsedText,
    model: LinearTextModel,
    *,
    top_features: int = TOP_FEATURES,
    top_sentences: int = TOP_SENTENCES,
) -> dict[str, Any]:
    """Evidence for one parsed text: top features and the sentences that most support each label."""
    labels = model.labels
    row = model.features(parsed.feature_text)
    per_term = model.contributions(row)  # terms x labels
    intercept = model.intercept @ model.label_projection()  # per-label intercepts
    scores = intercept + per_term.sum(axis=0)
    ranked = []
    for term, contribution in zip(row.terms, per_term, strict=True):
        best, margin = _margin(contribution)
        if margin > 0:
            ranked.append((margin, term, labels[best], contribution))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    listed = ranked[:top_features]
    shown = np.array([item[3] for item in listed]).sum(axis=0) if listed else np.zeros(len(labels))
    return {
        "features": [
            {
                "feature": term,
                "weight": round(margin, 6),
                "supports": label,
                "contributions": _rounded(labels, contribution),
            }
            for margin, term, label, contribution in listed
        ],
        "other_features": _rounded(labels, per_term.sum(axis=0) - shown),
        "intercept": _rounded(labels, intercept),
        "scores": _rounded(labels, scores),
        "sentences": _sentences(parsed, model, dict(zip(row.terms, per_term, strict=True)), top_sentences),
    }


def _sentences(
    parsed: ParsedText, model: LinearTextModel, per_term: dict[str, np.ndarray], top: int
) -> dict[str, list[dict[str, Any]]]:
    """The sentences whose terms add most to each label. A term's contribution is shared equally among
    its occurrences, so the sentences' sums add up to the features' total (less the n-grams, for
    n-gram models, that span two sentences)."""
    labels = model.labels
    out: dict[str, list[dict[str, Any]]] = {label: [] for label in labels}
    if not parsed.sentences or len(parsed.sentence_words) != len(parsed.sentences):
        return out
    occurrences = Counter(model.terms(parsed.feature_text))
    bounds = [*parsed.sentence_words[1:], len(parsed.lemmas)]
    candidates: dict[str, list[tuple[float, int]]] = {label: [] for label in labels}
    for n, ((first, last), _span) in enumerate(
        zip(zip(parsed.sentence_words, bounds, strict=True), parsed.sentences, strict=True)
    ):
        total = np.zeros(len(labels))
        for term in model.terms(" ".join(parsed.lemmas[first:last])):
            contribution = per_term.get(term)
            if contribution is not None:
                total += contribution / occurrences[term]
        if not total.any():
            continue
        best, margin = _margin(total)
        if margin > 0:
            candidates[labels[best]].append((margin, n))
    for label, found in candidates.items():
        for margin, n in sorted(found, reverse=True)[:top]:
            start, end = parsed.sentences[n]
            out[label].append(
                {"text": parsed.text[start:end], "start": start, "end": end, "score": round(margin, 6)}
            )
    return out
