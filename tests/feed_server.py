"""A real HTTP server on 127.0.0.1 (a free port, in a thread) serving the feed fixtures and misbehaving
on purpose: a 404, a redirect, a slow answer, a 503 that passes on retry, gzip, an oversized body."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SLOW_SECONDS = 2.0
CONTENT_TYPES = {
    ".xml": "application/rss+xml",
    ".rdf": "application/rdf+xml",
    ".atom": "application/atom+xml",
    ".opml": "text/x-opml",
    ".html": "text/html; charset=utf-8",
}


@dataclass
class FeedServer:
    url: str
    requests: list[dict[str, str]] = field(default_factory=list)
    flaky_failures: int = 0

    def feed_url(self, name: str) -> str:
        return f"{self.url}/feeds/{name}"


def _handler(state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the slow answer): that is the point

        def do_GET(self) -> None:
            state.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            path = self.path
            if path.startswith("/feeds/"):
                file = FEEDS / path.removeprefix("/feeds/")
                if file.is_file():
                    self._send(200, file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/xml"))
                else:
                    self._send(404, b"not found", "text/plain")
            elif path == "/moved.xml":
                self._send(302, b"", "text/plain", Location="/feeds/rss20-tech.xml")
            elif path == "/slow.xml":
                time.sleep(SLOW_SECONDS)
                self._send(200, (FEEDS / "rss20-tech.xml").read_bytes(), "application/rss+xml")
            elif path == "/flaky.xml":
                if state.flaky_failures < 1:
                    state.flaky_failures += 1
                    self._send(503, b"try later", "text/plain", Retry_After="0")
                else:
                    self._send(200, (FEEDS / "atom-launches.atom").read_bytes(), "application/atom+xml")
            elif path == "/gzip.atom":
                body = gzip.compress((FEEDS / "atom-launches.atom").read_bytes())
                self._send(200, body, "application/atom+xml", Content_Encoding="gzip")
            elif path == "/big.xml":
                self._send(200, b"<rss>" + b" " * 200_000 + b"</rss>", "application/rss+xml")
            elif path == "/list.opml":
                body = (
                    b'<?xml version="1.0"?><opml version="2.0"><head><title>remote</title></head><body>'
                    b'<outline text="tech" xmlUrl="feeds/rss20-tech.xml"/>'
                    b'<outline text="gone" xmlUrl="/missing.xml"/>'
                    b'<outline text="home page" xmlUrl="/feeds/not-a-feed.html"/>'
                    b"</body></opml>"
                )
                self._send(200, body, "text/x-opml")
            else:
                self._send(404, b"not found", "text/plain")

    return Handler


@contextmanager
def serve_feeds() -> Iterator[FeedServer]:
    """Run the server for the duration of the block."""
    state = FeedServer(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
