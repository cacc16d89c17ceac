"""`stratclass classify`: label files, folders, globs or stdin."""

from __future__ import annotations

import click

from stratclass.cli.options import (
    batch_size_option,
    input_options,
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
) -> None:
    """Label INPUTS: files, folders (searched recursively for text files), globs, or - for stdin (default).

    A text file is one record; each JSONL line or CSV row is one record. Every record gets exactly one
    result, with an error instead of a label when it cannot be processed.
    """
    from stratclass.classifier import Classifier
    from stratclass.cli.output import warn_if_reading_a_terminal, write_results
    from stratclass.sources import read_inputs

    warn_if_reading_a_terminal(inputs)
    classifier = Classifier(
        model, spacy_model=spacy_model, threshold=threshold, top_phrases=top_phrases, batch_size=batch_size
    )
    records = read_inputs(
        inputs or ("-",), input_format=input_format, text_field=text_field, id_field=id_field
    )
    write_results(classifier.classify_records(records), fmt, output, classifier.labels)
