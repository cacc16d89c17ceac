"""Finding XML entity declarations that feeds and OPML lists have no use for and attacks are made of.

A DTD can declare entities that expand to other entities (billion laughs: a kilobyte that becomes
gigabytes), to long text referenced many times (quadratic blow-up), or to files and URLs (external
entities: `<!ENTITY x SYSTEM "file:///etc/passwd">`). Real feeds declare at most a few character
entities (`<!ENTITY nbsp "&#160;">`), so any other declaration makes the document refused before it
is parsed; nothing is expanded or fetched while looking.
"""

from __future__ import annotations

import contextlib
import re
import xml.parsers.expat

# The longest entity text a document may declare: a character or two, like `&#160;`.
MAX_ENTITY_CHARS = 8

_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_SAFE_VALUE = rb"(&#\w+;|[^&%<>QUOTE]{0,LIMIT})".replace(b"LIMIT", str(MAX_ENTITY_CHARS).encode())
_SAFE_DECLARATION = re.compile(
    rb"<!ENTITY\s+[\w.:-]+\s+("
    + b'"' + _SAFE_VALUE.replace(b"QUOTE", b'"') + b'"|'
    + b"'" + _SAFE_VALUE.replace(b"QUOTE", b"'") + b"'"
    + rb")\s*>"
)  # fmt: skip
_NAME = re.compile(rb"<!ENTITY\s+(%?\s*[\w.:-]*)", re.IGNORECASE)


class _EndOfProlog(Exception):
    pass


def unsafe_entity(data: bytes, allowed: int = MAX_ENTITY_CHARS) -> str | None:
    """The name of the first entity the document's DTD declares that is not short plain text, or None.

    expat reads only the prolog: it stops at the root element, so no entity is expanded. An entity is
    unsafe when it is a parameter entity, external (SYSTEM/PUBLIC), refers to other entities, or is
    longer than `allowed` characters. A document expat cannot read gives None.
    """
    parser = xml.parsers.expat.ParserCreate()
    found: list[str] = []

    def on_entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter or value is None or "&" in value or "%" in value or len(value) > allowed:
            found.append(("%" if is_parameter else "") + name)
            raise _EndOfProlog

    def on_root(name, attributes) -> None:
        raise _EndOfProlog

    parser.EntityDeclHandler = on_entity
    parser.StartElementHandler = on_root
    with contextlib.suppress(_EndOfProlog, xml.parsers.expat.ExpatError, ValueError):
        parser.Parse(data.lstrip() if data[:1].isspace() else data, True)
    return found[0] if found else None


def unsafe_entity_for_feedparser(data: bytes, headers: dict[str, str]) -> str | None:
    """`unsafe_entity` as feedparser's lenient parser sees the document, for one expat cannot read.

    That parser expands the entities declared before the first element, found by a regular expression
    over the document as feedparser decodes it, so this looks at that same decoded text.
    """
    try:
        from feedparser.encodings import convert_to_utf8

        text = convert_to_utf8(dict(headers), data, {})
    except Exception:  # feedparser's internals moved: look at the raw bytes
        text = data
    if not isinstance(text, bytes):
        text = data
    first_element = re.search(rb"<\w", text)
    head = text[: first_element.start() if first_element else len(text)]
    for match in _DECLARATION.finditer(head):
        if not _SAFE_DECLARATION.match(head, match.start()):
            name = _NAME.match(head, match.start())
            return (name.group(1) if name else b"").decode("utf-8", "replace") or "?"
    return None


def unsafe_entity_message(location: str, entity: str) -> str:
    """The reason given for refusing a document that declares `entity`."""
    return (
        f"{location}: declares the XML entity {entity!r}, which expands other entities, reads a file or "
        f"URL, or is long; refused (entity expansion and external entities are an attack, not a feed)"
    )
