"""`stratclass phrases`: key phrases only, no label."""

from __future__ import annotations

import click

from stratclass.cli.options import (
    batch_size_option,
    input_options,
    model_option,
    output_options,
    spacy_model_option,
    top_phrases_option,
)


@click.command("phrases")
@input_options
@output_options
@model_option
@spacy_model_option
@top_phrases_option
@batch_size_option
def phrases_command(
    inputs: tuple[str, ...],
    input_format: str,
    text_field: str,
    id_field: str,
    fmt: str | None,
    output: str | None,
    model: str | None,
    spacy_model: str | None,
    top_phrases: int,
    batch_size: int,
) -> None:
    """Key phrases of INPUTS (same inputs and output formats as classify), without a label.

    Each phrase has its text as it appears, a score in [0, 1], the label its model weights support (or
    null) and the character offsets of its first occurrence.
    """
    from stratclass.classifier import Classifier
    from stratclass.cli.output import warn_if_reading_a_terminal, write_results
    from stratclass.sources import read_inputs

    warn_if_reading_a_terminal(inputs)
    extractor = Classifier(model, spacy_model=spacy_model, top_phrases=top_phrases, batch_size=batch_size)
    records = read_inputs(
        inputs or ("-",), input_format=input_format, text_field=text_field, id_field=id_field
    )
    write_results(extractor.phrase_records(records), fmt, output, extractor.labels, labelled=False)
