"""Key phrases: candidates, de-duplication, offsets, supports, edge cases, and `stratclass phrases`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stratclass.cli import main
from stratclass.keyphrases import KeyPhraseExtractor
from stratclass.nlp import parse_text


def _phrases(nlp, text, bundle=None, top_n=10):
    extractor = KeyPhraseExtractor(bundle)
    return extractor.extract([parse_text(nlp, text)], top_n)[0]


def test_near_duplicates_are_merged_into_one_phrase(nlp):
    text = "Our API is fast. APIs matter to developers, and API access is metered. The API ships today."
    phrases = [p.text for p in _phrases(nlp, text)]
    api_like = [p for p in phrases if "api" in p.lower()]
    assert len(api_like) == 1, phrases


def test_offsets_slice_the_original_text(nlp, default_classifier):
    text = "Crunchwell's chickpea snacks sit on 3,000 grocery shelves;\n\nthe subscription box ships monthly."
    for phrase in _phrases(nlp, text, default_classifier.bundle):
        assert text[phrase.start : phrase.end] == phrase.text


def test_no_stop_word_debris_lone_numbers_or_verbs(nlp):
    text = "In this paper, we propose a robust self-tuning PID controller for nonlinear systems in 2024."
    phrases = [p.text for p in _phrases(nlp, text)]
    assert "robust self-tuning PID controller" in phrases
    assert "nonlinear systems" in phrases
    for phrase in phrases:
        first, last = phrase.split()[0].lower(), phrase.split()[-1].lower()
        assert first not in {"in", "this", "we", "a", "for", "the"} and last not in {"in", "for", "propose"}
        assert not phrase.isdigit()


def test_names_are_separate_from_role_nouns(nlp):
    phrases = [p.text for p in _phrases(nlp, "The company said chief executive Imke Varga would step down.")]
    assert "Imke Varga" in phrases and "chief executive" in phrases


def test_supports_follows_the_model_weights(default_classifier):
    bundle = default_classifier.bundle
    text = "Kubernetes clusters for platform engineers, and bedtime stories for toddlers."
    found = {p.text: p.supports for p in _phrases(default_classifier.nlp, text, bundle)}
    assert found["platform engineers"] == "infrastructure"
    assert found["bedtime stories"] == "consumer"


def test_without_a_model_supports_is_null(nlp):
    assert all(p.supports is None for p in _phrases(nlp, "Managed databases for software teams."))


def test_scores_are_in_unit_range_and_top_is_one(nlp):
    phrases = _phrases(nlp, "Managed databases, vector search and audit logs for software teams.")
    assert phrases[0].score == 1.0
    assert all(0.0 <= p.score <= 1.0 for p in phrases)
    assert [p.score for p in phrases] == sorted((p.score for p in phrases), reverse=True)


def test_empty_and_one_word_texts(nlp):
    assert _phrases(nlp, "") == []
    assert _phrases(nlp, "the and of") == []
    (only,) = _phrases(nlp, "Kubernetes")
    assert (only.text, only.start, only.end, only.score) == ("Kubernetes", 0, 10, 1.0)


def test_top_n_limits_the_list(nlp):
    text = "Databases, queues, caches, load balancers, firewalls, dashboards and CDNs for web teams."
    assert len(_phrases(nlp, text, top_n=3)) == 3
    assert _phrases(nlp, text, top_n=0) == []


def test_phrases_command_outputs_phrases_without_labels(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Ledgerline sells payout APIs to marketplaces and payroll providers.", encoding="utf-8")
    result = CliRunner().invoke(main, ["phrases", str(path), "--top-phrases", "3"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert "label" not in row and "scores" not in row
    assert 1 <= len(row["key_phrases"]) <= 3
    csv_out = CliRunner().invoke(main, ["phrases", str(path), "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("id,source,title,key_phrases")


def test_names_dates_and_verbs_after_names_read_as_a_person_would_mark_them(nlp):
    text = (
        "Two companies, two bets. Harbor Compute rents GPU clusters by the hour to AI labs. "
        "On Tuesday, chief executive Imke Varga said the company would open offices in March."
    )
    found = [p.text for p in _phrases(nlp, text, top_n=10)]
    assert "Harbor Compute" in found and "GPU clusters" in found and "Imke Varga" in found
    assert not any(word in phrase for phrase in found for word in ("Tuesday", "March", "rents"))
