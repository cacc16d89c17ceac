"""Turning bytes from disk or stdin into text, or a clear reason why not."""

from __future__ import annotations

import codecs

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


class InputError(StratclassError):
    """An input that cannot become text; `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


SNIFF_BYTES = 1 << 16


def sniff_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: a BOM, else UTF-8, else detected; InputError if binary."""
    if not head:
        raise InputError("empty_input", "empty file")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head or sum(head.count(bytes([c])) for c in _CONTROL) > len(head) * 0.01:
        raise InputError("binary_input", "binary data, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise InputError("decode_error", "cannot detect the text encoding")
    return best.encoding


def decode_bytes(data: bytes) -> str:
    """Decode `data`: BOMs first, then strict UTF-8, then charset detection (charset-normalizer)."""
    encoding = sniff_encoding(data[:SNIFF_BYTES])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass  # the start looked like one encoding, the whole is another: detect over all of it
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("decode_error", f"cannot decode the text as {encoding} or detect its encoding")
    return str(best)
