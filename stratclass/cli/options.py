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
