"""JSONL and CSV exports streamed a line at a time, with the record semantics of `stratclass.sources`.

`sources.read_jsonl`/`read_csv` take a whole decoded file; batch jobs read exports of any size, so the
encoding is detected from the first 64 KiB and lines are decoded as they are read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import BinaryIO

from stratclass.decoding import SNIFF_BYTES, InputError, sniff_encoding
from stratclass.records import ErrorInfo, Record
from stratclass.sources import row_record


class _BadLine(Exception):
    def __init__(self, lineno: int, encoding: str) -> None:
        super().__init__(f"line {lineno}")
        self.lineno = lineno
        self.encoding = encoding


def _lines(raw: BinaryIO, encoding: str) -> Iterator[str | _BadLine]:
    """Decoded lines (ends kept); an undecodable line yields a _BadLine in its place."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        yield from io.TextIOWrapper(raw, encoding=encoding, newline="")
        return
    for lineno, line in enumerate(raw, 1):
        try:
            yield line.decode(encoding)
        except UnicodeDecodeError:
            yield _BadLine(lineno, encoding)


def _open(path: str) -> tuple[BinaryIO, str]:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's generator
    try:
        encoding = sniff_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return raw, encoding


def _error(record_id: str, source: str, kind: str, message: str) -> Record:
    return Record(id=record_id, text="", source=source, error=ErrorInfo(kind, message))


def _failed_open(path: str, exc: Exception) -> Record:
    if isinstance(exc, InputError):
        return _error(path, path, exc.kind, f"{path}: {exc}")
    if isinstance(exc, FileNotFoundError):
        return _error(path, path, "not_found", f"{path}: no such file or folder")
    return _error(path, path, "unreadable", f"{path}: {getattr(exc, 'strerror', None) or exc}")


def stream_jsonl(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    """One record per non-blank line, as `sources.read_jsonl`; bad lines become error records."""
    try:
        raw, encoding = _open(path)
    except (InputError, OSError) as exc:
        yield _failed_open(path, exc)
        return
    with raw:
        for lineno, line in enumerate(_lines(raw, encoding), 1):
            where = f"{path}:{lineno}"
            if isinstance(line, _BadLine):
                yield _error(where, path, "decode_error", f"{where}: not valid {encoding} text")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                message = f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
                yield _error(where, path, "invalid_json", message)
                continue
            yield row_record(obj, where, path, text_field, id_field)


def stream_csv(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    """One record per row, as `sources.read_csv` (delimiter sniffed from the first 64 KiB)."""
    try:
        raw, encoding = _open(path)
    except (InputError, OSError) as exc:
        yield _failed_open(path, exc)
        return
    with raw:
        head = raw.read(SNIFF_BYTES)
        raw.seek(0)
        sample = head.decode(encoding, errors="replace")
        sample = sample[: sample.rfind("\n") + 1] or sample
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel

        def lines() -> Iterator[str]:
            for line in _lines(raw, encoding):
                if isinstance(line, _BadLine):
                    raise line
                yield line

        reader = csv.DictReader(lines(), dialect=dialect)
        try:
            fields = reader.fieldnames or []
            if text_field not in fields:
                columns = ", ".join(fields) or "none"
                message = f"{path}: no column {text_field!r} (columns: {columns}); use --text-field"
                yield _error(path, path, "missing_column", message)
                return
            for row in reader:
                where = f"{path}:{reader.line_num}"
                yield row_record(row, where, path, text_field, id_field)
        except csv.Error as exc:
            where = f"{path}:{reader.line_num}"
            yield _error(where, path, "invalid_csv", f"{where}: {exc}")
        except _BadLine as bad:
            where = f"{path}:{bad.lineno}"
            message = f"{where}: not valid {bad.encoding} text; the rest of the file was not read"
            yield _error(where, path, "decode_error", message)
