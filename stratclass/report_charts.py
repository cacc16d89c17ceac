"""Inline SVG charts for the HTML reports, drawn from plain numbers: no plotting library, no scripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stratclass.report_html import CORRECT, WRONG, esc, tint

INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
BAR = "#52606d"
CHAR_WIDTH = 7.0  # rough width of a 12px character, to size margins for label names


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def svg(chart: str, title: str, width: float, height: float, body: str) -> str:
    """An SVG element sized by its viewBox (it scales down on narrow screens), tagged with `data-chart`."""
    return (
        f'<svg class="chart" data-chart="{esc(chart)}" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'font-size="12"><title>{esc(title)}</title>{body}</svg>'
    )


def text(x: float, y: float, content: str, anchor: str = "start", fill: str = INK, **style: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in style.items())
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>{esc(content)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, **attributes: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attributes.items())
    size = f'width="{_n(max(w, 0))}" height="{_n(max(h, 0))}"'
    return f'<rect x="{_n(x)}" y="{_n(y)}" {size} fill="{fill}"{extra}/>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, **attributes: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attributes.items())
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}"{extra}/>'


def shorten(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def hbar_chart(
    rows: Sequence[tuple[str, float, str]], chart: str, title: str, value_format: str = "{:,}"
) -> str:
    """Horizontal bars, one per (name, value, colour), scaled to the largest value."""
    names = [shorten(name, 24) for name, _, _ in rows]
    left = 12 + CHAR_WIDTH * max((len(n) for n in names), default=4)
    bar_width, row_height = 300, 26
    top = max((value for _, value, _ in rows), default=0) or 1
    body = []
    for i, ((_, value, colour), name) in enumerate(zip(rows, names, strict=True)):
        y = 6 + i * row_height
        body.append(text(left - 8, y + 13, name, "end"))
        body.append(rect(left, y + 2, bar_width * value / top, 16, colour, rx="3"))
        body.append(text(left + bar_width * value / top + 6, y + 14, value_format.format(value), fill=MUTED))
    return svg(chart, title, left + bar_width + 70, 12 + row_height * len(rows), "".join(body))


def metric_bars(per_label: dict[str, dict], colours: dict[str, str]) -> str:
    """Precision, recall and F1 per label as horizontal bars on a shared 0-1 scale."""
    metrics = (("precision", 1.0), ("recall", 0.75), ("f1", 0.5))
    labels = list(per_label)
    label_width = 12 + CHAR_WIDTH * max((len(shorten(lab, 24)) for lab in labels), default=4)
    left, scale, row = label_width + 70, 260, 17
    group = row * len(metrics) + 14
    height = 22 + group * len(labels)
    body = [
        line(left + scale * t, 4, left + scale * t, height - 18)
        + text(left + scale * t, height - 4, f"{t:g}", "middle", fill=MUTED)
        for t in (0, 0.25, 0.5, 0.75, 1)
    ]
    for i, label in enumerate(labels):
        y0 = 6 + i * group
        body.append(text(8, y0 + row * 1.5 + 4, shorten(label, 24), font_weight="600"))
        for j, (name, alpha) in enumerate(metrics):
            value = float(per_label[label].get(name, 0.0))
            y = y0 + j * row
            body.append(text(left - 8, y + 12, "F1" if name == "f1" else name, "end", fill=MUTED))
            body.append(rect(left, y + 2, scale * value, row - 5, tint(colours[label], alpha), rx="2"))
            body.append(text(left + scale * value + 5, y + 12, f"{value:.3f}", fill=MUTED, font_size="11"))
    return svg(
        "per-label-metrics", "Precision, recall and F1 per label", left + scale + 50, height, "".join(body)
    )


def confusion_matrix_chart(labels: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    """A shaded grid, rows gold and columns predicted; shade is the share of the gold row (recall)."""
    names = [shorten(lab, 18) for lab in labels]
    cell_w = max(100.0, 16 + CHAR_WIDTH * max(len(n) for n in names))
    cell_h = 64.0
    left = 44 + CHAR_WIDTH * max(len(n) for n in names)
    top = 52.0
    body = [
        text(left + cell_w * len(labels) / 2, 14, "predicted", "middle", fill=MUTED),
        text(
            14,
            top + cell_h * len(labels) / 2,
            "gold",
            "middle",
            fill=MUTED,
            transform=f"rotate(-90 14 {_n(top + cell_h * len(labels) / 2)})",
        ),
    ]
    for j, name in enumerate(names):
        body.append(text(left + cell_w * (j + 0.5), top - 10, name, "middle", font_weight="600"))
    for i, (name, row) in enumerate(zip(names, matrix, strict=True)):
        total = sum(row) or 1
        y = top + i * cell_h
        body.append(text(left - 10, y + cell_h / 2 + 4, name, "end", font_weight="600"))
        for j, count in enumerate(row):
            share = count / total
            colour = CORRECT if i == j else WRONG
            x = left + j * cell_w
            ink = "#ffffff" if share > 0.55 else INK
            body.append(
                rect(
                    x,
                    y,
                    cell_w,
                    cell_h,
                    tint(colour, 0.08 + 0.87 * share) if count else "#fafbfc",
                    stroke="#ffffff",
                    stroke_width="2",
                    data_gold=labels[i],
                    data_predicted=labels[j],
                )
            )
            body.append(
                text(
                    x + cell_w / 2,
                    y + cell_h / 2,
                    f"{count:,}",
                    "middle",
                    fill=ink,
                    font_size="15",
                    font_weight="650",
                )
            )
            body.append(
                text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 16,
                    f"{100 * share:.1f}%",
                    "middle",
                    fill=ink,
                    font_size="11",
                )
            )
    size = cell_w * len(labels)
    return svg(
        "confusion-matrix",
        "Confusion matrix (rows: gold, columns: predicted)",
        left + size + 8,
        top + cell_h * len(labels) + 8,
        "".join(body),
    )


@dataclass(frozen=True, slots=True)
class Plot:
    """A plot area with x and y mapped from data ranges to pixels."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)

    def x(self, value: float) -> float:
        lo, hi = self.x_range
        return self.left + self.width * (value - lo) / ((hi - lo) or 1)

    def y(self, value: float) -> float:
        lo, hi = self.y_range
        return self.top + self.height - self.height * (value - lo) / ((hi - lo) or 1)

    def axes(
        self,
        x_ticks: Sequence[float],
        y_ticks: Sequence[float],
        x_title: str,
        y_title: str,
        y_format: str = "{:g}",
    ) -> str:
        parts = []
        for t in y_ticks:
            parts.append(line(self.left, self.y(t), self.left + self.width, self.y(t)))
            parts.append(
                text(self.left - 6, self.y(t) + 4, y_format.format(t), "end", fill=MUTED, font_size="11")
            )
        bottom = self.top + self.height
        for t in x_ticks:
            parts.append(line(self.x(t), bottom, self.x(t), bottom + 4, MUTED))
            parts.append(text(self.x(t), bottom + 17, f"{t:g}", "middle", fill=MUTED, font_size="11"))
        parts.append(line(self.left, bottom, self.left + self.width, bottom, MUTED))
        parts.append(text(self.left + self.width / 2, bottom + 34, x_title, "middle", fill=MUTED))
        mid = self.top + self.height / 2
        parts.append(text(14, mid, y_title, "middle", fill=MUTED, transform=f"rotate(-90 14 {_n(mid)})"))
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Predictions whose confidence fell in [low, high): how many, how confident, how often right."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def reliability_diagram(bins: Sequence[CalibrationBin]) -> str:
    """Accuracy per confidence bin: bars over the bin, dots at its mean confidence; dashed: perfect."""
    plot = Plot(left=56, top=14, width=320, height=260)
    body = [
        plot.axes(
            [i / 5 for i in range(6)],
            [i / 4 for i in range(5)],
            "confidence (probability of the predicted label)",
            "accuracy",
        )
    ]
    for b in bins:
        if not b.count:
            continue
        x0, x1 = plot.x(b.low) + 1.5, plot.x(b.high) - 1.5
        y = plot.y(b.accuracy)
        body.append(rect(x0, y, x1 - x0, plot.y(0) - y, tint(BAR, 0.8), data_count=str(b.count)))
        inside = plot.y(0) - y > 18  # the count sits at the foot of the bar, or on top of a short one
        label_y, ink = (plot.y(0) - 6, "#ffffff") if inside else (y - 5, MUTED)
        body.append(text((x0 + x1) / 2, label_y, f"{b.count:,}", "middle", fill=ink, font_size="10"))
    body.append(
        line(
            plot.x(0),
            plot.y(0),
            plot.x(1),
            plot.y(1),
            WRONG,
            stroke_dasharray="5 4",
            stroke_width="1.5",
            data_role="diagonal",
        )
    )
    points = [(plot.x(b.confidence), plot.y(b.accuracy)) for b in bins if b.count]
    if points:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="1.5"/>')
        body.extend(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{INK}"/>' for x, y in points)
    return svg(
        "reliability-diagram", "Reliability diagram: accuracy per confidence bin", 392, 322, "".join(body)
    )


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def split_histogram(edges: Sequence[float], correct: Sequence[int], wrong: Sequence[int]) -> str:
    """Two panels over the same bins: correct predictions above, wrong ones below, each to its own scale."""
    body = []
    panels = (("correct", correct, CORRECT, 14), ("wrong", wrong, WRONG, 178))
    x_ticks = [t / 10 for t in range(11) if edges[0] - 1e-9 <= t / 10 <= edges[-1] + 1e-9]
    for name, counts, colour, top in panels:
        peak = nice_ceiling(max(counts, default=0))
        plot = Plot(left=60, top=top, width=360, height=110, x_range=(edges[0], edges[-1]), y_range=(0, peak))
        body.append(
            plot.axes(
                x_ticks,
                [0, peak / 2, peak] if peak % 2 == 0 else [0, peak],
                "top probability" if name == "wrong" else "",
                f"{name} ({sum(counts):,})",
                "{:,.0f}",
            )
        )
        for low, high, count in zip(edges, edges[1:], counts, strict=False):
            if count:
                x0, x1 = plot.x(low) + 1, plot.x(high) - 1
                body.append(
                    rect(
                        x0,
                        plot.y(count),
                        x1 - x0,
                        plot.y(0) - plot.y(count),
                        colour,
                        data_count=str(count),
                        data_kind=name,
                    )
                )
    return svg(
        "score-histogram",
        "Histogram of the top probability, correct and wrong predictions",
        440,
        340,
        "".join(body),
    )
