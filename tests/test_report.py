"""The HTML reports of `evaluate --report` and `classify --report`, parsed with the standard library."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratclass.cli import main
from stratclass.corpus import read_corpus
from stratclass.evaluation import evaluate
from stratclass.records import Record
from stratclass.report import (
    render_classification_report,
    render_evaluation_report,
    stream_with_report,
)
from stratclass.report_evaluation import calibration_bins
from stratclass.report_html import FIXED_COLOURS, label_colours

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self, skip_class: str | None = None) -> str:
        return "".join(
            child
            if isinstance(child, str)
            else ""
            if skip_class and skip_class in child.classes
            else child.text(skip_class)
            for child in self.children
        )

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                wanted = (tag is None or child.tag == tag) and all(
                    (value in child.classes)
                    if name == "class_"
                    else child.attrs.get(name.replace("_", "-")) == value
                    for name, value in attrs.items()
                )
                found += [child] * wanted + child.find_all(tag, **attrs)
        return found

    def ancestors(self) -> list[Node]:
        node, out = self.parent, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class TreeBuilder(HTMLParser):
    """A small DOM that insists every element it opens is closed, in order (no browser-style repair)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    """The document tree; fails on unbalanced tags, and on any URL outside text content."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    assert html.startswith("<!DOCTYPE html>")
    for node in builder.root.find_all():
        for name, value in node.attrs.items():
            assert not re.search(r"https?:|//|url\(", value, re.I), f"{node.tag} {name}={value!r}"
    assert not builder.root.find_all("script") and not builder.root.find_all("link")
    assert not builder.root.find_all("img") and not builder.root.find_all("iframe")
    return builder.root


def headings(doc: Node) -> list[str]:
    return [h.text().strip() for h in doc.find_all("h2")]


def charts(doc: Node) -> dict[str, Node]:
    return {svg.attrs["data-chart"]: svg for svg in doc.find_all("svg")}


# --- evaluate -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_metrics(fixtures) -> dict:
    return evaluate(read_corpus([fixtures / "small_corpus.jsonl"]), keep_predictions=True)


def _prediction(i: int, gold: str, predicted: str, confidence: float, text: str = "") -> dict:
    other = "infrastructure" if predicted == "consumer" else "consumer"
    return {
        "id": f"item-{i}",
        "text": text or f"text number {i}",
        "gold": gold,
        "predicted": predicted,
        "scores": {predicted: confidence, other: round(1 - confidence, 4)},
    }


def _metrics(predictions: list[dict]) -> dict:
    per_label = {
        lab: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1}
        for lab in ("consumer", "infrastructure")
    }
    return {
        "model": "test@1",
        "examples": len(predictions),
        "accuracy": 0.5,
        "macro_f1": 0.5,
        "brier": 0.5,
        "per_label": per_label,
        "confusion_matrix": {
            "labels": ["consumer", "infrastructure"],
            "rows_gold_columns_predicted": [[1, 2], [3, 4]],
        },
        "predictions": predictions,
    }


def test_evaluate_keeps_predictions_only_when_asked(fixtures, small_metrics):
    assert "predictions" not in evaluate(read_corpus([fixtures / "small_corpus.jsonl"]))
    predictions = small_metrics["predictions"]
    assert len(predictions) == small_metrics["examples"] == 28
    first = predictions[0]
    assert set(first) == {"id", "text", "gold", "predicted", "scores"}
    assert first["id"].endswith("small_corpus.jsonl:1") and first["text"].startswith("Quarrytech sells")
    assert abs(sum(first["scores"].values()) - 1) < 1e-3 and first["predicted"] in first["scores"]


def test_evaluation_report_has_every_section_and_chart(small_metrics):
    doc = parse(render_evaluation_report(small_metrics))
    assert headings(doc) == ["Confusion matrix", "Per-label metrics", "Calibration", "Worst mistakes"]
    found = charts(doc)
    assert set(found) == {"confusion-matrix", "per-label-metrics", "reliability-diagram", "score-histogram"}
    cells = found["confusion-matrix"].find_all("rect")
    assert {(c.attrs["data-gold"], c.attrs["data-predicted"]) for c in cells} == {
        (g, p) for g in ("consumer", "infrastructure") for p in ("consumer", "infrastructure")
    }
    assert "14" in found["confusion-matrix"].text()
    reliability = found["reliability-diagram"]
    assert reliability.find_all("line", data_role="diagonal")
    assert sum(int(bar.attrs["data-count"]) for bar in reliability.find_all("rect")) == 28
    histogram = found["score-histogram"].find_all("rect")
    assert sum(int(bar.attrs["data-count"]) for bar in histogram) == 28
    assert len(found["per-label-metrics"].find_all("rect")) == 2 * 3
    table = doc.find_all("table", class_="per-label")[0]
    assert [row.find_all("td")[0].text() for row in table.find_all("tr")[1:]] == [
        "consumer",
        "infrastructure",
    ]
    assert "No mistakes" in doc.find_all("section", id="mistakes")[0].text()


def test_worst_mistakes_are_the_twenty_most_confident_wrong_predictions():
    predictions = [_prediction(i, "consumer", "infrastructure", 0.5 + i / 100) for i in range(30)]
    predictions += [_prediction(99, "consumer", "consumer", 0.99, "right " * 200)]
    predictions.append(_prediction(100, "infrastructure", "consumer", 0.995, "long text " * 100))
    doc = parse(render_evaluation_report(_metrics(predictions)))
    rows = doc.find_all("section", id="mistakes")[0].find_all("tr")[1:]
    assert [row.attrs["data-id"] for row in rows] == ["item-100"] + [f"item-{i}" for i in range(29, 10, -1)]
    shown = rows[0].find_all("div", class_="mistake-text")[0].text()
    assert len(shown) <= 400 and shown.endswith("…")
    assert "31 wrong predictions" in doc.find_all("section", id="mistakes")[0].text()


def test_calibration_bins_count_and_score_the_predicted_label():
    predictions = [
        _prediction(0, "consumer", "consumer", 0.95),
        _prediction(1, "infrastructure", "consumer", 0.91),
        _prediction(2, "consumer", "consumer", 1.0),
        _prediction(3, "consumer", "consumer", 0.62),
    ]
    bins = calibration_bins(predictions)
    assert [b.count for b in bins] == [0, 0, 0, 0, 0, 0, 1, 0, 0, 3]
    assert bins[9].accuracy == pytest.approx(2 / 3) and bins[9].confidence == pytest.approx(0.9533, abs=1e-4)
    assert bins[6].accuracy == 1.0 and bins[6].confidence == pytest.approx(0.62)


def test_evaluation_report_without_predictions_says_how_to_get_them(small_metrics):
    metrics = {k: v for k, v in small_metrics.items() if k != "predictions"}
    doc = parse(render_evaluation_report(metrics))
    assert set(charts(doc)) == {"confusion-matrix", "per-label-metrics"}
    assert "keep_predictions=True" in doc.find_all("section", id="calibration")[0].text()


def test_three_label_evaluation_report(fixtures, three_label_model_dir):
    metrics = evaluate(read_corpus([fixtures / "three_labels"]), three_label_model_dir, keep_predictions=True)
    doc = parse(render_evaluation_report(metrics))
    assert len(charts(doc)["confusion-matrix"].find_all("rect")) == 9
    assert len(charts(doc)["per-label-metrics"].find_all("rect")) == 9


# --- classify -------------------------------------------------------------------------------------------

TEXT = "Acme sells an API to banks. The api is cheap.\n\nShoppers love the Acme app; the API powers it."


def _result(text: str = TEXT, **fields) -> dict:
    result = {
        "id": "doc-1",
        "source": "doc-1",
        "label": "infrastructure",
        "confidence": 0.8,
        "scores": {"consumer": 0.2, "infrastructure": 0.8},
        "key_phrases": [
            {"text": "API", "score": 1.0, "supports": "infrastructure", "start": 14, "end": 17},
            {"text": "Acme app", "score": 0.7, "supports": "consumer", "start": 65, "end": 73},
            {"text": "banks", "score": 0.4, "supports": None, "start": 21, "end": 26},
        ],
        "model": "test@1",
        "error": None,
    }
    result.update(fields)
    return result


def _card_text(card: Node) -> str:
    return card.find_all("p", class_="text")[0].text(skip_class="kp-tag")


def test_one_card_per_record_and_a_mark_per_key_phrase_occurrence():
    html = render_classification_report(
        [(_result(), TEXT), (_result(id="doc-2"), "No phrases here.")], ["consumer", "infrastructure"]
    )
    doc = parse(html)
    cards = doc.find_all("article", class_="card")
    assert [c.attrs["data-id"] for c in cards] == ["doc-1", "doc-2"]
    marks = cards[0].find_all("mark")
    assert [(m.attrs["data-supports"], m.text(skip_class="kp-tag")) for m in marks] == [
        ("infrastructure", "API"),
        ("", "banks"),
        ("infrastructure", "api"),
        ("consumer", "Acme app"),
        ("infrastructure", "API"),
    ]
    blue = FIXED_COLOURS["infrastructure"]
    assert all(blue in m.attrs["style"] for m in marks if m.attrs["data-supports"] == "infrastructure")
    assert FIXED_COLOURS["consumer"] in marks[3].attrs["style"]
    assert [m.find_all("span", class_="kp-tag")[0].text() for m in marks if m.attrs["data-supports"]] == [
        "infrastructure",
        "infrastructure",
        "consumer",
        "infrastructure",
    ]
    assert _card_text(cards[0]) == TEXT  # nothing added, lost or moved
    assert not cards[1].find_all("mark")
    assert [li.attrs["data-supports"] for li in cards[0].find_all("li")] == ["infrastructure", "consumer", ""]
    assert {row.attrs["data-label"] for row in cards[0].find_all("div", class_="score-row")} == {
        "consumer",
        "infrastructure",
    }


def test_segments_are_shaded_spans_with_their_offsets_and_marks_nest_inside():
    segments = [
        {
            "start": 0,
            "end": 45,
            "label": "infrastructure",
            "scores": {"consumer": 0.1, "infrastructure": 0.9},
        },
        {
            "start": 47,
            "end": len(TEXT),
            "label": "consumer",
            "scores": {"consumer": 0.7, "infrastructure": 0.3},
        },
    ]
    doc = parse(
        render_classification_report(
            [(_result(segments=segments, mixed=True), TEXT)], ["consumer", "infrastructure"]
        )
    )
    shaded = doc.find_all("span", class_="seg")
    assert [
        (int(s.attrs["data-start"]), int(s.attrs["data-end"]), s.attrs["data-label"]) for s in shaded
    ] == [
        (0, 45, "infrastructure"),
        (47, len(TEXT), "consumer"),
    ]
    assert [s.text(skip_class="kp-tag") for s in shaded] == [TEXT[0:45], TEXT[47:]]
    assert FIXED_COLOURS["consumer"] in shaded[1].attrs["style"]
    for mark in doc.find_all("mark"):
        assert any("seg" in a.classes for a in mark.ancestors())
    assert doc.find_all("span", data_mixed="true")


def test_overlapping_phrases_and_segments_still_nest_and_keep_the_text():
    text = "Cloud GPU rental for AI labs and cloud gaming for players at home."
    phrases = [
        {"text": "GPU rental for AI", "score": 0.5, "supports": "infrastructure", "start": 6, "end": 23},
        {"text": "AI labs", "score": 0.9, "supports": "infrastructure", "start": 21, "end": 28},
        {"text": "cloud", "score": 0.3, "supports": "consumer", "start": 0, "end": 5},
        {"text": "cloud gaming", "score": 0.8, "supports": "consumer", "start": 33, "end": 45},
        {"text": "ghost", "score": 0.2, "supports": "consumer", "start": 500, "end": 505},  # bad offsets
        {"text": "players", "score": 0.2, "supports": "consumer", "start": 0, "end": 5},  # wrong offsets
    ]
    segments = [
        {"start": 0, "end": 24, "label": "infrastructure"},
        {"start": 10, "end": 30, "label": "consumer"},  # overlaps the first: left out
        {"start": 24, "end": len(text), "label": "uncertain"},
    ]
    result = _result(text, key_phrases=phrases, segments=segments)
    doc = parse(render_classification_report([(result, text)], ["consumer", "infrastructure"]))
    card = doc.find_all("article")[0]
    assert _card_text(card) == text
    assert [s.attrs["data-start"] for s in card.find_all("span", class_="seg")] == ["0", "24"]
    marks = card.find_all("mark")
    # "AI labs" beats the overlapping "GPU rental for AI"; it crosses the segment edge, so it is in two parts
    assert [m.text(skip_class="kp-tag") for m in marks] == ["Cloud", "AI ", "labs", "cloud gaming", "players"]
    assert [len(m.find_all("span", class_="kp-tag")) for m in marks] == [1, 0, 1, 1, 1]


def test_error_records_get_an_error_card():
    failed = _result(
        label=None,
        confidence=None,
        scores={},
        key_phrases=[],
        error={"type": "empty_text", "message": "no text to classify"},
    )
    doc = parse(render_classification_report([(failed, "")], ["consumer", "infrastructure"]))
    (card,) = doc.find_all("article")
    assert "card-error" in card.classes and card.attrs["data-label"] == "error"
    assert card.find_all("p", class_="error-message")[0].text() == "empty_text: no text to classify"
    assert "error" in [
        s.find_all("div", class_="stat-name")[0].text() for s in doc.find_all("div", class_="stat")
    ]


def test_hostile_text_is_escaped():
    text = "<script>alert('x')</script> sells \"APIs\" & <b>cloud</b> at https://evil.example/x.js"
    phrases = [{"text": "<b>cloud</b>", "score": 1.0, "supports": "infrastructure", "start": 43, "end": 55}]
    result = _result(text, id='"><img src=x onerror=alert(1)>', key_phrases=phrases, title="<i>title</i>")
    html = render_classification_report([(result, text)], ["consumer", "infrastructure"], title="<h1>report")
    doc = parse(html)  # also: no script element, URLs only in text content
    assert "<script>" not in html and "&lt;script&gt;" in html
    card = doc.find_all("article")[0]
    assert _card_text(card) == text
    assert card.find_all("mark")[0].text(skip_class="kp-tag") == "<b>cloud</b>"
    assert card.attrs["data-id"] == '"><img src=x onerror=alert(1)>'
    assert card.find_all("h3")[0].text() == "<i>title</i>"


def test_reports_load_nothing_from_the_network(small_metrics):
    evaluation = render_evaluation_report(small_metrics)
    classification = render_classification_report([(_result(), TEXT)], ["consumer", "infrastructure"])
    for html in (evaluation, classification):
        assert "http://" not in html and "https://" not in html and "src=" not in html


def test_a_three_label_model_renders_with_its_own_colours(three_label_model_dir):
    from stratclass.classifier import Classifier

    classifier = Classifier(three_label_model_dir, top_phrases=5)
    texts = [
        "The striker scored twice and the team won the league title.",
        "Shares fell as the central bank raised interest rates again.",
        "Heavy rain and strong winds are expected tomorrow afternoon.",
    ]
    items = [(classifier.classify(t, id=f"t{i}").to_dict(), t) for i, t in enumerate(texts)]
    doc = parse(render_classification_report(items, classifier.labels))
    cards = doc.find_all("article")
    assert len(cards) == 3 and all(_card_text(c) == t for c, t in zip(cards, texts, strict=True))
    colours = label_colours(classifier.labels)
    assert len({colours[lab] for lab in classifier.labels}) == 3
    bars = charts(doc)["label-counts"].find_all("rect")
    assert {b.attrs["fill"] for b in bars} <= {colours[lab] for lab in [*classifier.labels, "uncertain"]}
    assert all(m.attrs["data-supports"] in {"", *classifier.labels} for m in doc.find_all("mark"))


def test_evidence_is_shown_when_present():
    evidence = {
        "features": [{"feature": "api", "weight": 1.25, "supports": "infrastructure"}],
        "sentences": {
            "consumer": [{"text": "Shoppers love the Acme app", "start": 47, "end": 73, "score": 0.9}]
        },
    }
    doc = parse(
        render_classification_report([(_result(evidence=evidence), TEXT)], ["consumer", "infrastructure"])
    )
    block = doc.find_all("div", class_="evidence")[0]
    assert "api +1.25" in block.find_all("span", class_="chip")[0].text()
    assert "Shoppers love the Acme app" in block.find_all("ol")[0].text()


def test_a_long_run_is_capped_with_a_note_but_counted_in_full():
    items = [(_result(id=f"d{i}"), TEXT) for i in range(7)]
    doc = parse(render_classification_report(items, ["consumer", "infrastructure"], limit=3))
    assert len(doc.find_all("article")) == 3
    (note,) = doc.find_all("p", class_="note")
    assert note.attrs["data-left-out"] == "4" and "first 3 of 7 records" in note.text()
    assert "7" in doc.find_all("div", class_="stat")[0].text()


def test_stream_with_report_passes_results_through_and_pairs_texts(default_classifier, tmp_path):
    records = [
        Record(id="a", text="We sell payment APIs to software teams."),
        Record(id="b", text="   "),
        Record(id="c", text="Crunchy snacks for kids' lunchboxes."),
    ]
    out = tmp_path / "report.html"
    streamed = stream_with_report(
        iter(records), default_classifier.classify_records, out, default_classifier.labels
    )
    results = list(streamed)
    assert [r.id for r in results] == ["a", "b", "c"] and results[1].error is not None
    doc = parse(out.read_text(encoding="utf-8"))
    cards = doc.find_all("article")
    assert [c.attrs["data-id"] for c in cards] == ["a", "b", "c"]
    assert _card_text(cards[2]) == records[2].text and "card-error" in cards[1].classes


# --- the command line -----------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_classify_report_option_writes_the_report_and_keeps_the_output(tmp_path):
    report = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(
        main, ["classify", str(EXAMPLES), "--report", str(report), "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    doc = parse(report.read_text(encoding="utf-8"))
    cards = doc.find_all("article")
    assert [c.attrs["data-id"] for c in cards] == [r["id"] for r in rows]
    assert [c.attrs["data-label"] for c in cards] == [r["label"] for r in rows]
    assert len(cards[1].find_all("mark")) >= len(rows[1]["key_phrases"])
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]  # written atomically


def test_classify_report_includes_failed_records_and_exit_1(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "api.txt").write_text("Managed Postgres for engineering teams.", encoding="utf-8")
    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["classify", str(tmp_path / "api.txt"), str(tmp_path / "empty.txt"), "--report", str(report)]
    )
    assert result.exit_code == 1
    cards = parse(report.read_text(encoding="utf-8")).find_all("article")
    assert ["card-error" in c.classes for c in cards] == [False, True]


def test_evaluate_report_option_writes_the_report_and_keeps_json_unchanged(fixtures, tmp_path):
    report, metrics_file = tmp_path / "report.html", tmp_path / "metrics.json"
    corpus = str(fixtures / "small_corpus.jsonl")
    args = ["evaluate", corpus, "--report", str(report), "--output", str(metrics_file), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    printed, written = json.loads(result.stdout), json.loads(metrics_file.read_text())
    assert printed == written and "predictions" not in written
    assert written == json.loads(CliRunner().invoke(main, ["evaluate", corpus, "--format", "json"]).stdout)
    doc = parse(report.read_text(encoding="utf-8"))
    assert {"confusion-matrix", "per-label-metrics", "reliability-diagram", "score-histogram"} == set(
        charts(doc)
    )
    assert corpus in doc.find_all("p", class_="subtitle")[0].text()
