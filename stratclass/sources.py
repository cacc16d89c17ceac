"""Inputs to classify: files, folders, globs, stdin, JSONL and CSV, streamed as `Record`s.

Every input yields records: a file or line that cannot be read becomes a Record with an `error`, so
that each input appears in the output exactly once.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from stratclass.decoding import InputError, decode_bytes
from stratclass.records import ErrorInfo, Record

INPUT_FORMATS = ("auto", "text", "jsonl", "csv")
TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# Files picked up when a folder is given: text files, plus JSONL/CSV when the format is auto.
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst"}
STDIN = "-"
STDIN_ID = "<stdin>"


def _error(record_id: str, source: str, kind: str, message: str) -> Record:
    return Record(id=record_id, text="", source=source, error=ErrorInfo(kind, message))


def format_of(path: str, input_format: str) -> str:
    """The reader for `path`: the given format, or by extension when `auto`."""
    if input_format != "auto":
        return input_format
    return TABLE_SUFFIXES.get(Path(path).suffix.lower(), "text")


def expand_inputs(inputs: Sequence[str], input_format: str = "auto") -> Iterator[tuple[str, str | None]]:
    """Yield (path, None) for each file to read, or (input, reason) for an input that names nothing."""
    for item in inputs:
        if item == STDIN:
            yield item, None
            continue
        path = Path(item)
        if path.is_dir():
            found = False
            for file in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in file.relative_to(path).parts):
                    continue
                suffix = file.suffix.lower()
                wanted = suffix in TEXT_SUFFIXES or (input_format == "auto" and suffix in TABLE_SUFFIXES)
                if input_format in ("jsonl", "csv"):
                    wanted = TABLE_SUFFIXES.get(suffix) == input_format
                if wanted and (file.is_file() or file.is_symlink()):
                    found = True
                    yield str(file), None
            if not found:
                yield item, "folder holds no text files (.txt, .md, .rst, .jsonl, .csv)"
        elif path.exists() or path.is_symlink():
            yield item, None
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            files = [m for m in matches if Path(m).is_file()]
            if not files:
                yield item, "no files match this pattern"
            yield from ((m, None) for m in files)
        else:
            yield item, "no such file or folder"


def _read_bytes(path: str, stdin: BinaryIO | None) -> bytes:
    if path == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    with open(path, "rb") as handle:
        return handle.read()


def _id_of(obj: dict, id_field: str, fallback: str) -> str:
    value = obj.get(id_field)
    if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
        return fallback
    return str(value)


def row_record(
    obj: object, where: str, source: str, text_field: str, id_field: str, keep: Sequence[str] = ()
) -> Record:
    """A parsed JSONL object or CSV row as a Record (an error record if it has no usable text)."""
    if not isinstance(obj, dict):
        return _error(where, source, "invalid_record", f"{where}: not a JSON object")
    record_id = _id_of(obj, id_field, where)
    text = obj.get(text_field)
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string ({type(text).__name__})"
        return _error(record_id, source, "missing_text", f"{where}: field {text_field!r} is {problem}")
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    meta = {field: obj.get(field) for field in keep}
    return Record(id=record_id, text=text, source=source, title=title, meta=meta)


def read_jsonl(
    data: str, source: str, text_field: str = "text", id_field: str = "id", keep: Sequence[str] = ()
) -> Iterator[Record]:
    """One record per non-blank JSONL line; invalid lines become error records.

    `keep`: further fields to copy into each record's `meta` (e.g. a corpus's label).
    """
    for lineno, line in enumerate(io.StringIO(data), 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _error(
                where, source, "invalid_json", f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        yield row_record(obj, where, source, text_field, id_field, keep)


def read_csv(
    data: str, source: str, text_field: str = "text", id_field: str = "id", keep: Sequence[str] = ()
) -> Iterator[Record]:
    """One record per CSV row (delimiter sniffed, quoted newlines kept); `keep` columns go to `meta`.

    A file without the text column (or a `keep` column) is one error record naming the columns it has.
    """
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(data[:65536], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(data, newline=""), dialect=dialect)
    fields = reader.fieldnames or []
    missing = [f for f in (text_field, *keep) if f not in fields]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        hint = "--text-field" if missing == [text_field] else "the field options"
        yield _error(
            source,
            source,
            "missing_column",
            f"{source}: no column {names} (columns: {', '.join(fields) or 'none'}); use {hint}",
        )
        return
    try:
        for row in reader:
            where = f"{source}:{reader.line_num}"
            yield row_record(row, where, source, text_field, id_field, keep)
    except csv.Error as exc:
        yield _error(
            f"{source}:{reader.line_num}", source, "invalid_csv", f"{source}:{reader.line_num}: {exc}"
        )


def read_inputs(
    inputs: Sequence[str] = (STDIN,),
    *,
    input_format: str = "auto",
    text_field: str = "text",
    id_field: str = "id",
    stdin: BinaryIO | None = None,
) -> Iterator[Record]:
    """Stream records from `inputs`: files, folders (recursively), globs, or "-" for stdin."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    for path, problem in expand_inputs(inputs or [STDIN], input_format):
        source = STDIN_ID if path == STDIN else path
        if problem:
            yield _error(source, source, "not_found", f"{source}: {problem}")
            continue
        kind = "text" if path == STDIN and input_format == "auto" else format_of(path, input_format)
        try:
            text = decode_bytes(_read_bytes(path, stdin), source)
        except InputError as exc:
            yield _error(source, source, exc.kind, f"{source}: {exc}")
            continue
        except OSError as exc:
            yield _error(source, source, "unreadable", f"{source}: {exc.strerror or exc}")
            continue
        if kind == "jsonl":
            yield from read_jsonl(text, source, text_field, id_field)
        elif kind == "csv":
            yield from read_csv(text, source, text_field, id_field)
        else:
            yield Record(id=source, text=text, source=source)
