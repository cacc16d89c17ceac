"""`classify --jobs N`: worker processes give the same results, in the same order, as one process."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stratclass.batch import ClassifierSettings, label_records
from stratclass.cli import main as cli
from stratclass.records import Record

TEXTS = [
    "Ledgerline sells a payments API to online stores and charges per call.",
    "A meal-kit subscription for busy families, delivered every Sunday.",
    "   ",
    "Observability for Kubernetes clusters, priced per host.",
    "Glowbox makes a night light that sings your toddler to sleep.",
]


def test_label_records_in_two_processes_equals_one_process():
    records = [Record(id=f"r{i}", text=text) for i, text in enumerate(TEXTS * 30)]
    settings = ClassifierSettings(top_phrases=5)
    one = [r.to_dict() for r in label_records(records, settings, jobs=1, chunk_size=16)]
    two = [r.to_dict() for r in label_records(records, settings, jobs=2, chunk_size=16)]
    assert one == two
    assert [r["id"] for r in two] == [f"r{i}" for i in range(len(records))]
    assert two[2]["error"]["type"] == "empty_text"


def test_classify_jobs_option_keeps_input_order(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": f"t{i}", "text": t}) + "\n" for i, t in enumerate(TEXTS)))
    runner = CliRunner()
    single = runner.invoke(cli, ["classify", str(data), "--format", "jsonl"])
    double = runner.invoke(cli, ["classify", str(data), "--format", "jsonl", "--jobs", "2"])
    assert single.exit_code == 1 and double.exit_code == 1  # one record is an error (whitespace only)
    assert single.stdout == double.stdout
    assert [json.loads(line)["id"] for line in double.stdout.splitlines()] == [f"t{i}" for i in range(5)]
