"""A text as HTML with its segments shaded and its key phrases marked, displaCy-style, in label colours.

Segments are the outer layer and are never split; key-phrase marks never overlap one another and are
cut at segment edges, so the markup always nests. Offsets always index the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from stratclass.report_html import NEUTRAL, UNCERTAIN, esc, tint

# A line break inside a paragraph (not before a blank line or a list item): hard-wrapped text reflows.
WRAPPED_LINE_BREAK = re.compile(r"(?<![\n\r])\r?\n(?![\r\n\s*•\-+]|\d+[.)])")


@dataclass(frozen=True, slots=True)
class Span:
    """A character range of the text; `label` is the label a mark supports or a segment's label."""

    start: int
    end: int
    label: str | None
    title: str = ""


def _valid(start: object, end: object, size: int) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size


def phrase_marks(text: str, key_phrases: Sequence[dict]) -> list[Span]:
    """Every whole-word, case-insensitive occurrence of each key phrase, plus the span it came with.

    Any run of whitespace matches a space of the phrase, so a phrase is found across a line break. Where
    occurrences overlap, the higher-scoring (then longer, then earlier) phrase wins.
    """
    candidates: list[tuple[float, int, int, int, Span]] = []
    for phrase in key_phrases:
        words = str(phrase.get("text") or "").strip()
        score = float(phrase.get("score") or 0.0)
        supports = phrase.get("supports")
        found = set()
        if words:
            body = r"\s+".join(re.escape(word) for word in words.split())
            pattern = re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)
            found = {(m.start(), m.end()) for m in pattern.finditer(text)}
        start, end = phrase.get("start"), phrase.get("end")
        if _valid(start, end, len(text)) and text[start:end].casefold().split() == words.casefold().split():
            found.add((start, end))  # e.g. a phrase the search misses for its punctuation
        for start, end in found:
            span = Span(start, end, supports, words)
            candidates.append((-score, -(end - start), start, end, span))
    starts: list[int] = []
    chosen: list[Span] = []
    for *_, span in sorted(candidates, key=lambda c: c[:4]):
        i = bisect_right(starts, span.start)
        if (i and chosen[i - 1].end > span.start) or (i < len(chosen) and chosen[i].start < span.end):
            continue
        starts.insert(i, span.start)
        chosen.insert(i, span)
    return chosen


def text_segments(segments: Sequence[dict], size: int) -> list[Span]:
    """Valid segments in text order; one that overlaps an earlier segment is left out."""
    spans: list[Span] = []
    for seg in sorted(
        (s for s in segments if _valid(s.get("start"), s.get("end"), size)), key=lambda s: s["start"]
    ):
        if spans and seg["start"] < spans[-1].end:
            continue
        scores = seg.get("scores") or {}
        label = seg.get("label") or UNCERTAIN
        title = ", ".join(f"{name} {float(p):.2f}" for name, p in scores.items())
        spans.append(
            Span(seg["start"], seg["end"], label, f"segment: {label}" + (f" ({title})" if title else ""))
        )
    return spans


def _mark_html(text: str, start: int, end: int, mark: Span, colours: dict[str, str]) -> str:
    colour = colours.get(mark.label or "", NEUTRAL)
    tag = f'<span class="kp-tag">{esc(mark.label[:16])}</span>' if mark.label and end == mark.end else ""
    return (
        f'<mark class="kp" data-supports="{esc(mark.label or "")}" data-start="{mark.start}" '
        f'data-end="{mark.end}" style="background:{tint(colour, 0.3)}">{esc(text[start:end])}{tag}</mark>'
    )


def _marked(
    text: str, start: int, end: int, marks: list[Span], ends: list[int], colours: dict[str, str]
) -> str:
    """text[start:end] with the marks that fall in it (clipped to it)."""
    if start >= end:
        return ""
    out, pos = [], start
    for mark in marks[bisect_right(ends, start) :]:
        if mark.start >= end:
            break
        lo, hi = max(mark.start, start), min(mark.end, end)
        out.append(esc(text[pos:lo]))
        out.append(_mark_html(text, lo, hi, mark, colours))
        pos = hi
    out.append(esc(text[pos:end]))
    return "".join(out)


def highlight(
    text: str, key_phrases: Sequence[dict], segments: Sequence[dict], colours: dict[str, str]
) -> str:
    """The whole text as HTML: segment spans shaded by label, key-phrase marks inside them.

    Meant for `white-space: pre-wrap`: blank lines and list items keep their line breaks, while single
    line breaks within a paragraph become spaces of the same length, so that hard-wrapped text reflows.
    """
    marks = phrase_marks(text, key_phrases)
    text = WRAPPED_LINE_BREAK.sub(lambda m: " " * len(m.group()), text)
    ends = [m.end for m in marks]
    out, pos = [], 0
    for seg in text_segments(segments, len(text)):
        colour = colours.get(seg.label or "", colours.get(UNCERTAIN, NEUTRAL))
        out.append(_marked(text, pos, seg.start, marks, ends, colours))
        out.append(
            f'<span class="seg" data-start="{seg.start}" data-end="{seg.end}" data-label="{esc(seg.label)}" '
            f'title="{esc(seg.title)}" style="background:{tint(colour, 0.12)}">'
            f"{_marked(text, seg.start, seg.end, marks, ends, colours)}</span>"
        )
        pos = seg.end
    out.append(_marked(text, pos, len(text), marks, ends, colours))
    return "".join(out)
