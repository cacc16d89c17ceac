"""Evaluate a model on a labelled corpus: accuracy, macro-F1, per-label scores, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stratclass.bundle import ModelBundle, load_model
from stratclass.corpus import Corpus, CorpusError, Example
from stratclass.nlp import feature_texts


def brier_score(probabilities: np.ndarray, gold: Sequence[str], labels: Sequence[str]) -> float:
    """Mean over texts of the sum over labels of (probability - truth)^2; 0 is perfect, 2 the worst."""
    truth = np.array([[1.0 if g == label else 0.0 for label in labels] for g in gold])
    return float(np.mean(np.sum((probabilities - truth) ** 2, axis=1)))


def evaluate(
    corpus: Corpus | Sequence[Example],
    model: ModelBundle | str | Path | None = None,
    *,
    spacy_model: str | None = None,
    keep_predictions: bool = False,
) -> dict[str, Any]:
    """Score `model` (default: the shipped one) on `corpus`; returns a JSON-ready dict of metrics.

    `keep_predictions`: also return "predictions", one {"id", "text", "gold", "predicted", "scores"}
    per example (the id is the example's `file:line` or path, else its index), for the HTML report.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    corpus = corpus if isinstance(corpus, Corpus) else Corpus(examples=list(corpus))
    bundle = model if isinstance(model, ModelBundle) else load_model(model)
    problems = list(corpus.unreadable)
    examples = [e for e in corpus.examples if e.text.strip()]
    if not examples:
        problems.append("the evaluation corpus has no labelled text")
    unknown = sorted({e.label for e in examples} - set(bundle.labels))
    if unknown:
        problems.append(
            f"labels {unknown} are not known to model {bundle.model_id} (it has {bundle.labels}); "
            f"use --label-field or evaluate with a model trained on these labels"
        )
    if problems:
        raise CorpusError(problems)
    texts = feature_texts([e.text for e in examples], spacy_model or bundle.spacy_pipeline)
    probabilities = bundle.predict_proba(texts)
    labels = bundle.labels
    predicted = [labels[i] for i in probabilities.argmax(axis=1)]
    gold = [e.label for e in examples]
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    metrics: dict[str, Any] = {
        "model": bundle.model_id,
        "examples": len(examples),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "brier": round(brier_score(probabilities, gold, labels), 4),
        "per_label": {
            lab: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for lab, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": {
            "labels": labels,
            "rows_gold_columns_predicted": confusion_matrix(gold, predicted, labels=labels).tolist(),
        },
    }
    if keep_predictions:
        metrics["predictions"] = [
            {
                "id": example.where or str(i),
                "text": example.text,
                "gold": example.label,
                "predicted": guess,
                "scores": {lab: round(float(p), 4) for lab, p in zip(labels, row, strict=True)},
            }
            for i, (example, guess, row) in enumerate(zip(examples, predicted, probabilities, strict=True))
        ]
    return metrics
