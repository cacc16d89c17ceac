"""Replace one generated section of a Markdown file, leaving the others alone."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, name: str, text: str, title: str = "# Evaluation") -> None:
    """Write `text` between `<!-- name:start -->` and `<!-- name:end -->` in `path` (appended if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = path.read_text(encoding="utf-8") if path.exists() else f"{title}\n\n"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")
