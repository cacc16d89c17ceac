"""The data that flows through stratclass: input records in, results out (schema in DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class ErrorInfo:
    """Why a record could not be processed."""

    type: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "message": self.message}


@dataclass(slots=True)
class Record:
    """One input text. A record that could not even be read carries an `error` instead of text."""

    id: str
    text: str
    source: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: ErrorInfo | None = None


def error_record(record_id: str, source: str | None, kind: str, message: str) -> Record:
    """A record that could not be read or fetched: it keeps its id and source and says why."""
    return Record(id=record_id, text="", source=source, error=ErrorInfo(kind, message))


@dataclass(slots=True)
class KeyPhrase:
    """A phrase the text is about, with the label its model weights push toward (None: neutral)."""

    text: str
    score: float
    supports: str | None = None
    start: int | None = None
    end: int | None = None

    def __reduce__(self):  # a plain tuple pickles several times faster than slots state
        return (KeyPhrase, (self.text, self.score, self.supports, self.start, self.end))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "score": round(self.score, 4),
            "supports": self.supports,
            "start": self.start,
            "end": self.end,
        }


@dataclass(slots=True)
class Result:
    """The outcome for one record: a label with scores and key phrases, or an error."""

    id: str
    source: str | None
    label: str | None
    confidence: float | None
    scores: dict[str, float]
    key_phrases: list[KeyPhrase]
    model: str | None
    error: ErrorInfo | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    labelled: bool = True  # False for key-phrase-only results (`stratclass phrases`)
    # Optional parts, present in the output when asked for (`extras`), null on error records.
    evidence: dict[str, Any] | None = None
    segments: list[dict[str, Any]] | None = None
    mixed: bool | None = None
    extras: tuple[str, ...] = ()  # which of "evidence", "segments" (with "mixed") to output
    # A result that is given but should not be trusted as usual (e.g. the text is not English).
    warning: ErrorInfo | None = None

    def __reduce__(self):  # results cross process boundaries in `--jobs` runs: keep that cheap
        return (Result, tuple(getattr(self, name) for name in _RESULT_FIELDS))

    @classmethod
    def failed(cls, record: Record, error: ErrorInfo, model: str | None = None) -> Result:
        """An error result that keeps the record's id, source and metadata."""
        return cls(
            id=record.id,
            source=record.source,
            label=None,
            confidence=None,
            scores={},
            key_phrases=[],
            model=model,
            error=error,
            title=record.title,
            meta=dict(record.meta),
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as the JSON object of DESIGN.md; record metadata (feed fields) follows it."""
        out: dict[str, Any] = {"id": self.id, "source": self.source}
        if self.title is not None:
            out["title"] = self.title
        if self.labelled:
            out["label"] = self.label
            out["confidence"] = None if self.confidence is None else round(self.confidence, 4)
            out["scores"] = {k: round(v, 4) for k, v in self.scores.items()}
        out["key_phrases"] = [p.to_dict() for p in self.key_phrases]
        if "segments" in self.extras:
            out["mixed"] = self.mixed
            out["segments"] = self.segments
        if "evidence" in self.extras:
            out["evidence"] = self.evidence
        out["model"] = self.model
        out["error"] = None if self.error is None else self.error.to_dict()
        if self.warning is not None:
            out["warning"] = self.warning.to_dict()
        for key, value in self.meta.items():
            out.setdefault(key, value)
        return out


_RESULT_FIELDS = tuple(f.name for f in fields(Result))
