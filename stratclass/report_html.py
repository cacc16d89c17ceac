"""Building blocks of the HTML reports: label colours, escaping, the page shell and its inline CSS."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

UNCERTAIN = "uncertain"
ERROR = "error"
# Fixed colours for the default labels; other labels take PALETTE in the order of the model's labels.
FIXED_COLOURS = {"infrastructure": "#2f6fde", "consumer": "#f28c28", UNCERTAIN: "#8d949e", ERROR: "#c62828"}
PALETTE = ("#2e9e6b", "#8457c9", "#d1467a", "#149cb0", "#8d6e63", "#9a9b1f", "#5c6bc0", "#e0a500")
NEUTRAL = "#a7adb5"  # key phrases that support no label
CORRECT = "#3f9c6d"
WRONG = "#d64545"


def esc(value: object) -> str:
    """Text or attribute value, HTML-escaped (quotes included)."""
    return escape(str(value), quote=True)


def label_colours(labels: Sequence[str]) -> dict[str, str]:
    """A colour per label: fixed ones for the default labels, the palette in order for the others."""
    colours = {UNCERTAIN: FIXED_COLOURS[UNCERTAIN], ERROR: FIXED_COLOURS[ERROR]}
    others = iter(range(len(labels)))
    for label in labels:
        colours[label] = FIXED_COLOURS.get(label) or PALETTE[next(others) % len(PALETTE)]
    return colours


def tint(colour: str, alpha: float) -> str:
    """`#rrggbb` with an alpha channel, for light backgrounds in the label's colour."""
    return f"{colour}{round(alpha * 255):02x}"


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def badge(text: str, colour: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{esc(value)}"' for name, value in attributes.items())
    return f'<span class="badge" style="background:{colour}"{extra}>{esc(text)}</span>'


def stat(name: str, value: str) -> str:
    """A headline figure in a tile."""
    return (
        f'<div class="stat"><div class="stat-value">{esc(value)}</div>'
        f'<div class="stat-name">{esc(name)}</div></div>'
    )


def section(heading: str, body: str, section_id: str, intro: str = "") -> str:
    intro_html = f'<p class="intro">{intro}</p>' if intro else ""
    return f'<section id="{esc(section_id)}"><h2>{esc(heading)}</h2>{intro_html}{body}</section>\n'


def legend(colours: dict[str, str], labels: Sequence[str]) -> str:
    items = "".join(
        f'<span class="legend-item"><span class="swatch" style="background:{colours[label]}"></span>'
        f"{esc(label)}</span>"
        for label in labels
    )
    return f'<div class="legend">{items}</div>'


CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --page: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
header.page { margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 0; }
.subtitle, .intro, .note { color: var(--muted); margin: 0 0 8px; }
.note { background: #fff8e1; border: 1px solid #f0d58c; color: #6b5200; border-radius: 6px;
  padding: 8px 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px;
  margin: 0 0 18px; }
.grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 18px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px;
  min-width: 120px; }
.stat-value { font-size: 22px; font-weight: 650; }
.stat-name { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; font-size: 14px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; color: #fff; font-size: 12px; font-weight: 650; padding: 1px 8px;
  border-radius: 10px; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 13px; color: var(--muted); margin: 6px 0; }
.legend-item { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
figure { margin: 0; max-width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 18px; margin: 0 0 18px; }
.row > section { flex: 1 1 auto; margin: 0; }
#per-label table { margin-bottom: 14px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 400px; }
.mistake-text { max-width: 620px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--c, #8d949e);
  border-radius: 10px; padding: 14px 18px; margin: 0 0 14px; }
.card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin-bottom: 8px; }
.card-id { font-weight: 600; overflow-wrap: anywhere; }
.card-meta { color: var(--muted); font-size: 13px; }
.card-body { display: flex; flex-wrap: wrap; gap: 8px 28px; }
.card-side { flex: 0 0 240px; font-size: 13px; }
.card-text { flex: 1 1 520px; min-width: 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2.1; margin: 0; }
.seg { border-radius: 4px; padding: 3px 0; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
mark.kp { color: inherit; padding: 0.2em 0.35em; margin: 0 0.1em; border-radius: 0.35em; line-height: 1;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.kp-tag { font-size: 0.62em; font-weight: 700; letter-spacing: 0.03em; text-transform: uppercase;
  vertical-align: middle; margin-left: 0.4em; opacity: 0.8; }
.scores { margin: 0 0 10px; }
.score-row { display: grid; grid-template-columns: 92px 1fr 44px; gap: 6px; align-items: center; }
.score-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.score-track { background: #eef0f3; height: 8px; border-radius: 4px; overflow: hidden; }
.score-fill { display: block; height: 100%; border-radius: 4px; }
.score-value { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.phrases { list-style: none; padding: 0; margin: 0; }
.phrases li { display: flex; align-items: center; gap: 6px; padding: 1px 0; }
.phrases .swatch { flex: none; }
.phrase-score { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.side-head { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.04em; margin: 8px 0 4px; }
.evidence { margin-top: 10px; font-size: 13px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { border: 1px solid; border-radius: 12px; padding: 0 8px; }
.quotes { margin: 4px 0 0; padding-left: 18px; }
.error-message { color: #8e1c1c; background: #fdecea; border-radius: 6px; padding: 8px 12px; margin: 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
"""


def page(title: str, body: str, subtitle: str = "") -> str:
    """A complete, self-contained HTML document: inline CSS, no scripts, no external resources."""
    from stratclass import __version__

    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<header class="page"><h1>{esc(title)}</h1>{sub}</header>\n'
        f"{body}"
        f"<footer>Made by stratclass {esc(__version__)}</footer>\n</main>\n</body>\n</html>\n"
    )
