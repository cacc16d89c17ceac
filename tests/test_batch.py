"""Batch labelling as a library call: inputs, duplicates, chunking, the journal and resume, Dask."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from stratclass.batch import BatchError, BatchSummary, ClassifierSettings, label_chunk, new_chunks, run_batch
from stratclass.batch_inputs import read_batch_sources
from stratclass.exports import stream_csv, stream_jsonl
from stratclass.journal import Journal, JournalError, csv_columns, journal_path
from stratclass.records import Record

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SETTINGS = ClassifierSettings(top_phrases=3)

TEXTS = [
    "We sell payment APIs and SDKs to software teams and marketplaces.",
    "Crunchy chickpea snacks for kids' lunchboxes, sold in supermarkets.",
    "Managed Postgres and GPU clusters for enterprise engineering departments.",
    "A lipstick brand with twelve shades and a loyalty app for shoppers.",
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def export(tmp_path) -> Path:
    """A JSONL export of 40 records with ids r00..r39, one invalid line and one record repeated."""
    lines = [json.dumps({"id": f"r{i:02d}", "text": f"{TEXTS[i % 4]} Item {i}."}) for i in range(40)]
    lines.insert(7, "{not json")
    lines.append(json.dumps({"id": "r03", "text": "repeated id, labelled once"}))
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_stream_jsonl_yields_one_record_per_line_with_errors_in_place(export):
    records = list(stream_jsonl(str(export)))
    assert len(records) == 42  # 40 records, the invalid line, the repeated id (dropped later, by batch)
    assert [r.id for r in records[:9]] == [*(f"r{i:02d}" for i in range(7)), f"{export}:8", "r07"]
    assert records[7].error.type == "invalid_json" and f"{export}:8" in records[7].error.message
    assert records[0].text == f"{TEXTS[0]} Item 0." and records[0].error is None


def test_stream_jsonl_reads_an_open_stream_and_keeps_extra_fields(tmp_path):
    data = io.BytesIO(b'{"text": "a", "label": "x"}\n\n{"text": "b"}\n')
    records = list(stream_jsonl("<stdin>", keep=("label",), stream=data))
    assert [(r.id, r.text, r.meta) for r in records] == [
        ("<stdin>:1", "a", {"label": "x"}),
        ("<stdin>:3", "b", {"label": None}),
    ]


def test_stream_csv_reads_windows_1252_with_quoted_newlines_and_sniffed_delimiter(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('key;body\nk1;"two\nlines café"\n;no key\nk3;Crunchy snacks\n', encoding="cp1252")
    records = list(stream_csv(str(path), "body", "key"))
    assert [r.id for r in records] == ["k1", f"{path}:4", "k3"]
    assert records[0].text == "two\nlines café"


def test_stream_csv_without_the_text_column_is_one_error_record(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    (record,) = list(stream_csv(str(path)))
    assert record.error.type == "missing_column" and "use --text-field" in record.error.message


def test_folders_are_searched_for_feeds_exports_and_text_files(tmp_path):
    shutil.copy(FEEDS / "rss10-snacks.rdf", tmp_path / "snacks.rdf")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "note.txt").write_text("Cloud storage for hospitals.", encoding="utf-8")
    (tmp_path / "sub" / "rows.csv").write_text("id,text\nc1,Frozen pizza for families\n", encoding="utf-8")
    (tmp_path / ".hidden.jsonl").write_text('{"id": "h", "text": "hidden"}\n', encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    ids = [r.id for r in read_batch_sources([str(tmp_path)])]
    assert ids == [
        "https://pantry.example.org/chickpea-crisps",
        "https://pantry.example.org/oat-milk",
        str(tmp_path / "sub" / "note.txt"),
        "c1",
    ]


def test_a_source_that_names_nothing_is_an_error_record(tmp_path):
    (record,) = list(read_batch_sources([str(tmp_path / "nope")]))
    assert record.error.type == "not_found" and record.error.message.startswith(str(tmp_path / "nope"))


def test_repeated_ids_are_chunked_once_and_counted_as_duplicates():
    records = [Record(id=i, text="x") for i in ["a", "b", "a", "c", "d", "b", "e"]]
    summary = BatchSummary(output="-")
    chunks = list(new_chunks(records, {"c"}, summary, chunk_size=2))
    assert [[r.id for r in chunk] for chunk in chunks] == [["a", "b"], ["d", "e"]]
    assert summary.duplicates == 2


def test_items_seen_in_two_feeds_are_labelled_once(tmp_path):
    out = tmp_path / "out.jsonl"
    sources = [str(FEEDS / "rss20-tech.xml"), str(FEEDS / "atom-launches.atom")]
    summary = run_batch(sources, str(out), settings=SETTINGS)
    rows = _lines(out)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 5
    assert summary.duplicates == 1 and summary.items == 5 and summary.errors == 0
    first = rows[0]
    assert first["id"] == "wire-1001" and first["feed"]["title"] == "Northwind Tech Wire"
    assert first["link"] and first["published"] == "2024-03-05T09:30:00+00:00"
    assert first["label"] == "infrastructure" and first["categories"] == ["Payments", "Developer tools"]


def test_failed_sources_and_items_become_error_records_and_the_run_goes_on(tmp_path, export):
    out = tmp_path / "out.jsonl"
    sources = [str(FEEDS / "not-a-feed.html"), str(tmp_path / "missing.xml"), str(export)]
    summary = run_batch(sources, str(out), settings=SETTINGS)
    rows = _lines(out)
    errors = {r["id"]: r["error"]["type"] for r in rows if r["error"]}
    assert errors == {
        str(FEEDS / "not-a-feed.html"): "not_a_feed",
        str(tmp_path / "missing.xml"): "not_found",
        f"{export}:8": "invalid_json",
    }
    assert summary.items == 43 and summary.errors == 3 and summary.labelled == 40
    assert summary.duplicates == 1
    assert sum(summary.labels.values()) == 40 and set(summary.labels) <= {
        "infrastructure",
        "consumer",
        "uncertain",
    }


def test_chunk_size_does_not_change_the_output(tmp_path, export):
    run_batch([str(export)], str(tmp_path / "a.jsonl"), settings=SETTINGS, chunk_size=1)
    run_batch([str(export)], str(tmp_path / "b.jsonl"), settings=SETTINGS, chunk_size=64)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_csv_output_has_one_header_and_feed_columns(tmp_path):
    out = tmp_path / "out.csv"
    run_batch([str(FEEDS / "rss20-tech.xml")], str(out), settings=SETTINGS, chunk_size=1)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == csv_columns(["consumer", "infrastructure"])
    assert (
        rows[0]["feed_title"] == "Northwind Tech Wire"
        and rows[0]["categories"] == "Payments; Developer tools"
    )
    assert rows[2]["published"] == ""
    assert out.read_text(encoding="utf-8").count("feed_title") == 1


def _interrupted(reference: Path, journal: Path, keep: int, torn: bytes) -> None:
    """Make the journal an interrupted run would leave: `keep` whole records and a torn one."""
    lines = reference.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:keep]) + torn)


def test_resume_keeps_journalled_records_drops_a_torn_line_and_labels_the_rest(tmp_path, export):
    reference = tmp_path / "reference.jsonl"
    run_batch([str(export)], str(reference), settings=SETTINGS)
    out = tmp_path / "out.jsonl"
    full = reference.read_bytes().splitlines(keepends=True)
    _interrupted(reference, journal_path(out), 12, full[12][:30])
    summary = run_batch([str(export)], str(out), settings=SETTINGS, resume=True)
    assert out.read_bytes() == reference.read_bytes()
    assert not journal_path(out).exists()
    assert summary.resumed == 12 and summary.items == len(full) and summary.duplicates == 1


def test_resume_of_a_csv_journal_cut_inside_a_quoted_field(tmp_path):
    export = tmp_path / "titled.jsonl"
    rows = [{"id": f"t{i}", "title": f"Part {i},\nwith a line break", "text": TEXTS[i % 4]} for i in range(6)]
    export.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    reference = tmp_path / "reference.csv"
    run_batch([str(export)], str(reference), settings=SETTINGS)
    out = tmp_path / "out.csv"
    text = reference.read_bytes()
    cut = text.index(b'"Part 3,\n') + len(b'"Part 3,\n')  # a kill right after the newline in a quoted title
    journal_path(out).write_bytes(text[:cut])
    summary = run_batch([str(export)], str(out), settings=SETTINGS, resume=True)
    assert out.read_bytes() == reference.read_bytes()
    assert summary.resumed == 3


def test_resume_after_a_kill_before_the_csv_header_was_written(tmp_path, export):
    reference = tmp_path / "reference.csv"
    run_batch([str(export)], str(reference), settings=SETTINGS)
    out = tmp_path / "out.csv"
    journal_path(out).write_bytes(b"id,sou")
    run_batch([str(export)], str(out), settings=SETTINGS, resume=True)
    assert out.read_bytes() == reference.read_bytes()


def test_without_resume_an_existing_journal_is_replaced(tmp_path, export):
    out = tmp_path / "out.jsonl"
    journal_path(out).write_text('{"id": "stale", "label": "consumer", "error": null}\n', encoding="utf-8")
    run_batch([str(export)], str(out), settings=SETTINGS)
    assert "stale" not in out.read_text(encoding="utf-8")


def test_resume_of_a_finished_output_adds_only_records_it_lacks(tmp_path, export):
    out = tmp_path / "out.jsonl"
    run_batch([str(export)], str(out), settings=SETTINGS)
    before = out.read_bytes()
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "new-1", "text": TEXTS[0]}) + "\n", encoding="utf-8")
    summary = run_batch([str(export), str(more)], str(out), settings=SETTINGS, resume=True)
    after = out.read_bytes()
    assert after.startswith(before) and [r["id"] for r in _lines(out)][-1] == "new-1"
    assert summary.resumed == len(before.splitlines()) and summary.items == summary.resumed + 1


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_retry_errors_labels_a_source_that_failed_before_and_keeps_the_rest(tmp_path, export, suffix):
    out = tmp_path / f"out{suffix}"
    late = tmp_path / "late.jsonl"  # missing during the first run
    first = run_batch([str(export), str(late)], str(out), settings=SETTINGS)
    assert first.errors == 2  # the invalid line of the export and the missing file
    late.write_text(json.dumps({"id": "late-1", "text": TEXTS[1]}) + "\n", encoding="utf-8")
    again = run_batch([str(export), str(late)], str(out), settings=SETTINGS, resume=True, retry_errors=True)
    if suffix == ".jsonl":
        rows = _lines(out)
    else:
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == first.items  # one record per input record, still
    assert "late-1" in ids and str(late) not in ids
    assert again.retried == 2 and again.errors == 1  # the invalid line fails again; the file now reads
    assert again.resumed == first.items - 2


def test_retry_errors_needs_resume(tmp_path, export):
    with pytest.raises(JournalError, match="--retry-errors goes with --resume"):
        run_batch([str(export)], str(tmp_path / "out.jsonl"), settings=SETTINGS, retry_errors=True)


def test_resume_refuses_a_journal_written_by_another_model(tmp_path, export):
    out = tmp_path / "out.jsonl"
    line = {"id": "r00", "label": "consumer", "error": None, "model": "other@9"}
    journal_path(out).write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(JournalError, match="written with model other@9"):
        run_batch([str(export)], str(out), settings=SETTINGS, resume=True)


def test_retry_errors_changes_nothing_when_the_journal_is_refused(tmp_path, export):
    out = tmp_path / "out.jsonl"
    lines = [
        {"id": "r00", "label": "consumer", "error": None, "model": "other@9"},
        {"id": "r01", "label": None, "error": {"type": "x", "message": "y"}, "model": "other@9"},
    ]
    journal_path(out).write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    before = journal_path(out).read_bytes()
    with pytest.raises(JournalError, match="written with model other@9"):
        run_batch([str(export)], str(out), settings=SETTINGS, resume=True, retry_errors=True)
    assert journal_path(out).read_bytes() == before
    running, _ = Journal.open(out, ["a", "b"], "other@9", resume=True)  # another run holds the journal
    try:
        with pytest.raises(JournalError, match="another stratclass batch run"):
            Journal.open(out, ["a", "b"], "other@9", resume=True, retry_errors=True)
        assert journal_path(out).read_bytes() == before
    finally:
        running.close()


def test_a_journal_cannot_be_written_by_two_runs_at_once(tmp_path):
    out = tmp_path / "out.jsonl"
    journal, _ = Journal.open(out, ["a", "b"], "m@1")
    try:
        with pytest.raises(JournalError, match="another stratclass batch run"):
            Journal.open(out, ["a", "b"], "m@1", resume=True)
    finally:
        journal.close()


def test_the_output_file_is_not_read_back_as_input(tmp_path, export):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(export, folder / "export.jsonl")
    out = folder / "labels.jsonl"
    first = run_batch([str(folder)], str(out), settings=SETTINGS)
    second = run_batch([str(folder)], str(out), settings=SETTINGS)
    assert first.items == second.items == 41


def test_a_record_that_breaks_the_model_fails_alone(monkeypatch):
    from stratclass.classifier import Classifier

    original = Classifier.classify_records

    def fragile(self, records):
        records = list(records)
        if any("BOOM" in r.text for r in records):
            raise RuntimeError("tokenizer exploded")
        return original(self, records)

    monkeypatch.setattr(Classifier, "classify_records", fragile)
    records = [Record(id="ok", text=TEXTS[0]), Record(id="bad", text="BOOM"), Record(id="ok2", text=TEXTS[1])]
    results = label_chunk(SETTINGS, records)
    assert [r.id for r in results] == ["ok", "bad", "ok2"]
    assert results[1].error.type == "classify_error" and "tokenizer exploded" in results[1].error.message
    assert results[0].label == "infrastructure" and results[2].label == "consumer"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jobs": 2, "scheduler": "tcp://127.0.0.1:1"}, "cannot be combined"),
        ({"jobs": 0}, "--jobs must be 1 or more"),
        ({"output": "out.txt"}, "must end in .jsonl or .csv"),
        ({"output": "-", "resume": True}, "--resume needs an output file"),
    ],
)
def test_unusable_options_are_refused_before_any_work(tmp_path, options, message):
    options = {"output": str(tmp_path / "out.jsonl"), **options}
    with pytest.raises((BatchError, JournalError), match=message):
        run_batch([str(FEEDS / "rss20-tech.xml")], settings=SETTINGS, **options)


def test_a_dask_cluster_gives_the_same_output_as_a_local_run(tmp_path, export):
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local.jsonl"
    run_batch([str(export), str(FEEDS)], str(local), settings=SETTINGS, chunk_size=8)
    remote = tmp_path / "remote.jsonl"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = run_batch(
            [str(export), str(FEEDS)],
            str(remote),
            settings=SETTINGS,
            scheduler=cluster.scheduler_address,
            chunk_size=8,
        )
    assert remote.read_bytes() == local.read_bytes()
    ids = Counter(r["id"] for r in _lines(remote))
    assert max(ids.values()) == 1 and summary.items == len(ids)


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path, export, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("stratclass.batch.DASK_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(BatchError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch([str(export)], str(tmp_path / "o.jsonl"), settings=SETTINGS, scheduler="tcp://127.0.0.1:9")
