"""Feeds and OPML lists, from files and from a real HTTP server on 127.0.0.1, become records."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from feed_server import serve_feeds

from stratclass import __version__
from stratclass.feeds import read_feeds
from stratclass.fetch import FetchError, FetchOptions, fetch_url
from stratclass.html_text import html_to_text

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FAST = FetchOptions(timeout=2.0, retries=0, backoff=0.01)


def _records(name: str) -> list:
    return list(read_feeds(str(FEEDS / name)))


@pytest.fixture(scope="module")
def server():
    with serve_feeds() as running:
        yield running


def test_html_to_text_keeps_visible_text_one_line_per_block():
    markup = (
        "<p>Payouts &amp; <em>APIs</em>&nbsp;for teams</p><script>track()</script>"
        "<ul><li>one</li><li>two</li></ul>"
    )
    assert html_to_text(markup) == "Payouts & APIs for teams\none\ntwo"  # nbsp too is a space


def test_html_to_text_leaves_plain_text_with_angle_brackets_alone():
    assert html_to_text("5 < 6 and  AT&T") == "5 < 6 and AT&T"


def test_rss20_items_become_records_with_feed_metadata():
    first, second, third = _records("rss20-tech.xml")
    assert first.id == "wire-1001"
    assert first.title == "Ledgerline opens its payouts API to every platform"
    assert "usage-based payout APIs" in first.text and "track()" not in first.text
    assert (
        "per call & volume discounts" in first.text and "&amp;" not in first.text and "<p>" not in first.text
    )
    assert first.meta == {
        "link": "https://wire.example.com/2024/ledgerline-payouts-api",
        "published": "2024-03-05T09:30:00+00:00",
        "feed": {"title": "Northwind Tech Wire", "url": str(FEEDS / "rss20-tech.xml")},
        "categories": ["Payments", "Developer tools"],
    }
    assert first.source == str(FEEDS / "rss20-tech.xml")
    assert second.meta["published"] == "2024-03-06T13:00:00+00:00"  # +0100 converted to UTC
    assert third.id == "https://wire.example.com/2024/fabrik-gpu"  # no guid: the link
    assert third.meta["published"] is None and third.meta["categories"] == []


def test_cdata_body_and_content_encoded_give_the_fuller_text():
    brightcup = _records("rss20-tech.xml")[1]
    assert brightcup.text.startswith("Brightcup launches a coffee subscription app\n\n")
    assert "coffee lovers order ahead" in brightcup.text
    assert "first cup is free" in brightcup.text  # only in content:encoded
    assert "<strong>" not in brightcup.text


def test_rss10_rdf_items_use_their_about_uri_and_dc_date():
    crisps, milk = _records("rss10-snacks.rdf")
    assert crisps.id == "https://pantry.example.org/chickpea-crisps"
    assert crisps.meta["published"] == "2024-02-11T08:00:00+00:00"
    assert crisps.meta["categories"] == ["Snacks"]
    assert crisps.meta["feed"]["title"] == "Pantry Notes"
    assert milk.title == "Barista oat milk from Meadowpour reaches corner cafés"


def test_atom_entries_reduce_html_titles_and_xhtml_content():
    quarry, syndicated, glowbox = _records("atom-launches.atom")
    assert quarry.id == "tag:launchlog.example.net,2024:quarry-db"
    assert quarry.title == "Quarry DB ships serverless Postgres"
    assert "Branching for CI pipelines\nSOC 2 compliance" in quarry.text
    assert quarry.meta["categories"] == ["databases", "cloud"]
    assert quarry.meta["published"] == "2024-03-07T10:00:00+00:00"
    assert syndicated.meta["published"] == "2024-03-05T09:30:00+00:00"  # only <updated>: used instead
    assert glowbox.meta["link"] is None


def test_item_without_guid_or_link_gets_a_stable_hash_id():
    first = _records("atom-launches.atom")[2]
    again = _records("atom-launches.atom")[2]
    assert first.id.startswith("sha1:") and len(first.id) == 5 + 40
    assert first.id == again.id


def test_feed_with_a_wrongly_declared_encoding_still_yields_its_items():
    (item,) = _records("wrong-encoding-cp1252.xml")
    assert item.error is None
    assert item.title == "\u201cOrbit Freight\u201d sells route-planning software to logistics firms"
    assert "Orbit Freight\u2019s SaaS" in item.text and "\u2014" in item.text
    assert item.meta["feed"]["title"] == "Café Ledger"


def test_utf16_feed_is_decoded():
    (item,) = _records("utf16-feed.xml")
    assert item.title == "Nähe launches a grocery delivery app for families"
    assert item.meta["feed"]["title"] == "Überblick Weekly"


def test_whitespace_before_the_xml_declaration_is_recovered():
    (item,) = _records("whitespace-before-declaration.xml")
    assert item.error is None and item.id == "odd-whitespace"
    assert "API gateway" in item.text


def test_an_html_page_is_an_error_record_not_a_feed():
    (record,) = _records("not-a-feed.html")
    assert record.error is not None and record.error.type == "not_a_feed"
    assert record.id == str(FEEDS / "not-a-feed.html")
    assert record.error.message == f"{FEEDS / 'not-a-feed.html'}: an HTML page, not an RSS, Atom or OPML feed"


def test_a_feed_with_zero_items_yields_nothing():
    assert _records("empty-feed.xml") == []


def test_missing_feed_file_is_an_error_record():
    (record,) = list(read_feeds(str(FEEDS / "no-such-feed.xml")))
    assert record.error.type == "not_found" and "no-such-feed.xml: no such file" in record.error.message


def test_opml_lists_feeds_relative_to_the_list_itself():
    records = _records("feeds.opml")
    sources = [r.source for r in records]
    assert (
        sources
        == [str(FEEDS / "rss20-tech.xml")] * 3
        + [str(FEEDS / "atom-launches.atom")] * 3
        + [str(FEEDS / "rss10-snacks.rdf")] * 2
    )
    assert all(r.error is None for r in records)


def test_a_listed_feed_that_fails_is_an_error_record_naming_the_list(tmp_path):
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<opml version="1.0"><body><outline xmlUrl="gone.xml"/><outline text="no feed"/></body></opml>',
        encoding="utf-8",
    )
    (record,) = list(read_feeds(str(opml)))
    assert record.id == str(tmp_path / "gone.xml")
    assert record.error.message == f"{tmp_path / 'gone.xml'}: no such file (listed in {opml})"


def test_broken_opml_is_an_error_record(tmp_path):
    opml = tmp_path / "broken.opml"
    opml.write_text("<opml><body><outline xmlUrl='a.xml'></body>", encoding="utf-8")
    (record,) = list(read_feeds(str(opml)))
    assert record.error.type == "invalid_opml" and str(opml) in record.error.message


def test_feed_url_is_fetched_with_a_stratclass_user_agent(server):
    url = server.feed_url("rss20-tech.xml")
    records = list(read_feeds(url, FAST))
    assert records[0].id == "wire-1001"
    assert records[0].meta["feed"] == {"title": "Northwind Tech Wire", "url": url}
    request = next(r for r in server.requests if r["path"] == "/feeds/rss20-tech.xml")
    assert request["user-agent"] == f"stratclass/{__version__} (+feed labeller)"


def test_redirects_are_followed(server):
    fetched = fetch_url(f"{server.url}/moved.xml", FAST)
    assert fetched.final_url == server.feed_url("rss20-tech.xml")
    assert next(read_feeds(f"{server.url}/moved.xml", FAST)).id == "wire-1001"


def test_http_404_is_an_error_record_with_url_and_status(server):
    url = f"{server.url}/missing.xml"
    (record,) = list(read_feeds(url, FAST))
    assert record.id == url and record.source == url
    assert record.error.type == "http_error"
    assert record.error.message == f"{url}: HTTP 404 Not Found"


def test_a_slow_server_times_out_after_the_retries(server):
    options = FetchOptions(timeout=0.3, retries=1, backoff=0.01)
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{server.url}/slow.xml", options)
    assert caught.value.kind == "timeout"
    assert str(caught.value) == f"{server.url}/slow.xml: no answer within 0.3 s (after 2 attempts)"


def test_a_503_is_retried_with_backoff(server):
    options = FetchOptions(timeout=2.0, retries=2, backoff=0.01)
    records = list(read_feeds(f"{server.url}/flaky.xml", options))
    assert [r.error for r in records] == [None, None, None]


def test_gzip_bodies_are_decompressed(server):
    assert len(list(read_feeds(f"{server.url}/gzip.atom", FAST))) == 3


def test_bodies_over_the_size_cap_are_refused(server):
    (record,) = list(
        read_feeds(f"{server.url}/big.xml", FetchOptions(timeout=2.0, retries=0, max_bytes=10_000))
    )
    assert record.error.type == "too_large" and "10000-byte cap" in record.error.message


def test_an_unreachable_port_is_an_error_record():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    (record,) = list(read_feeds(url, FetchOptions(timeout=1.0, retries=0)))
    assert record.error.type == "unreachable" and record.error.message.startswith(f"{url}: unreachable")


def test_remote_opml_resolves_relative_urls_and_reports_each_failure(server):
    records = list(read_feeds(f"{server.url}/list.opml", FAST))
    good = [r for r in records if r.error is None]
    failed = {r.id: r.error for r in records if r.error is not None}
    assert [r.id for r in good] == ["wire-1001", "https://wire.example.com/2024/brightcup-app", good[2].id]
    assert good[0].source == server.feed_url("rss20-tech.xml")
    assert failed[f"{server.url}/missing.xml"].type == "http_error"
    assert failed[server.feed_url("not-a-feed.html")].type == "not_a_feed"
    assert f"(listed in {server.url}/list.opml)" in failed[f"{server.url}/missing.xml"].message


def test_only_http_urls_are_fetched():
    with pytest.raises(FetchError, match="only http:// and https://"):
        fetch_url("ftp://example.com/feed.xml")
