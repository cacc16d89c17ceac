"""Options shared by several commands."""

from __future__ import annotations

import click

model_option = click.option(
    "--model",
    "-m",
    "model",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Model folder (default: the shipped default model).",
)
spacy_model_option = click.option(
    "--spacy-model",
    default=None,
    metavar="NAME|PATH",
    help="Installed spaCy pipeline to parse with instead of the model's own (e.g. en_core_web_sm).",
)
text_field_option = click.option(
    "--text-field", default="text", show_default=True, help="JSONL/CSV field holding the text."
)
id_field_option = click.option(
    "--id-field", default="id", show_default=True, help="JSONL/CSV field holding the id."
)


def input_options(command):
    """INPUTS plus the options that say how to read them (shared by classify and phrases)."""
    from stratclass.sources import INPUT_FORMATS

    for option in reversed(
        [
            click.argument("inputs", nargs=-1, metavar="[INPUTS]..."),
            click.option(
                "--input-format",
                type=click.Choice(INPUT_FORMATS),
                default="auto",
                show_default=True,
                help="auto: .jsonl/.ndjson and .csv by extension, any other file is one text; stdin is text.",
            ),
            text_field_option,
            id_field_option,
        ]
    ):
        command = option(command)
    return command


def output_options(command):
    """--format and --output (shared by classify and phrases)."""
    from stratclass.sinks import OUTPUT_FORMATS

    command = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False),
        default=None,
        help="Write results to FILE (atomically).",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(OUTPUT_FORMATS),
        default=None,
        help="Output format [default: table on a terminal, jsonl when piped or by --output extension].",
    )(command)


top_phrases_option = click.option(
    "--top-phrases",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Key phrases per result (0: none).",
)
batch_size_option = click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Texts per nlp.pipe batch.",
)
threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Below this confidence the label is 'uncertain' [default: the model's, 0.5 for the shipped one].",
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes on this machine (each loads the model once; output order is kept).",
)
