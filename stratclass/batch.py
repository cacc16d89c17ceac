"""Batch labelling: records streamed from feeds and exports, labelled in chunks, journalled for resume.

Chunks are labelled in this process (`jobs=1`), by joblib's loky worker processes (`jobs>1`), or on a
Dask cluster (`scheduler=ADDRESS`). Each worker loads the classifier once and keeps it. Chunk boundaries
depend only on the input, and results are written in input order, so the output is the same whichever
way the chunks are labelled.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from stratclass.batch_inputs import read_batch_sources
from stratclass.errors import StratclassError
from stratclass.fetch import FetchOptions
from stratclass.journal import STDOUT, journal_path, open_writer, output_format
from stratclass.records import ErrorInfo, Record, Result

if TYPE_CHECKING:  # pragma: no cover
    from stratclass.classifier import Classifier

DEFAULT_CHUNK_SIZE = 64  # batch: records per journalled chunk
PARALLEL_CHUNK_SIZE = 256  # label_records (classify --jobs): larger chunks, less dispatch overhead
DASK_CONNECT_TIMEOUT = 30.0
DASK_WORKER_WAIT = 60.0


class BatchError(StratclassError):
    """Batch options that cannot work together, or a cluster that cannot be used."""


@dataclass(frozen=True)
class ClassifierSettings:
    """Everything a worker needs to build the same classifier as the main process (picklable)."""

    model: str | None = None
    spacy_model: str | None = None
    threshold: float | None = None
    top_phrases: int = 10
    batch_size: int = 64
    explain: bool = False
    segments: bool = False

    def classifier_options(self) -> dict[str, Any]:
        """The keyword options of `Classifier` (everything but the model)."""
        return {key: value for key, value in asdict(self).items() if key != "model"}


@dataclass
class BatchSummary:
    """What a batch run wrote to OUT (counting records kept from an interrupted run, `resumed`)."""

    output: str
    items: int = 0
    labelled: int = 0
    errors: int = 0
    duplicates: int = 0
    resumed: int = 0
    retried: int = 0  # error records of the earlier run that were tried again
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, results: Iterable[Result]) -> None:
        for result in results:
            self.items += 1
            if result.error is not None:
                self.errors += 1
            else:
                self.labelled += 1
                self.labels[result.label or ""] += 1

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["labels"] = dict(sorted(self.labels.items()))
        return out


# One classifier per process, built on first use: loky and Dask workers keep it between chunks.
_CLASSIFIER: tuple[ClassifierSettings, Classifier] | None = None
_CLASSIFIER_LOCK = threading.Lock()  # Dask workers may run several tasks at once in threads


def worker_classifier(settings: ClassifierSettings, *, quiet: bool = False) -> Classifier:
    """This process's classifier for `settings`, loaded once. `quiet` hides model warnings (workers)."""
    global _CLASSIFIER
    if _CLASSIFIER is None or _CLASSIFIER[0] != settings:
        from stratclass.classifier import Classifier

        loaded = _CLASSIFIER[1].bundle if _CLASSIFIER and _CLASSIFIER[0].model == settings.model else None
        with warnings.catch_warnings():
            if quiet:  # the main process has shown them already
                warnings.simplefilter("ignore")
            # The same model with other options: no need to load it again.
            classifier = Classifier(loaded or settings.model, **settings.classifier_options())
        _CLASSIFIER = (settings, classifier)
    return _CLASSIFIER[1]


def label_chunk(settings: ClassifierSettings, records: list[Record], quiet: bool = False) -> list[Result]:
    """Label one chunk, one Result per record in order; a record that breaks the model fails alone."""
    with _CLASSIFIER_LOCK:
        classifier = worker_classifier(settings, quiet=quiet)
        try:
            return list(classifier.classify_records(records))
        except Exception:  # find the record responsible; the others are labelled as usual
            results = []
            for record in records:
                try:
                    results.extend(classifier.classify_records([record]))
                except Exception as exc:
                    error = ErrorInfo("classify_error", f"{record.id}: {type(exc).__name__}: {exc}")
                    results.append(Result.failed(record, error, classifier.bundle.model_id))
            return results


def new_chunks(
    records: Iterable[Record], done: set[str], summary: BatchSummary, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[list[Record]]:
    """Chunks of records still to label: a repeated id is a duplicate, an id in `done` is skipped."""
    seen: set[str] = set()
    chunk: list[Record] = []
    for record in records:
        if record.id in seen:
            summary.duplicates += 1
            continue
        seen.add(record.id)
        if record.id in done:
            done.discard(record.id)  # now in `seen`: memory stays one entry per id
            continue
        chunk.append(record)
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def label_locally(chunks: Iterable[list[Record]], settings: ClassifierSettings) -> Iterator[list[Result]]:
    """Label chunks in this process."""
    for chunk in chunks:
        yield label_chunk(settings, chunk)


def label_with_joblib(
    chunks: Iterable[list[Record]], settings: ClassifierSettings, jobs: int
) -> Iterator[list[Result]]:
    """Label chunks in `jobs` loky worker processes; results come back in input order.

    joblib reads at most `2 * jobs` chunks ahead of the ones labelled (`pre_dispatch`).
    """
    from joblib import Parallel, delayed

    parallel = Parallel(
        n_jobs=jobs, backend="loky", return_as="generator", batch_size=1, pre_dispatch="2*n_jobs"
    )
    yield from parallel(delayed(label_chunk)(settings, chunk, True) for chunk in chunks)


def label_records(
    records: Iterable[Record],
    settings: ClassifierSettings,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Result]:
    """Label a stream of records in `jobs` processes: one Result per record, in input order."""
    if jobs < 1:
        raise BatchError(f"--jobs must be 1 or more, not {jobs}")
    if settings.model is not None:  # workers may start in another folder
        settings = replace(settings, model=str(Path(settings.model).resolve()))
    iterator = iter(records)
    chunks = iter(lambda: list(islice(iterator, chunk_size)), [])
    labelled = label_locally(chunks, settings) if jobs == 1 else label_with_joblib(chunks, settings, jobs)
    try:
        for results in labelled:
            yield from results
    finally:
        labelled.close()


def label_with_dask(
    chunks: Iterable[list[Record]], settings: ClassifierSettings, address: str
) -> Iterator[list[Result]]:
    """Label chunks on the Dask cluster at `address`, at most two chunks per worker thread in flight."""
    try:
        from distributed import Client
    except ImportError:
        raise BatchError(
            "--scheduler needs Dask: pip install 'stratclass[dask]' (or 'dask[distributed]')"
        ) from None
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        if not client.nthreads():
            try:
                client.wait_for_workers(1, timeout=DASK_WORKER_WAIT)
            except TimeoutError:
                raise BatchError(
                    f"no Dask worker joined {address} within {DASK_WORKER_WAIT:g} s; "
                    f"start one with: dask worker {address}"
                ) from None
        limit = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(label_chunk, settings, chunk, True, pure=False))
            while len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()


def run_batch(
    sources: Sequence[str],
    output: str,
    *,
    settings: ClassifierSettings | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    retry_errors: bool = False,
    text_field: str = "text",
    id_field: str = "id",
    fetch: FetchOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: Callable[[list[Result], BatchSummary], None] | None = None,
    stdout: IO[str] | None = None,
) -> BatchSummary:
    """Label every record of `sources` into `output` (.jsonl, .csv, or `-` for stdout).

    The output holds each input record once, in input order (a repeated id is labelled once), with an
    error record for every source or item that failed. With `resume`, records already in the journal
    of an interrupted run (or in a finished `output`) are kept and skipped; with `retry_errors` too, its
    error records are dropped first and those records are read and labelled again (they then come after
    the records that were kept, so OUT still holds each record once, though not in input order).
    """
    settings = settings or ClassifierSettings()
    if settings.model is not None:  # workers may start in another folder
        settings = replace(settings, model=str(Path(settings.model).resolve()))
    output_format(output)
    if jobs < 1:
        raise BatchError(f"--jobs must be 1 or more, not {jobs}")
    if chunk_size < 1:
        raise BatchError(f"chunk size must be 1 or more, not {chunk_size}")
    if scheduler and jobs != 1:
        raise BatchError("--jobs and --scheduler cannot be combined: the cluster's workers do the labelling")
    # Loaded here first so that a bad model or pipeline is a usage error before any work starts.
    classifier = worker_classifier(settings)
    writer, previous = open_writer(
        output,
        classifier.labels,
        classifier.bundle.model_id,
        resume=resume,
        retry_errors=retry_errors,
        stdout=stdout,
    )
    summary = BatchSummary(
        output=output,
        items=len(previous.ids),
        labelled=sum(previous.labels.values()),
        errors=previous.errors,
        resumed=len(previous.ids),
        retried=previous.retried,
        labels=Counter(previous.labels),
    )
    exclude = [] if output == STDOUT else [Path(output), journal_path(output)]
    records = read_batch_sources(
        sources, text_field=text_field, id_field=id_field, fetch=fetch, exclude=exclude
    )
    chunks = new_chunks(records, previous.ids, summary, chunk_size)
    if scheduler:
        labelled = label_with_dask(chunks, settings, scheduler)
    elif jobs > 1:
        labelled = label_with_joblib(chunks, settings, jobs)
    else:
        labelled = label_locally(chunks, settings)
    try:
        for results in labelled:
            writer.write(results)
            summary.add(results)
            if on_chunk is not None:
                on_chunk(results, summary)
        writer.commit()
    finally:
        labelled.close()  # stops worker processes or cancels cluster tasks if the run was cut short
        writer.close()
    return summary
