"""Peak memory of `stratclass batch` on a 10k- and a 100k-record JSONL: it should not grow with the input.

Each size runs in its own subprocess (`python -m stratclass batch IN.jsonl --output OUT.jsonl`); the
peak resident set of that process comes from `os.wait4` (the kernel's ru_maxrss), and the peak of the
whole process tree (workers included, for --jobs > 1) from sampling /proc every 50 ms. The figures are
printed and appended to docs/BENCHMARKS.md under "Batch memory".

    python scripts/bench_batch_memory.py                 # 10,000 and 100,000 records, --jobs 1
    python scripts/bench_batch_memory.py --jobs 2 --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
HEADING = "## Batch memory"
TARGET_RATIO = 1.2

SUBJECTS = [
    "Ledgerline",
    "Brightcup",
    "Fabrik Cloud",
    "Quarry DB",
    "Crunchwell",
    "Glowbox",
    "Tollgate",
    "Nähe",
]
SENTENCES = [
    "{s} sells usage-based payment APIs and SDKs to software teams and marketplaces.",
    "{s} launches a snack subscription box for families, with new flavours every month.",
    "{s} rents GPU clusters and managed Kubernetes to enterprise IT departments on multi-year contracts.",
    "{s} opens pop-up stores where shoppers try lipstick shades and collect loyalty points.",
    "Analysts expect {s} to grow revenue by {n} percent next year as customers renew.",
    "{s} signed {n} new enterprise contracts for its data platform this quarter.",
    "The {s} app reached {n} million downloads after a celebrity campaign on social media.",
    "{s} hired a new chief executive and plans to expand into {n} more countries.",
]


def write_export(path: Path, n: int, seed: int = 0) -> int:
    """A JSONL export of `n` news-like records (2-4 sentences each); returns its size in bytes."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            subject = rng.choice(SUBJECTS)
            body = " ".join(
                rng.choice(SENTENCES).format(s=subject, n=rng.randint(2, 90))
                for _ in range(rng.randint(2, 4))
            )
            handle.write(
                json.dumps({"id": f"rec-{i:07d}", "title": f"{subject} news {i}", "text": body}) + "\n"
            )
    return path.stat().st_size


def _tree_rss_kib(pid: int) -> int:
    """Resident set of `pid` and all its descendants, in KiB (0 once it is gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_once(input_path: Path, output_path: Path, jobs: int) -> dict[str, float]:
    """Run the batch command once; peak RSS of the process and of its tree, wall time."""
    command = [sys.executable, "-m", "stratclass", "batch", str(input_path), "--output", str(output_path)]
    command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        while not done.is_set():
            tree_peak = max(tree_peak, _tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(
            f"batch run failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}"
        )
    return {"peak_rss_mib": usage.ru_maxrss / 1024, "tree_peak_mib": tree_peak / 1024, "wall_s": wall}


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, nproc {len(os.sched_getaffinity(0))}, {ram:.1f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def report(rows: list[dict], jobs: int, command: str) -> str:
    ratio = rows[-1]["peak_rss_mib"] / rows[0]["peak_rss_mib"]
    tree_ratio = rows[-1]["tree_peak_mib"] / rows[0]["tree_peak_mib"]
    verdict = "meets" if max(ratio, tree_ratio) <= TARGET_RATIO else "MISSES"
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}`; each size ran `python -m stratclass batch IN.jsonl --output OUT.jsonl "
        f"--jobs {jobs}` in a subprocess. Machine: {machine()}.",
        "",
        "| records | input MiB | peak RSS MiB (process) | peak RSS MiB (process tree) | wall s | records/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['records']:,} | {row['input_mib']:.1f} | {row['peak_rss_mib']:.0f} | "
            f"{row['tree_peak_mib']:.0f} | {row['wall_s']:.1f} | {row['records'] / row['wall_s']:,.0f} |"
        )
    lines += [
        "",
        f"Peak RSS ratio {rows[-1]['records']:,} / {rows[0]['records']:,} records: **{ratio:.3f}** for the "
        f"process, **{tree_ratio:.3f}** for the process tree ({verdict} the target of ≤ {TARGET_RATIO}).",
        "",
    ]
    return "\n".join(lines)


def append_to_benchmarks(text: str) -> None:
    """Add `text` at the end of the "Batch memory" section, creating the file or the section."""
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if HEADING not in current:
        intro = (
            "Peak memory of `stratclass batch` must not depend on the input size "
            "(`scripts/bench_batch_memory.py`)."
        )
        current = current.rstrip("\n") + f"\n\n{HEADING}\n\n{intro}\n"
    start = current.index(HEADING) + len(HEADING)
    next_section = current.find("\n## ", start)
    end = len(current) if next_section == -1 else next_section + 1
    section = current[:end].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    rest = current[end:]
    BENCHMARKS.write_text(section + ("\n" + rest if rest else ""), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    command = "python scripts/bench_batch_memory.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a != "--no-write"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="stratclass-bench-") as tmp:
        for n in sorted(args.sizes):
            source = Path(tmp) / f"export-{n}.jsonl"
            size = write_export(source, n)
            figures = run_once(source, Path(tmp) / f"labels-{n}.jsonl", args.jobs)
            rows.append({"records": n, "input_mib": size / 2**20, **figures})
            print(
                f"{n:>9,} records: peak RSS {figures['peak_rss_mib']:.0f} MiB (tree "
                f"{figures['tree_peak_mib']:.0f} MiB), {figures['wall_s']:.1f} s",
                file=sys.stderr,
            )
    text = report(rows, args.jobs, command)
    print(text)
    if not args.no_write:
        append_to_benchmarks(text)
        print(f"appended to {BENCHMARKS}", file=sys.stderr)


if __name__ == "__main__":
    main()
