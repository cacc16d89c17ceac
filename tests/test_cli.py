"""The command line, through click's CliRunner and through the installed command in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratclass.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def texts(tmp_path) -> Path:
    (tmp_path / "api.txt").write_text("We sell payment APIs and SDKs to software teams.", encoding="utf-8")
    (tmp_path / "snack.txt").write_text("Crunchy chickpea snacks for kids' lunchboxes.", encoding="utf-8")
    return tmp_path


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_help_lists_every_command(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("classify", "train", "evaluate", "info"):
        assert command in result.stdout


def test_classify_files_as_jsonl_when_piped(runner, texts):
    result = runner.invoke(main, ["classify", str(texts / "api.txt"), str(texts / "snack.txt")])
    assert result.exit_code == 0, result.stderr
    rows = _jsonl(result.stdout)
    assert [r["label"] for r in rows] == ["infrastructure", "consumer"]
    assert rows[0]["id"] == str(texts / "api.txt")


def test_classify_stdin_is_the_default_input(runner):
    result = runner.invoke(main, ["classify"], input="Managed Postgres for engineering teams.")
    assert result.exit_code == 0
    (row,) = _jsonl(result.stdout)
    assert row["id"] == "<stdin>" and row["label"] == "infrastructure"


def test_classify_jsonl_from_stdin_with_fields(runner):
    data = json.dumps({"key": "n1", "body": "Lipstick in twelve shades."}) + "\n"
    result = runner.invoke(
        main,
        ["classify", "-", "--input-format", "jsonl", "--text-field", "body", "--id-field", "key"],
        input=data,
    )
    (row,) = _jsonl(result.stdout)
    assert row["id"] == "n1" and row["label"] == "consumer"


def test_classify_csv_output_has_a_column_per_label(runner, texts):
    result = runner.invoke(main, ["classify", str(texts), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    assert {"id", "label", "confidence", "score_consumer", "score_infrastructure", "key_phrases"} <= set(
        rows[0]
    )


def test_classify_table_format(runner, texts):
    result = runner.invoke(main, ["classify", str(texts / "api.txt"), "--format", "table"])
    assert result.exit_code == 0
    assert "LABEL" in result.stdout and "infrastructure" in result.stdout


def test_classify_output_file_format_from_extension(runner, texts, tmp_path):
    out = tmp_path / "out" / "results.csv"
    result = runner.invoke(main, ["classify", str(texts / "api.txt"), "--output", str(out)])
    assert result.exit_code == 0
    assert out.read_text().startswith("id,source,title,label")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_threshold_and_top_phrases_options(runner):
    # A text with no strategy signal: its top probability is well below 0.99.
    result = runner.invoke(
        main, ["classify", "--threshold", "0.99", "--top-phrases", "0"], input="Something happened on Monday."
    )
    (row,) = _jsonl(result.stdout)
    assert row["confidence"] < 0.99
    assert row["label"] == "uncertain" and row["key_phrases"] == []
    assert abs(sum(row["scores"].values()) - 1.0) < 1e-3


def test_failed_records_give_exit_1_and_error_records(runner, texts):
    result = runner.invoke(main, ["classify", str(texts / "api.txt"), str(texts / "missing.txt")])
    assert result.exit_code == 1
    rows = _jsonl(result.stdout)
    assert rows[0]["error"] is None
    assert rows[1]["label"] is None and rows[1]["error"]["type"] == "not_found"
    assert "1 record(s) failed" in result.stderr


def test_usage_errors_exit_2_without_traceback(runner, texts, tmp_path):
    bad_option = runner.invoke(main, ["classify", "--format", "xml"])
    assert bad_option.exit_code == 2
    bad_model = runner.invoke(main, ["classify", str(texts / "api.txt"), "--model", str(tmp_path / "nope")])
    assert bad_model.exit_code == 2
    assert bad_model.stderr.strip().startswith("stratclass: error:") and "Traceback" not in bad_model.stderr
    assert len(bad_model.stderr.strip().splitlines()) == 1


def test_debug_flag_shows_the_traceback(runner, tmp_path):
    result = runner.invoke(main, ["--debug", "info", "--model", str(tmp_path / "nope")])
    assert result.exit_code != 0 and result.exception is not None


def test_train_evaluate_info_round_trip(runner, fixtures, tmp_path):
    model = tmp_path / "my-model"
    trained = runner.invoke(
        main, ["train", str(fixtures / "three_labels"), "--output", str(model), "--cv", "3"]
    )
    assert trained.exit_code == 0, trained.stderr
    assert "cross-validated macro-F1 (3 folds)" in trained.stdout and f"saved to {model}" in trained.stdout

    metrics_file = tmp_path / "metrics.json"
    evaluated = runner.invoke(
        main,
        ["evaluate", "--model", str(model), str(fixtures / "three_labels"), "--output", str(metrics_file)],
    )
    assert evaluated.exit_code == 0, evaluated.stderr
    metrics = json.loads(metrics_file.read_text())
    assert metrics["examples"] == 18
    assert set(metrics["per_label"]) == {"finance", "sports", "weather"}
    assert len(metrics["confusion_matrix"]["rows_gold_columns_predicted"]) == 3
    table = runner.invoke(
        main, ["evaluate", "--model", str(model), str(fixtures / "three_labels"), "--format", "table"]
    )
    assert "macro-F1" in table.stdout and "confusion matrix" in table.stdout

    info = runner.invoke(main, ["info", "--model", str(model)])
    assert info.exit_code == 0
    assert "finance, sports, weather" in info.stdout and "my-model@" in info.stdout


def test_train_stops_on_a_bad_corpus_and_writes_nothing(runner, tmp_path):
    corpus = tmp_path / "one-label.jsonl"
    corpus.write_text("".join(json.dumps({"text": f"t{i}", "label": "a"}) + "\n" for i in range(10)))
    result = runner.invoke(main, ["train", str(corpus), "--output", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "only one label" in result.stderr
    assert not (tmp_path / "m").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".m")]


def test_evaluate_with_unknown_labels_is_a_clear_error(runner, fixtures):
    result = runner.invoke(main, ["evaluate", str(fixtures / "three_labels")])
    assert result.exit_code == 2
    assert "not known to model default@" in result.stderr


def test_info_shows_the_default_model_card(runner):
    result = runner.invoke(main, ["info"])
    assert result.exit_code == 0
    assert "default@" in result.stdout and "consumer, infrastructure" in result.stdout
    raw = runner.invoke(main, ["info", "--json"])
    assert json.loads(raw.stdout)["labels"] == ["consumer", "infrastructure"]


def test_installed_command_classifies_the_readme_examples(tmp_path, stratclass_command):
    proc = subprocess.run(
        [*stratclass_command, "classify", str(EXAMPLES), "--format", "jsonl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONWARNINGS": "error::UserWarning"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = {Path(r["id"]).name: r for r in _jsonl(proc.stdout)}
    assert rows["payments-api.txt"]["label"] == "infrastructure"
    assert rows["snack-brand.txt"]["label"] == "consumer"


def test_python_dash_m_works_and_exit_codes_hold(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "stratclass", "classify", str(tmp_path / "absent.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["type"] == "not_found"


def test_spacy_model_option_loads_a_pipeline_from_a_path(runner, texts, tmp_path):
    import spacy

    pipeline_dir = tmp_path / "my_pipeline"
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(pipeline_dir)
    result = runner.invoke(main, ["classify", str(texts / "api.txt"), "--spacy-model", str(pipeline_dir)])
    assert result.exit_code == 0, result.stderr
    (row,) = _jsonl(result.stdout)
    assert row["label"] == "infrastructure" and row["key_phrases"]


def test_unknown_spacy_model_is_a_usage_error(runner, texts):
    result = runner.invoke(
        main, ["classify", str(texts / "api.txt"), "--spacy-model", "no_such_pipeline_xyz"]
    )
    assert result.exit_code == 2
    assert "cannot load spaCy pipeline 'no_such_pipeline_xyz'" in result.stderr


def test_output_files_get_ordinary_permissions(tmp_path):
    out = tmp_path / "labels.jsonl"
    result = CliRunner().invoke(main, ["classify", str(EXAMPLES / "snack-brand.txt"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
