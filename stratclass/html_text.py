"""HTML to plain text with the standard library's HTML parser: tags dropped, entities decoded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text a reader sees.
_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
# Elements that end a line (paragraph-like blocks, list items, table rows, line breaks).
_BREAKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The standard library raises AssertionError on a malformed "<![" ("<![<", "<![a<"), which feed
        # text can hold; such a section is dropped up to its ">", as browsers do with bogus comments.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment: one line per block, runs of whitespace collapsed."""
    if "<" not in markup and "&" not in markup:
        return _SPACES.sub(" ", markup).strip()
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)
