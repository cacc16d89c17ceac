"""Reading inputs for classify: files, folders, globs, stdin, JSONL and CSV."""

from __future__ import annotations

import io
import json

from stratclass.sources import read_inputs


def test_a_file_is_one_record_with_its_path_as_id(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Cloud chips.", encoding="utf-8")
    (record,) = read_inputs([str(path)])
    assert (record.id, record.source, record.text, record.error) == (
        str(path),
        str(path),
        "Cloud chips.",
        None,
    )


def test_folders_are_searched_recursively_for_text_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "sub" / "b.md").write_text("two")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (tmp_path / ".hidden.txt").write_text("skip")
    records = list(read_inputs([str(tmp_path)]))
    assert [r.text for r in records] == ["one", "two"]


def test_globs_expand(tmp_path):
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(name)
    records = list(read_inputs([str(tmp_path / "x*.txt")]))
    assert [r.text for r in records] == ["x1.txt", "x2.txt"]


def test_stdin_is_one_text_record():
    (record,) = read_inputs(["-"], stdin=io.BytesIO(b"Snacks for kids.\nAnd more."))
    assert record.id == "<stdin>" and record.text == "Snacks for kids.\nAnd more."


def test_stdin_as_jsonl_uses_line_numbers_when_no_id():
    data = b'{"text": "a"}\n{"id": 7, "text": "b"}\n'
    records = list(read_inputs(["-"], input_format="jsonl", stdin=io.BytesIO(data)))
    assert [r.id for r in records] == ["<stdin>:1", "7"]


def test_jsonl_ids_fields_and_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"key": "k1", "body": "hello"}),
        "{not json",
        json.dumps({"key": "k3"}),
        "",
        json.dumps({"body": "no id"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    records = list(read_inputs([str(path)], text_field="body", id_field="key"))
    assert [r.id for r in records] == ["k1", f"{path}:2", "k3", f"{path}:5"]
    assert records[0].text == "hello" and records[0].error is None
    assert records[1].error.type == "invalid_json" and f"{path}:2" in records[1].error.message
    assert records[2].error.type == "missing_text" and "'body' is missing" in records[2].error.message


def test_csv_rows_with_quoted_newlines(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"first\nline"\n2,second\n', encoding="utf-8")
    records = list(read_inputs([str(path)]))
    assert [(r.id, r.text) for r in records] == [("1", "first\nline"), ("2", "second")]


def test_csv_without_the_text_column_is_one_error_naming_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    (record,) = read_inputs([str(path)])
    assert record.error.type == "missing_column" and "columns: id, body" in record.error.message


def test_missing_file_and_empty_glob_are_error_records(tmp_path):
    records = list(read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "*.zzz")]))
    assert [r.error.type for r in records] == ["not_found", "not_found"]
    assert "no such file" in records[0].error.message and "no files match" in records[1].error.message


def test_empty_and_binary_files_are_error_records(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00")
    records = list(read_inputs([str(tmp_path / "empty.txt"), str(tmp_path / "bin.txt")]))
    assert [r.error.type for r in records] == ["empty_input", "binary_input"]


def test_utf16_and_latin1_files_are_decoded(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Café API für Entwickler".encode("utf-16"))
    (tmp_path / "l1.txt").write_bytes(
        "Le café du coin vend des crêpes délicieuses à emporter.".encode("latin-1")
    )
    texts = [r.text for r in read_inputs([str(tmp_path / "u16.txt"), str(tmp_path / "l1.txt")])]
    assert texts == ["Café API für Entwickler", "Le café du coin vend des crêpes délicieuses à emporter."]
