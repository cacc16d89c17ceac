"""JSONL and CSV records, streamed a line at a time: the one reader behind classify, batch and train.

Files of any size are read with bounded memory: the encoding is detected from the first 64 KiB, lines
are decoded as they are read, and a line longer than MAX_LINE_BYTES is skipped with an error. Every line
or row yields a Record, or an error record naming it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from stratclass.decoding import (
    SNIFF_BYTES,
    InputError,
    cut_text,
    detect_encoding,
    sniff_encoding,
    valid_text,
)
from stratclass.records import ErrorInfo, Record, error_record

# The longest JSONL line or CSV row read; a longer one is an error record (the text in it would be cut
# to MAX_TEXT_CHARS characters anyway).
MAX_LINE_BYTES = 32 * 2**20
CSV_DELIMITERS = ",;\t|"
_BLOCK = 1 << 20
# csv refuses fields over 128 KiB by default; a text field may be as long as a line.
if csv.field_size_limit() < MAX_LINE_BYTES:
    csv.field_size_limit(MAX_LINE_BYTES)


class _BadLine(Exception):
    """A line that cannot be used: undecodable or too long."""

    def __init__(self, lineno: int, reason: str) -> None:
        super().__init__(f"line {lineno}: {reason}")
        self.lineno = lineno
        self.reason = reason

    def record(self, path: str) -> Record:
        """The error record for this line of `path`."""
        where = f"{path}:{self.lineno}"
        return error_record(where, path, "decode_error", f"{where}: {self.reason}")


class _Lines:
    """Decoded lines of a binary stream (ends kept). A bad line raises _BadLine and reading goes on with the
    next one, so that csv's reader, which pulls lines from this iterator, can report a row and go on."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self.encoding = encoding
        self.lineno = 0
        self._raw = raw
        self._text = None
        if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
            # Whole characters of a two- or four-byte encoding; an odd byte becomes U+FFFD.
            self._text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._text is not None:
            line = self._text.readline(MAX_LINE_BYTES // 2 + 1)
            too_long = len(line) > MAX_LINE_BYTES // 2
            drain = self._text.readline
        else:
            line = self._raw.readline(MAX_LINE_BYTES + 1)
            too_long = len(line) > MAX_LINE_BYTES
            drain = self._raw.readline
        if not line:
            raise StopIteration
        self.lineno += 1
        if too_long:
            while line and line[-1:] not in ("\n", b"\n"):
                line = drain(_BLOCK)
            raise _BadLine(self.lineno, f"longer than {MAX_LINE_BYTES:,} bytes, not read")
        return line if isinstance(line, str) else self._decode(line)

    def _decode(self, line: bytes) -> str:
        try:
            return line.decode(self.encoding)
        except UnicodeDecodeError:
            pass
        # A line in another encoding than the start of the file (say, one windows-1252 line in UTF-8).
        detected = detect_encoding(line)
        try:
            return line.decode(detected or self.encoding)
        except UnicodeDecodeError:
            raise _BadLine(self.lineno, f"not valid {self.encoding} text") from None


class _Prefixed(io.RawIOBase):
    """The bytes already read from a stream that cannot rewind (a pipe), then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._read = getattr(rest, "read1", rest.read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open(path: str, stream: BinaryIO | None = None) -> tuple[BinaryIO, str, bytes]:
    """The binary stream to read (the file at `path`, or `stream`), its encoding and its first bytes."""
    raw = stream if stream is not None else open(path, "rb")  # noqa: SIM115 - closed by the caller
    try:
        head = raw.read(SNIFF_BYTES)
        encoding = sniff_encoding(head)
        if raw.seekable():
            raw.seek(0)
        else:
            raw = io.BufferedReader(_Prefixed(head, raw))
    except BaseException:
        if stream is None:
            raw.close()
        raise
    return raw, encoding, head


def _id_of(obj: dict, id_field: str, fallback: str) -> str:
    value = obj.get(id_field)
    if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
        return fallback
    return valid_text(str(value))


def _fields(obj: dict) -> str:
    names = [repr(k) for k in list(obj)[:6]]
    return ", ".join(names) + (", ..." if len(obj) > 6 else "") if names else "no fields"


def row_record(
    obj: object,
    where: str,
    source: str,
    text_field: str,
    id_field: str,
    keep: Sequence[str] = (),
    require: Sequence[str] = (),
) -> Record:
    """A parsed JSONL object or CSV row as a Record (an error record if it has no usable text).

    The id is the row's `id_field`, else `where` (file:line); `keep` fields are copied into `meta`, and
    a row without a non-empty value for each `require` field is an error record. A blank text gives an
    error record of type `empty_text` that still carries the text and `meta`.
    """
    if not isinstance(obj, dict):
        return error_record(where, source, "invalid_record", f"{where}: not a JSON object")
    record_id = _id_of(obj, id_field, where)
    text = obj.get(text_field)
    if not isinstance(text, str):
        if text_field not in obj:
            problem = f"missing (the record has {_fields(obj)})"
        else:
            problem = "null" if text is None else f"not a string but {type(text).__name__}"
        message = f"{where}: field {text_field!r} is {problem}"
        return error_record(record_id, source, "missing_text", message)
    for field in require:
        value = obj.get(field)
        if value is None or isinstance(value, (dict, list)) or not str(value).strip():
            problem = f"missing (the record has {_fields(obj)})" if field not in obj else "empty"
            message = f"{where}: field {field!r} is {problem}"
            return error_record(record_id, source, "missing_field", message)
    title = valid_text(obj["title"]) if isinstance(obj.get("title"), str) else None
    meta = {field: obj.get(field) for field in keep}
    text = valid_text(cut_text(text, where))
    record = Record(id=record_id, text=text, source=source, title=title, meta=meta)
    if not text.strip():
        record.error = ErrorInfo("empty_text", f"{where}: field {text_field!r} is empty")
    return record


def open_failure(path: str, exc: Exception) -> Record:
    """The error record for an input that could not be opened or decoded."""
    if isinstance(exc, InputError):
        return error_record(path, path, exc.kind, f"{path}: {exc}")
    if isinstance(exc, FileNotFoundError):
        return error_record(path, path, "not_found", f"{path}: no such file or folder")
    if isinstance(exc, IsADirectoryError):
        return error_record(path, path, "unreadable", f"{path}: a folder, not a file")
    return error_record(path, path, "unreadable", f"{path}: {getattr(exc, 'strerror', None) or exc}")


def stream_jsonl(
    path: str,
    text_field: str = "text",
    id_field: str = "id",
    keep: Sequence[str] = (),
    stream: BinaryIO | None = None,
    require: Sequence[str] = (),
) -> Iterator[Record]:
    """One record per non-blank JSONL line; bad lines become error records naming `path:line`.

    `stream`: a binary stream to read instead of opening `path` (e.g. stdin); it is not closed.
    """
    try:
        raw, encoding, _ = _open(path, stream)
    except (InputError, OSError) as exc:
        yield open_failure(path, exc)
        return
    try:
        lines = _Lines(raw, encoding)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                break
            except _BadLine as bad:
                yield bad.record(path)
                continue
            if not line.strip():
                continue
            where = f"{path}:{lines.lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                message = f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
                yield error_record(where, path, "invalid_json", message)
                continue
            except (ValueError, RecursionError) as exc:  # a 5,000-digit number, arrays nested 10,000 deep
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
                yield error_record(where, path, "invalid_json", f"{where}: invalid JSON ({reason})")
                continue
            yield row_record(obj, where, path, text_field, id_field, keep, require)
    finally:
        if stream is None:
            raw.close()


def _delimiter(sample: str, text_field: str) -> str:
    """The delimiter that makes the header hold `text_field`, else csv.Sniffer's guess, else a comma."""
    header = sample.split("\n", 1)[0].rstrip("\r")
    for delimiter in CSV_DELIMITERS:
        with contextlib.suppress(csv.Error):  # a broken header is reported when the rows are read
            if text_field in next(csv.reader([header], delimiter=delimiter), []):
                return delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","


def stream_csv(
    path: str,
    text_field: str = "text",
    id_field: str = "id",
    keep: Sequence[str] = (),
    stream: BinaryIO | None = None,
    require: Sequence[str] = (),
) -> Iterator[Record]:
    """One record per CSV row (delimiter , ; tab or | found from the header, quoted newlines kept).

    A file without the text column (or a `keep` column) is one error record naming the columns it has.
    A row that cannot be read is an error record naming it, and reading goes on with the next row.
    """
    try:
        raw, encoding, head = _open(path, stream)
    except (InputError, OSError) as exc:
        yield open_failure(path, exc)
        return
    try:
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
        sample = sample.lstrip("\ufeff")
        lines = _Lines(raw, encoding)
        reader = csv.DictReader(lines, delimiter=_delimiter(sample, text_field))
        try:
            fields = reader.fieldnames or []
        except (csv.Error, _BadLine) as exc:
            yield error_record(path, path, "invalid_csv", f"{path}: unreadable header ({exc})")
            return
        missing = [f for f in (text_field, *keep) if f not in fields]
        if missing:
            columns = ", ".join(fields) or "none"
            hint = "--text-field" if missing == [text_field] else "the field options"
            names = ", ".join(repr(m) for m in missing)
            message = f"{path}: no column {names} (columns: {columns}); use {hint}"
            yield error_record(path, path, "missing_column", message)
            return
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                where = f"{path}:{lines.lineno}"
                yield error_record(where, path, "invalid_csv", f"{where}: {exc}")
                continue
            except _BadLine as bad:
                yield bad.record(path)
                continue
            where = f"{path}:{lines.lineno}"
            yield row_record(row, where, path, text_field, id_field, keep, require)
    finally:
        if stream is None:
            raw.close()
