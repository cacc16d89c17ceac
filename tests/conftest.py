"""Shared fixtures: real spaCy pipelines and real models, built once per test session."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def stratclass_command() -> list[str]:
    """The installed `stratclass` console script (or `python -m stratclass` when there is none)."""
    exe = Path(sys.executable).with_name("stratclass")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("stratclass")
    return [found] if found else [sys.executable, "-m", "stratclass"]


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def nlp():
    from stratclass.nlp import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def default_classifier():
    from stratclass.classifier import Classifier

    return Classifier()


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory) -> Path:
    """A model trained on the small two-label fixture corpus."""
    from stratclass.corpus import read_corpus
    from stratclass.training import train_to_folder

    out = tmp_path_factory.mktemp("models") / "small"
    train_to_folder(read_corpus([FIXTURES / "small_corpus.jsonl"]), out, seed=1, name="small")
    return out


@pytest.fixture(scope="session")
def three_label_model_dir(tmp_path_factory) -> Path:
    """A model with labels of the user's own (sports, finance, weather) from a folder-per-label corpus."""
    from stratclass.corpus import read_corpus
    from stratclass.training import train_to_folder

    out = tmp_path_factory.mktemp("models") / "three"
    train_to_folder(read_corpus([FIXTURES / "three_labels"]), out, seed=0, name="three")
    return out
