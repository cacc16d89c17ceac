"""`stratclass classify`: label files, folders, globs or stdin."""

from __future__ import annotations

import click

from stratclass.cli.options import (
    batch_size_option,
    input_options,
    jobs_option,
    model_option,
    output_options,
    spacy_model_option,
    threshold_option,
    top_phrases_option,
)


@click.command("classify")
@input_options
@output_options
@model_option
@spacy_model_option
@threshold_option
@top_phrases_option
@batch_size_option
@jobs_option
@click.option(
    "--explain",
    is_flag=True,
    help="Add `evidence`: the features with the largest contributions (weight, label supported) and the "
    "sentences that most support each label.",
)
@click.option(
    "--segments",
    is_flag=True,
    help="Also label each paragraph (sentences, for one-paragraph texts): `segments` with offsets, "
    "label and scores, and `mixed` when substantial parts support different labels.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an HTML report to FILE: each text with its label, scores and key phrases highlighted.",
)
def classify_command(
    inputs: tuple[str, ...],
    input_format: str,
    text_field: str,
    id_field: str,
    fmt: str | None,
    output: str | None,
    model: str | None,
    spacy_model: str | None,
    threshold: float | None,
    top_phrases: int,
    batch_size: int,
    jobs: int,
    explain: bool,
    segments: bool,
    report: str | None,
) -> None:
    """Label INPUTS: files, folders (searched recursively for text files), globs, or - for stdin (default).

    A text file is one record; each JSONL line or CSV row is one record. Every record gets exactly one
    result, with an error instead of a label when it cannot be processed.
    """
    from stratclass.classifier import Classifier
    from stratclass.cli.output import warn_if_reading_a_terminal, write_results
    from stratclass.sources import read_inputs

    warn_if_reading_a_terminal(inputs)
    options = dict(
        spacy_model=spacy_model,
        threshold=threshold,
        top_phrases=top_phrases,
        batch_size=batch_size,
        explain=explain,
        segments=segments,
    )
    classifier = Classifier(model, **options)
    records = read_inputs(
        inputs or ("-",), input_format=input_format, text_field=text_field, id_field=id_field
    )
    label = classifier.classify_records
    if jobs > 1:  # each worker process loads the model once; results keep the input order
        from functools import partial

        from stratclass.batch import ClassifierSettings, label_records

        label = partial(label_records, settings=ClassifierSettings(model, **options), jobs=jobs)
    if report:  # results stream to the output as usual; the report is written when they are done
        from stratclass.report import stream_with_report

        subtitle = "inputs " + " ".join(inputs or ("-",))
        labels = classifier.labels
        results = stream_with_report(records, label, report, labels, subtitle)
    else:
        results = label(records)
    write_results(results, fmt, output, classifier.labels)
