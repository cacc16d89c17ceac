"""`stratclass batch` on the command line: CliRunner for options and exit codes, real subprocesses for a
kill -9 in the middle of a run and for the progress bar on a terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from feed_server import serve_feeds

from stratclass.batch import ClassifierSettings, run_batch
from stratclass.cli import main
from stratclass.journal import journal_path

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TEMPLATES = [
    "{name} sells usage-based payment APIs and SDKs to software teams, marketplaces and banks.",
    "{name} launches a snack subscription box for families, with new flavours every month.",
    "{name} rents GPU clusters and managed Kubernetes to enterprise IT departments.",
    "{name} opens pop-up stores where shoppers try lipstick shades and collect loyalty points.",
]


def _export(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            text = TEMPLATES[i % 4].format(name=f"Company{i}") + f" Story {i} of the day."
            handle.write(json.dumps({"id": f"item-{i:05d}", "text": text}) + "\n")
    return path


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_batch_is_listed_in_the_main_help(runner):
    result = runner.invoke(main, ["--help"])
    assert "batch" in result.stdout


def test_batch_labels_feeds_into_jsonl_with_a_summary_on_stderr(runner, tmp_path):
    out = tmp_path / "labels.jsonl"
    sources = [str(FEEDS / "rss20-tech.xml"), str(FEEDS / "atom-launches.atom")]
    result = runner.invoke(main, ["batch", *sources, "--output", str(out), "--top-phrases", "2"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5 and all(len(r["key_phrases"]) <= 2 for r in rows)
    assert rows[0]["feed"] == {"title": "Northwind Tech Wire", "url": sources[0]}
    assert f"5 items in {out}: 5 labelled, 0 errors, 1 duplicates skipped" in result.stderr
    assert "labels: " in result.stderr and "infrastructure" in result.stderr
    assert "labelling" not in result.stderr  # no progress bar when stderr is not a terminal
    assert not journal_path(out).exists()


def test_batch_exits_1_when_a_source_fails_and_keeps_the_rest(runner, tmp_path):
    out = tmp_path / "labels.csv"
    sources = [str(FEEDS / "not-a-feed.html"), str(FEEDS / "rss10-snacks.rdf")]
    result = runner.invoke(main, ["batch", *sources, "--output", str(out)])
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "not_a_feed" in text and "Pantry Notes" in text
    assert "3 items" in result.stderr and "1 errors" in result.stderr


def test_batch_to_stdout_writes_json_lines(runner):
    result = runner.invoke(main, ["batch", str(FEEDS / "rss10-snacks.rdf"), "--output", "-"])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "https://pantry.example.org/chickpea-crisps",
        "https://pantry.example.org/oat-milk",
    ]


def test_batch_reads_feed_urls_and_opml_from_a_server(runner, tmp_path):
    out = tmp_path / "labels.jsonl"
    with serve_feeds() as server:
        sources = [f"{server.url}/list.opml", server.feed_url("rss10-snacks.rdf")]
        options = ["--output", str(out), "--timeout", "2", "--retries", "0"]
        result = runner.invoke(main, ["batch", *sources, *options])
    assert result.exit_code == 1  # the list names a missing feed and an HTML page
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [r["id"] for r in rows if r["error"]]
    assert errors == [f"{server.url}/missing.xml", server.feed_url("not-a-feed.html")]
    assert len(rows) == 3 + 2 + 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "labels.txt"], "must end in .jsonl or .csv"),
        (["--output", "-", "--resume"], "--resume needs an output file"),
        (["--output", "x.jsonl", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot be combined"),
        (["--output", "x.jsonl", "--jobs", "0"], "--jobs"),
    ],
)
def test_unusable_options_are_usage_errors(runner, tmp_path, args, message):
    result = runner.invoke(main, ["batch", str(FEEDS / "rss10-snacks.rdf"), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_jobs_2_gives_the_same_output_as_jobs_1(runner, tmp_path):
    export = _export(tmp_path / "export.jsonl", 120)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.jsonl"
        args = ["batch", str(export), str(FEEDS), "--output", str(out), "--jobs", jobs, "--chunk-size", "16"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_resume_after_kill_labels_each_item_once(tmp_path):
    export = _export(tmp_path / "export.jsonl", 1500)
    out = tmp_path / "out.jsonl"
    journal = journal_path(out)
    command = [sys.executable, "-m", "stratclass", "batch", str(export), "--output", str(out)]
    command += ["--chunk-size", "16", "--top-phrases", "3"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 40:
                break
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert not out.exists() and journal.exists()
    kept = journal.read_bytes().count(b"\n")
    assert 40 <= kept < 1500

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "kept from the interrupted run" in resumed.stderr
    ids = _ids(out)
    assert Counter(ids).most_common(1)[0][1] == 1
    assert ids == [f"item-{i:05d}" for i in range(1500)]

    reference = tmp_path / "reference.jsonl"
    run_batch([str(export)], str(reference), settings=ClassifierSettings(top_phrases=3))
    assert out.read_bytes() == reference.read_bytes()


def test_progress_bar_on_a_terminal_shows_items_and_errors(tmp_path):
    out = tmp_path / "out.jsonl"
    export = _export(tmp_path / "export.jsonl", 50)
    command = [sys.executable, "-m", "stratclass", "batch"]
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a 120-column terminal
    try:
        process = subprocess.run(
            [*command, str(export), str(tmp_path / "gone.xml"), "--output", str(out), "--chunk-size", "10"],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            timeout=120,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    stderr = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 1
    assert "labelling" in stderr and "51 items" in stderr and "errors=1" in stderr
