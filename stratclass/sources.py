"""Inputs to classify: files, folders, globs, stdin, JSONL and CSV, streamed as `Record`s.

Every input yields records: a file or line that cannot be read becomes a Record with an `error`, so
that each input appears in the output exactly once.
"""

from __future__ import annotations

import glob
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from stratclass.decoding import InputError, decode_bytes
from stratclass.exports import open_failure, stream_csv, stream_jsonl
from stratclass.records import Record, error_record

INPUT_FORMATS = ("auto", "text", "jsonl", "csv")
TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# Files picked up when a folder is given: text files, plus JSONL/CSV when the format is auto.
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst"}
STDIN = "-"
STDIN_ID = "<stdin>"


def format_of(path: str, input_format: str) -> str:
    """The reader for `path`: the given format, or by extension when `auto`."""
    if input_format != "auto":
        return input_format
    return TABLE_SUFFIXES.get(Path(path).suffix.lower(), "text")


def files_in(folder: Path, wanted: Callable[[Path], bool]) -> Iterator[Path]:
    """Files below `folder` that `wanted` accepts, recursively in name order, skipping hidden ones."""
    for file in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in file.relative_to(folder).parts):
            continue
        if (file.is_file() or file.is_symlink()) and wanted(file):
            yield file


def expand_inputs(inputs: Sequence[str], input_format: str = "auto") -> Iterator[tuple[str, str | None]]:
    """Yield (path, None) for each file to read, or (input, reason) for an input that names nothing."""
    for item in inputs:
        if item == STDIN:
            yield item, None
            continue
        path = Path(item)
        if path.is_dir():

            def wanted(file: Path) -> bool:
                suffix = file.suffix.lower()
                if input_format in ("jsonl", "csv"):
                    return TABLE_SUFFIXES.get(suffix) == input_format
                return suffix in TEXT_SUFFIXES or (input_format == "auto" and suffix in TABLE_SUFFIXES)

            found = False
            for file in files_in(path, wanted):
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
            yield error_record(source, source, "not_found", f"{source}: {problem}")
            continue
        kind = "text" if path == STDIN and input_format == "auto" else format_of(path, input_format)
        if kind in ("jsonl", "csv"):
            # Streamed a line at a time; stdin's bytes are read first (it cannot be rewound).
            stream = io.BytesIO(_read_bytes(path, stdin)) if path == STDIN else None
            reader = stream_jsonl if kind == "jsonl" else stream_csv
            yield from reader(source, text_field, id_field, stream=stream)
            continue
        try:
            text = decode_bytes(_read_bytes(path, stdin))
        except (InputError, OSError) as exc:
            yield open_failure(source, exc)
            continue
        yield Record(id=source, text=text, source=source)
