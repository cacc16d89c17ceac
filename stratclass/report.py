"""Self-contained HTML reports: `evaluate` metrics with charts, and `classify` results with highlighted text.

Pure string building (every value through `html.escape`), inline CSS and inline SVG: the file opens
offline in any browser and loads nothing from anywhere.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from stratclass.records import Record, Result
from stratclass.report_charts import hbar_chart
from stratclass.report_evaluation import render_evaluation_report
from stratclass.report_html import (
    ERROR,
    NEUTRAL,
    UNCERTAIN,
    badge,
    esc,
    label_colours,
    legend,
    page,
    percent,
    section,
    stat,
    tint,
)
from stratclass.report_text import highlight

MAX_CARDS = 2000  # texts shown in a classify report; the JSONL output is the place for all of them

__all__ = [
    "ClassificationReport",
    "render_classification_report",
    "render_evaluation_report",
    "stream_with_report",
]


def _score_bars(scores: dict[str, float], colours: dict[str, str]) -> str:
    rows = "".join(
        f'<div class="score-row" data-label="{esc(label)}"><span class="score-name">{esc(label)}</span>'
        f'<span class="score-track"><span class="score-fill" style="width:{100 * float(p):.1f}%;'
        f'background:{colours.get(label, NEUTRAL)}"></span></span>'
        f'<span class="score-value">{float(p):.2f}</span></div>'
        for label, p in sorted(scores.items(), key=lambda item: -float(item[1]))
    )
    return f'<div class="scores">{rows}</div>'


def _phrase_list(phrases: Sequence[dict], colours: dict[str, str]) -> str:
    items = "".join(
        f'<li data-supports="{esc(p.get("supports") or "")}">'
        f'<span class="swatch" style="background:{colours.get(p.get("supports") or "", NEUTRAL)}"></span>'
        f'{esc(p.get("text", ""))}<span class="phrase-score">{float(p.get("score") or 0):.2f}</span></li>'
        for p in phrases
    )
    return f'<div class="side-head">key phrases</div><ul class="phrases">{items}</ul>' if items else ""


def _evidence(evidence: dict, colours: dict[str, str]) -> str:
    parts = []
    chips = []
    for feature in evidence.get("features") or []:
        colour = colours.get(feature.get("supports") or "", NEUTRAL)
        weight = float(feature.get("weight") or 0)
        chips.append(
            f'<span class="chip" style="border-color:{colour};background:{tint(colour, 0.1)}">'
            f"{esc(feature.get('feature', ''))} <small>{weight:+.2f}</small></span>"
        )
    if chips:
        parts.append(
            '<div class="side-head">features that weighed most</div>'
            f'<div class="chips">{"".join(chips)}</div>'
        )
    for label, sentences in (evidence.get("sentences") or {}).items():
        quotes = "".join(
            f"<li>{esc(s.get('text', ''))} <small>({float(s.get('score') or 0):.2f})</small></li>"
            for s in sentences
        )
        if quotes:
            parts.append(
                f'<div class="side-head">sentences for {badge(label, colours.get(label, NEUTRAL))}</div>'
                f'<ol class="quotes">{quotes}</ol>'
            )
    return f'<div class="evidence">{"".join(parts)}</div>' if parts else ""


def _card(result: dict, text: str, colours: dict[str, str]) -> str:
    error = result.get("error")
    label = ERROR if error else result.get("label") or UNCERTAIN
    colour = colours.get(label, NEUTRAL)
    head = [f'<span class="card-id">{esc(result.get("id", ""))}</span>', badge(label, colour)]
    if result.get("confidence") is not None and not error:
        head.append(f'<span class="card-meta">confidence {percent(result["confidence"])}</span>')
    if result.get("mixed"):
        head.append(badge("mixed", "#52606d", data_mixed="true"))
    if result.get("source") and result.get("source") != result.get("id"):
        head.append(f'<span class="card-meta">{esc(result["source"])}</span>')
    attributes = f'class="card{" card-error" if error else ""}" data-id="{esc(result.get("id", ""))}"'
    opening = f'<article {attributes} data-label="{esc(label)}" style="--c:{colour}">'
    heading = f'<div class="card-head">{"".join(head)}</div>'
    if error:
        message = f"{error.get('type', 'error')}: {error.get('message', '')}"
        return f'{opening}{heading}<p class="error-message">{esc(message)}</p></article>\n'
    title = f"<h3>{esc(result['title'])}</h3>" if result.get("title") else ""
    phrases = result.get("key_phrases") or []
    side = _score_bars(result.get("scores") or {}, colours) + _phrase_list(phrases, colours)
    marked = highlight(text, phrases, result.get("segments") or [], colours)
    return (
        f'{opening}{heading}<div class="card-body"><div class="card-side">{side}</div>'
        f'<div class="card-text">{title}<p class="text">{marked}</p>'
        f"{_evidence(result.get('evidence') or {}, colours)}</div></div></article>\n"
    )


class ClassificationReport:
    """Collects (result dict, text) pairs as they stream: counts every one, keeps the first `limit`."""

    def __init__(self, labels: Sequence[str], limit: int = MAX_CARDS) -> None:
        self.labels = list(labels)
        self.colours = label_colours(self.labels)
        self.limit = limit
        self.cards: list[str] = []
        self.counts: Counter[str] = Counter()
        self.mixed = 0
        self.total = 0
        self.models: Counter[str] = Counter()

    def add(self, result: dict, text: str) -> None:
        self.total += 1
        self.counts[ERROR if result.get("error") else result.get("label") or UNCERTAIN] += 1
        self.mixed += bool(result.get("mixed"))
        if result.get("model"):
            self.models[result["model"]] += 1
        if len(self.cards) < self.limit:
            self.cards.append(_card(result, text, self.colours))

    def render(self, title: str = "stratclass classification report", subtitle: str = "") -> str:
        order = [*self.labels, UNCERTAIN, ERROR]
        order += sorted(set(self.counts) - set(order))  # labels the model didn't declare, if any
        rows = [(lab, self.counts[lab], self.colours.get(lab, NEUTRAL)) for lab in order if self.counts[lab]]
        stats = [stat("records", f"{self.total:,}")]
        stats += [stat(lab, f"{n:,}") for lab, n, _ in rows]
        if self.mixed:
            stats.append(stat("mixed", f"{self.mixed:,}"))
        model = ", ".join(self.models) or "none"
        overview = f'<div class="stats">{"".join(stats)}</div>\n' + section(
            "Overview",
            hbar_chart(rows, "label-counts", "Records per label")
            + legend(self.colours, [*self.labels, UNCERTAIN])
            + '<p class="intro">Key phrases are marked in the colour of the label they support (grey:'
            " neutral); segments, when present, are shaded in the colour of their own label.</p>",
            "overview",
        )
        note = ""
        if self.total > len(self.cards):
            note = (
                f'<p class="note" data-left-out="{self.total - len(self.cards)}">Showing the first'
                f" {len(self.cards):,} of {self.total:,} records; {self.total - len(self.cards):,} are left"
                " out of this report (the JSONL or CSV output has every result).</p>"
            )
        texts = f'<section id="texts"><h2>Texts</h2>{note}{"".join(self.cards)}</section>\n'
        return page(title, overview + texts, " · ".join(filter(None, [subtitle, f"model {model}"])))


def render_classification_report(
    items: Iterable[tuple[dict, str]],
    labels: list[str],
    title: str = "stratclass classification report",
    *,
    subtitle: str = "",
    limit: int = MAX_CARDS,
) -> str:
    """An HTML page of classify results: overview, then a card per (result dict, original text) pair."""
    report = ClassificationReport(labels, limit)
    for result, text in items:
        report.add(result, text)
    return report.render(title, subtitle)


def stream_with_report(
    records: Iterable[Record],
    classify: Callable[[Iterable[Record]], Iterable[Result]],
    path: str | Path,
    labels: list[str],
    subtitle: str = "",
) -> Iterator[Result]:
    """Yield `classify(records)` unchanged; once the stream is done, write its HTML report to `path`.

    `classify` must yield one result per record in input order (as `Classifier.classify_records` does),
    which is how each result is paired with its record's text.
    """
    from stratclass.sinks import atomic_text_file

    pending: deque[str] = deque()

    def remember(stream: Iterable[Record]) -> Iterator[Record]:
        for record in stream:
            pending.append(record.text if isinstance(record.text, str) else "")
            yield record

    report = ClassificationReport(labels)
    for result in classify(remember(records)):
        report.add(result.to_dict(), pending.popleft())
        yield result
    with atomic_text_file(path) as handle:
        handle.write(report.render(subtitle=subtitle))
