"""Compare feature/classifier settings by cross-validation on corpus/, checked against the external dev set.

    python scripts/tune_model.py > tuning.txt

Parses every text once; each setting is then 5-fold cross-validated on the corpus and, when
../shared/data/yc-dev.jsonl exists, trained on the whole corpus and scored there (measuring only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import f1_score  # noqa: E402

from scripts.evaluate_model import DEV, cv_f1  # noqa: E402
from stratclass.corpus import read_corpus  # noqa: E402
from stratclass.features import FeatureConfig  # noqa: E402
from stratclass.model import ClassifierConfig, build_pipeline  # noqa: E402
from stratclass.nlp import feature_texts  # noqa: E402

SETTINGS = [
    ("default", FeatureConfig(), ClassifierConfig()),
    ("C=5", FeatureConfig(), ClassifierConfig(C=5.0)),
    ("C=10", FeatureConfig(), ClassifierConfig(C=10.0)),
    ("C=40", FeatureConfig(), ClassifierConfig(C=40.0)),
    ("words 1-3", FeatureConfig(word_ngrams=(1, 3)), ClassifierConfig()),
    ("chars 1-4", FeatureConfig(char_ngrams=(1, 4)), ClassifierConfig()),
    ("chars 3-6", FeatureConfig(char_ngrams=(3, 6)), ClassifierConfig()),
    ("no class weight", FeatureConfig(), ClassifierConfig(class_weight=None)),
    ("chars 3-6, C=30", FeatureConfig(char_ngrams=(3, 6)), ClassifierConfig(C=30.0)),
]


def main() -> None:
    corpus = read_corpus([ROOT / "corpus"])
    texts, labels = feature_texts(corpus.texts), corpus.labels
    dev = None
    if DEV.is_file():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        dev = (feature_texts([r["text"] for r in rows]), [r["label"] for r in rows])
    print(f"{len(texts)} corpus texts; dev set {'present' if dev else 'absent'}")
    for name, features, classifier in SETTINGS:
        cv = cv_f1(lambda f=features, c=classifier: build_pipeline(f, c, 0), texts, labels)
        line = f"{name:<22} cv {cv[0]:.4f} ± {cv[1]:.4f}"
        if dev:
            model = build_pipeline(features, classifier, 0).fit(texts, labels)
            line += f"  dev {f1_score(dev[1], model.predict(dev[0]), average='macro'):.4f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
