"""Evidence that adds up to the decision, and per-paragraph segments that show mixed strategies."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from stratclass.classifier import Classifier
from stratclass.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

ESSAY = (
    "Two companies, two bets. Northwind Compute sells GPU clusters and a managed inference API to software "
    "companies; its customers are AI labs and banks that pay per GPU-hour under multi-year contracts, and "
    "its sales team negotiates capacity reservations with procurement departments.\n\n"
    "Glowbox, by contrast, sells a subscription app and a smart night light to parents. Families pay $6 a "
    "month for sleep stories, lullabies and a bedtime routine tracker, and the company spends most of its "
    "marketing budget on ads aimed at new mothers."
)
SINGLE_COMPANY = [
    (
        "Quarry DB ships a managed Postgres service for engineering teams. Customers pay per cluster-hour "
        "and get point-in-time recovery, read replicas and audit logs.\n\n"
        "The company raised $40 million to open data centres in Frankfurt and Singapore, and it plans to "
        "add a usage-based tier for startups that run staging databases.\n\n"
        "Its sales team now sells annual contracts to banks and insurers that need dedicated hardware."
    ),
    (
        "Crunchwell makes roasted chickpea snacks in five flavours, sold in 1,200 grocery stores and by "
        "subscription on its website.\n\n"
        "Parents buy the single-serve packs for lunchboxes; the new cinnamon flavour sold out in a week, "
        "and the brand is adding a family-size bag this spring."
    ),
]


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max())
    return shifted / shifted.sum()


@pytest.fixture(scope="module")
def explaining():
    return Classifier(explain=True, segments=True)


@pytest.mark.parametrize("text", [ESSAY, *SINGLE_COMPANY, "APIs for payments."])
def test_evidence_adds_up_to_the_models_decision(explaining, text):
    result = explaining.classify(text)
    evidence = result.evidence
    labels = explaining.labels
    total = np.array([evidence["intercept"][lab] + evidence["other_features"][lab] for lab in labels])
    for feature in evidence["features"]:
        total += np.array([feature["contributions"][lab] for lab in labels])
    assert np.allclose(total, [evidence["scores"][lab] for lab in labels], atol=1e-4)
    assert np.allclose(_softmax(total), [result.scores[lab] for lab in labels], atol=1e-3)


def test_evidence_lists_the_strongest_features_with_the_label_they_support(explaining):
    evidence = explaining.classify(ESSAY).evidence
    weights = [f["weight"] for f in evidence["features"]]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    supports = {f["feature"]: f["supports"] for f in evidence["features"]}
    assert supports.get("gpu") == "infrastructure"
    assert "consumer" in supports.values() and "infrastructure" in supports.values()
    for sentences in evidence["sentences"].values():
        for sentence in sentences:
            assert ESSAY[sentence["start"] : sentence["end"]] == sentence["text"]
    top_infra = evidence["sentences"]["infrastructure"][0]["text"]
    top_consumer = evidence["sentences"]["consumer"][0]["text"]
    assert "GPU" in top_infra and ("parents" in top_consumer or "Families" in top_consumer)


def test_evidence_adds_up_for_a_model_with_three_labels(three_label_model_dir):
    classifier = Classifier(three_label_model_dir, explain=True)
    result = classifier.classify("The striker scored twice and the league title is theirs.")
    evidence = result.evidence
    scores = np.array([evidence["scores"][lab] for lab in classifier.labels])
    assert np.allclose(_softmax(scores), [result.scores[lab] for lab in classifier.labels], atol=1e-3)


def test_two_company_essay_is_mixed_and_each_part_is_labelled(explaining):
    result = explaining.classify(ESSAY)
    assert result.mixed is True
    assert [s["label"] for s in result.segments] == ["infrastructure", "consumer"]
    for segment in result.segments:
        piece = ESSAY[segment["start"] : segment["end"]]
        assert piece == piece.strip() and piece


@pytest.mark.parametrize("text", SINGLE_COMPANY)
def test_single_company_texts_are_not_mixed(explaining, text):
    result = explaining.classify(text)
    assert result.mixed is False
    assert len(result.segments) == text.count("\n\n") + 1
    assert all(text[s["start"] : s["end"]].strip() for s in result.segments)


def test_one_paragraph_texts_are_segmented_by_sentence(explaining):
    text = "Tollgate sells billing APIs to software companies. It charges per invoice.  Teams love it."
    result = explaining.classify(text)
    assert [text[s["start"] : s["end"]] for s in result.segments] == [
        "Tollgate sells billing APIs to software companies.",
        "It charges per invoice.",
        "Teams love it.",
    ]


def test_shipped_examples_mixed_only_where_two_companies_are_compared(explaining):
    mixed = {p.name: explaining.classify(p.read_text()).mixed for p in sorted(EXAMPLES.glob("*.txt"))}
    assert mixed == {"mixed-strategy.txt": True, "payments-api.txt": False, "snack-brand.txt": False}


def test_cli_writes_evidence_and_segments_in_jsonl_and_csv(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "essay", "text": ESSAY}) + "\n" + json.dumps({"id": "blank", "text": " "}) + "\n"
    )
    runner = CliRunner()
    done = runner.invoke(main, ["classify", str(data), "--explain", "--segments", "--format", "jsonl"])
    assert done.exit_code == 1  # the blank record fails
    essay, blank = (json.loads(line) for line in done.stdout.splitlines())
    assert essay["mixed"] is True and essay["segments"] and essay["evidence"]["features"]
    assert blank["error"]["type"] == "empty_text"
    assert blank["mixed"] is None and blank["segments"] is None and blank["evidence"] is None
    done = runner.invoke(main, ["classify", str(data), "--explain", "--segments", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["mixed"] == "true" and json.loads(rows[0]["segments"])[0]["label"] == "infrastructure"
    assert json.loads(rows[0]["evidence"])["scores"]
    assert rows[1]["segments"] == "" and rows[1]["evidence"] == ""


def test_results_without_the_options_keep_the_plain_schema():
    result = Classifier().classify(ESSAY).to_dict()
    assert "segments" not in result and "evidence" not in result and "mixed" not in result


NOT_ENGLISH = {
    "de": "Die Firma verkauft Zahlungsschnittstellen an Onlinehändler und berechnet pro Transaktion "
    "eine kleine Gebühr. Im letzten Jahr wuchs der Umsatz um vierzig Prozent, und das Unternehmen "
    "eröffnete Büros.",
    "fr": "L'entreprise vend des logiciels de paie aux petites entreprises et facture un abonnement "
    "mensuel par salarié. Elle a levé vingt millions d'euros pour s'étendre en Espagne et en Italie "
    "l'année prochaine.",
    "es": "La empresa fabrica barritas de cereales para niños y las vende en supermercados de todo el "
    "país. Este año lanzará tres sabores nuevos y una tienda en línea con envío gratuito a domicilio.",
    "ru": "Компания продает облачные сервисы для банков и берет плату за каждый запрос. В прошлом "
    "году выручка выросла вдвое, и компания открыла офисы в трех новых странах.",
}


@pytest.mark.parametrize("language", sorted(NOT_ENGLISH))
def test_non_english_text_is_flagged_and_not_labelled(language):
    result = Classifier().classify(NOT_ENGLISH[language])
    assert result.error is None and result.label == "uncertain"
    assert result.warning.type == "not_english"
    assert abs(sum(result.scores.values()) - 1) < 1e-6  # scores are still reported
    assert result.to_dict()["warning"]["type"] == "not_english"


@pytest.mark.parametrize("text", [ESSAY, *SINGLE_COMPANY, (EXAMPLES / "payments-api.txt").read_text()])
def test_english_texts_carry_no_language_warning(text):
    result = Classifier().classify(text)
    assert result.warning is None and "warning" not in result.to_dict()


def test_segments_of_a_non_english_text_are_not_labelled_either():
    text = NOT_ENGLISH["de"] + "\n\n" + NOT_ENGLISH["de"]
    result = Classifier(segments=True).classify(text)
    assert result.warning.type == "not_english"
    assert result.mixed is None and all(s["label"] == "uncertain" for s in result.segments)


def test_a_heading_above_one_paragraph_still_segments_by_sentence(explaining):
    body = ESSAY.replace("\n\n", " ")
    result = explaining.classify("About us\n\n" + body)
    assert result.mixed is True
    assert len(result.segments) > 2


@pytest.mark.parametrize("separator", ["\r\n\r\n", "\r\r", "\u2029"])
def test_paragraph_breaks_in_any_convention(explaining, separator):
    text = ESSAY.replace("\n\n", separator)
    result = explaining.classify(text)
    assert [s["label"] for s in result.segments] == ["infrastructure", "consumer"]
    assert result.mixed is True


def test_sentence_evidence_adds_up_for_an_ngram_model(tmp_path, fixtures):
    from stratclass.corpus import read_corpus
    from stratclass.features import FeatureConfig
    from stratclass.training import train_to_folder

    out = tmp_path / "bigrams"
    train_to_folder(
        read_corpus([fixtures / "small_corpus.jsonl"]), out, features=FeatureConfig(word_ngrams=(1, 2))
    )
    text = "Ledgerline sells payment APIs to banks. Families love its snack boxes."
    evidence = Classifier(out, explain=True).classify(text).evidence
    assert any(" " in f["feature"] for f in evidence["features"])  # bigrams are features
    assert any(evidence["sentences"].values())
