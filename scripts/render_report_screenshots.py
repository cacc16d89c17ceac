"""Build both HTML reports with the shipped model and render them to PNG for the README.

    python scripts/render_report_screenshots.py       # needs Debian's `chromium` (apt-get install chromium)

The classify report labels docs/examples/*.txt; the evaluate report scores a slice of the project's corpus
(`--corpus`; the shipped model was trained on it, so expect few mistakes). Both go through the CLI, exactly
as the README commands run, then `chromium --headless --screenshot` renders them offline.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
DEFAULT_CORPUS = ["corpus/batches/08-hard-cases.jsonl", "corpus/batches/03-short-texts.jsonl"]


def stratclass(*args: str) -> None:
    """Run the CLI from the repository root (relative paths show in the reports as the README has them)."""
    command = [sys.executable, "-m", "stratclass", *args]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")


def screenshot(browser: str, html: Path, png: Path, width: int, height: int) -> None:
    """Render `html` at width x height CSS pixels into `png` with a headless browser, no network."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",  # running as root in a container
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                html.resolve().as_uri(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
    print(f"wrote {png.relative_to(ROOT)} ({png.stat().st_size // 1024} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", nargs="+", default=DEFAULT_CORPUS, help="labelled corpus for evaluate")
    parser.add_argument("--browser", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--keep", type=Path, default=None, help="also keep the HTML reports in this folder")
    args = parser.parse_args()
    if not shutil.which(args.browser):
        sys.exit(f"no {args.browser!r} on PATH: install Debian's chromium package (apt-get install chromium)")

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        classify_html, evaluate_html = folder / "classify-report.html", folder / "evaluate-report.html"
        stratclass("classify", "docs/examples/", "--segments", "--explain", "--report", str(classify_html))
        stratclass("evaluate", *args.corpus, "--report", str(evaluate_html))
        screenshot(args.browser, classify_html, IMAGES / "classify-report.png", args.width, 1480)
        screenshot(args.browser, evaluate_html, IMAGES / "evaluate-report.png", args.width, 1780)


if __name__ == "__main__":
    main()
