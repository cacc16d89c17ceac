"""Bad input through the real command line: every input gives a result or an error record naming it and
the reason; never a traceback, never a record skipped in silence (README, "What stratclass guarantees
with bad input")."""

from __future__ import annotations

import codecs
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratclass.cli import main
from stratclass.decoding import MAX_TEXT_CHARS
from stratclass.sources import TABLE_SUFFIXES, TEXT_SUFFIXES, read_inputs

OK = "result"  # an expected outcome: a result without error (any other value is the error type)
INFRA = "We sell payment APIs and SDKs to software teams \u201cquickly\u201d; caf\u00e9 owners use them too."
SNACK = "Our crunchy chickpea snacks come in a dozen flavours for kids' lunchboxes."
FRENCH_CAFE = "Caf\u00e9 cr\u00e8me and na\u00efve r\u00e9sum\u00e9s: snacks for families, \u00a35 a box."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(
    range(256)
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", INFRA * 20)
    return buffer.getvalue()


def _jsonl(*rows: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode("utf-8")


def _billion_laughs(root: str) -> bytes:
    levels = "\n".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n<!ENTITY lol0 "lol">\n{levels}\n]>\n').encode() + {
        "rss": b'<rss version="2.0"><channel><title>Laughs</title><item><guid>lol-1</guid>'
        b"<title>Cloud APIs &lol9;</title><description>We sell APIs. &lol9;</description></item>"
        b"</channel></rss>",
        "opml": b'<opml version="2.0"><head><title>&lol9;</title></head><body>'
        b'<outline text="a" xmlUrl="feed.xml"/></body></opml>',
    }[root]


EXTERNAL_ENTITY_FEED = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
    b'<rss version="2.0"><channel><title>XXE</title><item><guid>xxe-1</guid>'
    b"<title>Payment APIs for software teams</title><description>Secret: &secret;</description>"
    b"</item></channel></rss>"
)
QUADRATIC_FEED = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + b"A" * 50_000 + b'">\n]>\n'
    b'<rss version="2.0"><channel><title>x</title><item><guid>q-1</guid><title>Snacks</title>'
    b"<description>" + b"&a;" * 2_000 + b"</description></item></channel></rss>"
)
SAFE_ENTITY_FEED = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n]>\n'
    b'<rss version="2.0"><channel><title>Fine</title><item><guid>ok-1</guid>'
    b"<title>Cloud&nbsp;APIs for developers</title><description>We sell APIs.</description></item>"
    b"</channel></rss>"
)


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return build


def _unreadable(folder: Path) -> Path:
    """A folder holding `locked.txt`, which cannot be read: mode 000, or for root (who reads anything) a
    symbolic link to a folder."""
    inner = folder / "docs"
    inner.mkdir()
    if IS_ROOT:
        (folder / "elsewhere").mkdir()
        (inner / "locked.txt").symlink_to(folder / "elsewhere")
    else:
        (inner / "locked.txt").write_text(INFRA, encoding="utf-8")
        (inner / "locked.txt").chmod(0)
    return inner


def _broken_symlink(folder: Path) -> Path:
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    return folder / "dangling.txt"


def _fifo_in_folder(folder: Path) -> Path:
    inner = folder / "docs"
    inner.mkdir()
    os.mkfifo(inner / "pipe.txt")
    return inner


@dataclass(frozen=True)
class Case:
    """An input built in a folder, the outcome expected for each of its records (OK or an error type),
    and the text every error message must contain (by default the input's file name)."""

    id: str
    build: Callable[[Path], Path]
    expected: tuple[str, ...]
    named: str | None = None
    commands: tuple[str, ...] = ("classify", "phrases", "batch")


BOM_CRLF_JSONL = codecs.BOM_UTF8 + _jsonl({"text": INFRA}, {"text": SNACK}).replace(b"\n", b"\r\n")
MIXED_JSONL = _jsonl({"text": INFRA}) + json.dumps({"text": FRENCH_CAFE}, ensure_ascii=False).encode("cp1252")
QUOTED_CSV = f'id,text\n1,"{INFRA}\nSecond line, with a comma"\n2,"{SNACK} ""Yum"""\n'.encode()
LONG_FIELD_CSV = f'id,text\n1,"{(INFRA + " ") * 2_000}"\n2,{SNACK}\n'.encode()


ODD_MARKUP_FEED = (
    b'<rss version="2.0"><channel><title>Odd</title>'
    b"<item><guid>1</guid><title>Cloud APIs</title><description>&lt;![&lt;abc</description></item>"
    b"<item><guid>2</guid><title>Snacks &#99999999; &#xD800; for kids</title></item></channel></rss>"
)


def _feed_case(case_id: str, name: str, data: bytes, *expected: str) -> Case:
    return Case(case_id, _file(name, data), expected, commands=("batch",))


CASES = [
    # Files that hold no text.
    Case("empty-file", _file("empty.txt", b""), ("empty_input",)),
    Case("whitespace-only", _file("blank.txt", b" \n\t\r\n  \n"), ("empty_input",)),
    Case("png-image", _file("photo.png", PNG), ("binary_input",)),
    Case("zip-archive", _file("archive.zip", _zip()), ("binary_input",)),
    Case("nul-bytes", _file("nul.txt", b"We sell cloud APIs\x00 to developers."), ("binary_input",)),
    # Text in any common encoding is decoded and labelled.
    Case("utf8-bom", _file("bom.txt", codecs.BOM_UTF8 + INFRA.encode("utf-8")), (OK,)),
    Case("utf16-le-bom", _file("le.txt", codecs.BOM_UTF16_LE + INFRA.encode("utf-16-le")), (OK,)),
    Case("utf16-be-bom", _file("be.txt", codecs.BOM_UTF16_BE + INFRA.encode("utf-16-be")), (OK,)),
    Case("windows-1252", _file("cp1252.txt", INFRA.encode("cp1252")), (OK,)),
    Case("latin-1", _file("latin1.txt", FRENCH_CAFE.encode("latin-1")), (OK,)),
    # Files that cannot be opened.
    Case("unreadable-file", _unreadable, ("unreadable",), named="locked.txt"),
    Case("broken-symlink", _broken_symlink, ("not_found",), named="dangling.txt"),
    Case("fifo-in-a-folder", _fifo_in_folder, ("unreadable",), named="pipe.txt"),
    # JSONL: one record per line, whatever the line holds.
    Case(
        "jsonl-invalid-line",
        _file("lines.jsonl", _jsonl({"text": INFRA}, "{not json", {"text": SNACK})),
        (OK, "invalid_json", OK),
        named="lines.jsonl:2",
    ),
    Case(
        "jsonl-missing-text",
        _file("lines.jsonl", _jsonl({"id": "a", "text": INFRA}, {"id": "b", "body": SNACK})),
        (OK, "missing_text"),
        named="lines.jsonl:2",
    ),
    Case(
        "jsonl-non-string-text",
        _file("lines.jsonl", _jsonl({"text": 5}, {"text": ["a"]}, {"text": None}, {"text": {"x": 1}})),
        ("missing_text",) * 4,
        named="lines.jsonl:",
    ),
    Case(
        "jsonl-blank-text",
        _file("lines.jsonl", _jsonl({"text": "  \n "}, {"text": ""})),
        ("empty_text", "empty_text"),
        named="lines.jsonl:",
    ),
    Case(
        "jsonl-not-objects",
        _file("lines.jsonl", _jsonl([1, 2], "null", '"text"')),
        ("invalid_record",) * 3,
        named="lines.jsonl:",
    ),
    Case(
        "jsonl-deep-nesting-and-huge-number",
        _file("lines.jsonl", _jsonl("[" * 100_000 + "]" * 100_000, '{"id": ' + "9" * 5000 + "}")),
        ("invalid_json", "invalid_json"),
        named="lines.jsonl:",
    ),
    Case("jsonl-bom-and-crlf", _file("lines.jsonl", BOM_CRLF_JSONL), (OK, OK)),
    Case("jsonl-utf16", _file("lines.jsonl", _jsonl({"text": INFRA}).decode().encode("utf-16")), (OK,)),
    Case("jsonl-a-windows-1252-line-in-utf8", _file("lines.jsonl", MIXED_JSONL), (OK, OK)),
    Case(
        "jsonl-lone-surrogates",
        _file("lines.jsonl", b'{"id": "s\\ud800", "text": "We sell APIs \\udc00 to developers."}\n'),
        (OK,),
    ),
    # CSV: columns, quoting and delimiters.
    Case("csv-missing-column", _file("table.csv", b"id,body\n1,We sell APIs.\n"), ("missing_column",)),
    Case("csv-quoted-newlines", _file("table.csv", QUOTED_CSV), (OK, OK)),
    Case("csv-semicolons", _file("table.csv", f"id;text\n1;{INFRA}\n2;{SNACK}\n".encode()), (OK, OK)),
    Case("csv-tabs", _file("table.csv", f"id\ttext\n1\t{INFRA}\n2\t{SNACK}\n".encode()), (OK, OK)),
    Case("csv-field-over-128-KiB", _file("table.csv", LONG_FIELD_CSV), (OK, OK)),
    Case(
        "csv-ragged-rows",
        _file("table.csv", f"id,text\n1\n2,{SNACK},extra,cells\n3,\n".encode()),
        ("missing_text", OK, "empty_text"),
        named="table.csv:",
    ),
    # Feeds (read by batch only): entity expansion and external entities are refused.
    _feed_case("feed-billion-laughs", "laughs.xml", _billion_laughs("rss"), "unsafe_xml"),
    _feed_case("opml-billion-laughs", "laughs.opml", _billion_laughs("opml"), "unsafe_xml"),
    _feed_case("feed-external-entity", "xxe.xml", EXTERNAL_ENTITY_FEED, "unsafe_xml"),
    _feed_case("feed-quadratic-blowup", "quad.rss", QUADRATIC_FEED, "unsafe_xml"),
    _feed_case("feed-character-entity", "fine.xml", SAFE_ENTITY_FEED, OK),
    _feed_case("feed-references-to-no-character", "odd.xml", ODD_MARKUP_FEED, OK, OK),
    _feed_case("feed-empty", "empty.xml", b"", "empty_input"),
    _feed_case("feed-binary", "image.rss", PNG, "binary_input"),
]


def _run(runner: CliRunner, command: str, target: Path, out: Path):
    """Run `command` on `target` and return (exit code, stderr, output records)."""
    if command == "batch":
        result = runner.invoke(main, ["batch", str(target), "--output", str(out), "--top-phrases", "3"])
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    else:
        result = runner.invoke(main, [command, str(target), "--format", "jsonl", "--top-phrases", "3"])
        lines = result.stdout.splitlines()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr, [json.loads(line) for line in lines]


@pytest.mark.parametrize(
    ("command", "case"),
    [pytest.param(command, case, id=f"{command}-{case.id}") for case in CASES for command in case.commands],
)
def test_every_input_gives_a_result_or_an_error_record_naming_it(command, case, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    target = case.build(folder)

    status, stderr, records = _run(CliRunner(), command, target, tmp_path / "out.jsonl")

    assert "Traceback" not in stderr
    assert len(records) == len(case.expected), records
    for record, expected in zip(records, case.expected, strict=True):
        if expected == OK:
            assert record["error"] is None, record["error"]
            if command != "phrases":
                assert record["label"] in ("infrastructure", "consumer", "uncertain")
        else:
            assert record["error"]["type"] == expected, record["error"]
            assert (case.named or target.name) in record["error"]["message"]
            assert record.get("label") is None and record["id"]
    assert status == (0 if set(case.expected) == {OK} else 1)
    if command == "batch":
        assert b"root:" not in (tmp_path / "out.jsonl").read_bytes()  # /etc/passwd was never read


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8-sig", INFRA),
        ("utf-16", INFRA),  # with a BOM
        ("utf-16-be-bom", INFRA),
        ("utf-32", INFRA),
        ("cp1252", INFRA),
        ("cp1252", FRENCH_CAFE),
        ("latin-1", FRENCH_CAFE),
        ("latin-1", "Café"),
        ("cp1252", "Naïve résumé – €10, Grüße aus München"),
        ("cp1252", "Die Geschäftsführung übernimmt große Verantwortung für Märkte."),
        ("cp1250", "Zażółć gęślą jaźń. Sprzedajemy usługi chmurowe dla firm i banków."),
        ("cp1251", "Мы продаём облачные сервисы для разработчиков и банков."),
    ],
)
def test_text_in_common_encodings_is_decoded_exactly(encoding, text, tmp_path):
    data = (
        codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        if encoding == "utf-16-be-bom"
        else text.encode(encoding)
    )
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    (record,) = read_inputs([str(path)])
    assert record.error is None and record.text == text


def test_installed_command_reports_a_folder_of_bad_files_record_by_record(tmp_path, stratclass_command):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = 0
    for case in CASES:
        if "classify" in case.commands:
            (folder / case.id).mkdir()
            target = case.build(folder / case.id)
            if target.is_dir() or target.suffix in (*TEXT_SUFFIXES, *TABLE_SUFFIXES):  # what a folder offers
                expected += len(case.expected)
    proc = subprocess.run(
        [*stratclass_command, "classify", str(folder), "--format", "jsonl", "--top-phrases", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == expected
    assert all(r["error"] is None or (r["error"]["type"] and r["error"]["message"]) for r in records)


@pytest.mark.parametrize(
    ("data", "args", "error"),
    [
        (PNG, [], "binary_input"),
        (b"", [], "empty_input"),
        (b"   \n", [], "empty_input"),
        (b'{"text": 1}\n{oops\n', ["--input-format", "jsonl"], "missing_text"),
    ],
    ids=["binary", "empty", "whitespace", "bad-jsonl"],
)
def test_bad_stdin_through_the_installed_command_is_an_error_record(data, args, error, stratclass_command):
    proc = subprocess.run(
        [*stratclass_command, "classify", "-", "--format", "jsonl", *args],
        input=data,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    first = json.loads(proc.stdout.splitlines()[0])
    assert first["error"]["type"] == error and "<stdin>" in first["error"]["message"]


# Training: a corpus that cannot be trained on stops with exit status 2, one line naming the records and
# what to do, and no output folder (the bundle is written to a temporary folder and renamed).

_INFRA_TEXTS = [f"Company {i} sells cloud API number {i} to developers and platform teams." for i in range(6)]
_SNACK_TEXTS = [f"Snack brand {i} delights families with crunchy treat number {i}." for i in range(6)]


def _corpus(*pairs: tuple[str, str]) -> bytes:
    return _jsonl(*({"text": text, "label": label} for text, label in pairs))


_GOOD = [(t, "infrastructure") for t in _INFRA_TEXTS] + [(t, "consumer") for t in _SNACK_TEXTS]
TRAIN_CASES = {
    "one-label": (_corpus(*_GOOD[:6]), ["only one label", "at least two"]),
    "label-with-one-example": (
        _corpus(*_GOOD[:6], _GOOD[6]),
        ["label 'consumer' has 1 example(s)", "add examples or drop the label"],
    ),
    "conflicting-duplicates": (
        _corpus(*_GOOD, (_INFRA_TEXTS[0], "consumer")),
        [
            "conflicting labels",
            "corpus.jsonl:1 (infrastructure), corpus.jsonl:13 (consumer)",
            "keep one label",
        ],
    ),
    "empty-texts": (
        _corpus(*_GOOD, ("   ", "consumer"), ("", "infrastructure")),
        ["2 example(s) have no text", "corpus.jsonl:13", "corpus.jsonl:14", "remove or fill them"],
    ),
    "unknown-fields": (
        _jsonl(*({"body": t, "category": lab} for t, lab in _GOOD)),
        ["corpus.jsonl:1: field 'text' is missing (the record has 'body', 'category')", "--text-field"],
    ),
    "invalid-lines": (
        _corpus(*_GOOD) + b"{broken\n",
        ["1 record(s) could not be read", "corpus.jsonl:13: invalid JSON", "fix or remove them"],
    ),
    "binary-file": (PNG, ["corpus.jsonl: binary data", "no text to train on"]),
    "empty-file": (b"", ["corpus.jsonl: empty", "no text to train on"]),
}


@pytest.mark.parametrize("name", list(TRAIN_CASES))
def test_a_corpus_that_cannot_be_trained_on_stops_with_a_message_and_no_output(name, tmp_path, monkeypatch):
    data, phrases = TRAIN_CASES[name]
    monkeypatch.chdir(tmp_path)  # messages name records as the user gave the file: corpus.jsonl:LINE
    Path("corpus.jsonl").write_bytes(data)
    out = tmp_path / "models" / "mine"
    result = CliRunner().invoke(main, ["train", "corpus.jsonl", "--output", str(out), "--min-per-label", "5"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("stratclass: error:")]
    for phrase in phrases:
        assert phrase in line
    assert not out.exists()
    assert not (out.parent.exists() and any(out.parent.iterdir()))  # no temporary folder left behind


def test_a_failed_train_leaves_an_existing_model_folder_as_it_was(tmp_path, small_model_dir):
    out = tmp_path / "model"
    shutil.copytree(small_model_dir, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (tmp_path / "corpus.jsonl").write_bytes(TRAIN_CASES["one-label"][0])
    result = CliRunner().invoke(main, ["train", str(tmp_path / "corpus.jsonl"), "--output", str(out)])
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "model"]


def test_train_reads_hostile_but_usable_corpus_files(tmp_path):
    """BOMs, CRLF, windows-1252 lines, quoted newlines and semicolons do not stop training."""
    jsonl = codecs.BOM_UTF8 + _corpus(*_GOOD[:3], *_GOOD[6:9]).replace(b"\n", b"\r\n")
    rows = "".join(f'"{t}\nMore at the caf\u00e9; ""soon""";{lab}\n' for t, lab in _GOOD[3:6] + _GOOD[9:])
    (tmp_path / "a.jsonl").write_bytes(jsonl)
    (tmp_path / "b.csv").write_bytes(("text;label\n" + rows).encode("cp1252"))
    out = tmp_path / "model"
    result = CliRunner().invoke(
        main, ["train", str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert (out / "model.json").is_file()
    card = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert card["training_data"]["labels"] == {"consumer": 6, "infrastructure": 6}


# Large inputs: bounded memory and time, no spaCy max_length error. Measured in a fresh process whose
# only child is the command, so that other tests' subprocesses do not count.

PEAK_MEMORY_LIMIT_MB = 700  # the 50 MB file peaks near 200 MB; without the text cap it took 2.9 GB
_MEASURE = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.buffer.write(b"%d %d\\n" % (proc.returncode, peak * (1 if sys.platform == "darwin" else 1024)))
sys.stdout.buffer.write(proc.stdout)
sys.stderr.buffer.write(proc.stderr)
"""


def _measured(command: list[str], args: list[str]) -> tuple[int, float, str, str]:
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *command, *args], capture_output=True, timeout=300)
    head, _, stdout = proc.stdout.partition(b"\n")
    status, peak = (int(x) for x in head.split())
    return status, peak / 2**20, stdout.decode("utf-8"), proc.stderr.decode("utf-8")


@pytest.mark.slow
def test_a_50_MB_file_and_a_5_MB_line_are_labelled_in_bounded_memory(tmp_path, stratclass_command):
    paragraph = (INFRA + " " + SNACK + " ") * 6 + "\n\n"
    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as handle:
        for _ in range(50 * 2**20 // len(paragraph) + 1):
            handle.write(paragraph)
    line = tmp_path / "line.txt"
    line.write_text((INFRA + " ") * (5 * 2**20 // (len(INFRA) + 1) + 1), encoding="utf-8")
    export = tmp_path / "one-line.jsonl"
    export.write_text(json.dumps({"id": "long", "text": (SNACK + " ") * 70_000}) + "\n", encoding="utf-8")
    assert big.stat().st_size > 50 * 2**20 and line.stat().st_size > 5 * 2**20

    status, peak_mb, stdout, stderr = _measured(
        stratclass_command,
        ["classify", str(big), str(line), str(export), "--format", "jsonl", "--top-phrases", "5"],
    )

    assert status == 0, stderr
    assert "Traceback" not in stderr
    records = [json.loads(x) for x in stdout.splitlines()]
    assert [r["id"] for r in records] == [str(big), str(line), "long"]
    assert all(r["error"] is None and r["label"] and r["key_phrases"] for r in records)
    assert stderr.count(f"longer than {MAX_TEXT_CHARS:,} characters") == 3
    assert peak_mb < PEAK_MEMORY_LIMIT_MB, f"peak memory {peak_mb:.0f} MB"


@pytest.mark.slow
def test_a_huge_stdin_is_labelled_and_read_to_the_end(tmp_path, stratclass_command):
    chunk = ((INFRA + " ") * 1000 + "\n").encode()
    script = (
        "import sys\nchunk = sys.argv[1].encode()\n"
        "for _ in range(40 * 2**20 // len(chunk)):\n    sys.stdout.buffer.write(chunk)\n"
    )
    producer = subprocess.Popen([sys.executable, "-c", script, chunk.decode()], stdout=subprocess.PIPE)
    consumer = subprocess.run(
        [*stratclass_command, "classify", "--format", "jsonl", "--top-phrases", "0"],
        stdin=producer.stdout,
        capture_output=True,
        timeout=300,
    )
    producer.stdout.close()
    assert producer.wait(timeout=60) == 0  # stdin was read to the end: no broken pipe for the writer
    assert consumer.returncode == 0, consumer.stderr
    (record,) = [json.loads(x) for x in consumer.stdout.splitlines()]
    assert record["id"] == "<stdin>" and record["label"] == "infrastructure"
