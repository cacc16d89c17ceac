"""`stratclass info`: the model card, read without loading scikit-learn or spaCy."""

from __future__ import annotations

import json

import click

from stratclass.cli.options import model_option


def format_card(card: dict, path: str) -> str:
    """The model card as readable text."""
    data = card.get("training_data", {})
    metrics = card.get("metrics", {})
    lines = [
        f"model        {card.get('name')}@{card.get('version')}",
        f"path         {path}",
        f"labels       {', '.join(card['labels'])}",
        f"threshold    {card.get('threshold')} (below it the label is 'uncertain')",
        f"spaCy        {card.get('spacy_pipeline')}",
        f"created      {card.get('created')}",
        f"trained on   {data.get('examples')} examples: "
        + ", ".join(f"{k} {v}" for k, v in data.get("labels", {}).items()),
        f"corpus hash  {data.get('sha256')}",
    ]
    if "cv" in metrics:
        cv = metrics["cv"]
        lines.append(
            f"cv macro-F1  {cv['macro_f1_mean']:.4f} ± {cv['macro_f1_std']:.4f} ({cv['folds']} folds)"
        )
    for key, value in metrics.items():
        if key != "cv":
            lines.append(f"{key:<12} {value}")
    lines.append("libraries    " + ", ".join(f"{k} {v}" for k, v in card.get("libraries", {}).items()))
    return "\n".join(lines)


@click.command("info")
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print the raw model card (model.json).")
def info_command(model: str | None, as_json: bool) -> None:
    """Show the model card: labels, version, training data, metrics and library versions."""
    from stratclass.bundle import default_model_path, read_card

    path = model or str(default_model_path())
    card = read_card(path)
    click.echo(json.dumps(card, indent=2) if as_json else format_card(card, path))
