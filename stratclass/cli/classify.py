"""`stratclass classify`: label files, folders, globs or stdin."""

from __future__ import annotations

import sys

import click

from stratclass.cli import RECORDS_FAILED
from stratclass.cli.options import model_option, spacy_model_option, text_field_option
from stratclass.sinks import OUTPUT_FORMATS
from stratclass.sources import INPUT_FORMATS


@click.command("classify")
@click.argument("inputs", nargs=-1, metavar="[INPUTS]...")
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="auto: .jsonl/.ndjson and .csv by extension, anything else is one text per file; stdin is text.",
)
@text_field_option
@click.option("--id-field", default="id", show_default=True, help="JSONL/CSV field holding the record id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="Output format [default: table on a terminal, jsonl when piped or by --output extension].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write results to FILE (atomically).",
)
@model_option
@spacy_model_option
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Below this confidence the label is 'uncertain' [default: the model's, 0.6 for the shipped one].",
)
@click.option(
    "--top-phrases",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Key phrases per result (0: none).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Texts per nlp.pipe batch.",
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
) -> None:
    """Label INPUTS: files, folders (searched recursively for text files), globs, or - for stdin (default).

    A text file is one record; each JSONL line or CSV row is one record. Every record gets exactly one
    result, with an error instead of a label when it cannot be processed.
    """
    from stratclass.classifier import Classifier
    from stratclass.sinks import atomic_text_file, format_for_output, make_sink
    from stratclass.sources import read_inputs

    if not inputs and sys.stdin.isatty():
        click.echo("stratclass: reading text from stdin (Ctrl-D to end; see --help)", err=True)
    classifier = Classifier(
        model, spacy_model=spacy_model, threshold=threshold, top_phrases=top_phrases, batch_size=batch_size
    )
    fmt = fmt or format_for_output(output, sys.stdout.isatty())
    records = read_inputs(
        inputs or ("-",), input_format=input_format, text_field=text_field, id_field=id_field
    )
    failed = 0

    def run(stream) -> None:
        nonlocal failed
        sink = make_sink(fmt, stream, classifier.labels, colour=stream is sys.stdout and sys.stdout.isatty())
        for result in classifier.classify_records(records):
            failed += result.error is not None
            sink.write(result)
        sink.close()

    if output and output != "-":
        with atomic_text_file(output) as handle:
            run(handle)
    else:
        run(sys.stdout)
    if failed:
        click.echo(f"stratclass: {failed} record(s) failed; see their error fields", err=True)
        sys.exit(RECORDS_FAILED)
