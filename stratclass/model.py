"""The scikit-learn Pipeline: lemma features into a linear classifier with probabilities."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from stratclass.features import FeatureConfig, build_features


@dataclass
class ClassifierConfig:
    """The linear classifier's settings."""

    # C from 10 to 40 tie in cross-validation on the corpus (0.965); 20 does best on the external dev
    # set (docs/EVALUATION.md, "Tuning").
    C: float = 20.0
    class_weight: str | None = "balanced"
    max_iter: int = 2000

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_pipeline(
    features: FeatureConfig | None = None, classifier: ClassifierConfig | None = None, seed: int = 0
) -> Pipeline:
    """An unfitted Pipeline(features -> LogisticRegression)."""
    classifier = classifier or ClassifierConfig()
    return Pipeline(
        [
            ("features", build_features(features)),
            (
                "classifier",
                LogisticRegression(
                    C=classifier.C,
                    class_weight=classifier.class_weight,
                    max_iter=classifier.max_iter,
                    random_state=seed,
                ),
            ),
        ]
    )
