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
from stratclass.lexicon import ADJECTIVE, ADVERB, NOUN, VERB, EnglishLexicon, english_lexicon, lemma_lookup

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_PIPELINE = "blank:en"
# Set in the meta of the default pipeline: parse_texts applies its lookup-lemmatizer table and its
# sentencizer's rule in the same pass over the tokens that builds the ParsedText, instead of running
# those pipes as extra passes (each costs about as much as the tokenizer).
INLINE_LEMMAS = "stratclass_inline_lemmas"
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
    words: tuple[str, ...] = ()  # lower-case surface words, for general-English statistics


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


def build_pipeline(spec: str | None = None, *, initialize_lemmatizer: bool = True) -> Language:
    """Build the pipeline named by `spec`.

    `None` or "blank:en" gives `spacy.blank("en")` with the lookup lemmatizer from spacy-lookups-data
    and a sentencizer: no download of any kind. Anything else is an installed package name or a path
    passed to `spacy.load`, which never downloads either. `initialize_lemmatizer=False` skips filling
    the lemmatizer pipe's table, for a pipeline used only through `parse_texts` (which applies the same
    table itself): it saves start-up time, but calling that pipeline directly then fails.
    """
    import spacy

    spec = spec or DEFAULT_PIPELINE
    if spec == DEFAULT_PIPELINE:
        from spacy.lookups import Lookups

        nlp = spacy.blank("en")
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.add_pipe("sentencizer")
        if initialize_lemmatizer:
            # The lookup table of spacy-lookups-data, from its compact packaged copy: loading every
            # English table of spacy-lookups-data would triple the start-up time.
            lookups = Lookups()
            lookups.add_table("lemma_lookup", lemma_lookup().to_dict())
            lemmatizer.initialize(lookups=lookups)
        nlp.meta[INLINE_LEMMAS] = True
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
_SPECIAL = {URL_TOKEN, EMAIL_TOKEN, NUMBER_TOKEN}
# Leftovers of HTML entities ("&rsquo;", "&#039;") and other tokens no phrase should contain.
_NOT_PHRASE_WORD = re.compile(r"[;#<>{}\[\]|\\=@]|&\w")
_HYPHEN, _PARTICIPLE, _COMPOUND = "-", "P", "C"


# Plurals the lemma table misses are folded only for rare words (jargon, acronyms), never for "news".
_RARE_LOGPROB = -14.0


def _fold_plural(word: str, lexicon: EnglishLexicon) -> str:
    """'apis' -> 'api', 'sdks' -> 'sdk' for rare words the lemma table does not know."""
    if (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "sis", "xis", "itis"))
        and word[-2].isalpha()
        and lexicon.logprob(word) < _RARE_LOGPROB
        and lexicon.word_class(word[:-1]) in (NOUN, None)
    ):
        return word[:-1]
    return word


def _lemma_of(token, table, lexicon: EnglishLexicon, inline: bool) -> str:
    if token.like_url:
        return URL_TOKEN
    if token.like_email:
        return EMAIL_TOKEN
    if token.like_num:
        return NUMBER_TOKEN
    text, lower = token.text, token.lower_
    # Inline: exactly what the lookup lemmatizer pipe would have assigned.
    lemma = table.get(text, text) if inline else token.lemma_
    if token.is_upper and len(lower) > 1:
        return _fold_plural(lower, lexicon)  # acronyms: the lookup table maps "AI" to "have"
    if not lemma or lemma == text:
        lemma = table.get(lower, lower) if table is not None else lower
        if lemma == lower:
            lemma = _fold_plural(lower, lexicon)
    return lemma.lower()


def _word_class(token, lemma: str, lexicon: EnglishLexicon, sent_start: bool) -> str:
    """N/J/V/R from the lexicon; unknown words and capitalised words inside a sentence count as names."""
    word_class = lexicon.word_class(token.lower_) or lexicon.word_class(lemma)
    if word_class is None or (token.is_upper and len(token.text) > 1):
        return NOUN
    if word_class != NOUN and token.text[:1].isupper() and not sent_start:
        return NOUN
    return word_class


def _casing(token, lexicon: EnglishLexicon, sent_start: bool) -> int:
    """1 for a name-like word (capitalised inside a sentence, or unknown), 0 for an ordinary word,
    -1 for an acronym, which may sit in a phrase with either ("GPU clusters", "AWS Lambda")."""
    text = token.text
    if text.isupper() and len(text) > 1:
        return -1
    if text[:1].isupper() and (not sent_start or lexicon.word_class(token.lower_) is None):
        return 1
    return 0


def _read_doc(
    doc: Doc,
    offset: int,
    table,
    lexicon: EnglishLexicon,
    out: ParsedText,
    inline: bool = False,
    punct_chars: frozenset[str] | None = None,
) -> None:
    """Append the words, candidates and sentences of `doc` (a piece starting at `offset`) to `out`.

    With `punct_chars` (the default pipeline), sentence boundaries follow the sentencizer's own rule in
    this same pass: a sentence starts at the first token, and at the first token after one of
    `punct_chars` that is neither punctuation nor one of them.
    """
    lemmas = out.lemmas
    use_chunks = doc.has_annotation("DEP")
    run: list[tuple] = []  # (token, lemma, class, word position, casing) of the current candidate run
    chunk_words: dict[int, tuple[str, int]] = {}  # token index -> (lemma, word position), for noun chunks
    sentence_starts: list[int] = []
    seen_period = False

    def close_run() -> None:
        if run:
            _emit_candidates(run, offset, out)
            run.clear()

    joining = False
    for token in doc:
        text = token.text
        is_punct = token.is_punct
        if punct_chars is not None:
            in_chars = text in punct_chars
            sent_start = token.i == 0 or (seen_period and not is_punct and not in_chars)
            if sent_start:
                sentence_starts.append(token.i)
                seen_period = False
            elif in_chars:
                seen_period = True
        else:
            sent_start = bool(token.is_sent_start)
        if is_punct or token.is_space or not _WORDLIKE.search(text):
            # A hyphen inside a word ("self-tuning") keeps the run going; other punctuation ends it.
            joining = text == "-" and bool(run) and not token.whitespace_ and not run[-1][0].whitespace_
            if joining and not use_chunks:
                run.append((token, "-", _HYPHEN, -1, -1))
            else:
                close_run()
            continue
        lemma = _lemma_of(token, table, lexicon, inline)
        position = len(lemmas)
        lemmas.append(lemma)
        if use_chunks:
            chunk_words[token.i] = (lemma, position)
            continue
        if sent_start:
            close_run()
        if token.is_stop or lemma in _SPECIAL or _NOT_PHRASE_WORD.search(text):
            close_run()
            joining = False
            continue
        casing = _casing(token, lexicon, sent_start)
        if joining:
            word_class = _COMPOUND
        else:
            word_class = _word_class(token, lemma, lexicon, sent_start)
            # Names are phrases of their own: "chief executive | Imke Varga", "Michael Buble | weds";
            # a capitalised common word may still lead a phrase ("Web services").
            last = next((item for item in reversed(run) if item[2] != _HYPHEN), None)
            previous = -1 if last is None else last[4]
            if (casing == 1 and previous == 0) or (
                casing == 0 and previous == 1 and lexicon.word_class(last[0].lower_) is None
            ):
                close_run()
        joining = False
        if word_class == VERB and token.lower_.endswith(("ing", "ed")):
            word_class = _PARTICIPLE  # may modify a noun: "operating regime", "managed service"
        elif word_class in (VERB, ADVERB):
            close_run()
            continue
        run.append((token, lemma, word_class, position, casing))
    close_run()

    if use_chunks:
        for chunk in doc.noun_chunks:
            tokens = [t for t in chunk if not (t.is_stop or t.is_punct or t.is_space or t.like_num)]
            if tokens:
                items = [(t, *chunk_words.get(t.i, (t.lower_, 0))) for t in tokens]
                _emit_candidates([(t, lemma, NOUN, position, 0) for t, lemma, position in items], offset, out)

    if punct_chars is not None:
        ends = [*sentence_starts[1:], len(doc)] if sentence_starts else []
        for start, end in zip(sentence_starts, ends, strict=True):
            last = doc[end - 1]
            out.sentences.append((offset + doc[start].idx, offset + last.idx + len(last.text)))
    elif doc.has_annotation("SENT_START"):
        out.sentences.extend((offset + s.start_char, offset + s.end_char) for s in doc.sents)
    elif len(doc):
        out.sentences.append((offset, offset + len(doc.text)))


def _emit_candidates(run: list[tuple], offset: int, out: ParsedText) -> None:
    """Turn a run into noun-phrase-shaped candidates: modifiers then a noun head, at most MAX_PHRASE_WORDS."""
    run = list(run)
    # A phrase ends on its head ("API access", not "API used"): drop trailing modifiers and hyphens.
    while run and run[-1][2] in (_HYPHEN, ADJECTIVE, _PARTICIPLE):
        run.pop()
    while run and run[0][2] == _HYPHEN:
        run.pop(0)
    if not run or not any(item[2] in (NOUN, _COMPOUND) for item in run):
        return
    words = [item for item in run if item[2] != _HYPHEN]
    heads = [item for item in words if item[2] != _COMPOUND]  # "self-tuning" counts as one word
    if len(heads) > MAX_PHRASE_WORDS:
        # Keep the head and its nearest modifiers; what precedes may form its own phrase.
        first_kept = heads[len(heads) - MAX_PHRASE_WORDS][0].i
        head_part = [item for item in run if item[0].i >= first_kept]
        while head_part and head_part[0][2] == _HYPHEN:
            head_part.pop(0)
        _emit_candidates([item for item in run if item[0].i < first_kept], offset, out)
        run, words = head_part, [item for item in head_part if item[2] != _HYPHEN]
    first, last = run[0][0], run[-1][0]
    start, end = first.idx, last.idx + len(last.text)
    out.candidates.append(
        Candidate(
            text=out.text[offset + start : offset + end],
            key=" ".join(item[1] for item in words),
            start=offset + start,
            end=offset + end,
            position=words[0][3],
            n_words=len(words),
            words=tuple(item[0].lower_ for item in words),
        )
    )


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[ParsedText]:
    """Parse each text once (streaming, in `nlp.pipe` batches) and yield one ParsedText per text."""
    inline = bool(nlp.meta.get(INLINE_LEMMAS)) and nlp.has_pipe("lemmatizer") and nlp.has_pipe("sentencizer")
    table = lemma_lookup() if inline else _lemma_table(nlp)
    lexicon = english_lexicon()
    disabled = ["lemmatizer", "sentencizer"] if inline else []
    punct_chars = frozenset(nlp.get_pipe("sentencizer").punct_chars) if inline else None

    def pieces() -> Iterator[tuple[str, tuple[str, int, bool]]]:
        for text in texts:
            parts = split_for_parsing(text)
            for n, (offset, piece) in enumerate(parts):
                yield piece, (text, offset, n == len(parts) - 1)

    current: ParsedText | None = None
    for doc, (text, offset, last) in nlp.pipe(
        pieces(), as_tuples=True, batch_size=batch_size, disable=disabled
    ):
        if current is None:
            current = ParsedText(text=text)
        _read_doc(doc, offset, table, lexicon, current, inline, punct_chars)
        if last:
            yield current
            current = None


def feature_texts(texts: Iterable[str], spacy_model: str | None = None, batch_size: int = 64) -> list[str]:
    """Parse texts with the named spaCy pipeline and return the classifier's input for each."""
    nlp = build_pipeline(spacy_model, initialize_lemmatizer=False)
    return [p.feature_text for p in parse_texts(nlp, texts, batch_size=batch_size)]


def parse_text(nlp: Language, text: str) -> ParsedText:
    """Parse one text."""
    return next(parse_texts(nlp, [text]))
