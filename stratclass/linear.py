"""A numpy-only copy of a fitted hashed-lemma pipeline, for fast start-up and per-feature evidence.

The scikit-learn pipeline (HashingVectorizer + TfidfTransformer into LogisticRegression) is what
training fits and what `pipeline.skops` stores. Predicting with it needs scikit-learn and skops, whose
imports take longer than parsing a file. `LinearTextModel` holds the same numbers as plain arrays in
`linear.npz` (read with `allow_pickle=False`, so loading it runs no code) and gives the same
probabilities, to floating-point rounding, with numpy alone. It also says how much each feature of a
text adds to each label's score, which is what evidence and `supports` need.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from murmurhash.mrmr import hash as murmurhash3_32

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

LINEAR_FILE = "linear.npz"
# Terms whose column was computed, kept per model; cleared when it reaches this size (bounded memory).
COLUMN_CACHE_LIMIT = 500_000


# The largest hashing space a stored model may declare (stratclass uses 2**20): bounds what loading allocates.
MAX_FEATURES = 2**24
MAX_NGRAM = 5
MAX_LINEAR_BYTES = 256 * 2**20
_LINEAR_KEYS = (
    "labels", "n_features", "ngram_range", "sublinear_tf", "multinomial", "idf_columns", "idf_values",
    "default_idf", "coef_columns", "coef_values", "intercept",
)  # fmt: skip


def _check_linear_arrays(arrays: dict[str, np.ndarray]) -> None:
    """ValueError unless the arrays have the shapes, types and index ranges of a stratclass model."""

    def need(condition: bool, what: str) -> None:
        if not condition:
            raise ValueError(f"malformed {LINEAR_FILE}: {what}")

    labels, n = arrays["labels"], arrays["n_features"]
    need(labels.ndim == 1 and labels.dtype.kind == "U" and 2 <= len(labels) <= 10_000, "labels")
    need(n.ndim == 0 and n.dtype.kind in "iu" and 1 <= int(n) <= MAX_FEATURES, "n_features")
    ngrams = arrays["ngram_range"]
    need(ngrams.shape == (2,) and ngrams.dtype.kind in "iu", "ngram_range")
    need(1 <= int(ngrams[0]) <= int(ngrams[1]) <= MAX_NGRAM, "ngram_range")
    rows = 1 if len(labels) == 2 else len(labels)
    coef_values, coef_columns = np.atleast_2d(arrays["coef_values"]), arrays["coef_columns"]
    idf_columns, idf_values = arrays["idf_columns"], arrays["idf_values"]
    for name, columns in (("coef_columns", coef_columns), ("idf_columns", idf_columns)):
        need(columns.ndim == 1 and columns.dtype.kind in "iu", name)
        need(not len(columns) or (int(columns.min()) >= 0 and int(columns.max()) < int(n)), name)
    need(coef_values.shape == (rows, len(coef_columns)) and coef_values.dtype.kind == "f", "coef_values")
    need(idf_values.shape == idf_columns.shape and idf_values.dtype.kind == "f", "idf_values")
    need(arrays["intercept"].shape == (rows,) and arrays["intercept"].dtype.kind == "f", "intercept")
    for name in ("sublinear_tf", "multinomial", "default_idf"):
        need(arrays[name].ndim == 0, name)


class UnsupportedPipeline(ValueError):
    """The fitted pipeline uses features the numpy copy does not reproduce (e.g. character n-grams)."""


@dataclass
class FeatureRow:
    """One text's features: the terms, their hashed columns and their normalised TF-IDF values."""

    terms: list[str]
    columns: np.ndarray
    values: np.ndarray


class LinearTextModel:
    """Hashed word n-gram TF-IDF features and a logistic-regression layer, as numpy arrays."""

    def __init__(
        self,
        *,
        labels: Sequence[str],
        n_features: int,
        ngram_range: tuple[int, int],
        sublinear_tf: bool,
        idf_columns: np.ndarray,
        idf_values: np.ndarray,
        default_idf: float,
        coef: np.ndarray,
        intercept: np.ndarray,
        multinomial: bool,
        partial: bool = False,
    ) -> None:
        self.labels = [str(label) for label in labels]
        self.n_features = int(n_features)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.sublinear_tf = bool(sublinear_tf)
        self.multinomial = bool(multinomial)
        # True when the pipeline also has other feature families (character n-grams): this copy then
        # holds only the lemma block, good for key phrases and evidence but not for probabilities.
        self.partial = bool(partial)
        self._idf_columns = np.asarray(idf_columns, dtype=np.int64)
        self._idf_values = np.asarray(idf_values, dtype=np.float64)
        self.default_idf = float(default_idf)
        self.coef = np.asarray(coef, dtype=np.float64)  # rows x n_features (1 row for two labels)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.idf = np.full(self.n_features, self.default_idf)
        self.idf[self._idf_columns] = self._idf_values
        self._columns: dict[str, int] = {}
        self._class_weights: np.ndarray | None = None

    # -- building and storing -------------------------------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> LinearTextModel:
        """Copy the numbers of a fitted stratclass pipeline; UnsupportedPipeline if it cannot."""
        features = pipeline.named_steps["features"]
        names = [name for name, _ in features.transformer_list]
        if not names or names[0] != "words":
            raise UnsupportedPipeline(f"feature families {names}: no lemma n-grams to copy")
        parts = dict(features.transformer_list)
        hashing, tfidf = parts["words"].named_steps["hash"], parts["words"].named_steps["tfidf"]
        if hashing.alternate_sign or hashing.lowercase or hashing.norm is not None or not tfidf.smooth_idf:
            raise UnsupportedPipeline("hashing or TF-IDF settings differ from stratclass's own")
        if tfidf.norm != "l2" or hashing.analyzer != "word" or hashing.token_pattern != r"\S+":
            raise UnsupportedPipeline("hashing or TF-IDF settings differ from stratclass's own")
        classifier = pipeline.named_steps["classifier"]
        idf = np.asarray(tfidf.idf_, dtype=np.float64)
        default_idf = float(idf.max())  # columns no training text had: ln((1 + n) / 1) + 1
        seen = np.flatnonzero(idf != default_idf)
        multi_class = getattr(classifier, "multi_class", "auto")
        return cls(
            labels=[str(c) for c in classifier.classes_],
            n_features=hashing.n_features,
            ngram_range=hashing.ngram_range,
            sublinear_tf=tfidf.sublinear_tf,
            idf_columns=seen,
            idf_values=idf[seen],
            default_idf=default_idf,
            coef=np.asarray(classifier.coef_, dtype=np.float64)[:, : hashing.n_features],
            intercept=np.asarray(classifier.intercept_, dtype=np.float64),
            multinomial=len(classifier.classes_) > 2 and multi_class != "ovr",
            partial=len(names) > 1,
        )

    def save(self, path: str | Path) -> None:
        """Write the arrays to an uncompressed .npz (plain arrays only, no pickled objects)."""
        if self.partial:
            raise UnsupportedPipeline("a partial copy (lemma block only) is not stored")
        used = np.flatnonzero(np.any(self.coef != 0, axis=0))
        with open(path, "wb") as handle:
            np.savez(
                handle,
                labels=np.array(self.labels, dtype=str),
                n_features=np.array(self.n_features),
                ngram_range=np.array(self.ngram_range),
                sublinear_tf=np.array(self.sublinear_tf),
                multinomial=np.array(self.multinomial),
                idf_columns=self._idf_columns,
                idf_values=self._idf_values,
                default_idf=np.array(self.default_idf),
                coef_columns=used,
                coef_values=self.coef[:, used],
                intercept=self.intercept,
            )

    @classmethod
    def load(cls, path: str | Path) -> LinearTextModel:
        """Read a `linear.npz`; never unpickles (object arrays are refused by numpy), and checks every
        size and index before allocating anything (a crafted file cannot exhaust memory)."""
        with zipfile.ZipFile(path) as archive:  # an .npz is a zip: bound what it unpacks to
            if sum(info.file_size for info in archive.infolist()) > MAX_LINEAR_BYTES:
                raise ValueError(f"malformed {LINEAR_FILE}: larger than {MAX_LINEAR_BYTES:,} bytes unpacked")
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in _LINEAR_KEYS}  # KeyError for a missing array
        _check_linear_arrays(arrays)
        n_features = int(arrays["n_features"])
        coef_values = np.atleast_2d(arrays["coef_values"])
        coef = np.zeros((coef_values.shape[0], n_features))
        coef[:, arrays["coef_columns"]] = coef_values
        return cls(
            labels=[str(label) for label in arrays["labels"]],
            n_features=n_features,
            ngram_range=tuple(int(n) for n in arrays["ngram_range"]),
            sublinear_tf=bool(arrays["sublinear_tf"]),
            idf_columns=arrays["idf_columns"],
            idf_values=arrays["idf_values"],
            default_idf=float(arrays["default_idf"]),
            coef=coef,
            intercept=arrays["intercept"],
            multinomial=bool(arrays["multinomial"]),
        )

    # -- features ------------------------------------------------------------------------------

    def column(self, term: str) -> int:
        """The hashed column of `term`, as HashingVectorizer(alternate_sign=False) computes it."""
        column = self._columns.get(term)
        if column is None:
            if len(self._columns) >= COLUMN_CACHE_LIMIT:
                self._columns.clear()
            h = murmurhash3_32(term, 0)
            if h == -2147483648:  # abs() of int32's minimum overflows in scikit-learn's C code
                column = (2147483647 - (self.n_features - 1)) % self.n_features
            else:
                column = abs(h) % self.n_features
            self._columns[term] = column
        return column

    def terms(self, feature_text: str) -> list[str]:
        """The word n-grams of a space-separated lemma text, in order, repeats included."""
        tokens = feature_text.split()
        low, high = self.ngram_range
        if (low, high) == (1, 1):
            return tokens
        grams: list[str] = []
        for n in range(low, high + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def features(self, feature_text: str) -> FeatureRow:
        """The text's distinct terms with their columns and L2-normalised TF-IDF values."""
        counts = Counter(self.terms(feature_text))
        terms = list(counts)
        columns = np.fromiter((self.column(t) for t in terms), dtype=np.int64, count=len(terms))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(terms))
        _, vector_columns, vector_values = self._vectors([feature_text])
        value_of = dict(zip(vector_columns.tolist(), vector_values.tolist(), strict=True))
        # Terms that hash to the same column share its value, each by its own count (exact when none do).
        pairs = list(zip(columns.tolist(), tf.tolist(), strict=True))
        column_tf = dict.fromkeys(value_of, 0.0)
        for column, count in pairs:
            column_tf[column] += count
        values = np.array([value_of[c] * count / column_tf[c] for c, count in pairs], dtype=np.float64)
        return FeatureRow(terms=terms, columns=columns, values=values)

    # -- prediction ----------------------------------------------------------------------------

    def contributions(self, row: FeatureRow) -> np.ndarray:
        """Per term, what it adds to each label's decision (terms x labels)."""
        return (self.coef[:, row.columns] * row.values).T @ self.label_projection()

    def decision(self, feature_texts: Sequence[str]) -> np.ndarray:
        """The linear decision values (texts x coefficient rows), as LogisticRegression's."""
        return self._dot(self._vectors(feature_texts), self.coef, len(feature_texts)) + self.intercept

    def label_scores(self, feature_texts: Sequence[str]) -> np.ndarray:
        """How much each text's features push toward each label (texts x labels), without intercept."""
        return self._dot(self._vectors(feature_texts), self.class_weights(), len(feature_texts))

    def predict_with_support(
        self, feature_texts: Sequence[str], ignore: Sequence[str] = ()
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities, and per text how many distinct terms (other than `ignore`) carry weight.

        A text with no such term is scored by the intercept alone: the model knows nothing about it.
        """
        if self.partial:
            raise UnsupportedPipeline("this copy holds only the lemma block; use the pipeline")
        n = len(feature_texts)
        vectors = self._vectors(feature_texts)
        docs, columns, _ = vectors
        carries = np.any(self.coef[:, columns] != 0, axis=0)
        if ignore:
            carries &= ~np.isin(columns, [self.column(t) for t in ignore])
        support = np.bincount(docs, weights=carries, minlength=n).astype(np.int64)
        return self.probabilities(self._dot(vectors, self.coef, n) + self.intercept), support

    def _vectors(self, feature_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The texts' L2-normalised TF-IDF vectors as (text index, column, value) entries."""
        # One (text, column) key per term occurrence; counting the keys gives the term frequencies.
        keys, tf = np.unique(self._doc_columns(feature_texts), return_counts=True)
        docs, columns = np.divmod(keys, self.n_features)
        tf = tf.astype(np.float64)
        if self.sublinear_tf:
            tf = 1.0 + np.log(tf)
        weighted = tf * self.idf[columns]
        norms = np.sqrt(np.bincount(docs, weights=weighted * weighted, minlength=len(feature_texts)))
        norms[norms == 0] = 1.0
        return docs, columns, weighted / norms[docs]

    @staticmethod
    def _dot(vectors: tuple[np.ndarray, np.ndarray, np.ndarray], rows: np.ndarray, n: int) -> np.ndarray:
        """The vectors of `n` texts times weight `rows` (texts x rows)."""
        docs, columns, values = vectors
        out = np.empty((n, rows.shape[0]))
        for k in range(rows.shape[0]):
            out[:, k] = np.bincount(docs, weights=values * rows[k, columns], minlength=n)
        return out

    def _doc_columns(self, feature_texts: Sequence[str]) -> np.ndarray:
        """For every term occurrence of every text: text index * n_features + column."""
        cache, column = self._columns, self.column
        keys: list[int] = []
        for i, text in enumerate(feature_texts):
            base = i * self.n_features
            keys.extend(base + (cache[t] if t in cache else column(t)) for t in self.terms(text))
        return np.array(keys, dtype=np.int64)

    def predict_proba(self, feature_texts: Sequence[str]) -> np.ndarray:
        """Label probabilities (texts x labels), as the scikit-learn pipeline's predict_proba."""
        if self.partial:
            raise UnsupportedPipeline("this copy holds only the lemma block; use the pipeline")
        return self.probabilities(self.decision(feature_texts))

    def probabilities(self, decision: np.ndarray) -> np.ndarray:
        """Turn decision values into probabilities the way LogisticRegression does."""
        if decision.shape[1] == 1:
            positive = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        if self.multinomial:
            shifted = np.exp(decision - decision.max(axis=1, keepdims=True))
            return shifted / shifted.sum(axis=1, keepdims=True)
        positive = 1.0 / (1.0 + np.exp(-decision))
        return positive / positive.sum(axis=1, keepdims=True)

    def class_weights(self) -> np.ndarray:
        """Per-label weight rows (labels x features); a binary model's row is split in two halves."""
        if self._class_weights is None:
            self._class_weights = (self.coef.T @ self.label_projection()).T
        return self._class_weights

    def label_projection(self) -> np.ndarray:
        """Coefficient rows -> labels. A binary model's single row counts +w/2 toward labels[1] and
        -w/2 toward labels[0]: the softmax of the two label scores is then the logistic of the decision."""
        if self.coef.shape[0] == 1:
            return np.array([[-0.5, 0.5]])
        return np.eye(self.coef.shape[0])
