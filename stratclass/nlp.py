"""The spaCy side: build the pipeline, parse each text once, and reduce the parse to a `ParsedText`.

Everything downstream (features, key phrases, segments) reads the `ParsedText`, never the Doc, so a
Doc is dropped as soon as it has been read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stratclass.errors import StratclassError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_PIPELINE = "blank:en"
# Texts are parsed in pieces of at most this many characters: bounded memory, no max_length error.
PIECE_CHARS = 100_000
MAX_PHRASE_WORDS = 4

URL_TOKEN = "_url_"
EMAIL_TOKEN = "_email_"
NUMBER_TOKEN = "_num_"


class PipelineError(StratclassError):
    """A spaCy pipeline could not be built or loaded."""


@dataclass(slots=True)
class Candidate:
    """A key-phrase candidate: a span of the text, with its lemma-normalised key."""

    text: str
    key: str
    start: int
    end: int
    position: int  # index of its first word among the text's words
    n_words: int


@dataclass(slots=True)
class ParsedText:
    """What stratclass keeps of a spaCy parse."""

    text: str
    lemmas: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def feature_text(self) -> str:
        """Space-separated normalised lemmas: the classifier's input."""
        return " ".join(self.lemmas)

    @property
    def n_words(self) -> int:
        return len(self.lemmas)


def build_pipeline(spec: str | None = None) -> Language:
    """Build the pipeline named by `spec`.

    `None` or "blank:en" gives `spacy.blank("en")` with the lookup lemmatizer from spacy-lookups-data
    and a sentencizer: no download of any kind. Anything else is an installed package name or a path
    passed to `spacy.load`, which never downloads either.
    """
    import spacy

    spec = spec or DEFAULT_PIPELINE
    if spec == DEFAULT_PIPELINE:
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.add_pipe("sentencizer")
        try:
            nlp.initialize()
        except Exception as exc:  # spacy-lookups-data missing or broken
            raise PipelineError(
                f"cannot initialise the lookup lemmatizer ({exc}); is spacy-lookups-data installed?"
            ) from exc
        return nlp
    try:
        nlp = spacy.load(spec, exclude=["ner", "textcat", "textcat_multilabel"])
    except OSError as exc:
        raise PipelineError(
            f"cannot load spaCy pipeline {spec!r}: install it as a package (for example "
            f"'pip install en_core_web_sm' from a wheel you have) or give the path to a pipeline folder"
        ) from exc
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer")
    return nlp


def _lemma_table(nlp: Language) -> dict | None:
    """The lookup lemma table, to lemmatise capitalised words the case-sensitive lookup misses."""
    if not nlp.has_pipe("lemmatizer"):
        return None
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_lookup"):
        return None
    return lookups.get_table("lemma_lookup")


def split_for_parsing(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """Cut `text` into (offset, piece) parts of at most `limit` characters at natural breaks."""
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            window = text[start:end]
            cut = -1
            for pattern in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(pattern, limit // 2)
                if cut != -1:
                    cut += len(pattern)
                    break
            if cut != -1:
                end = start + cut
        pieces.append((start, text[start:end]))
        start = end
    return pieces


_WORDLIKE = re.compile(r"\w", re.UNICODE)


def _read_doc(doc: Doc, offset: int, table: dict | None, out: ParsedText) -> None:
    """Append the words, candidates and sentences of `doc` (a piece starting at `offset`) to `out`."""
    lemmas = out.lemmas
    use_chunks = doc.has_annotation("DEP")
    run: list = []  # tokens of the current candidate run (blank pipeline)

    positions: dict[int, int] = {}  # token index -> index of the word in the whole text
    lemma_of: dict[int, str] = {}

    def close_run() -> None:
        if run:
            _add_run_candidates(run, offset, lemma_of, positions, out)
            run.clear()

    for token in doc:
        if token.is_space or token.is_punct or not _WORDLIKE.search(token.text):
            if not (token.text == "-" and run and not token.whitespace_ and not run[-1].whitespace_):
                close_run()
            elif not use_chunks:
                run.append(token)
            continue
        if token.like_url:
            lemma = URL_TOKEN
        elif token.like_email:
            lemma = EMAIL_TOKEN
        elif token.like_num:
            lemma = NUMBER_TOKEN
        else:
            lemma = token.lemma_
            if not lemma or lemma == token.text:
                lower = token.lower_
                lemma = table.get(lower, lower) if table is not None else lower
            lemma = lemma.lower()
        positions[token.i] = len(lemmas)
        lemma_of[token.i] = lemma
        lemmas.append(lemma)
        if use_chunks:
            continue
        if token.is_sent_start and run:
            close_run()
        if token.is_stop or lemma in (URL_TOKEN, EMAIL_TOKEN, NUMBER_TOKEN):
            close_run()
            continue
        run.append(token)
    close_run()

    if use_chunks:
        for chunk in doc.noun_chunks:
            tokens = [t for t in chunk if not (t.is_stop or t.is_punct or t.is_space)]
            while tokens and not _WORDLIKE.search(tokens[0].text):
                tokens.pop(0)
            if tokens:
                _add_run_candidates(tokens, offset, lemma_of, positions, out)

    if doc.has_annotation("SENT_START"):
        out.sentences.extend((offset + s.start_char, offset + s.end_char) for s in doc.sents)
    elif len(doc):
        out.sentences.append((offset, offset + len(doc.text)))


def _add_run_candidates(
    run: list, offset: int, lemma_of: dict[int, str], positions: dict[int, int], out: ParsedText
) -> None:
    """Turn a run of content tokens into candidates of at most MAX_PHRASE_WORDS words."""
    while run and (run[-1].text == "-" or run[-1].like_num):
        run = run[:-1]
    words = [t for t in run if t.text != "-"]
    if not words:
        return
    for i in range(0, len(words), MAX_PHRASE_WORDS):
        part = words[i : i + MAX_PHRASE_WORDS]
        first, last = part[0], part[-1]
        if all(t.like_num for t in part):
            continue
        key = " ".join(lemma_of.get(t.i, t.lower_) for t in part)
        start, end = first.idx, last.idx + len(last.text)
        out.candidates.append(
            Candidate(
                text=out.text[offset + start : offset + end],
                key=key,
                start=offset + start,
                end=offset + end,
                position=positions.get(first.i, 0),
                n_words=len(part),
            )
        )


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[ParsedText]:
    """Parse each text once (streaming, in `nlp.pipe` batches) and yield one ParsedText per text."""
    table = _lemma_table(nlp)

    def pieces() -> Iterator[tuple[str, tuple[str, int, bool]]]:
        for text in texts:
            parts = split_for_parsing(text)
            for n, (offset, piece) in enumerate(parts):
                yield piece, (text, offset, n == len(parts) - 1)

    current: ParsedText | None = None
    for doc, (text, offset, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        if current is None:
            current = ParsedText(text=text)
        _read_doc(doc, offset, table, current)
        if last:
            yield current
            current = None


def parse_text(nlp: Language, text: str) -> ParsedText:
    """Parse one text."""
    return next(parse_texts(nlp, [text]))
