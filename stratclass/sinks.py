"""Writers for results: a table for people, JSONL and CSV for programs; files are written atomically."""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

import click

from stratclass.records import Result

OUTPUT_FORMATS = ("table", "jsonl", "csv")
LABEL_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")


class ResultSink(Protocol):
    def write(self, result: Result) -> None: ...
    def close(self) -> None: ...


class JsonlSink:
    """One JSON object per line, flushed per record so a reader never sees half a line."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, result: Result) -> None:
        self.stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def flatten_result(result: Result, labels: list[str], phrases_sep: str = "; ") -> dict[str, object]:
    """A CSV row: one `score_<label>` column per label, key phrases joined, error split in two."""
    row: dict[str, object] = {"id": result.id, "source": result.source, "title": result.title or ""}
    if result.labelled:
        row["label"] = result.label or ""
        row["confidence"] = "" if result.confidence is None else round(result.confidence, 4)
        for label in labels:
            score = result.scores.get(label)
            row[f"score_{label}"] = "" if score is None else round(score, 4)
    row["key_phrases"] = phrases_sep.join(p.text for p in result.key_phrases)
    if "segments" in result.extras:
        row["mixed"] = "" if result.mixed is None else str(result.mixed).lower()
        row["segments"] = "" if result.segments is None else json.dumps(result.segments, ensure_ascii=False)
    if "evidence" in result.extras:
        row["evidence"] = "" if result.evidence is None else json.dumps(result.evidence, ensure_ascii=False)
    row["model"] = result.model or ""
    row["error_type"] = result.error.type if result.error else ""
    row["error_message"] = result.error.message if result.error else ""
    row["warning"] = f"{result.warning.type}: {result.warning.message}" if result.warning else ""
    for key, value in result.meta.items():
        if key not in row:
            row[key] = (
                value if isinstance(value, (str, int, float)) else json.dumps(value, ensure_ascii=False)
            )
    return row


class CsvSink:
    """CSV with a header fixed by the model's labels (plus any record metadata of the first result)."""

    def __init__(self, stream: IO[str], labels: list[str], labelled: bool = True) -> None:
        self.stream = stream
        self.labels = labels
        self.labelled = labelled
        self.writer: csv.DictWriter | None = None

    def write(self, result: Result) -> None:
        row = flatten_result(result, self.labels)
        if self.writer is None:
            self.writer = csv.DictWriter(self.stream, fieldnames=list(row), extrasaction="ignore")
            self.writer.writeheader()
        self.writer.writerow(row)
        self.stream.flush()

    def close(self) -> None:
        if self.writer is None:
            empty = Result("", None, None, None, {}, [], None, labelled=self.labelled)
            fields = flatten_result(empty, self.labels)
            csv.DictWriter(self.stream, fieldnames=list(fields)).writeheader()
        self.stream.flush()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    """`text` for one table line: line breaks and tabs as spaces, other control characters (terminal
    escape sequences in an id or a phrase) as U+FFFD, so that input cannot drive the terminal."""
    return _CONTROL.sub(lambda c: " " if c.group() in "\t\n\r" else "\ufffd", text)


class TableSink:
    """A human-readable line per result, coloured on a terminal."""

    def __init__(self, stream: IO[str], labels: list[str], colour: bool) -> None:
        self.stream = stream
        self.colours = {label: LABEL_COLOURS[i % len(LABEL_COLOURS)] for i, label in enumerate(labels)}
        self.colour = colour
        self.header_done = False

    def write(self, result: Result) -> None:
        if not self.header_done:
            header = f"{'LABEL':<16} {'CONF':>5}  {'ID':<32} KEY PHRASES"
            if not result.labelled:
                header = f"{'ID':<32} KEY PHRASES (coloured by the label they support)"
            click.echo(header, file=self.stream, color=self.colour)
            self.header_done = True
        ident = _shown(result.id if len(result.id) <= 32 else "…" + result.id[-31:])
        if result.error:
            label = click.style(f"{'error':<16}", fg="red", bold=True)
            line = f"{label} {'':>5}  {ident:<32} {_shown(result.error.message)}"
        elif not result.labelled:
            phrases = ", ".join(self._phrase(p) for p in result.key_phrases)
            line = f"{ident:<32} {phrases}"
        else:
            label = click.style(
                f"{result.label:<16}", fg=self.colours.get(result.label or "", "white"), bold=True
            )
            phrases = ", ".join(_shown(p.text) for p in result.key_phrases[:5])
            if result.warning is not None:
                phrases = click.style(f"[{result.warning.type}] ", fg="yellow") + phrases
            line = f"{label} {result.confidence:>5.2f}  {ident:<32} {phrases}"
        click.echo(line, file=self.stream, color=self.colour)

    def _phrase(self, phrase) -> str:
        colour = self.colours.get(phrase.supports or "")
        return click.style(_shown(phrase.text), fg=colour) if colour else _shown(phrase.text)

    def close(self) -> None:
        self.stream.flush()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_text_file(path: str | Path) -> Iterator[IO[str]]:
    """Open a temporary file beside `path`; on success it replaces `path`, on failure it is removed."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_for_output(output: str | None, is_tty: bool) -> str:
    """Default format: from the output file's extension, else table on a terminal, else JSONL."""
    if output and output != "-":
        return "csv" if Path(output).suffix.lower() == ".csv" else "jsonl"
    return "table" if is_tty else "jsonl"


def make_sink(
    fmt: str, stream: IO[str], labels: list[str], colour: bool = False, labelled: bool = True
) -> ResultSink:
    if fmt == "jsonl":
        return JsonlSink(stream)
    if fmt == "csv":
        return CsvSink(stream, labels, labelled)
    if fmt == "table":
        return TableSink(stream, labels, colour)
    raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
