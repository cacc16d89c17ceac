"""Train a model bundle from a labelled corpus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from stratclass import __version__
from stratclass.bundle import ModelBundle, library_versions
from stratclass.corpus import (
    DEFAULT_MIN_PER_LABEL,
    Corpus,
    CorpusError,
    CorpusReport,
    Example,
    validate_corpus,
)
from stratclass.features import FeatureConfig
from stratclass.model import ClassifierConfig, build_pipeline
from stratclass.nlp import DEFAULT_PIPELINE, feature_texts

DEFAULT_THRESHOLD = 0.6


@dataclass
class TrainResult:
    """A fitted bundle, the corpus report, and cross-validation scores when asked for."""

    bundle: ModelBundle
    report: CorpusReport
    cv_macro_f1: list[float] | None = None


def cross_validate(
    features: list[str],
    labels: list[str],
    k: int,
    seed: int,
    feature_config: FeatureConfig | None = None,
    classifier_config: ClassifierConfig | None = None,
) -> list[float]:
    """Stratified k-fold macro-F1 of the pipeline on already parsed texts."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    scores = cross_val_score(
        build_pipeline(feature_config, classifier_config, seed),
        features,
        labels,
        cv=folds,
        scoring="f1_macro",
    )
    return [float(s) for s in scores]


def train(
    corpus: Corpus | Sequence[Example],
    *,
    seed: int = 0,
    cv: int | None = None,
    spacy_model: str | None = None,
    features: FeatureConfig | None = None,
    classifier: ClassifierConfig | None = None,
    name: str = "model",
    version: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    min_per_label: int = DEFAULT_MIN_PER_LABEL,
    on_step: Callable[[str], None] | None = None,
) -> TrainResult:
    """Validate the corpus, optionally cross-validate, fit, and return a ModelBundle (not yet saved).

    Raises CorpusError when the corpus cannot be trained on.
    """
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(examples=list(corpus))
    report = validate_corpus(corpus, min_per_label=min_per_label)
    if cv is not None and cv < 2:
        report.errors.append(f"--cv must be at least 2, got {cv}")
    if cv is not None and report.label_counts and min(report.label_counts.values()) < cv:
        report.errors.append(f"--cv {cv} needs at least {cv} examples of every label")
    if not report.ok:
        raise CorpusError(report.errors)
    step = on_step or (lambda message: None)
    features = features or FeatureConfig()
    classifier = classifier or ClassifierConfig()

    step(f"parsing {len(corpus.examples)} texts with spaCy ({spacy_model or DEFAULT_PIPELINE})")
    texts = feature_texts(corpus.texts, spacy_model)
    labels = corpus.labels
    cv_scores = None
    if cv:
        step(f"{cv}-fold cross-validation")
        cv_scores = cross_validate(texts, labels, cv, seed, features, classifier)
    step("fitting the classifier")
    pipeline = build_pipeline(features, classifier, seed)
    pipeline.fit(texts, labels)
    train_accuracy = float(np.mean(pipeline.predict(texts) == np.asarray(labels)))

    summary = corpus.summary()
    metrics: dict[str, Any] = {"train_accuracy": round(train_accuracy, 4)}
    if cv_scores:
        metrics["cv"] = {
            "folds": cv,
            "macro_f1_mean": round(float(np.mean(cv_scores)), 4),
            "macro_f1_std": round(float(np.std(cv_scores)), 4),
            "macro_f1_folds": [round(s, 4) for s in cv_scores],
        }
    card = {
        "format": 1,
        "name": name,
        "version": version or summary["sha256"][:8],
        "labels": [str(c) for c in pipeline.classes_],
        "threshold": threshold,
        "spacy_pipeline": spacy_model or DEFAULT_PIPELINE,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": seed,
        "training_data": summary,
        "features": features.to_dict(),
        "classifier": {"type": "LogisticRegression", **classifier.to_dict()},
        "metrics": metrics,
        "libraries": library_versions(),
        "stratclass_version": __version__,
        "files": {},
    }
    return TrainResult(ModelBundle(pipeline=pipeline, card=card), report, cv_scores)


def train_to_folder(corpus: Corpus, output: str | Path, **options: Any) -> TrainResult:
    """Train and save the bundle atomically to `output`."""
    result = train(corpus, **options)
    result.bundle.save(output)
    return result
