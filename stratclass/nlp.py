"""The spaCy side: build the pipeline, parse each text once, and reduce the parse to a `ParsedText`.

Everything downstream (features, key phrases, segments) reads the `ParsedText`, never the Doc, so a
Doc is dropped as soon as it has been read.
"""

from __future__ import annotations

import re
import weakref
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
# Below this many letter words a text is too short to judge its language.
MIN_WORDS_FOR_LANGUAGE = 12
# English words at least this frequent (log-probability) count as evidence that a text is English.
COMMON_LOGPROB = -11.0
# A text is not English when both shares are below these (English news and company descriptions have
# about 40% stop words and 75% common words; German, French, Spanish, Italian, Dutch, Portuguese and
# Swedish samples under 12% and 38%; measured by stratclass's tests and on 3,279 English texts, 1 flagged).
NOT_ENGLISH_STOP_SHARE = 0.15
NOT_ENGLISH_COMMON_SHARE = 0.45

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
    sentence_words: list[int] = field(default_factory=list)  # index in `lemmas` where each sentence starts
    # Words made of letters; how many are English stop words; how many are stop words or common
    # English words (spacy-lookups-data's word probabilities). Together they tell English from not.
    letter_words: int = 0
    stop_words: int = 0
    common_words: int = 0
    # Letter words capitalised inside a sentence (not acronyms): names of people, places, organisations.
    capitalised_words: int = 0

    @property
    def looks_english(self) -> bool | None:
        """False when the text is clearly not English, None when it is too short to tell."""
        if self.letter_words < MIN_WORDS_FOR_LANGUAGE:
            return None
        stop, common = self.stop_words / self.letter_words, self.common_words / self.letter_words
        return not (stop < NOT_ENGLISH_STOP_SHARE and common < NOT_ENGLISH_COMMON_SHARE)

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
# Dates are when, not what: news text is full of them and nobody highlights "Tuesday".
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight january "  # noqa: SIM905
    "february march april june july august september october november december".split()
)
# A courtesy title is not part of the name it precedes: "Gallagher", not "Mr Gallagher".
_HONORIFICS = frozenset(("Mr", "Mrs", "Ms", "Mx", "Dr", "Mr.", "Mrs.", "Ms.", "Mx.", "Dr."))
_HYPHEN, _PARTICIPLE, _COMPOUND = "-", "P", "C"


# Plurals the lemma table misses are folded only for rare words (jargon, acronyms), never for "news".
_RARE_LOGPROB = -14.0
# A rare capitalised word that starts a sentence and is followed by a name is part of that name
# ("Harbor Compute rents ..."); a common one is not ("President Obama", "Shares of Acme").
RARE_NAME_LOGPROB = -12.0


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


# Facts about a word that do not depend on its context, computed once per word form (see _WordFacts).
_WORDLIKE_AT, _IN_CHARS, _IS_PUNCT, _LENGTH, _LEMMA, _BREAKS, _LOWER = range(7)
_CASING_AT_START, _CASING_INSIDE, _CLASS_AT_START, _CLASS_INSIDE, _UNKNOWN, _IS_HYPHEN = range(7, 13)
_LETTER_WORD, _STOP_WORD, _COMMON_WORD, _CAPITALISED = 13, 14, 15, 16
# Cached word forms per pipeline; cleared at this size so that long runs stay bounded.
WORD_FACTS_LIMIT = 300_000


class _WordFacts:
    """Per word form (and lemma, for pipelines that assign lemmas in context): what `_read_doc` needs.

    Everything here is a lexical attribute or a table lookup, so it is computed once per distinct word
    instead of once per token: the per-token loop then only follows the context.
    """

    def __init__(self, vocab, table, lexicon: EnglishLexicon, inline: bool, punct_chars) -> None:
        self.vocab, self.table, self.lexicon, self.inline = vocab, table, lexicon, inline
        self.punct_chars = punct_chars or frozenset()
        self.cache: dict = {}

    def get(self, orth: int, lemma_id: int) -> tuple:
        key = (orth, lemma_id) if lemma_id else orth
        facts = self.cache.get(key)
        if facts is None:
            if len(self.cache) >= WORD_FACTS_LIMIT:
                self.cache.clear()
            facts = self.cache[key] = self._compute(orth, lemma_id)
        return facts

    def _compute(self, orth: int, lemma_id: int) -> tuple:
        lexeme = self.vocab[orth]
        text = lexeme.orth_
        in_chars, is_punct = text in self.punct_chars, bool(lexeme.is_punct)
        if is_punct or lexeme.is_space or not _WORDLIKE.search(text):
            return (
                False,
                in_chars,
                is_punct,
                len(text),
                None,
                True,
                text,
                0,
                0,
                None,
                None,
                True,
                text == "-",
            )
        lexicon = self.lexicon
        lower = lexeme.lower_
        lemma = self._lemma(lexeme, text, lower, self.vocab.strings[lemma_id] if lemma_id else "")
        breaks = (
            bool(lexeme.is_stop)
            or lemma in _SPECIAL
            or lower in _CALENDAR_WORDS
            or text in _HONORIFICS
            or (len(text) > 1 and text.endswith("."))  # abbreviations: "Calif.", "N.Y.", "a.m.", "Inc."
            or (len(text) == 1 and text.islower())  # unit debris: the "m" of "£8m", the "s" of "'s"
            or bool(_NOT_PHRASE_WORD.search(text))
        )
        is_acronym = text.isupper() and len(text) > 1
        known_class = lexicon.word_class(lower)
        unknown = known_class is None
        capitalised = text[:1].isupper()
        casing_inside = -1 if is_acronym else (1 if capitalised else 0)
        casing_at_start = -1 if is_acronym else (1 if capitalised and unknown else 0)
        word_class = known_class or lexicon.word_class(lemma)
        if word_class is None or is_acronym:
            class_at_start = class_inside = NOUN
        else:
            class_at_start = word_class
            class_inside = NOUN if word_class != NOUN and capitalised else word_class
        participle = lower.endswith(("ing", "ed"))
        class_at_start, class_inside = (
            _PARTICIPLE if c == VERB and participle else c for c in (class_at_start, class_inside)
        )
        letter_word = text.isalpha()
        stop_word = letter_word and bool(lexeme.is_stop)
        common_word = stop_word or (letter_word and lexicon.logprob(lower) >= COMMON_LOGPROB)
        return (
            True, in_chars, is_punct, len(text), lemma, breaks, lower,
            casing_at_start, casing_inside, class_at_start, class_inside, unknown, False,
            int(letter_word), int(stop_word), int(common_word), int(letter_word and casing_inside == 1),
        )  # fmt: skip

    def _lemma(self, lexeme, text: str, lower: str, assigned: str) -> str:
        if lexeme.like_url:
            return URL_TOKEN
        if lexeme.like_email:
            return EMAIL_TOKEN
        if lexeme.like_num:
            return NUMBER_TOKEN
        table, lexicon = self.table, self.lexicon
        # Inline: exactly what the lookup lemmatizer pipe would have assigned.
        lemma = table.get(text, text) if self.inline else assigned
        if lexeme.is_upper and len(lower) > 1:
            return _fold_plural(lower, lexicon)  # acronyms: the lookup table maps "AI" to "have"
        if not lemma or lemma == text:
            lemma = table.get(lower, lower) if table is not None else lower
            if lemma == lower:
                lemma = _fold_plural(lower, lexicon)
        return lemma.lower()


_READ_ATTRS = ["ORTH", "IDX", "SPACY", "LEMMA", "SENT_START"]


def _read_doc(
    doc: Doc,
    offset: int,
    facts: _WordFacts,
    out: ParsedText,
    punct_chars: frozenset[str] | None = None,
) -> None:
    """Append the words, candidates and sentences of `doc` (a piece starting at `offset`) to `out`.

    With `punct_chars` (the default pipeline), sentence boundaries follow the sentencizer's own rule in
    this same pass: a sentence starts at the first token, and at the first token after one of
    `punct_chars` that is neither punctuation nor one of them.
    """
    lemmas = out.lemmas
    use_chunks = doc.has_annotation("DEP")
    # A run item: (token index, lemma, class, word position, casing, start, end, lower, unknown, space).
    run: list[tuple] = []
    chunk_words: dict[int, tuple[str, int]] = {}  # token index -> (lemma, word position), for noun chunks
    sentence_starts: list[int] = []
    sentence_words: list[int] = []  # lemmas before each sentence start (default pipeline)
    token_words: list[int] = []  # lemmas before each token (other pipelines)
    seen_period = False
    joining = False
    letter_words = stop_words = common_words = capitalised_words = 0
    sentence_token = -1  # index of the token that starts the current sentence
    rows = doc.to_array(_READ_ATTRS).tolist() if len(doc) else []
    cache, compute = facts.cache, facts.get
    append_lemma = lemmas.append
    headline_end = _headline_end(rows, compute) if offset == 0 else 0

    def close_run() -> None:
        if run:
            _emit_candidates(run, offset, out)
            run.clear()

    for i, (orth, idx, space, lemma_id, sent) in enumerate(rows):
        word = cache.get((orth, lemma_id) if lemma_id else orth)
        if word is None:
            word = compute(orth, lemma_id)
        if punct_chars is not None:
            in_chars = word[1]  # _IN_CHARS
            by_rule = seen_period and not word[2] and not in_chars  # word[2]: _IS_PUNCT
            sent_start = by_rule or i == 0
            if sent_start:
                sentence_starts.append(i)
                sentence_words.append(len(lemmas))
            if by_rule:
                seen_period = False
            elif in_chars:  # also at the first token, as in the sentencizer ("! Hello" is two sentences)
                seen_period = True
        else:
            sent_start = sent == 1
            token_words.append(len(lemmas))
        if not word[0]:  # _WORDLIKE_AT
            # A hyphen inside a word ("self-tuning") keeps the run going; other punctuation ends it.
            joining = word[_IS_HYPHEN] and bool(run) and not space and not run[-1][9]
            if joining and not use_chunks:
                run.append((i, "-", _HYPHEN, -1, -1, idx, idx + 1, "-", False, space))
            elif run:
                close_run()
            continue
        lemma = word[4]  # _LEMMA
        position = len(lemmas)
        append_lemma(lemma)
        letter_words += word[13]  # _LETTER_WORD
        stop_words += word[14]  # _STOP_WORD
        common_words += word[15]  # _COMMON_WORD
        if not sent_start:
            capitalised_words += word[16]  # _CAPITALISED
        if use_chunks:
            chunk_words[i] = (lemma, position)
            continue
        if word[5]:  # _BREAKS
            if run:
                close_run()
            joining = False
            continue
        if sent_start:
            if run:
                close_run()
            sentence_token = i
        if sent_start or i < headline_end:
            casing, word_class = word[_CASING_AT_START], word[_CLASS_AT_START]
        else:
            casing, word_class = word[_CASING_INSIDE], word[_CLASS_INSIDE]
        if joining:
            word_class = _COMPOUND
            joining = False
        elif run:
            # Names are phrases of their own: "chief executive | Imke Varga", "Michael Buble | weds";
            # a capitalised common word may still lead a phrase ("Web services"), but after a name of
            # two or more capitalised words the name is complete ("Harbor Compute | rents"). The run
            # never ends on a hyphen here: a hyphen is followed by a joined word or the run is closed.
            last = run[-1]
            previous = last[4]
            if casing == 1 and previous == 0:
                if (
                    len(run) == 1
                    and last[0] == sentence_token
                    and out.text[offset + last[5]].isupper()
                    and facts.lexicon.logprob(last[7]) < RARE_NAME_LOGPROB
                ):
                    run[-1] = (*last[:4], 1, *last[5:])  # "Harbor Compute": a name from the sentence start
                else:
                    close_run()
            elif casing == 0 and previous == 1:
                complete_name = len(run) > 1 and run[-2][4] == 1
                if last[8] or complete_name:
                    close_run()
                    # Right after a complete name, a lower-case "-s" form is its verb: "Harbor Compute rents".
                    if complete_name and word[6] != lemma and word[6].endswith("s"):
                        continue
        if word_class is VERB or word_class is ADVERB:  # participles were told apart already
            if run:
                close_run()
            continue
        run.append((i, lemma, word_class, position, casing, idx, idx + word[3], word[6], word[11], space))
    close_run()

    out.letter_words += letter_words
    out.stop_words += stop_words
    out.common_words += common_words
    out.capitalised_words += capitalised_words

    if use_chunks:
        for chunk in doc.noun_chunks:
            tokens = [t for t in chunk if not (t.is_stop or t.is_punct or t.is_space or t.like_num)]
            if tokens:
                items = [(t, *chunk_words.get(t.i, (t.lower_, 0))) for t in tokens]
                run = [
                    (
                        t.i,
                        lemma,
                        NOUN,
                        position,
                        0,
                        t.idx,
                        t.idx + len(t.text),
                        t.lower_,
                        False,
                        t.whitespace_,
                    )
                    for t, lemma, position in items
                ]
                _emit_candidates(run, offset, out)

    if punct_chars is not None:
        ends = [*sentence_starts[1:], len(rows)] if sentence_starts else []
        for start, end in zip(sentence_starts, ends, strict=True):
            orth, last_idx, _, lemma_id, _ = rows[end - 1]  # the sentence ends where its last token does
            out.sentences.append(
                (offset + rows[start][1], offset + last_idx + compute(orth, lemma_id)[_LENGTH])
            )
        out.sentence_words.extend(sentence_words)
    elif doc.has_annotation("SENT_START"):
        for sentence in doc.sents:
            out.sentences.append((offset + sentence.start_char, offset + sentence.end_char))
            out.sentence_words.append(token_words[sentence.start])
    elif len(doc):
        out.sentences.append((offset, offset + len(doc.text)))
        out.sentence_words.append(token_words[0])


# A first line of at most this many words, with every word but the stop words capitalised, is a headline.
HEADLINE_MAX_WORDS = 25


def _headline_end(rows: list, compute) -> int:
    """Index of the token that ends a title-case first line ("Acme Launches Payment APIs for Shops"), or 0.

    In a headline every word is capitalised, so capitals say nothing about names: its words are read as
    at a sentence start, where a known verb is a verb ("Launches") and only unknown words are names.
    """
    content = capitalised = words = 0
    end = len(rows)
    for i, (orth, _, _, lemma_id, _) in enumerate(rows):
        word = compute(orth, lemma_id)
        if not word[_WORDLIKE_AT]:
            if "\n" in word[_LOWER]:  # for whitespace and punctuation, the text itself
                end = i
                break
            continue
        words += 1
        if words > HEADLINE_MAX_WORDS:
            return 0
        if word[_LETTER_WORD] and not word[_STOP_WORD]:
            content += 1
            capitalised += word[_CASING_INSIDE] != 0
    return end if content >= 3 and capitalised == content else 0


_TRAILING = frozenset((_HYPHEN, ADJECTIVE, _PARTICIPLE))
_HEADS = frozenset((NOUN, _COMPOUND))
_HYPHEN_OR_COMPOUND = frozenset((_HYPHEN, _COMPOUND))


def _emit_candidates(run: list[tuple], offset: int, out: ParsedText) -> None:
    """Turn a run into noun-phrase-shaped candidates: modifiers then a noun head, at most MAX_PHRASE_WORDS.

    A longer run is cut from its end: the head with its nearest modifiers is one candidate and what
    precedes is treated the same way (in one pass over the run, however long it is).
    """
    heads_before = [0]  # items that can head a phrase (nouns, joined compounds) before each position
    plain_before = [0]  # items that count as words of their own (not hyphens, not joined compounds)
    for item in run:
        heads_before.append(heads_before[-1] + (item[2] in _HEADS))
        plain_before.append(plain_before[-1] + (item[2] not in _HYPHEN_OR_COMPOUND))
    begin = 0
    while begin < len(run) and run[begin][2] == _HYPHEN:
        begin += 1
    pieces: list[tuple[int, int]] = []
    end = len(run)
    while True:
        # A phrase ends on its head ("API access", not "API used"): drop trailing modifiers and hyphens.
        while end > begin and run[end - 1][2] in _TRAILING:
            end -= 1
        if end <= begin or heads_before[end] == heads_before[begin]:
            break
        if plain_before[end] - plain_before[begin] <= MAX_PHRASE_WORDS:
            pieces.append((begin, end))
            break
        # Keep the head and its nearest modifiers; what precedes may form its own phrase.
        first_kept, counted = end, 0
        while counted < MAX_PHRASE_WORDS:
            first_kept -= 1
            counted += run[first_kept][2] not in _HYPHEN_OR_COMPOUND
        pieces.append((first_kept, end))
        end = first_kept
    for start_at, end_at in reversed(pieces):
        items = run[start_at:end_at]
        words = [item for item in items if item[2] != _HYPHEN] if len(items) > 1 else items
        start, stop = offset + items[0][5], offset + items[-1][6]
        out.candidates.append(
            Candidate(
                out.text[start:stop],
                " ".join([item[1] for item in words]),
                start,
                stop,
                words[0][3],
                len(words),
                tuple([item[7] for item in words]),
            )
        )


_FACTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _word_facts(nlp: Language) -> tuple[_WordFacts, frozenset[str] | None]:
    """The pipeline's word-facts cache (kept between calls) and its sentencizer's characters."""
    inline = bool(nlp.meta.get(INLINE_LEMMAS)) and nlp.has_pipe("lemmatizer") and nlp.has_pipe("sentencizer")
    punct_chars = frozenset(nlp.get_pipe("sentencizer").punct_chars) if inline else None
    facts = _FACTS.get(nlp)
    if facts is None:
        table = lemma_lookup() if inline else _lemma_table(nlp)
        facts = _FACTS[nlp] = _WordFacts(nlp.vocab, table, english_lexicon(), inline, punct_chars)
    return facts, punct_chars


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[ParsedText]:
    """Parse each text once (streaming, in `nlp.pipe` batches) and yield one ParsedText per text."""
    facts, punct_chars = _word_facts(nlp)
    disabled = ["lemmatizer", "sentencizer"] if punct_chars is not None else []

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
        _read_doc(doc, offset, facts, current, punct_chars)
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
