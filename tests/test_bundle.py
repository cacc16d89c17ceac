"""Model bundles: checksums, refusal of unsafe content without running it, version checks."""

from __future__ import annotations

import json
import pickle
import shutil

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from stratclass.bundle import (
    CARD_FILE,
    LINEAR_FILE,
    PIPELINE_FILE,
    BundleError,
    ModelVersionWarning,
    default_model_path,
    load_model,
    read_card,
    sha256_of,
)

MARKER = "stratclass-test-pwned"


class _Exploit:
    """Unpickling this writes a marker file: proof that code ran."""

    def __init__(self, marker_path: str) -> None:
        self.marker_path = marker_path

    def __reduce__(self):
        return (open, (self.marker_path, "w"))


def _copy(model_dir, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(model_dir, target)
    return target


def _rehash(folder, name=PIPELINE_FILE):
    card = json.loads((folder / CARD_FILE).read_text())
    card["files"][name] = sha256_of(folder / name)
    (folder / CARD_FILE).write_text(json.dumps(card))


def test_default_model_is_shipped_and_loads():
    bundle = load_model()
    assert bundle.labels == ["consumer", "infrastructure"]
    assert bundle.model_id.startswith("default@")
    assert bundle.path == default_model_path()


def test_changed_pipeline_file_fails_the_checksum(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    with open(folder / PIPELINE_FILE, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(BundleError, match="checksum mismatch"):
        load_model(folder)


def test_malicious_pickle_is_refused_without_running(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    marker = tmp_path / MARKER
    (folder / PIPELINE_FILE).write_bytes(pickle.dumps(_Exploit(str(marker))))
    _rehash(folder)  # an attacker can edit model.json too: the format itself must refuse
    with pytest.raises(BundleError, match="refused to load"):
        load_model(folder)
    assert not marker.exists()


def test_skops_file_with_an_untrusted_object_is_refused_without_running(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    marker = tmp_path / MARKER
    sio.dump(_Exploit(str(marker)), folder / PIPELINE_FILE)
    _rehash(folder)
    with pytest.raises(BundleError, match="refused to load"):
        load_model(folder)
    assert not marker.exists()


def test_a_linear_file_holding_pickled_objects_is_refused(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    marker = tmp_path / MARKER
    with open(folder / LINEAR_FILE, "wb") as handle:
        np.savez(handle, labels=np.array([_Exploit(str(marker))], dtype=object))
    _rehash(folder, LINEAR_FILE)
    with pytest.raises(BundleError, match="refused to load"):
        load_model(folder)
    assert not marker.exists()


def test_pipeline_with_untrusted_callable_is_refused(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    evil = Pipeline([("step", FunctionTransformer(func=shutil.rmtree))])
    sio.dump(evil, folder / PIPELINE_FILE)
    _rehash(folder)
    with pytest.raises(BundleError, match="refused to load"):
        load_model(folder)


def test_truncated_pipeline_file_is_refused(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    data = (folder / PIPELINE_FILE).read_bytes()
    (folder / PIPELINE_FILE).write_bytes(data[: len(data) // 2])
    _rehash(folder)
    with pytest.raises(BundleError, match="refused to load"):
        load_model(folder)


def test_missing_folder_and_card_are_one_line_errors(tmp_path):
    with pytest.raises(BundleError, match="no such model folder"):
        load_model(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="not a stratclass model"):
        read_card(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / CARD_FILE).write_text("{not json")
    with pytest.raises(BundleError, match="unreadable model card"):
        read_card(tmp_path / "bad")


def test_other_minor_library_version_warns(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    card = json.loads((folder / CARD_FILE).read_text())
    major, minor, *_ = card["libraries"]["scikit-learn"].split(".")
    card["libraries"]["scikit-learn"] = f"{major}.{int(minor) + 1}.0"
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.warns(ModelVersionWarning, match="trained with scikit-learn"):
        load_model(folder)


def test_other_major_scikit_learn_is_an_error(small_model_dir, tmp_path):
    folder = _copy(small_model_dir, tmp_path)
    card = json.loads((folder / CARD_FILE).read_text())
    card["libraries"]["scikit-learn"] = "0.24.2"
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(BundleError, match="retrain it"):
        load_model(folder)


def test_saving_over_a_non_model_folder_is_refused(small_model_dir, tmp_path):
    bundle = load_model(small_model_dir)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not a stratclass model folder"):
        bundle.save(tmp_path / "docs")
    assert (tmp_path / "docs" / "notes.txt").read_text() == "keep me"
