"""RSS/Atom feeds and OPML lists, from files or URLs, turned into `Record`s (one per feed item).

Documents are parsed by `feedparser`; bytes are fetched by `stratclass.fetch` so that timeouts, retries
and the size cap are ours. Every failure becomes an error record naming the feed and the reason.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stratclass.decoding import InputError, cut_text, sniff_encoding, valid_text
from stratclass.errors import StratclassError
from stratclass.fetch import FetchError, FetchOptions, fetch_url, is_url
from stratclass.html_text import html_to_text
from stratclass.records import Record, error_record
from stratclass.xml_entities import unsafe_entity, unsafe_entity_for_feedparser, unsafe_entity_message

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
OPML_SUFFIXES = {".opml"}
_SPACES = re.compile(r"\s+")
_SNIFF_BYTES = 4096
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# How UTF-16 and UTF-32 XML starts without a byte order mark ("<" or "<?" with NUL bytes around).
_UTF16_32_STARTS = {b"<\0", b"\0<", b"<\0\0\0", b"\0\0\0<", b"<\0?\0", b"\0<\0?"}


class FeedError(StratclassError):
    """A feed or OPML document that cannot be read; `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def load_document(location: str, options: FetchOptions | None = None) -> tuple[bytes, dict[str, str]]:
    """The bytes of a feed or OPML document at a URL or path, with HTTP headers (empty for files)."""
    options = options or FetchOptions()
    if is_url(location):
        try:
            fetched = fetch_url(location, options)
        except FetchError as exc:
            raise FeedError(exc.kind, str(exc)) from None
        # What feedparser reads from a response: the charset, and the base for relative links.
        headers = {k: v for k, v in fetched.headers.items() if k in ("content-type", "content-language")}
        headers["content-location"] = fetched.final_url
        return fetched.data, headers
    path = Path(location)
    try:
        with open(path, "rb") as handle:  # read up to the cap: a named pipe has no size to check first
            data = handle.read(options.max_bytes + 1)
        if len(data) > options.max_bytes:
            raise FeedError("too_large", f"{location}: larger than the {options.max_bytes}-byte cap")
        return data, {}
    except FileNotFoundError:
        raise FeedError("not_found", f"{location}: no such file") from None
    except OSError as exc:
        raise FeedError("unreadable", f"{location}: {exc.strerror or exc}") from None


def _head_text(data: bytes) -> str:
    head = data[:_SNIFF_BYTES]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, "ignore")
    return head.decode("latin-1")


def looks_like_opml(data: bytes) -> bool:
    """True when the document's root element is <opml>."""
    match = re.search(r"<(?![?!])\s*([\w:.-]+)", _head_text(data))
    return bool(match) and match.group(1).lower() == "opml"


def _check_document(data: bytes, location: str) -> None:
    """FeedError for an empty, whitespace-only or binary document (UTF-16 and UTF-32 feeds are fine)."""
    if not data.strip():
        raise FeedError("empty_input", f"{location}: empty, not a feed")
    head = data[:_SNIFF_BYTES]
    if head[:4] in _UTF16_32_STARTS or head[:2] in _UTF16_32_STARTS:
        return
    try:
        sniff_encoding(head)
    except InputError as exc:
        if exc.kind == "binary_input":
            raise FeedError(exc.kind, f"{location}: {exc}") from None


def parse_opml(data: bytes, location: str) -> list[str]:
    """The feed locations an OPML document lists (`xmlUrl`), resolved against the list's own location."""
    _check_document(data, location)
    entity = unsafe_entity(data, allowed=0)
    if entity:
        raise FeedError("unsafe_xml", unsafe_entity_message(location, entity))
    try:
        root = ElementTree.fromstring(data.lstrip() if data[:1].isspace() else data)
    except ElementTree.ParseError as exc:
        raise FeedError("invalid_opml", f"{location}: not valid OPML ({exc})") from None
    if root.tag.lower() != "opml":
        raise FeedError("invalid_opml", f"{location}: not an OPML document (root element <{root.tag}>)")
    found: list[str] = []
    for outline in root.iter("outline"):
        url = next((v for k, v in outline.attrib.items() if k.lower() == "xmlurl" and v.strip()), None)
        if url is None:
            continue  # a folder or a note, not a feed
        url = url.strip()
        if is_url(location):
            found.append(urllib.parse.urljoin(location, url))
        elif is_url(url) or os.path.isabs(url):
            found.append(url)
        else:
            found.append(str(Path(location).parent / url))
    return found


def _valid_char_refs(data: bytes) -> bytes:
    """`data` with character references to no character (`&#99999999;`, `&#xD800;`, `&#0;`) made
    `&#xFFFD;`: feedparser's lenient parser raises on them. (Bytes: UTF-16 feeds are left as they are.)"""

    def fix(ref: re.Match[bytes]) -> bytes:
        hex_digits, digits = ref.group(1), ref.group(2)
        if len(hex_digits or digits) <= 7:
            code = int(hex_digits, 16) if hex_digits else int(digits)
            if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
                return ref.group(0)
        return b"&#xFFFD;"

    return _CHAR_REF.sub(fix, data) if b"&#" in data else data


def parse_feed(
    data: bytes, source: str, *, feed_url: str | None = None, headers: dict[str, str] | None = None
) -> Iterator[Record]:
    """One record per feed item; raises FeedError for a document that is not a feed at all.

    A feed with a recoverable problem (feedparser's "bozo": not well-formed, wrong declared encoding)
    still yields its items.
    """
    import feedparser

    _check_document(data, source)
    entity = unsafe_entity(data) or unsafe_entity_for_feedparser(data, headers or {})
    if entity:
        raise FeedError("unsafe_xml", unsafe_entity_message(source, entity))
    try:
        parsed = feedparser.parse(io.BytesIO(_valid_char_refs(data)), response_headers=headers or {})
    except Exception as exc:  # feedparser's lenient parser has crashed on odd input: one error, no traceback
        raise FeedError("invalid_feed", f"{source}: unreadable feed ({type(exc).__name__}: {exc})") from None
    if not parsed.get("version") and not parsed.entries:
        if b"<html" in data[:_SNIFF_BYTES].lower():
            raise FeedError("not_a_feed", f"{source}: an HTML page, not an RSS, Atom or OPML feed")
        problem = parsed.get("bozo_exception")
        why = f" ({_one_line(problem)})" if problem else ""
        raise FeedError("not_a_feed", f"{source}: not an RSS, Atom or OPML feed{why}")
    url = feed_url or source
    feed_title = _plain(parsed.feed.get("title", ""), parsed.feed.get("title_detail")) or None
    return (
        entry_record(entry, source=source, feed_title=feed_title, feed_url=url) for entry in parsed.entries
    )


def entry_record(entry: Any, *, source: str, feed_title: str | None, feed_url: str) -> Record:
    """A feed item as a Record: title plus the fuller of summary and content, HTML reduced to text."""
    title = " ".join(_plain(entry.get("title", ""), entry.get("title_detail")).split("\n"))
    bodies = [_plain(entry.get("summary", ""), entry.get("summary_detail"))]
    bodies += [_plain(c.get("value", ""), c) for c in entry.get("content", [])]
    body = max(bodies, key=len)
    text = "\n\n".join(part for part in (title, body if body != title else "") if part)
    link = valid_text((entry.get("link") or "").strip()) or None
    record_id = valid_text(_entry_id(entry, link, feed_url))
    return Record(
        id=record_id,
        text=cut_text(text, f"{source}#{record_id}"),
        source=source,
        title=title or None,
        meta={
            "link": link,
            "published": _iso_date(entry.get("published_parsed") or entry.get("updated_parsed")),
            "feed": {"title": feed_title, "url": feed_url},
            "categories": _categories(entry),
        },
    )


def read_feeds(location: str, options: FetchOptions | None = None) -> Iterator[Record]:
    """Records from a feed or an OPML list of feeds (a file or a URL); failures become error records."""
    try:
        data, headers = load_document(location, options)
        if looks_like_opml(data):
            listed = parse_opml(data, location)
        else:
            yield from parse_feed(data, location, headers=headers)
            return
    except FeedError as exc:
        yield error_record(location, location, exc.kind, str(exc))
        return
    for feed in listed:  # listed feeds are read as feeds only: a list cannot pull in further lists
        try:
            data, headers = load_document(feed, options)
            yield from parse_feed(data, feed, headers=headers)
        except FeedError as exc:
            yield error_record(feed, feed, exc.kind, f"{exc} (listed in {location})")


def _plain(value: str, detail: Any = None) -> str:
    """Text from a feed field: HTML reduced when the field holds HTML, whitespace collapsed."""
    if not value:
        return ""
    value = valid_text(value)  # "&#xD800;" gives feedparser a lone surrogate
    kind = (detail or {}).get("type", "") if hasattr(detail, "get") else ""
    if "html" in kind:
        return html_to_text(value)
    lines = (_SPACES.sub(" ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def _entry_id(entry: Any, link: str | None, feed_url: str) -> str:
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid
    if link:
        return link
    basis = "\n".join((feed_url, entry.get("title", ""), entry.get("summary", "")))
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _iso_date(parsed: Any) -> str | None:
    """feedparser's UTC time tuple as ISO 8601, or None."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _categories(entry: Any) -> list[str]:
    names: list[str] = []
    for tag in entry.get("tags", []) or []:
        name = valid_text(_SPACES.sub(" ", str(tag.get("term") or tag.get("label") or "")).strip())
        if name and name not in names:
            names.append(name)
    return names


def _one_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
