"""`stratclass evaluate`: score a model on a labelled corpus."""

from __future__ import annotations

import json
import sys

import click

from stratclass.cli.options import model_option, spacy_model_option, text_field_option


def format_metrics(metrics: dict) -> str:
    """The metrics as a plain-text table."""
    labels = metrics["confusion_matrix"]["labels"]
    width = max(12, *(len(lab) for lab in labels)) + 2
    lines = [
        f"model     {metrics['model']}",
        f"examples  {metrics['examples']}",
        f"accuracy  {metrics['accuracy']:.4f}",
        f"macro-F1  {metrics['macro_f1']:.4f}",
        f"Brier     {metrics['brier']:.4f}",
        "",
        f"{'label':<{width}}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}",
    ]
    for label, row in metrics["per_label"].items():
        lines.append(
            f"{label:<{width}}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}{row['support']:>10}"
        )
    lines += [
        "",
        "confusion matrix (rows: gold, columns: predicted)",
        " " * width + "".join(f"{lab[: width - 2]:>{width}}" for lab in labels),
    ]
    for label, row in zip(labels, metrics["confusion_matrix"]["rows_gold_columns_predicted"], strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{n:>{width}}" for n in row))
    return "\n".join(lines)


@click.command("evaluate")
@click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...")
@model_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the metrics as JSON to FILE.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an HTML report to FILE: charts (confusion matrix, calibration) and the worst mistakes.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default=None,
    help="[default: table on a terminal, json when piped]",
)
@text_field_option
@click.option("--label-field", default="label", show_default=True, help="JSONL/CSV field holding the label.")
@spacy_model_option
def evaluate_command(
    corpus: tuple[str, ...],
    model: str | None,
    output: str | None,
    report: str | None,
    fmt: str | None,
    text_field: str,
    label_field: str,
    spacy_model: str | None,
) -> None:
    """Score a model (default: the shipped one) on labelled CORPUS files or folders.

    Reports accuracy, macro-F1, Brier score, per-label precision/recall/F1 and the confusion matrix;
    --report also writes them as an HTML page with charts and the most confident mistakes.
    """
    from stratclass.corpus import read_corpus
    from stratclass.evaluation import evaluate
    from stratclass.sinks import atomic_text_file

    data = read_corpus(corpus, text_field=text_field, label_field=label_field)
    metrics = evaluate(data, model, spacy_model=spacy_model, keep_predictions=bool(report))
    if report:
        from stratclass.report import render_evaluation_report

        with atomic_text_file(report) as handle:
            handle.write(render_evaluation_report(metrics, subtitle=f"corpus {', '.join(corpus)}"))
        metrics.pop("predictions")  # for the report only: the JSON metrics stay the same
    if output:
        with atomic_text_file(output) as handle:
            json.dump(metrics, handle, indent=2)
            handle.write("\n")
    fmt = fmt or ("table" if sys.stdout.isatty() else "json")
    click.echo(format_metrics(metrics) if fmt == "table" else json.dumps(metrics, indent=2))
