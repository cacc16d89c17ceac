"""Labelled corpora: read JSONL, CSV or folder-per-label corpora, and check them before training."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stratclass.decoding import InputError, read_text
from stratclass.errors import StratclassError
from stratclass.exports import stream_csv, stream_jsonl
from stratclass.sources import TABLE_SUFFIXES, TEXT_SUFFIXES, file_problem

DEFAULT_MIN_PER_LABEL = 5
IMBALANCE_RATIO = 3.0
# Near-duplicates: two texts of at least SHINGLE_WORDS words whose sets of word 4-grams overlap with
# Jaccard similarity >= NEAR_DUPLICATE_JACCARD (shorter texts are only compared for exact equality).
SHINGLE_WORDS = 4
NEAR_DUPLICATE_JACCARD = 0.6


class CorpusError(StratclassError):
    """A corpus that cannot be trained on; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems)
        )


@dataclass(slots=True)
class Example:
    """One labelled text and where it came from (`file:line` or a file path)."""

    text: str
    label: str
    where: str


@dataclass
class Corpus:
    """Examples read from one or more paths, plus records that could not be read."""

    examples: list[Example] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.examples]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.examples]

    def sha256(self) -> str:
        """A hash of the (label, text) pairs in order: the same corpus gives the same hash."""
        digest = hashlib.sha256()
        for e in self.examples:
            digest.update(e.label.encode("utf-8") + b"\t" + e.text.encode("utf-8") + b"\n")
        return digest.hexdigest()

    def summary(self) -> dict:
        counts = Counter(self.labels)
        return {
            "examples": len(self.examples),
            "labels": dict(sorted(counts.items())),
            "sources": self.sources,
            "sha256": self.sha256(),
        }


def _table_examples(path: Path, kind: str, text_field: str, label_field: str, corpus: Corpus) -> None:
    """Examples from a JSONL/CSV corpus file, read by the same streaming readers as classify's inputs."""
    reader = stream_jsonl if kind == "jsonl" else stream_csv
    # No id field: each record is named by its file and line, which is what the messages need.
    for record in reader(str(path), text_field, id_field="", keep=(label_field,), require=(label_field,)):
        if record.error is not None and record.error.type != "empty_text":
            corpus.unreadable.append(record.error.message)
            continue
        # A blank text is kept as an example: validate_corpus names it among the texts to fill or remove.
        label = str(record.meta[label_field]).strip()
        corpus.examples.append(Example(text=record.text, label=label, where=record.id))


def _read_text(path: Path) -> str:
    with open(path, "rb") as handle:
        return read_text(handle, str(path))


def _a_file(path: Path) -> bool:
    """Anything but a folder: broken links and pipes are reported, not left out."""
    return path.is_symlink() or not path.is_dir()


def _folder_examples(label_dir: Path, corpus: Corpus) -> None:
    """Examples from the text files below a folder named after their label."""
    for file in sorted(label_dir.rglob("*")):
        if file.suffix not in TEXT_SUFFIXES or not _a_file(file):
            continue
        try:
            if problem := file_problem(file):
                raise OSError(problem)
            corpus.examples.append(Example(_read_text(file), label_dir.name, str(file)))
        except InputError as exc:
            if exc.kind != "empty_input":
                corpus.unreadable.append(f"{file}: {exc}")
            else:  # named by validate_corpus among the examples without text
                corpus.examples.append(Example("", label_dir.name, str(file)))
        except OSError as exc:
            corpus.unreadable.append(f"{file}: {exc.strerror or exc}")


def _label_folders(folder: Path) -> list[Path]:
    return sorted(
        d for d in folder.iterdir() if d.is_dir() and any(f.suffix in TEXT_SUFFIXES for f in d.rglob("*"))
    )


def read_corpus(paths: Sequence[str | Path], text_field: str = "text", label_field: str = "label") -> Corpus:
    """Read labelled examples from JSONL/CSV files, folders of those, or folders with a sub-folder per label.

    Records that cannot be read are listed in `Corpus.unreadable` rather than dropped silently.
    """
    corpus = Corpus()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            corpus.unreadable.append(f"{path}: {file_problem(path, named=True) or 'no such file or folder'}")
            continue
        corpus.sources.append(str(path))
        if path.is_dir():
            label_dirs = _label_folders(path)
            tables = sorted(p for p in path.rglob("*") if p.suffix.lower() in TABLE_SUFFIXES and _a_file(p))
            if label_dirs and not tables:
                for label_dir in label_dirs:
                    _folder_examples(label_dir, corpus)
                continue
            if not tables:
                corpus.unreadable.append(f"{path}: no .jsonl/.csv files and no sub-folders of .txt files")
            files = tables
        else:
            files = [path]
        for file in files:
            kind = TABLE_SUFFIXES.get(file.suffix.lower())
            if kind is None:
                corpus.unreadable.append(f"{file}: not a corpus file (expected .jsonl, .ndjson or .csv)")
            elif problem := file_problem(file, named=file == path):
                corpus.unreadable.append(f"{file}: {problem}")
            else:
                _table_examples(file, kind, text_field, label_field, corpus)
    return corpus


def normalise_for_duplicates(text: str) -> str:
    """Case- and whitespace-insensitive form used to find exact duplicates."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def near_duplicates(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of texts whose word 4-gram sets have Jaccard similarity >= threshold.

    An inverted index over shingles keeps this near-linear: only texts sharing a shingle are compared.
    Exact duplicates (after case/whitespace folding) are reported by `validate_corpus` separately.
    """
    sets = [_shingles(t) for t in texts]
    folded = [normalise_for_duplicates(t) for t in texts]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, shingles in enumerate(sets):
        for shingle in shingles:
            index[shingle].append(i)
    pairs = []
    for i, shingles in enumerate(sets):
        if not shingles:
            continue
        shared: Counter[int] = Counter()
        for shingle in shingles:
            for j in index[shingle]:
                if j > i:
                    shared[j] += 1
        for j, overlap in shared.items():
            similarity = overlap / (len(shingles) + len(sets[j]) - overlap)
            if similarity >= threshold and folded[i] != folded[j]:
                pairs.append((i, j, round(similarity, 3)))
    return pairs


@dataclass
class CorpusReport:
    """What `validate_corpus` found: errors stop training, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    label_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _examples_list(items: Iterable[str], limit: int = 3) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def validate_corpus(corpus: Corpus, min_per_label: int = DEFAULT_MIN_PER_LABEL) -> CorpusReport:
    """Check a corpus before training: like `spacy debug data`, say what is wrong and what to do."""
    report = CorpusReport()
    if corpus.unreadable:
        fields = any(" is missing (the record has " in u or ": no column " in u for u in corpus.unreadable)
        hint = (
            "name the fields that hold the text and the label with --text-field and --label-field"
            if fields
            else "fix or remove them"
        )
        shown = _examples_list(corpus.unreadable)
        report.errors.append(f"{len(corpus.unreadable)} record(s) could not be read: {shown}; {hint}")
    empty = [e.where for e in corpus.examples if not e.text.strip()]
    if empty:
        report.errors.append(
            f"{len(empty)} example(s) have no text: {_examples_list(empty)}; remove or fill them"
        )
    usable = [e for e in corpus.examples if e.text.strip()]
    if not usable:
        report.errors.append("the corpus has no text to train on")
        return report
    counts = Counter(e.label for e in usable)
    report.label_counts = dict(sorted(counts.items()))
    if len(counts) < 2:
        report.errors.append(
            f"only one label ({next(iter(counts))!r}): a classifier needs examples of at least two labels"
        )
    small = {label: n for label, n in counts.items() if n < min_per_label}
    for label, n in sorted(small.items()):
        report.errors.append(
            f"label {label!r} has {n} example(s), fewer than {min_per_label}: add examples or drop the label"
        )
    by_text: dict[str, list[Example]] = defaultdict(list)
    for e in usable:
        by_text[normalise_for_duplicates(e.text)].append(e)
    conflicts = [group for group in by_text.values() if len({e.label for e in group}) > 1]
    for group in conflicts[:10]:
        where = ", ".join(f"{e.where} ({e.label})" for e in group[:4])
        report.errors.append(f"the same text has conflicting labels: {where}; keep one label")
    if len(conflicts) > 10:
        report.errors.append(f"... and {len(conflicts) - 10} more texts with conflicting labels")
    repeats = [group for group in by_text.values() if len(group) > 1 and len({e.label for e in group}) == 1]
    if repeats:
        extra = sum(len(g) - 1 for g in repeats)
        report.warnings.append(
            f"{extra} duplicate example(s) with the same label, "
            f"e.g. {_examples_list(g[1].where for g in repeats)}; they count twice in training"
        )
    near = near_duplicates([e.text for e in usable])
    if near:
        shown = [f"{usable[i].where} ~ {usable[j].where} ({sim:.2f})" for i, j, sim in near]
        report.warnings.append(
            f"{len(near)} near-duplicate pair(s) (word 4-gram Jaccard >= {NEAR_DUPLICATE_JACCARD}): "
            f"{_examples_list(shown)}; near-copies inflate cross-validation scores"
        )
    if len(counts) >= 2:
        most, least = max(counts.values()), min(counts.values())
        if least and most / least > IMBALANCE_RATIO:
            report.warnings.append(
                f"labels are imbalanced ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))}); "
                f"class weights compensate, but more examples of the rare labels would help"
            )
    return report
