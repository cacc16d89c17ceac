"""Mixed strategies: label a text per paragraph (per sentence when it has one paragraph).

A document is `mixed` when substantial parts of it confidently support different labels: at least two
labels each hold `MIXED_SHARE` of the words of the segments that are long enough (`MIN_WORDS`) and
confident enough (`MIN_CONFIDENCE`, or the classifier's threshold if higher) to count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stratclass.nlp import ParsedText

# A blank line (any line-break convention) or a Unicode paragraph separator.
PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t\f\v]*(?:\r\n|\r|\n)\s*|\u2029\s*")
MIN_WORDS = 8
MIN_CONFIDENCE = 0.7
MIXED_SHARE = 0.25


@dataclass(frozen=True)
class SegmentLabel:
    """One labelled segment: character offsets into the original text."""

    start: int
    end: int
    label: str
    scores: dict[str, float]
    words: int

    def uncertain(self, label: str) -> SegmentLabel:
        """The same segment, labelled `label` (the text's result is not to be trusted as usual)."""
        return SegmentLabel(self.start, self.end, label, self.scores, self.words)

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def segment_spans(parsed: ParsedText) -> list[tuple[int, int]]:
    """Paragraph spans (split at blank lines), or the sentences of a text with fewer than two paragraphs
    of MIN_WORDS words or more (one paragraph, or one under a heading)."""
    text = parsed.text
    spans = []
    position = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append(_trimmed(text, position, match.start()))
        position = match.end()
    spans.append(_trimmed(text, position, len(text)))
    paragraphs = [span for span in spans if span is not None]
    if sum(1 for start, end in paragraphs if len(text[start:end].split()) >= MIN_WORDS) > 1:
        return paragraphs
    sentences = [_trimmed(text, start, end) for start, end in parsed.sentences]
    return [span for span in sentences if span is not None] or paragraphs


def label_segments(
    spans: Sequence[tuple[int, int]],
    probabilities: np.ndarray,
    words: Sequence[int],
    labels: Sequence[str],
    threshold: float,
    uncertain: str,
    support: Sequence[int] | None = None,
) -> tuple[list[SegmentLabel], bool]:
    """Labelled segments of one text and whether the text is mixed.

    `support`: per segment, how many of its words carry weight in the model; a segment with none is
    `uncertain` (its scores are only the model's prior).
    """
    segments = []
    support = support if support is not None else [1] * len(spans)
    for (start, end), row, n_words, known in zip(spans, probabilities, words, support, strict=True):
        best = int(row.argmax())
        label = labels[best] if row[best] >= threshold and known > 0 else uncertain
        scores = {lab: float(p) for lab, p in zip(labels, row, strict=True)}
        segments.append(SegmentLabel(start, end, label, scores, n_words))
    return segments, is_mixed(segments, threshold, uncertain)


def is_mixed(segments: Sequence[SegmentLabel], threshold: float, uncertain: str) -> bool:
    """True when at least two labels each hold MIXED_SHARE of the words of the decisive segments."""
    needed = max(MIN_CONFIDENCE, threshold)
    words: Counter[str] = Counter()
    for segment in segments:
        if (
            segment.label != uncertain
            and segment.words >= MIN_WORDS
            and segment.scores[segment.label] >= needed
        ):
            words[segment.label] += segment.words
    total = sum(words.values())
    return total > 0 and sum(1 for n in words.values() if n / total >= MIXED_SHARE) >= 2
