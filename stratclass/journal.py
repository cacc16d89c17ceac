"""Batch output that survives a kill: whole records appended to a journal beside OUT, fsynced per chunk.

The journal `.OUT.partial` holds results in OUT's own format (JSONL, or CSV with its header once).
Resuming reads it back, cuts off a torn last record, and appends; when the run ends the journal is
renamed onto OUT in one atomic step, so OUT is always either the previous file or the complete new one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from stratclass.errors import StratclassError
from stratclass.records import Result
from stratclass.sinks import flatten_result

OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv"}
STDOUT = "-"
# Feed fields get CSV columns of their own, so that every batch CSV has the same header.
FEED_COLUMNS = ("link", "published", "feed_title", "feed_url", "categories")


class JournalError(StratclassError):
    """The output or its journal cannot be used (wrong kind of file, another model, locked)."""


def output_format(output: str) -> str:
    """`jsonl` or `csv` from OUT's extension (`-`, stdout, is JSONL)."""
    if output == STDOUT:
        return "jsonl"
    fmt = OUTPUT_SUFFIXES.get(Path(output).suffix.lower())
    if fmt is None:
        raise JournalError(f"{output}: the output must end in .jsonl or .csv (or be - for stdout)")
    return fmt


def journal_path(output: str | Path) -> Path:
    """Where the results of an unfinished run are kept: `.OUT.partial` beside OUT."""
    out = Path(output)
    return out.with_name(f".{out.name}.partial")


def csv_columns(labels: Sequence[str]) -> list[str]:
    """The batch CSV header: the classify columns, then the feed fields."""
    base = flatten_result(Result("", None, None, None, {}, [], None), list(labels))
    return [*base, *FEED_COLUMNS]


def encode_results(results: Sequence[Result], fmt: str, labels: Sequence[str]) -> str:
    """Results as whole lines (JSONL) or rows (CSV) of text."""
    if fmt == "jsonl":
        return "".join(_json_line(r) for r in results)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for result in results:
        writer.writerow(_csv_values(result, labels))
    return buffer.getvalue()


def _json_line(result: Result) -> str:
    line = json.dumps(result.to_dict(), ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape: keep it escaped
        line = json.dumps(result.to_dict())
    return line + "\n"


def _csv_values(result: Result, labels: Sequence[str]) -> list[object]:
    row = flatten_result(result, list(labels))
    meta = result.meta
    feed = meta.get("feed") if isinstance(meta.get("feed"), dict) else {}
    categories = meta.get("categories")
    row.update(
        link=meta.get("link") or "",
        published=meta.get("published") or "",
        feed_title=feed.get("title") or "",
        feed_url=feed.get("url") or "",
        categories="; ".join(map(str, categories)) if isinstance(categories, list) else "",
    )
    return [row.get(column, "") for column in csv_columns(labels)]


@dataclass
class Previous:
    """What an earlier, unfinished run already wrote: ids, label counts, errors."""

    ids: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    retried: int = 0  # error records dropped from the journal to be tried again (--retry-errors)


class ResultWriter(Protocol):
    def write(self, results: Sequence[Result]) -> None: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


class StreamWriter:
    """Results to a text stream (stdout), flushed in whole records after every chunk."""

    def __init__(self, stream: IO[str], fmt: str, labels: Sequence[str]) -> None:
        self.stream, self.fmt, self.labels = stream, fmt, list(labels)
        if fmt == "csv":
            self.stream.write(_csv_header(self.labels))

    def write(self, results: Sequence[Result]) -> None:
        self.stream.write(encode_results(results, self.fmt, self.labels))
        self.stream.flush()

    def commit(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        pass


class Journal:
    """A journal beside OUT: open (fresh or resumed), append chunks, commit onto OUT."""

    def __init__(self, output: str | Path, fmt: str, labels: Sequence[str], handle: BinaryIO) -> None:
        self.output = Path(output)
        self.path = journal_path(output)
        self.fmt = fmt
        self.labels = list(labels)
        self._handle: BinaryIO | None = handle

    @classmethod
    def open(
        cls,
        output: str | Path,
        labels: Sequence[str],
        model_id: str | None,
        *,
        resume: bool = False,
        retry_errors: bool = False,
    ) -> tuple[Journal, Previous]:
        """Start a journal for OUT, or with `resume` continue the one an earlier run left.

        Resuming a finished OUT (no journal left) continues from OUT itself: records it lacks are added.
        With `retry_errors`, the error records of the earlier run are dropped first, so those records
        (a feed that was down, a file that was missing) are read and labelled again.
        """
        output = Path(output)
        fmt = output_format(str(output))
        path = journal_path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        previous = Previous()
        if resume and not path.exists() and output.is_file():
            _copy_atomically(output, path)
        if resume and path.exists():
            handle = open(path, "r+b")  # noqa: SIM115 - owned by the Journal
            _lock(handle, path)
            end = _scan(handle, path, fmt, labels, model_id, previous)  # refuses another model's journal
            if retry_errors and previous.errors:
                handle, retried = _without_errors(handle, path, fmt, labels)
                previous = Previous(retried=retried)
                end = _scan(handle, path, fmt, labels, model_id, previous)
            handle.truncate(end)
            handle.seek(end)
            if end == 0 and fmt == "csv":
                handle.write(_csv_header(labels).encode("utf-8"))
        else:
            handle = open(path, "wb")  # noqa: SIM115 - owned by the Journal
            _lock(handle, path)
            if fmt == "csv":
                handle.write(_csv_header(labels).encode("utf-8"))
        _sync(handle)
        _sync_dir(path.parent)
        return cls(output, fmt, labels, handle), previous

    def write(self, results: Sequence[Result]) -> None:
        """Append whole records and make them durable before returning."""
        if self._handle is None:
            raise ValueError("journal is closed")
        text = encode_results(results, self.fmt, self.labels)
        self._handle.write(text.encode("utf-8", errors="replace"))
        _sync(self._handle)

    def commit(self) -> None:
        """The run is complete: rename the journal onto OUT atomically."""
        if self._handle is None:
            raise ValueError("journal is closed")
        _sync(self._handle)
        os.replace(self.path, self.output)
        _sync_dir(self.output.parent)
        self.close()

    def close(self) -> None:
        """Stop writing; an uncommitted journal stays for --resume."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_writer(
    output: str,
    labels: Sequence[str],
    model_id: str | None,
    *,
    resume: bool = False,
    retry_errors: bool = False,
    stdout: IO[str] | None = None,
) -> tuple[ResultWriter, Previous]:
    """A journal for a file OUT, or a stream writer for `-`."""
    if retry_errors and not resume:
        raise JournalError("--retry-errors goes with --resume: it retries the errors of an earlier run")
    if output == STDOUT:
        if resume:
            raise JournalError("--resume needs an output file (--output OUT.jsonl or OUT.csv), not stdout")
        return StreamWriter(stdout or sys.stdout, "jsonl", labels), Previous()
    return Journal.open(output, labels, model_id, resume=resume, retry_errors=retry_errors)


def _csv_header(labels: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_columns(labels))
    return buffer.getvalue()


def _scan(
    handle: BinaryIO, path: Path, fmt: str, labels: Sequence[str], model_id: str | None, previous: Previous
) -> int:
    """Read the journal's whole records into `previous`; return the byte offset where they end."""
    handle.seek(0)
    entries = _jsonl_entries(handle) if fmt == "jsonl" else _csv_entries(handle, path, labels)
    end = 0
    for offset, record_id, label, error, model in entries:
        if model and model_id and model != model_id:
            raise JournalError(
                f"{path}: written with model {model}, not {model_id}; resume with the same --model, "
                f"or run without --resume to start over"
            )
        end = offset
        if record_id is None:
            continue  # the CSV header
        previous.ids.add(record_id)
        if error:
            previous.errors += 1
        elif label:
            previous.labels[label] += 1
    return end


Entry = tuple[int, str | None, str | None, bool, str | None]  # end offset, id, label, failed, model


def _without_errors(handle: BinaryIO, path: Path, fmt: str, labels: Sequence[str]) -> tuple[BinaryIO, int]:
    """Replace the (locked) journal by a copy without its error records; return the copy, locked.

    The copy is written and locked beside the journal, then renamed over it, so a kill at any moment
    leaves either the old journal or the new one, and no other run can slip in between.
    """
    handle.seek(0)
    entries = _jsonl_entries(handle) if fmt == "jsonl" else _csv_entries(handle, path, labels)
    spans, start, dropped = [], 0, 0
    for end, record_id, _label, error, _model in entries:
        if record_id is not None and error:
            dropped += 1
        else:
            spans.append((start, end))
        start = end
    staging = path.with_name(path.name + ".retry")
    copy = open(staging, "w+b")  # noqa: SIM115 - becomes the Journal's handle
    try:
        _lock(copy, staging)
        for begin, end in spans:
            handle.seek(begin)
            copy.write(handle.read(end - begin))
        _sync(copy)
        os.replace(staging, path)
        _sync_dir(path.parent)
    except BaseException:
        copy.close()
        staging.unlink(missing_ok=True)
        raise
    handle.close()
    return copy, dropped


def _jsonl_entries(handle: BinaryIO) -> Iterator[Entry]:
    offset = 0
    for line in handle:
        if not line.endswith(b"\n"):
            return  # torn by a kill mid-write
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            return
        offset += len(line)
        yield offset, obj["id"], obj.get("label"), obj.get("error") is not None, obj.get("model")


def _csv_entries(handle: BinaryIO, path: Path, labels: Sequence[str]) -> Iterator[Entry]:
    consumed = 0
    complete = True

    def lines() -> Iterator[str]:
        nonlocal consumed, complete
        for raw in handle:
            consumed += len(raw)
            complete = raw.endswith(b"\n")
            yield raw.decode("utf-8", errors="replace")

    reader = csv.reader(lines(), strict=True)
    columns = csv_columns(labels)
    try:
        header = next(reader, None)
        if header is None or not complete:
            return  # empty, or killed while writing the header: start it again
        if header != columns:
            raise JournalError(
                f"{path}: its columns differ from this model's ({len(header)} vs {len(columns)}); "
                f"run without --resume to start over"
            )
        yield consumed, None, None, False, None  # the header: no record, but keep it
        where = {name: i for i, name in enumerate(columns)}
        for row in reader:
            if not complete or len(row) != len(columns):
                return
            yield (
                consumed,
                row[where["id"]],
                row[where["label"]] or None,
                bool(row[where["error_type"]]),
                row[where["model"]] or None,
            )
    except csv.Error:
        return  # a quoted field cut off by a kill


def _lock(handle: BinaryIO, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise JournalError(f"{path}: another stratclass batch run is writing this output") from None


def _copy_atomically(source: Path, target: Path) -> None:
    staging = target.with_name(target.name + ".copy")
    shutil.copyfile(source, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)


def _sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
