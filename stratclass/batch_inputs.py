"""What `stratclass batch` reads, as one stream of records: feed files and URLs, OPML lists, JSONL/CSV
exports, text files, and folders of them (searched recursively)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from stratclass.exports import stream_csv, stream_jsonl
from stratclass.feeds import FEED_SUFFIXES, OPML_SUFFIXES, read_feeds
from stratclass.fetch import FetchOptions, is_url
from stratclass.records import Record, error_record
from stratclass.sources import TABLE_SUFFIXES, TEXT_SUFFIXES, file_problem, folder_files, text_record

BATCH_SUFFIXES = FEED_SUFFIXES | OPML_SUFFIXES | set(TABLE_SUFFIXES) | TEXT_SUFFIXES


def kind_of(path: str) -> str:
    """How a file is read: `feed` (RSS/Atom/OPML), `jsonl`, `csv` or `text`, by extension or content."""
    suffix = Path(path).suffix.lower()
    if suffix in FEED_SUFFIXES or suffix in OPML_SUFFIXES:
        return "feed"
    if suffix in TABLE_SUFFIXES:
        return TABLE_SUFFIXES[suffix]
    if suffix in TEXT_SUFFIXES:
        return "text"
    try:
        with open(path, "rb") as handle:
            head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return "text"  # the text reader reports the problem
    return "feed" if head.startswith(b"<") else "text"


def expand_sources(sources: Sequence[str], exclude: Iterable[Path] = ()) -> Iterator[tuple[str, str | None]]:
    """(location, None) for each URL or file to read, or (source, reason) for one that names nothing.

    Folders are searched recursively, in name order, for files with a known extension; hidden files
    and folders, and the paths in `exclude` (the run's own output), are skipped.
    """
    skip = {p.resolve() for p in exclude}
    for source in sources:
        if is_url(source):
            yield source, None
            continue
        path = Path(source)
        if path.is_dir():
            yield from folder_files(
                path,
                source,
                lambda f: f.suffix.lower() in BATCH_SUFFIXES and f.resolve() not in skip,
                "folder holds no feeds, OPML lists, JSONL/CSV exports or text files",
            )
        elif path.exists() or path.is_symlink():
            yield source, file_problem(path, named=True)
        else:
            yield source, "no such file, folder or http(s) URL"


def read_batch_sources(
    sources: Sequence[str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    fetch: FetchOptions | None = None,
    exclude: Iterable[Path] = (),
) -> Iterator[Record]:
    """Stream records from every source; a source that fails as a whole becomes one error record."""
    for location, problem in expand_sources(sources, exclude):
        if problem:
            kind = "not_found" if problem.startswith(("no ", "broken")) else "unreadable"
            yield error_record(location, location, kind, f"{location}: {problem}")
            continue
        kind = "feed" if is_url(location) else kind_of(location)
        if kind == "feed":
            yield from read_feeds(location, fetch)
        elif kind == "jsonl":
            yield from stream_jsonl(location, text_field, id_field)
        elif kind == "csv":
            yield from stream_csv(location, text_field, id_field)
        else:
            yield text_record(location)
