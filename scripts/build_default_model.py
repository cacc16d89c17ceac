"""Rebuild the shipped default model (models/default) from the project's corpus (corpus/).

    python scripts/build_default_model.py            # same corpus + seed -> same model and metrics

Reads only corpus/; never the external evaluation data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stratclass import __version__  # noqa: E402
from stratclass.corpus import read_corpus  # noqa: E402
from stratclass.training import train_to_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus folder (default: corpus/)")
    parser.add_argument("--output", default=str(ROOT / "models" / "default"), help="model folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cv", type=int, default=5, help="cross-validation folds (0: none) [5]")
    # The lowest threshold at which labelled external dev texts reach 85% accuracy (docs/EVALUATION.md).
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()

    corpus = read_corpus([args.corpus])
    result = train_to_folder(
        corpus,
        args.output,
        seed=args.seed,
        cv=args.cv or None,
        name="default",
        version=f"{__version__}+{corpus.sha256()[:8]}",
        threshold=args.threshold,
        on_step=lambda message: print(f"build: {message}", file=sys.stderr),
    )
    for warning in result.report.warnings:
        print(f"build: warning: {warning}", file=sys.stderr)
    cv = result.bundle.card["metrics"].get("cv", {})
    print(f"{result.bundle.model_id}: {len(corpus.examples)} examples, cv macro-F1 {cv.get('macro_f1_mean')}")
    print(f"saved to {result.bundle.path}")


if __name__ == "__main__":
    main()
