"""Fetching feeds over HTTP(S): timeouts, retries with backoff, redirects, a size cap, a clear reason."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from email.message import Message

from stratclass import __version__
from stratclass.errors import StratclassError

USER_AGENT = f"stratclass/{__version__} (+feed labeller)"
ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, text/x-opml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"  # noqa: E501
# Statuses worth another attempt: the server may answer later.
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
URL_SCHEMES = ("http", "https")
MAX_BACKOFF = 30.0
BLOCK = 1 << 16


class FetchError(StratclassError):
    """A URL could not be fetched; `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch URLs.

    `timeout`: seconds to wait for a connection or for the next data; `deadline`: seconds one attempt may
    take in all; `retries`: further attempts after a timeout, a dropped connection or a 408/429/5xx
    answer, waiting `backoff` seconds before the first and twice as long before each next one.
    """

    timeout: float = 15.0
    deadline: float = 120.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = 32 * 2**20
    user_agent: str = USER_AGENT
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fetched:
    """A fetched document: its bytes, where it ended up after redirects, and the response headers."""

    url: str
    final_url: str
    data: bytes
    headers: dict[str, str]


def is_url(location: str) -> bool:
    """True for http:// and https:// addresses."""
    return urllib.parse.urlsplit(location).scheme.lower() in URL_SCHEMES


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (urllib's limit of 10), but only to http(s) addresses."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        if not is_url(urllib.parse.urljoin(req.full_url, newurl)):
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to a non-HTTP address {newurl}", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects())


def fetch_url(url: str, options: FetchOptions | None = None) -> Fetched:
    """GET `url`, retrying what may pass; raises FetchError with a one-line reason naming the URL."""
    options = options or FetchOptions()
    if not is_url(url):
        raise FetchError("unsupported_url", f"{url}: only http:// and https:// addresses can be fetched")
    attempt = 0
    while True:
        try:
            return _fetch_once(url, options)
        except _Retryable as exc:
            if attempt >= options.retries:
                raise FetchError(exc.kind, f"{url}: {exc.reason} (after {attempt + 1} attempts)") from None
            wait = min(MAX_BACKOFF, options.backoff * 2**attempt)
            time.sleep(max(wait, exc.retry_after or 0.0))
            attempt += 1


class _Retryable(Exception):
    def __init__(self, kind: str, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return min(MAX_BACKOFF, max(0.0, float(value))) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _fetch_once(url: str, options: FetchOptions) -> Fetched:
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": options.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
            **options.headers,
        },
    )
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=options.timeout) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > options.max_bytes:
                raise FetchError(
                    "too_large", f"{url}: {int(length)} bytes, over the {options.max_bytes}-byte cap"
                )
            raw = _read_capped(response, url, options, started)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        exc.close()
        reason = f"HTTP {exc.code} {exc.reason}".strip()
        if exc.code in RETRY_STATUSES:
            raise _Retryable("http_error", reason, _retry_after(exc.headers)) from None
        raise FetchError("http_error", f"{url}: {reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise _Retryable("timeout", f"no answer within {options.timeout:g} s") from None
        raise _Retryable("unreachable", f"unreachable ({exc.reason})") from None
    except TimeoutError:
        raise _Retryable("timeout", f"no answer within {options.timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:  # reset or dropped mid-response, bad status line
        raise _Retryable("unreachable", f"connection failed ({exc})") from None
    data = _decompress(raw, headers.get("content-encoding", ""), url, options.max_bytes)
    return Fetched(url=url, final_url=final_url, data=data, headers=headers)


def _read_capped(response, url: str, options: FetchOptions, started: float) -> bytes:
    blocks: list[bytes] = []
    size = 0
    while block := response.read(BLOCK):
        size += len(block)
        if size > options.max_bytes:
            raise FetchError("too_large", f"{url}: more than the {options.max_bytes}-byte cap")
        if time.monotonic() - started > options.deadline:
            raise _Retryable("timeout", f"download took longer than {options.deadline:g} s")
        blocks.append(block)
    return b"".join(blocks)


def _decompress(raw: bytes, encoding: str, url: str, max_bytes: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return raw
    wbits = 47 if encoding != "deflate" else 15  # 47: gzip or zlib header, detected
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        if encoding == "deflate":  # some servers send raw deflate without the zlib header
            try:
                data = zlib.decompressobj(-15).decompress(raw, max_bytes + 1)
            except zlib.error:
                raise FetchError("decode_error", f"{url}: corrupt {encoding} body ({exc})") from None
        else:
            raise FetchError("decode_error", f"{url}: corrupt {encoding} body ({exc})") from None
    if len(data) > max_bytes:
        raise FetchError("too_large", f"{url}: more than the {max_bytes}-byte cap once decompressed")
    return data
