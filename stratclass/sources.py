"""Inputs to classify: files, folders, globs, stdin, JSONL and CSV, streamed as `Record`s.

Every input yields records: a file or line that cannot be read becomes a Record with an `error`, so
that each input appears in the output exactly once.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from stratclass.decoding import InputError, read_text
from stratclass.exports import open_failure, stream_csv, stream_jsonl
from stratclass.records import Record, error_record

INPUT_FORMATS = ("auto", "text", "jsonl", "csv")
TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# Files picked up when a folder is given: text files, plus JSONL/CSV when the format is auto.
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst"}
STDIN = "-"
STDIN_ID = "<stdin>"
_BLOCK = 1 << 20


def format_of(path: str, input_format: str) -> str:
    """The reader for `path`: the given format, or by extension when `auto`."""
    if input_format != "auto":
        return input_format
    return TABLE_SUFFIXES.get(Path(path).suffix.lower(), "text")


def files_in(folder: Path, wanted: Callable[[Path], bool]) -> Iterator[Path]:
    """Files below `folder` that `wanted` accepts, recursively in name order, skipping hidden ones.

    Everything that is not a folder is a file here: broken symbolic links, pipes and devices too, so
    that reading them reports the problem instead of leaving them out silently.
    """
    for file in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in file.relative_to(folder).parts):
            continue
        if (file.is_symlink() or not file.is_dir()) and wanted(file):
            yield file


def folder_files(
    folder: Path, name: str, wanted: Callable[[Path], bool], empty: str
) -> Iterator[tuple[str, str | None]]:
    """(path, problem or None) for each file below `folder` that `wanted` accepts; (name, `empty`) if none."""
    found = False
    for file in files_in(folder, wanted):
        found = True
        yield str(file), file_problem(file)
    if not found:
        yield name, empty


def file_problem(path: Path, *, named: bool = False) -> str | None:
    """Why `path` cannot be read as a file, or None if it can (or if reading it will say why).

    A named pipe or device can be read when the user names it (`<(command)`, /dev/stdin), but one found
    in a folder or by a glob is not read: it could block for ever.
    """
    if path.is_symlink() and not path.exists():
        try:
            return f"broken symbolic link (to {os.readlink(path)})"
        except OSError:
            return "broken symbolic link"
    if not named:
        try:
            mode = path.stat().st_mode
        except OSError:
            return None  # reading it reports why
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return "not a regular file (a named pipe, socket or device)"
    return None


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

            yield from folder_files(
                path, item, wanted, "folder holds no text files (.txt, .md, .rst, .jsonl, .csv)"
            )
        elif path.exists() or path.is_symlink():
            yield item, file_problem(path, named=True)
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            files = [m for m in matches if Path(m).is_symlink() or not Path(m).is_dir()]
            if not files:
                yield item, "no files match this pattern"
            yield from ((m, file_problem(Path(m))) for m in files)
        else:
            yield item, "no such file or folder"


def read_inputs(
    inputs: Sequence[str] = (STDIN,),
    *,
    input_format: str = "auto",
    text_field: str = "text",
    id_field: str = "id",
    stdin: BinaryIO | None = None,
) -> Iterator[Record]:
    """Stream records from `inputs`: files, folders (recursively), globs, or "-" for stdin.

    A text longer than MAX_TEXT_CHARS characters is cut to that length, with a TextCutWarning.
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    for path, problem in expand_inputs(inputs or [STDIN], input_format):
        source = STDIN_ID if path == STDIN else path
        if problem:
            kind = "not_found" if problem.startswith(("no ", "broken")) else "unreadable"
            yield error_record(source, source, kind, f"{source}: {problem}")
            continue
        stream = (stdin if stdin is not None else sys.stdin.buffer) if path == STDIN else None
        kind = "text" if path == STDIN and input_format == "auto" else format_of(path, input_format)
        if kind in ("jsonl", "csv"):
            reader = stream_jsonl if kind == "jsonl" else stream_csv
            yield from reader(source, text_field, id_field, stream=stream)
            continue
        yield text_record(source, stream)


def text_record(path: str, stream: BinaryIO | None = None) -> Record:
    """A text file (or `stream`, named `path`) as one Record, or an error record saying why it is not."""
    try:
        if stream is None:
            with open(path, "rb") as handle:
                text = read_text(handle, path)
        else:
            try:
                text = read_text(stream, path)
            finally:
                while stream.read(_BLOCK):  # the rest of a text cut short: drained, so no EPIPE upstream
                    pass
    except (InputError, OSError) as exc:
        return open_failure(path, exc)
    return Record(id=path, text=text, source=path)
