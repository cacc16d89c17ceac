"""The README's example outputs are what the shipped model really gives (re-run after a model rebuild)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from stratclass.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str, fence: str) -> str:
    """The body of the first ```fence block after `marker` in the README."""
    start = README.index(marker)
    match = re.compile(rf"```{fence}\n(.*?)```", re.DOTALL).search(README, start)
    assert match, f"no ```{fence} block after {marker!r}"
    return match.group(1)


def _run(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_phrases_table_matches_the_shipped_model(monkeypatch):
    monkeypatch.chdir(ROOT)
    table = _block_after("On the sample texts (`stratclass phrases docs/examples/ --top-phrases 6", "text")
    shown = {}
    for line in table.splitlines()[1:]:
        source, phrases = line.split(maxsplit=1)
        shown[source] = phrases.strip()
    rows = _run("phrases", "docs/examples/", "--top-phrases", "6", "--format", "jsonl")
    produced = {row["source"]: ", ".join(p["text"] for p in row["key_phrases"]) for row in rows}
    assert shown == produced


def test_the_result_schema_example_matches_the_shipped_model(monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = json.loads(_block_after("This is `stratclass classify docs/examples/snack-brand.txt", "json"))
    (produced,) = _run("classify", "docs/examples/snack-brand.txt", "--top-phrases", "3", "--format", "jsonl")
    assert shown == produced
