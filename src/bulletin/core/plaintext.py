"""Text fit for every output: no C0 control characters (bells, escapes, NULs from
scraped pages, bidirectional overrides) and no lone surrogates (a JSON escape such as ``\udc80``, which is no character
and which no UTF-8 file can hold), whichever file format carries it; and whether text has
anything to speak; and text for the outputs that hold only ASCII or one code page."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")

# C0 controls and DEL, but newline: a tab becomes a space, the rest go. So do surrogates (in a
# Python str a pair is already one character, so any left is a lone one) and the bidirectional
# embeddings, overrides, isolates and marks (LRM, RLM, ALM), which can make a transcript show
# other text than it holds.
_TAB = "\t"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def printable(text: str) -> str:
    """``text`` without control characters and lone surrogates; newlines kept, tabs as spaces."""
    return _CONTROLS.sub("", text.replace(_TAB, " "))


def printable_fields(value: T) -> T:
    """``value`` with every string in it :func:`printable`: through dataclasses and tuples,
    so a source's news (a page or a script) carries no control character to any output."""
    cleaned: Any
    if isinstance(value, Enum):  # a kind or a role, not text (StrEnum is a str too)
        cleaned = value
    elif isinstance(value, str):
        cleaned = printable(value)
    elif isinstance(value, tuple):
        cleaned = tuple(printable_fields(item) for item in value)
    elif is_dataclass(value) and not isinstance(value, type):
        cleaned = replace(value, **{f.name: printable_fields(getattr(value, f.name)) for f in fields(value) if f.init})
    else:
        cleaned = value
    return cleaned  # type: ignore[no-any-return]


def transliterated(text: str, encoding: str = "ascii") -> str:
    """``text`` with each character ``encoding`` cannot hold spelled in ASCII (anyascii's
    tables): in ASCII "Høiby – € 5" is "Hoiby - EUR 5"; in CP1252 only "ł" in "Łódź" changes."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        from anyascii import anyascii

        spelled = ((char, anyascii(char)) for char in text)
        # anyascii names an emoji by its shortcode (":sparkles:"): no reader wants that in a title
        return "".join(
            char if _holds(char, encoding) else "" if _shortcode(ascii) else ascii for char, ascii in spelled
        )
    return text


def _shortcode(spelled: str) -> bool:
    return len(spelled) > 2 and spelled[0] == spelled[-1] == ":"


def _holds(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def speakable(text: str) -> bool:
    """True if ``text`` has a letter or a digit: punctuation and controls alone give no speech."""
    return any(char.isalnum() for char in text)
