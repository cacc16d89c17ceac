"""stratclass: label text about companies as infrastructure- or consumer-oriented strategy.

The public API is imported lazily so that `stratclass --help` and `stratclass info` stay fast:
spaCy and scikit-learn load only when a model is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Record": "stratclass.records",
    "Result": "stratclass.records",
    "KeyPhrase": "stratclass.records",
    "ErrorInfo": "stratclass.records",
    "ModelBundle": "stratclass.bundle",
    "load_model": "stratclass.bundle",
    "Classifier": "stratclass.classifier",
    "classify": "stratclass.classifier",
    "train": "stratclass.training",
    "evaluate": "stratclass.evaluation",
    "read_corpus": "stratclass.corpus",
    "validate_corpus": "stratclass.corpus",
    "read_inputs": "stratclass.sources",
    "run_batch": "stratclass.batch",
}

__all__ = [  # noqa: RUF022 - grouped by module, like _LAZY
    "__version__",
    "Record",
    "Result",
    "KeyPhrase",
    "ErrorInfo",
    "ModelBundle",
    "load_model",
    "Classifier",
    "classify",
    "train",
    "evaluate",
    "read_corpus",
    "validate_corpus",
    "read_inputs",
    "run_batch",
]

if TYPE_CHECKING:  # pragma: no cover
    from stratclass.batch import run_batch
    from stratclass.bundle import ModelBundle, load_model
    from stratclass.classifier import Classifier, classify
    from stratclass.corpus import read_corpus, validate_corpus
    from stratclass.evaluation import evaluate
    from stratclass.records import ErrorInfo, KeyPhrase, Record, Result
    from stratclass.sources import read_inputs
    from stratclass.training import train


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stratclass' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
