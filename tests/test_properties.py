"""Properties of the readers and writers, for any text hypothesis can think of: JSONL and CSV round
trips keep every text and id, results written by the sinks read back field for field, and the readers
turn any bytes into records or error records, never an exception."""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratclass.corpus import read_corpus
from stratclass.exports import stream_csv, stream_jsonl
from stratclass.feeds import FeedError, parse_feed, read_feeds
from stratclass.html_text import html_to_text
from stratclass.records import ErrorInfo, KeyPhrase, Result
from stratclass.sinks import CsvSink, JsonlSink, TableSink, flatten_result
from stratclass.sources import read_inputs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LABELS = ["consumer", "infrastructure"]

# Any text: newlines, quotes, delimiters, unicode (no lone surrogates: they cannot be written as UTF-8).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["", " ", "\n", "\r\n", '"', '""', ",", ";", "\t", "|", "a\rb", "\x00", "\ufeff", "\u2028", "\x85"]
)
# CSV files are text: no NUL or other control characters, which mark binary data (see README).
csv_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t,;|\"'"), max_size=60
)
row_id = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip()
)


class _Pipe(io.RawIOBase):
    """A stream that cannot rewind, like stdin from a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(min(len(buffer), 7))  # short reads, as a pipe gives
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _records(reader, data: bytes, piped: bool):
    stream = io.BufferedReader(_Pipe(data)) if piped else io.BytesIO(data)
    return list(reader("in", "text", "id", stream=stream))


@SETTINGS
@given(
    st.lists(st.tuples(row_id, any_text), min_size=1, max_size=8),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    st.booleans(),
)
def test_jsonl_round_trip_keeps_texts_and_ids(rows, ascii_only, encoding, piped):
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=ascii_only) for i, t in rows]
    data = ("\n".join(lines) + "\n").encode(encoding)
    records = _records(stream_jsonl, data, piped)
    assert [(r.id, r.text) for r in records] == rows
    for record, (_, text) in zip(records, rows, strict=True):
        assert (record.error is None) == bool(text.strip())  # a blank text is an error record, kept


@SETTINGS
@given(
    st.lists(st.tuples(row_id, csv_text), min_size=1, max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    st.booleans(),
)
def test_csv_round_trip_keeps_texts_and_ids(rows, delimiter, encoding, piped):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    records = _records(stream_csv, out.getvalue().encode(encoding), piped)
    assert [(r.id, r.text) for r in records] == rows


@SETTINGS
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), st.booleans())
def test_a_nul_byte_makes_a_csv_one_binary_error_record(text, piped):
    data = f"id,text\n1,{text}\x00\n".encode()
    (record,) = _records(stream_csv, data, piped)
    assert record.error is not None and record.error.type == "binary_input" and "in" in record.error.message


phrase = st.builds(
    KeyPhrase,
    text=any_text,
    score=st.floats(0, 1),
    supports=st.sampled_from([None, *LABELS]),
    start=st.integers(0, 10**6),
    end=st.integers(0, 10**6),
)


@st.composite
def results(draw) -> Result:
    failed = draw(st.booleans())
    labelled = draw(st.booleans())
    p = draw(st.floats(0, 1))
    return Result(
        id=draw(any_text),
        source=draw(st.none() | any_text),
        label=None if failed or not labelled else draw(st.sampled_from([*LABELS, "uncertain"])),
        confidence=None if failed or not labelled else max(p, 1 - p),
        scores={} if failed or not labelled else {"consumer": p, "infrastructure": 1 - p},
        key_phrases=[] if failed else draw(st.lists(phrase, max_size=4)),
        model="test@1",
        error=ErrorInfo(draw(st.sampled_from(["binary_input", "invalid_json"])), draw(any_text))
        if failed
        else None,
        title=draw(st.none() | any_text),
        labelled=labelled,
    )


@SETTINGS
@given(st.lists(results(), min_size=1, max_size=6))
def test_jsonl_sink_output_reads_back_as_the_results(items):
    out = io.StringIO()
    sink = JsonlSink(out)
    for result in items:
        sink.write(result)
    sink.close()
    lines = out.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == len(items) + 1  # one line per result, whatever the text
    assert [json.loads(line) for line in lines[:-1]] == [r.to_dict() for r in items]


@SETTINGS
@given(st.lists(results(), min_size=1, max_size=6))
def test_csv_sink_output_reads_back_as_the_results(items):
    out = io.StringIO(newline="")
    labelled = items[0].labelled
    for result in items:
        result.labelled = labelled  # one file holds one kind of result
    sink = CsvSink(out, LABELS, labelled=labelled)
    for result in items:
        sink.write(result)
    sink.close()
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    expected = [{k: "" if v is None else str(v) for k, v in flatten_result(r, LABELS).items()} for r in items]
    assert rows == expected


BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
any_bytes = st.builds(
    lambda bom, body: bom + body,
    st.sampled_from(BOMS),
    st.binary(max_size=300)
    | st.lists(
        st.sampled_from([b"{", b"}", b'"text"', b":", b",", b"\n", b"\r", b'"', b"\xe9", b"a", b"\\u"])
    ).map(b"".join),
)


@SETTINGS
@given(any_bytes, st.sampled_from(["text", "jsonl", "csv"]), st.booleans())
def test_readers_turn_any_bytes_into_records_or_error_records(data, input_format, piped):
    stream = io.BufferedReader(_Pipe(data)) if piped else io.BytesIO(data)
    records = list(read_inputs(["-"], input_format=input_format, stdin=stream))
    if input_format == "text":
        assert len(records) == 1
    for record in records:
        if record.error is not None:
            assert record.error.type and "<stdin>" in record.error.message and record.id
        else:
            assert isinstance(record.text, str) and record.text.strip()
            record.text.encode("utf-8")  # writable as output


@settings(max_examples=100, deadline=None)
@given(any_bytes | st.sampled_from([b"<rss", b"<?xml version='1.0'?><rss version='2.0'><channel><item>"]))
def test_feed_and_corpus_readers_never_raise_on_any_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        for name in ("feed.xml", "list.opml", "corpus.jsonl", "corpus.csv"):
            (Path(folder) / name).write_bytes(data)
        for name in ("feed.xml", "list.opml"):
            for record in read_feeds(str(Path(folder) / name)):
                assert record.error is None or name in record.error.message
        corpus = read_corpus([Path(folder) / "corpus.jsonl", Path(folder) / "corpus.csv"])
        assert all(isinstance(message, str) for message in corpus.unreadable)


MARKUP_PIECES = [
    *("<", ">", "</", "<!", "<![", "<!--", "-->", "<?", "]]>", "CDATA[", "=", '"', " ", "\n"),
    *("&", "&#", "&#x", ";", "&nbsp;", "&lol;", "&#xD800;", "&#99999999;", "&#0;"),  # some refer to nothing
    *("a", "p", "div", "script"),
]
markup = st.lists(st.sampled_from(MARKUP_PIECES), max_size=30).map("".join)


@SETTINGS
@given(markup | st.text(max_size=60))
def test_html_to_text_reads_any_markup(value):
    html_to_text(value).encode("utf-8")


@SETTINGS
@given(markup, st.sampled_from(["escaped", "cdata", "raw"]))
def test_any_markup_in_a_feed_item_gives_records_or_one_feed_error(body, how):
    description = {
        "escaped": xml_escape(body),
        "cdata": "<![CDATA[" + body.replace("]]>", "") + "]]>",
        "raw": body,
    }[how]
    document = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
        f"<title>Cloud {description}</title><description>{description}</description></item></channel></rss>"
    )
    try:
        records = list(parse_feed(document.encode("utf-8", "surrogatepass"), "feed.xml"))
    except FeedError as exc:
        assert "feed.xml" in str(exc)
        return
    for record in records:
        (record.id + record.text + (record.title or "")).encode("utf-8")


@SETTINGS
@given(results())
def test_a_table_line_holds_no_control_characters_from_the_input(result):
    out = io.StringIO()
    TableSink(out, LABELS, colour=False).write(result)
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in out.getvalue().replace("\n", ""))
