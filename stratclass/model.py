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

    # The best of 5-80 by cross-validation on the corpus (docs/EVALUATION.md, "Regularisation").
    C: float = 40.0
    class_weight: str | None = "balanced"
    max_iter: int = 2000
    # lbfgs's default tolerance (1e-4) stops after ~25 iterations here, short of the optimum: the fitted
    # weights then depend on the order of the training texts. At 1e-6 they do not.
    tol: float = 1e-6

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
                    tol=classifier.tol,
                    random_state=seed,
                ),
            ),
        ]
    )
