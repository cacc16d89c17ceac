"""JSONL and CSV records, streamed a line at a time: the one reader behind classify, batch and train.

Files of any size are read with bounded memory: the encoding is detected from the first 64 KiB and
lines are decoded as they are read. Every line or row yields a Record, or an error record naming it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from stratclass.decoding import SNIFF_BYTES, InputError, sniff_encoding
from stratclass.records import Record, error_record


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


def _open(path: str, stream: BinaryIO | None = None) -> tuple[BinaryIO, str]:
    """The seekable binary stream to read (the file at `path`, or `stream`) and its encoding."""
    raw = stream if stream is not None else open(path, "rb")  # noqa: SIM115 - closed by the caller
    try:
        encoding = sniff_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return raw, encoding


def _id_of(obj: dict, id_field: str, fallback: str) -> str:
    value = obj.get(id_field)
    if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
        return fallback
    return str(value)


def row_record(
    obj: object, where: str, source: str, text_field: str, id_field: str, keep: Sequence[str] = ()
) -> Record:
    """A parsed JSONL object or CSV row as a Record (an error record if it has no usable text).

    The id is the row's `id_field`, else `where` (file:line); `keep` fields are copied into `meta`.
    """
    if not isinstance(obj, dict):
        return error_record(where, source, "invalid_record", f"{where}: not a JSON object")
    record_id = _id_of(obj, id_field, where)
    text = obj.get(text_field)
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string ({type(text).__name__})"
        return error_record(record_id, source, "missing_text", f"{where}: field {text_field!r} is {problem}")
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    meta = {field: obj.get(field) for field in keep}
    return Record(id=record_id, text=text, source=source, title=title, meta=meta)


def open_failure(path: str, exc: Exception) -> Record:
    """The error record for an input that could not be opened or decoded."""
    if isinstance(exc, InputError):
        return error_record(path, path, exc.kind, f"{path}: {exc}")
    if isinstance(exc, FileNotFoundError):
        return error_record(path, path, "not_found", f"{path}: no such file or folder")
    return error_record(path, path, "unreadable", f"{path}: {getattr(exc, 'strerror', None) or exc}")


def stream_jsonl(
    path: str,
    text_field: str = "text",
    id_field: str = "id",
    keep: Sequence[str] = (),
    stream: BinaryIO | None = None,
) -> Iterator[Record]:
    """One record per non-blank JSONL line; bad lines become error records naming `path:line`.

    `stream`: a seekable binary stream to read instead of opening `path` (e.g. stdin's bytes).
    """
    try:
        raw, encoding = _open(path, stream)
    except (InputError, OSError) as exc:
        yield open_failure(path, exc)
        return
    with raw:
        for lineno, line in enumerate(_lines(raw, encoding), 1):
            where = f"{path}:{lineno}"
            if isinstance(line, _BadLine):
                yield error_record(where, path, "decode_error", f"{where}: not valid {encoding} text")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                message = f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
                yield error_record(where, path, "invalid_json", message)
                continue
            yield row_record(obj, where, path, text_field, id_field, keep)


def stream_csv(
    path: str,
    text_field: str = "text",
    id_field: str = "id",
    keep: Sequence[str] = (),
    stream: BinaryIO | None = None,
) -> Iterator[Record]:
    """One record per CSV row (delimiter sniffed from the first 64 KiB, quoted newlines kept).

    A file without the text column (or a `keep` column) is one error record naming the columns it has.
    """
    try:
        raw, encoding = _open(path, stream)
    except (InputError, OSError) as exc:
        yield open_failure(path, exc)
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
            missing = [f for f in (text_field, *keep) if f not in fields]
            if missing:
                columns = ", ".join(fields) or "none"
                hint = "--text-field" if missing == [text_field] else "the field options"
                names = ", ".join(repr(m) for m in missing)
                message = f"{path}: no column {names} (columns: {columns}); use {hint}"
                yield error_record(path, path, "missing_column", message)
                return
            for row in reader:
                where = f"{path}:{reader.line_num}"
                yield row_record(row, where, path, text_field, id_field, keep)
        except csv.Error as exc:
            where = f"{path}:{reader.line_num}"
            yield error_record(where, path, "invalid_csv", f"{where}: {exc}")
        except _BadLine as bad:
            where = f"{path}:{bad.lineno}"
            message = f"{where}: not valid {bad.encoding} text; the rest of the file was not read"
            yield error_record(where, path, "decode_error", message)
