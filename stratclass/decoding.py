"""Turning bytes from disk or stdin into text, or a clear reason why not."""

from __future__ import annotations

import codecs
import re
import warnings
from typing import BinaryIO

from stratclass.errors import StratclassError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, form feed and carriage return mark binary data.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
# charset-normalizer ranks decodings by "chaos" (how garbled the result looks) and then by how well the
# letters fit a language; on short texts the second is noise ("café crème" fits Czech as "café crčme").
# So among the least garbled decodings, windows-1252 is preferred: the encoding the WHATWG Encoding
# Standard uses for unlabelled Western text and for "latin-1". Central European, Cyrillic or Greek text
# decoded as windows-1252 looks garbled, so those are still found.
_PREFERRED = "cp1252"

SNIFF_BYTES = 1 << 16
# Texts are read and labelled up to this many characters (spaCy's default max_length), so that memory
# and time stay bounded whatever the size of an input; a longer text is cut and a warning says so.
MAX_TEXT_CHARS = 1_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS + 4  # the most bytes MAX_TEXT_CHARS characters take (UTF-32)


class InputError(StratclassError):
    """An input that cannot become text; `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


class TextCutWarning(UserWarning):
    """A text longer than MAX_TEXT_CHARS was cut to its first MAX_TEXT_CHARS characters."""


def detect_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer finds most plausible for `data` (no BOM, not UTF-8), or None."""
    from charset_normalizer import from_bytes

    # UTF-16/32 without a BOM would hold NUL bytes, which mark binary data here.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    if any(m.chaos <= least and _PREFERRED in m.could_be_from_charset for m in matches):
        return _PREFERRED
    return matches[0].encoding


def sniff_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: a BOM, else UTF-8, else detected; InputError if binary."""
    if not head:
        raise InputError("empty_input", "empty (0 bytes)")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head or sum(head.count(bytes([c])) for c in _CONTROL) > len(head) * 0.01:
        raise InputError("binary_input", "binary data (an image, archive or NUL bytes), not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = detect_encoding(head)
    if encoding is None:
        raise InputError("decode_error", "cannot detect the text encoding")
    return encoding


def decode_bytes(data: bytes, *, final: bool = True) -> str:
    """Decode `data`: BOMs first, then strict UTF-8, then charset detection (charset-normalizer).

    `final=False`: `data` is the start of a longer input, so a character cut at its end is dropped.
    Raises InputError for empty, whitespace-only, binary or undecodable data.
    """
    encoding = sniff_encoding(data[:SNIFF_BYTES])
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except UnicodeDecodeError:
        # The start looked like one encoding, the whole is another: detect over all of it.
        detected = detect_encoding(data)
        try:
            text = codecs.getincrementaldecoder(detected or encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            raise InputError(
                "decode_error", f"cannot decode the text as {encoding} or detect its encoding"
            ) from None
    if not text.strip():
        raise InputError("empty_input", "only whitespace, no text")
    return text


def cut_text(text: str, name: str, limit: int = MAX_TEXT_CHARS, *, longer: bool = False) -> str:
    """`text`, or its first `limit` characters (ending at a space or line break) with a TextCutWarning.

    `longer`: the input goes on past `text` (it was read only in part), so it is cut in any case.
    """
    if len(text) <= limit and not longer:
        return text
    end = min(limit, len(text))
    cut = max(text.rfind(" ", 0, end + 1), text.rfind("\n", 0, end + 1))
    if cut < end * 0.9:
        cut = end
    warnings.warn(
        f"{name}: longer than {limit:,} characters; only the first {cut:,} are labelled",
        TextCutWarning,
        stacklevel=2,
    )
    return text[:cut]


def read_text(stream: BinaryIO, name: str) -> str:
    """Read and decode a text input, at most MAX_TEXT_CHARS of it (see `cut_text`); InputError if none."""
    data = stream.read(MAX_TEXT_BYTES + 1)
    longer = len(data) > MAX_TEXT_BYTES
    return cut_text(decode_bytes(data[:MAX_TEXT_BYTES], final=not longer), name, longer=longer)


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """`text` with lone surrogates (from JSON "\\ud800" escapes or feed character references) replaced by
    U+FFFD, so that it can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
