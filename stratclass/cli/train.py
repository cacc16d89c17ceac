"""`stratclass train`: validate a labelled corpus and write a model bundle."""

from __future__ import annotations

from pathlib import Path

import click

from stratclass.cli.options import spacy_model_option, text_field_option


@click.command("train")
@click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...")
@click.option(
    "--output", "-o", required=True, type=click.Path(file_okay=False), help="Model folder to write."
)
@text_field_option
@click.option("--label-field", default="label", show_default=True, help="JSONL/CSV field holding the label.")
@click.option(
    "--cv", type=click.IntRange(min=2), default=None, help="Also report K-fold cross-validated macro-F1."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed: same corpus and seed, same model."
)
@spacy_model_option
@click.option("--name", default=None, help="Model name used in results [default: the output folder's name].")
@click.option(
    "--model-version",
    "version",
    default=None,
    help="Model version [default: first 8 hex of the corpus hash].",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.6,
    show_default=True,
    help="Default confidence below which classify says 'uncertain'.",
)
@click.option(
    "--min-per-label",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Fewest examples a label may have.",
)
def train_command(
    corpus: tuple[str, ...],
    output: str,
    text_field: str,
    label_field: str,
    cv: int | None,
    seed: int,
    spacy_model: str | None,
    name: str | None,
    version: str | None,
    threshold: float,
    min_per_label: int,
) -> None:
    """Train a model on CORPUS and save it to --output.

    CORPUS: JSONL or CSV files with text and label fields, folders of such files, or a folder with one
    sub-folder per label holding .txt files. The corpus is checked first; problems stop training with a
    message that says what to fix.
    """
    from stratclass.corpus import read_corpus
    from stratclass.training import train_to_folder

    data = read_corpus(corpus, text_field=text_field, label_field=label_field)
    result = train_to_folder(
        data,
        output,
        seed=seed,
        cv=cv,
        spacy_model=spacy_model,
        name=name or Path(output).resolve().name,
        version=version,
        threshold=threshold,
        min_per_label=min_per_label,
        on_step=lambda message: click.echo(f"stratclass: {message}", err=True),
    )
    for warning in result.report.warnings:
        click.echo(f"stratclass: warning: {warning}", err=True)
    counts = ", ".join(f"{label}: {n}" for label, n in result.report.label_counts.items())
    click.echo(f"trained on {len(data.examples)} examples ({counts})")
    if result.cv_macro_f1:
        scores = result.cv_macro_f1
        mean = sum(scores) / len(scores)
        spread = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5
        click.echo(f"cross-validated macro-F1 ({cv} folds): {mean:.4f} ± {spread:.4f}")
    click.echo(f"model {result.bundle.model_id} saved to {result.bundle.path}")
