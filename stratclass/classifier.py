"""Classify texts and records with a model bundle: parse once, predict, extract key phrases."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from stratclass.bundle import ModelBundle, load_model
from stratclass.decoding import valid_text
from stratclass.errors import StratclassError
from stratclass.explain import explain
from stratclass.keyphrases import KeyPhraseExtractor
from stratclass.nlp import EMAIL_TOKEN, NUMBER_TOKEN, URL_TOKEN, ParsedText, build_pipeline, parse_texts
from stratclass.records import ErrorInfo, Record, Result
from stratclass.segments import SegmentLabel, label_segments, segment_spans

UNCERTAIN = "uncertain"
# Lemmas that stand for any number, URL or e-mail address: they say nothing about what a text is about.
PLACEHOLDER_TOKENS = (NUMBER_TOKEN, URL_TOKEN, EMAIL_TOKEN)
# Strings spaCy may have stored before the pipeline is rebuilt (its vocabulary only grows).
VOCAB_LIMIT = 1_000_000
CHUNK_SIZE = 256
# A chunk also ends once its texts reach this many characters: a folder of very long texts is then
# labelled a few at a time, so memory stays bounded by this, not by CHUNK_SIZE x the longest text.
CHUNK_CHARS = 2_000_000


class Classifier:
    """A loaded model with its spaCy pipeline, ready to label texts.

    `threshold`: below this top probability the label is `uncertain` (default: the model's own).
    `top_phrases`: how many key phrases per result (0 turns them off).
    `explain`: add `evidence` (the features and sentences behind the label) to each result.
    `segments`: also label each paragraph (sentence, for one-paragraph texts) and say if `mixed`.
    """

    def __init__(
        self,
        model: ModelBundle | str | Path | None = None,
        *,
        spacy_model: str | None = None,
        threshold: float | None = None,
        top_phrases: int = 10,
        batch_size: int = 64,
        explain: bool = False,
        segments: bool = False,
    ) -> None:
        self.bundle = model if isinstance(model, ModelBundle) else load_model(model)
        self._spacy_spec = spacy_model or self.bundle.spacy_pipeline
        self.nlp = build_pipeline(self._spacy_spec, initialize_lemmatizer=False)
        self.threshold = self.bundle.threshold if threshold is None else threshold
        self.top_phrases = top_phrases
        self.batch_size = batch_size
        self.labels = self.bundle.labels
        self._extractor = KeyPhraseExtractor(self.bundle)
        self.explain = explain
        self.segments = segments
        self.extras = tuple(name for name, on in (("evidence", explain), ("segments", segments)) if on)
        if explain and (self.bundle.linear is None or self.bundle.linear.partial):
            raise StratclassError(
                f"model {self.bundle.model_id} has feature families other than lemma n-grams; "
                f"--explain needs a model trained with the default features"
            )

    def classify(self, text: str, *, id: str = "<text>", source: str | None = None) -> Result:
        """Label one text."""
        return next(self.classify_records([Record(id=id, text=text, source=source)]))

    def predict_parsed(self, parsed: list[ParsedText]) -> np.ndarray:
        """Label probabilities (texts x labels) for already parsed texts."""
        return self._predict(parsed)[0]

    def _predict(self, parsed: list[ParsedText]) -> tuple[np.ndarray, np.ndarray | None]:
        """Probabilities, and per text how many of its words carry weight in the model (or None)."""
        if not parsed:
            return np.zeros((0, len(self.labels))), np.zeros(0, dtype=np.int64)
        return self.bundle.predict_with_support([p.feature_text for p in parsed], PLACEHOLDER_TOKENS)

    def classify_records(self, records: Iterable[Record]) -> Iterator[Result]:
        """Label a stream of records; yields exactly one Result per record, in input order."""
        for chunk in _chunks(records):
            yield from self._process_chunk(chunk, labelled=True)

    def phrase_records(self, records: Iterable[Record]) -> Iterator[Result]:
        """Key phrases only (no label) for a stream of records; one Result per record, in input order."""
        for chunk in _chunks(records):
            yield from self._process_chunk(chunk, labelled=False)

    def _process_chunk(self, chunk: list[Record], labelled: bool) -> Iterator[Result]:
        if len(self.nlp.vocab.strings) > VOCAB_LIMIT:
            # spaCy keeps every string it has seen; a fresh pipeline keeps long runs bounded.
            self.nlp = build_pipeline(self._spacy_spec, initialize_lemmatizer=False)
        problems: dict[int, ErrorInfo] = {}
        for i, record in enumerate(chunk):
            if record.error is not None:
                problems[i] = record.error
            elif not isinstance(record.text, str) or not record.text.strip():
                problems[i] = ErrorInfo("empty_text", "no text to classify (empty or whitespace only)")
        valid = [r for i, r in enumerate(chunk) if i not in problems]
        texts = (valid_text(r.text) for r in valid)  # lone surrogates (from the API) cannot be hashed
        parsed = list(parse_texts(self.nlp, texts, batch_size=self.batch_size))
        probabilities, support = self._predict(parsed) if labelled else (None, None)
        phrases = self._extractor.extract(parsed, self.top_phrases)
        segmented = self._segments(parsed) if labelled and self.segments else None
        n = 0
        for i, record in enumerate(chunk):
            if i in problems:
                failed = Result.failed(record, problems[i], self.bundle.model_id)
                failed.labelled = labelled
                failed.extras = self.extras if labelled else ()
                yield failed
            elif probabilities is None:
                result = self._phrases_result(record, phrases[n])
                result.warning = _language_warning(parsed[n])
                yield result
                n += 1
            else:
                result = self._result(record, probabilities[n], phrases[n])
                result.warning = _language_warning(parsed[n]) or _support_warning(support, n)
                if result.warning is not None:
                    result.label = UNCERTAIN  # not English, or no word the model knows: do not pretend
                result.extras = self.extras
                if self.explain:
                    result.evidence = explain(parsed[n], self.bundle.linear)
                if segmented is not None:
                    labelled_segments, result.mixed = segmented[n]
                    if result.warning is not None:
                        labelled_segments, result.mixed = (
                            [s.uncertain(UNCERTAIN) for s in labelled_segments],
                            None,
                        )
                    result.segments = [segment.to_dict() for segment in labelled_segments]
                yield result
                n += 1

    def _segments(self, parsed: list[ParsedText]) -> list[tuple[list[SegmentLabel], bool]]:
        """Each text's segments, labelled with one parse and one prediction for the whole chunk."""
        spans = [segment_spans(p) for p in parsed]
        texts = [p.text[start:end] for p, found in zip(parsed, spans, strict=True) for start, end in found]
        pieces = list(parse_texts(self.nlp, texts, batch_size=self.batch_size))
        probabilities, support = self._predict(pieces)
        out, i = [], 0
        for found in spans:
            rows, words = probabilities[i : i + len(found)], [p.n_words for p in pieces[i : i + len(found)]]
            known = None if support is None else support[i : i + len(found)]
            out.append(label_segments(found, rows, words, self.labels, self.threshold, UNCERTAIN, known))
            i += len(found)
        return out

    def _phrases_result(self, record: Record, phrases: list) -> Result:
        return Result(
            id=record.id,
            source=record.source,
            label=None,
            confidence=None,
            scores={},
            key_phrases=phrases,
            model=self.bundle.model_id,
            title=record.title,
            meta=dict(record.meta),
            labelled=False,
        )

    def _result(self, record: Record, probabilities: np.ndarray, phrases: list) -> Result:
        best = int(probabilities.argmax())
        confidence = float(probabilities[best])
        label = self.labels[best] if confidence >= self.threshold else UNCERTAIN
        return Result(
            id=record.id,
            source=record.source,
            label=label,
            confidence=confidence,
            scores={lab: float(p) for lab, p in zip(self.labels, probabilities, strict=True)},
            key_phrases=phrases,
            model=self.bundle.model_id,
            title=record.title,
            meta=dict(record.meta),
        )


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    """Consecutive records, at most CHUNK_SIZE of them and about CHUNK_CHARS characters per chunk."""
    chunk: list[Record] = []
    chars = 0
    for record in records:
        chunk.append(record)
        chars += len(record.text) if isinstance(record.text, str) else 0
        if len(chunk) >= CHUNK_SIZE or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _support_warning(support: np.ndarray | None, n: int) -> ErrorInfo | None:
    if support is not None and support[n] == 0:
        return ErrorInfo(
            "no_known_words",
            f"none of the text's words carry weight in the model, so its scores are the model's prior; "
            f"the label is '{UNCERTAIN}'",
        )
    return None


def _language_warning(parsed: ParsedText) -> ErrorInfo | None:
    if parsed.looks_english is False:
        return ErrorInfo(
            "not_english",
            f"the text does not look English ({parsed.stop_words} of {parsed.letter_words} words are "
            f"English stop words); the model is English-only, so the label is '{UNCERTAIN}'",
        )
    return None


def classify(
    texts: str | Iterable[str | Record], model: ModelBundle | str | Path | None = None, **options
) -> Result | list[Result]:
    """Label one text (returns a Result) or several texts/records (returns a list of Results)."""
    classifier = Classifier(model, **options)
    if isinstance(texts, str):
        return classifier.classify(texts)
    records = (
        t if isinstance(t, Record) else Record(id=str(i), text=t, source=None) for i, t in enumerate(texts)
    )
    return list(classifier.classify_records(records))
