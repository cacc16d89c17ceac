"""Reading labelled corpora and the checks that run before training."""

from __future__ import annotations

import json

from stratclass.corpus import Corpus, Example, read_corpus, validate_corpus


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _examples(counts: dict[str, int]) -> Corpus:
    return Corpus(
        [
            Example(f"text number {i} about {label}", label, f"x:{label}{i}")
            for label, n in counts.items()
            for i in range(n)
        ]
    )


def test_reads_jsonl_with_custom_field_names(tmp_path):
    path = _write_jsonl(
        tmp_path / "c.jsonl", [{"body": "hello there", "tag": "a"}, {"body": "bye now", "tag": "b"}]
    )
    corpus = read_corpus([path], text_field="body", label_field="tag")
    assert [(e.text, e.label) for e in corpus.examples] == [("hello there", "a"), ("bye now", "b")]
    assert corpus.examples[0].where == f"{path}:1"


def test_reads_csv_with_quoted_newlines_and_semicolons(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('text;label\n"line one\nline two";a\nplain;b\n', encoding="utf-8")
    corpus = read_corpus([path])
    assert [(e.text, e.label) for e in corpus.examples] == [("line one\nline two", "a"), ("plain", "b")]


def test_reads_folder_per_label(fixtures):
    corpus = read_corpus([fixtures / "three_labels"])
    assert sorted(set(corpus.labels)) == ["finance", "sports", "weather"]
    assert len(corpus.examples) == 18


def test_unreadable_lines_are_reported_not_dropped(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok", "label": "a"}\n{broken\n{"text": 3, "label": "a"}\n', encoding="utf-8")
    corpus = read_corpus([path])
    assert len(corpus.examples) == 1
    assert len(corpus.unreadable) == 2
    assert f"{path}:2: invalid JSON" in corpus.unreadable[0]
    report = validate_corpus(corpus)
    assert not report.ok and "could not be read" in report.errors[0]


def test_missing_csv_column_names_the_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("body,label\nhello,a\n", encoding="utf-8")
    corpus = read_corpus([path])
    assert "no column 'text'" in corpus.unreadable[0] and "columns: body, label" in corpus.unreadable[0]


def test_no_text_is_an_error():
    report = validate_corpus(Corpus())
    assert report.errors == ["the corpus has no text to train on"]


def test_empty_texts_are_errors_naming_the_records():
    corpus = _examples({"a": 5, "b": 5})
    corpus.examples.append(Example("   ", "a", "c.jsonl:99"))
    report = validate_corpus(corpus)
    assert any("no text" in e and "c.jsonl:99" in e for e in report.errors)


def test_single_label_is_an_error():
    report = validate_corpus(_examples({"only": 10}))
    assert any("only one label ('only')" in e for e in report.errors)


def test_label_with_too_few_examples_is_an_error():
    report = validate_corpus(_examples({"a": 10, "b": 2}), min_per_label=5)
    assert any("label 'b' has 2 example(s), fewer than 5" in e for e in report.errors)


def test_conflicting_duplicates_are_errors_naming_both_records():
    corpus = _examples({"a": 5, "b": 5})
    corpus.examples += [Example("Same  Text", "a", "f:1"), Example("same text", "b", "f:2")]
    report = validate_corpus(corpus)
    assert any("conflicting labels" in e and "f:1 (a)" in e and "f:2 (b)" in e for e in report.errors)


def test_same_label_duplicates_and_imbalance_are_warnings():
    corpus = _examples({"a": 40, "b": 5})
    corpus.examples += [Example("repeat me", "a", "f:1"), Example("repeat me", "a", "f:2")]
    report = validate_corpus(corpus)
    assert report.ok
    assert any("1 duplicate example(s)" in w for w in report.warnings)
    assert any("imbalanced" in w for w in report.warnings)


def test_corpus_hash_depends_on_content_only(tmp_path):
    rows = [{"text": "x y", "label": "a"}, {"text": "z", "label": "b"}]
    one = read_corpus([_write_jsonl(tmp_path / "1.jsonl", rows)])
    two = read_corpus([_write_jsonl(tmp_path / "2.jsonl", rows)])
    assert one.sha256() == two.sha256()


def test_near_duplicates_are_found_and_distinct_texts_are_not():
    from stratclass.corpus import near_duplicates

    texts = [
        "Boltmesh provides payment APIs and SDKs so marketplaces can pay out sellers in 30 countries.",
        "Boltmesh provides payment APIs and SDKs so marketplaces can pay out sellers in 31 countries!",
        "A meditation app with bedtime stories that helps people fall asleep faster.",
        "short one",
    ]
    assert [(i, j) for i, j, _ in near_duplicates(texts)] == [(0, 1)]


def test_near_duplicates_are_a_warning_naming_both_records():
    corpus = _examples({"a": 5, "b": 5})
    corpus.examples += [
        Example(
            "Our observability platform traces every slow request across your services, groups errors by "
            "release and pages the on-call engineer before customers notice anything.",
            "a",
            "f:1",
        ),
        Example(
            "Our observability platform traces every slow request across your services, groups errors by "
            "release and pages the on-call engineer before users notice anything.",
            "a",
            "f:2",
        ),
    ]
    report = validate_corpus(corpus)
    assert report.ok
    assert any("near-duplicate" in w and "f:1 ~ f:2" in w for w in report.warnings)
