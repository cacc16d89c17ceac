"""Classify texts and records with a model bundle: parse once, predict, extract key phrases."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from stratclass.bundle import ModelBundle, load_model
from stratclass.keyphrases import KeyPhraseExtractor
from stratclass.nlp import ParsedText, build_pipeline, parse_texts
from stratclass.records import ErrorInfo, Record, Result

UNCERTAIN = "uncertain"
CHUNK_SIZE = 256


class Classifier:
    """A loaded model with its spaCy pipeline, ready to label texts.

    `threshold`: below this top probability the label is `uncertain` (default: the model's own).
    `top_phrases`: how many key phrases per result (0 turns them off).
    """

    def __init__(
        self,
        model: ModelBundle | str | Path | None = None,
        *,
        spacy_model: str | None = None,
        threshold: float | None = None,
        top_phrases: int = 10,
        batch_size: int = 64,
    ) -> None:
        self.bundle = model if isinstance(model, ModelBundle) else load_model(model)
        self.nlp = build_pipeline(spacy_model or self.bundle.spacy_pipeline, initialize_lemmatizer=False)
        self.threshold = self.bundle.threshold if threshold is None else threshold
        self.top_phrases = top_phrases
        self.batch_size = batch_size
        self.labels = self.bundle.labels
        self._extractor = KeyPhraseExtractor(self.bundle)

    def classify(self, text: str, *, id: str = "<text>", source: str | None = None) -> Result:
        """Label one text."""
        return next(self.classify_records([Record(id=id, text=text, source=source)]))

    def predict_parsed(self, parsed: list[ParsedText]) -> np.ndarray:
        """Label probabilities (texts x labels) for already parsed texts."""
        if not parsed:
            return np.zeros((0, len(self.labels)))
        return self.bundle.predict_proba([p.feature_text for p in parsed])

    def classify_records(self, records: Iterable[Record]) -> Iterator[Result]:
        """Label a stream of records; yields exactly one Result per record, in input order."""
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            yield from self._process_chunk(chunk, labelled=True)

    def phrase_records(self, records: Iterable[Record]) -> Iterator[Result]:
        """Key phrases only (no label) for a stream of records; one Result per record, in input order."""
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            yield from self._process_chunk(chunk, labelled=False)

    def _process_chunk(self, chunk: list[Record], labelled: bool) -> Iterator[Result]:
        problems: dict[int, ErrorInfo] = {}
        for i, record in enumerate(chunk):
            if record.error is not None:
                problems[i] = record.error
            elif not isinstance(record.text, str) or not record.text.strip():
                problems[i] = ErrorInfo("empty_text", "no text to classify (empty or whitespace only)")
        valid = [r for i, r in enumerate(chunk) if i not in problems]
        parsed = list(parse_texts(self.nlp, (r.text for r in valid), batch_size=self.batch_size))
        probabilities = self.predict_parsed(parsed) if labelled else None
        phrases = self._extractor.extract(parsed, self.top_phrases)
        n = 0
        for i, record in enumerate(chunk):
            if i in problems:
                failed = Result.failed(record, problems[i], self.bundle.model_id)
                failed.labelled = labelled
                yield failed
            elif probabilities is None:
                yield self._phrases_result(record, phrases[n])
                n += 1
            else:
                yield self._result(record, probabilities[n], phrases[n])
                n += 1

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
