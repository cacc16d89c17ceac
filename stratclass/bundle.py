"""Model bundles: a folder with the fitted pipeline (skops format), its numpy copy and `model.json`.

Loading never unpickles anything: every file is checked against the SHA-256 recorded in `model.json`;
the pipeline is rebuilt by `skops.io` from an audited list of scikit-learn/numpy/scipy types; the numpy
copy (`linear.npz`, see stratclass.linear) is read with `allow_pickle=False`; and library versions are
compared with the ones the model was trained with. Predictions use the numpy copy, so the shipped model
starts without importing scikit-learn or skops.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
import zipfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stratclass.errors import StratclassError

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

    from stratclass.linear import LinearTextModel

BUNDLE_FORMAT = 1
PIPELINE_FILE = "pipeline.skops"
# The same model as plain arrays (stratclass.linear): loads without importing scikit-learn or skops.
LINEAR_FILE = "linear.npz"
CARD_FILE = "model.json"
# Types the pipeline may contain beyond skops' own audited defaults. Kept explicit and empty: a bundle
# that needs anything else was not made by stratclass and is refused.
TRUSTED_TYPES: list[str] = []
TRACKED_LIBRARIES = ("stratclass", "scikit-learn", "spacy", "numpy", "scipy", "skops")


class BundleError(StratclassError):
    """A model bundle is missing, corrupt, tampered with or incompatible."""


class ModelVersionWarning(UserWarning):
    """The model was trained with other library versions; results may differ slightly."""


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a bundle depends on."""
    versions = {}
    for name in TRACKED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_model_path() -> Path:
    """The shipped default model: inside the installed package, or `models/default` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_default_model"
    if (packaged / CARD_FILE).is_file():
        return packaged
    return here.parent / "models" / "default"


class ModelBundle:
    """A fitted model with its model card.

    `linear` is the numpy copy of the pipeline that prediction, key phrases and evidence use; the
    scikit-learn `pipeline` itself is read from `pipeline.skops` only when something asks for it.
    """

    def __init__(
        self,
        pipeline: Pipeline | None = None,
        card: dict[str, Any] | None = None,
        path: Path | None = None,
        linear: LinearTextModel | None = None,
    ) -> None:
        if pipeline is None and path is None:
            raise ValueError("a ModelBundle needs a fitted pipeline or the folder it is stored in")
        self._pipeline = pipeline
        self.card: dict[str, Any] = card or {}
        self.path = path
        self._linear = linear
        self._linear_checked = linear is not None

    @property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn pipeline (loaded from the bundle on first use)."""
        if self._pipeline is None:
            self._pipeline = _load_pipeline(self.path, self.card)
        return self._pipeline

    @property
    def linear(self) -> LinearTextModel | None:
        """The numpy copy of the pipeline, or None when its features have no such copy."""
        if not self._linear_checked:
            from stratclass.linear import LinearTextModel, UnsupportedPipeline

            try:
                self._linear = LinearTextModel.from_pipeline(self.pipeline)
            except UnsupportedPipeline:
                self._linear = None
            self._linear_checked = True
        return self._linear

    def predict_proba(self, feature_texts: list[str]) -> Any:
        """Label probabilities (texts x labels) for lemma texts (`ParsedText.feature_text`)."""
        if self.linear is not None and not self.linear.partial:
            return self.linear.predict_proba(feature_texts)
        return self.pipeline.predict_proba(feature_texts)

    def predict_with_support(self, feature_texts: list[str], ignore: tuple[str, ...] = ()) -> tuple[Any, Any]:
        """Probabilities, and per text how many distinct terms carry weight (None without a numpy copy)."""
        if self.linear is not None and not self.linear.partial:
            return self.linear.predict_with_support(feature_texts, ignore)
        return self.pipeline.predict_proba(feature_texts), None

    @property
    def labels(self) -> list[str]:
        return list(self.card["labels"])

    @property
    def name(self) -> str:
        return self.card.get("name", "model")

    @property
    def version(self) -> str:
        return self.card.get("version", "0")

    @property
    def model_id(self) -> str:
        """How results name the model: `name@version`."""
        return f"{self.name}@{self.version}"

    @property
    def threshold(self) -> float:
        """Default confidence below which the label is `uncertain`."""
        return float(self.card.get("threshold", 0.0))

    @property
    def spacy_pipeline(self) -> str:
        return self.card.get("spacy_pipeline", "blank:en")

    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the bundle atomically: into a temporary folder beside `path`, then renamed."""
        return save_bundle(self, path, overwrite=overwrite)


def read_card(path: str | Path) -> dict[str, Any]:
    """Read a bundle's `model.json` without loading the pipeline (no scikit-learn import)."""
    folder = Path(path)
    card_path = folder / CARD_FILE
    if not folder.exists():
        raise BundleError(f"{folder}: no such model folder")
    if not card_path.is_file():
        raise BundleError(f"{folder}: not a stratclass model (no {CARD_FILE})")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{card_path}: unreadable model card ({exc})") from exc
    if not isinstance(card, dict) or card.get("format") != BUNDLE_FORMAT:
        raise BundleError(
            f"{card_path}: unknown bundle format {card.get('format') if isinstance(card, dict) else card!r}"
        )
    for key in ("labels", "files"):
        if key not in card:
            raise BundleError(f"{card_path}: model card lacks {key!r}")
    return card


def _check_versions(card: dict[str, Any], where: Path) -> None:
    trained = card.get("libraries", {})
    current = library_versions()
    for name in ("scikit-learn", "spacy", "numpy"):
        then, now = trained.get(name), current.get(name)
        if not then or not now or then == now:
            continue
        then_major, now_major = then.split(".")[0], now.split(".")[0]
        if name == "scikit-learn" and then_major != now_major:
            raise BundleError(
                f"{where}: model was trained with scikit-learn {then}, this is {now}; "
                f"retrain it with 'stratclass train' or install scikit-learn=={then}"
            )
        if then.split(".")[:2] != now.split(".")[:2]:
            warnings.warn(
                f"{where}: model was trained with {name} {then}, this is {now}; "
                f"scores may differ slightly (retrain to silence this)",
                ModelVersionWarning,
                stacklevel=3,
            )


def load_model(path: str | Path | None = None) -> ModelBundle:
    """Load a bundle (default: the shipped model), refusing anything tampered, corrupt or unsafe."""
    folder = Path(path) if path is not None else default_model_path()
    card = read_card(folder)
    expected = card["files"]
    if PIPELINE_FILE not in expected:
        raise BundleError(f"{folder}: model card does not list {PIPELINE_FILE}")
    for name, digest in expected.items():
        file_path = folder / name
        if not file_path.is_file():
            raise BundleError(f"{folder}: missing bundle file {name}")
        if sha256_of(file_path) != digest:
            raise BundleError(
                f"{file_path}: checksum mismatch, the file was changed after training; refusing to load"
            )
    _check_versions(card, folder)
    linear = _load_linear(folder, card) if LINEAR_FILE in expected else None
    if linear is not None and folder.resolve() == default_model_path().resolve():
        # The shipped model is part of the installed package and its files match their checksums:
        # its numpy copy is enough, and scikit-learn and skops are imported only if asked for.
        return ModelBundle(card=card, path=folder, linear=linear)
    # A model from elsewhere: skops audits every type in pipeline.skops before the bundle is accepted.
    return ModelBundle(_load_pipeline(folder, card), card, folder, linear=linear)


def _load_linear(folder: Path, card: dict[str, Any]) -> LinearTextModel:
    from stratclass.linear import LinearTextModel

    try:
        linear = LinearTextModel.load(folder / LINEAR_FILE)
    except Exception as exc:  # numpy raises several types for malformed or pickled content
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BundleError(f"{folder / LINEAR_FILE}: refused to load ({reason[:300]})") from exc
    if linear.labels != card["labels"]:
        raise BundleError(
            f"{folder}: labels in {LINEAR_FILE} {linear.labels} do not match the model card {card['labels']}"
        )
    return linear


def _load_pipeline(folder: Path | None, card: dict[str, Any]) -> Pipeline:
    """Rebuild the scikit-learn pipeline from `pipeline.skops` with skops' audited types only."""
    import skops.io as sio

    if folder is None:
        raise BundleError("this model has no folder to load its pipeline from")
    try:
        pipeline = sio.load(folder / PIPELINE_FILE, trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises several types for untrusted or malformed content
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BundleError(f"{folder / PIPELINE_FILE}: refused to load ({reason[:300]})") from exc
    classes = [str(c) for c in getattr(pipeline, "classes_", [])]
    if classes != card["labels"]:
        raise BundleError(
            f"{folder}: labels in the pipeline {classes} do not match the model card {card['labels']}"
        )
    return pipeline


def save_bundle(bundle: ModelBundle, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write `bundle` to `path` atomically and return the path."""
    import skops.io as sio

    target = Path(path)
    if target.exists():
        if not target.is_dir() or (any(target.iterdir()) and not (target / CARD_FILE).is_file()):
            raise BundleError(
                f"{target}: exists and is not a stratclass model folder; choose another --output"
            )
        if not overwrite:
            raise BundleError(f"{target}: already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        sio.dump(bundle.pipeline, staging / PIPELINE_FILE, compression=zipfile.ZIP_DEFLATED)
        files = [PIPELINE_FILE]
        if bundle.linear is not None and not bundle.linear.partial:
            bundle.linear.save(staging / LINEAR_FILE)
            files.append(LINEAR_FILE)
        card = dict(bundle.card)
        card["format"] = BUNDLE_FORMAT
        card["files"] = {name: sha256_of(staging / name) for name in files}
        (staging / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    bundle.card = card
    bundle.path = target
    return target
