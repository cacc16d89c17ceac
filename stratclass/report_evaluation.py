"""The HTML report of `evaluate`: figures, confusion matrix, per-label metrics, calibration, mistakes."""

from __future__ import annotations

from collections.abc import Sequence

from stratclass.report_charts import (
    CalibrationBin,
    confusion_matrix_chart,
    metric_bars,
    reliability_diagram,
    split_histogram,
)
from stratclass.report_html import NEUTRAL, badge, esc, label_colours, page, percent, section, stat

WORST_MISTAKES = 20
MISTAKE_CHARS = 400
CALIBRATION_BINS = 10
HISTOGRAM_BINS = 20


def calibration_bins(predictions: Sequence[dict], n_bins: int = CALIBRATION_BINS) -> list[CalibrationBin]:
    """Predictions grouped by the probability of their predicted label, with each group's accuracy."""
    groups: list[list[tuple[float, bool]]] = [[] for _ in range(n_bins)]
    for p in predictions:
        confidence = float(p["scores"].get(p["predicted"], 0.0))
        groups[min(int(confidence * n_bins), n_bins - 1)].append((confidence, p["predicted"] == p["gold"]))
    return [
        CalibrationBin(
            low=i / n_bins,
            high=(i + 1) / n_bins,
            count=len(group),
            confidence=sum(c for c, _ in group) / len(group) if group else 0.0,
            accuracy=sum(ok for _, ok in group) / len(group) if group else 0.0,
        )
        for i, group in enumerate(groups)
    ]


def expected_calibration_error(bins: Sequence[CalibrationBin]) -> float:
    total = sum(b.count for b in bins) or 1
    return sum(b.count / total * abs(b.accuracy - b.confidence) for b in bins)


def _confidence_histogram(predictions: Sequence[dict], n_labels: int) -> str:
    low = int(10 / max(n_labels, 1)) / 10  # the top probability can't be below 1/labels
    edges = [low + (1 - low) * i / HISTOGRAM_BINS for i in range(HISTOGRAM_BINS + 1)]
    correct, wrong = [0] * HISTOGRAM_BINS, [0] * HISTOGRAM_BINS
    for p in predictions:
        top = max(p["scores"].values(), default=0.0)
        i = min(max(int((top - low) / (1 - low) * HISTOGRAM_BINS), 0), HISTOGRAM_BINS - 1)
        (correct if p["predicted"] == p["gold"] else wrong)[i] += 1
    return split_histogram(edges, correct, wrong)


def _per_label_table(per_label: dict[str, dict], colours: dict[str, str]) -> str:
    rows = "".join(
        f"<tr><td>{badge(label, colours[label])}</td>"
        + "".join(f'<td class="num">{m[name]:.3f}</td>' for name in ("precision", "recall", "f1"))
        + f'<td class="num">{m["support"]:,}</td></tr>'
        for label, m in per_label.items()
    )
    head = "".join(f'<th class="num">{name}</th>' for name in ("precision", "recall", "F1", "support"))
    return (
        f'<table class="per-label"><thead><tr><th>label</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _mistakes_table(predictions: Sequence[dict], colours: dict[str, str]) -> str:
    wrong = [p for p in predictions if p["predicted"] != p["gold"]]
    if not wrong:
        return '<p class="intro">No mistakes: every prediction matches its gold label.</p>'
    wrong.sort(key=lambda p: -float(p["scores"].get(p["predicted"], 0.0)))
    rows = []
    for p in wrong[:WORST_MISTAKES]:
        text = p["text"] if len(p["text"]) <= MISTAKE_CHARS else p["text"][: MISTAKE_CHARS - 1].rstrip() + "…"
        rows.append(
            f'<tr data-id="{esc(p["id"])}"><td>{esc(p["id"])}</td>'
            f"<td>{badge(p['gold'], colours.get(p['gold'], NEUTRAL))}</td>"
            f"<td>{badge(p['predicted'], colours.get(p['predicted'], NEUTRAL))}</td>"
            f'<td class="num">{percent(p["scores"].get(p["predicted"]))}</td>'
            f'<td><div class="mistake-text">{esc(text)}</div></td></tr>'
        )
    shown = min(len(wrong), WORST_MISTAKES)
    intro = f"The {shown} most confident of {len(wrong):,} wrong predictions." if len(wrong) > shown else ""
    return (
        (f'<p class="intro">{intro}</p>' if intro else "")
        + '<table class="mistakes"><thead><tr><th>id</th><th>gold</th><th>predicted</th>'
        + '<th class="num">confidence</th><th>text</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def render_evaluation_report(
    metrics: dict, *, title: str = "stratclass evaluation report", subtitle: str = ""
) -> str:
    """The metrics of `evaluate()` as an HTML page; calibration charts and mistakes need its predictions.

    Call `evaluate(..., keep_predictions=True)` to get the reliability diagram, the score histogram and
    the worst mistakes; without predictions those sections say so.
    """
    labels = list(metrics["confusion_matrix"]["labels"])
    colours = label_colours(labels)
    predictions = metrics.get("predictions")
    stats = "".join(
        [
            stat("examples", f"{metrics['examples']:,}"),
            stat("accuracy", f"{metrics['accuracy']:.3f}"),
            stat("macro-F1", f"{metrics['macro_f1']:.3f}"),
            stat("Brier score", f"{metrics['brier']:.3f}"),
        ]
    )
    body = [f'<div class="stats">{stats}</div>\n']
    matrix = confusion_matrix_chart(labels, metrics["confusion_matrix"]["rows_gold_columns_predicted"])
    confusion = section(
        "Confusion matrix",
        f"<figure>{matrix}<figcaption>Rows are gold labels, columns predicted labels; the shade and the"
        " percentage are the share of the gold row (its recall).</figcaption></figure>",
        "confusion-matrix",
    )
    per_label = section(
        "Per-label metrics",
        _per_label_table(metrics["per_label"], colours) + metric_bars(metrics["per_label"], colours),
        "per-label",
    )
    body.append(f'<div class="row">{confusion}{per_label}</div>\n')
    if predictions is None:
        missing = (
            '<p class="note">Run <code>evaluate(..., keep_predictions=True)</code> for this section.</p>'
        )
        body.append(section("Calibration", missing, "calibration"))
        body.append(section("Worst mistakes", missing, "mistakes"))
    else:
        bins = calibration_bins(predictions)
        charts = (
            f"<figure>{reliability_diagram(bins)}<figcaption>Bars: accuracy of the predictions in each"
            " confidence bin (the number says how many); dots: the same accuracy at the bin's mean"
            " confidence. A calibrated model's dots lie on the dashed diagonal. Expected calibration error"
            f" {expected_calibration_error(bins):.3f}.</figcaption>"
            f"</figure><figure>{_confidence_histogram(predictions, len(labels))}<figcaption>How confident"
            " the model was: the probability of its predicted label, for correct and for wrong predictions"
            " (each panel to its own scale).</figcaption></figure>"
        )
        body.append(section("Calibration", f'<div class="grid">{charts}</div>', "calibration"))
        body.append(section("Worst mistakes", _mistakes_table(predictions, colours), "mistakes"))
    return page(title, "".join(body), " · ".join(filter(None, [subtitle, f"model {metrics['model']}"])))
