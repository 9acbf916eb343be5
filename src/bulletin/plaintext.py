"""Text fit for every output: no C0 control characters (bells, escapes, NULs from
scraped pages), whichever file format carries it; and whether text has anything to speak."""

from __future__ import annotations

import re

# C0 controls and DEL, but newline: a tab becomes a space, the rest go.
_TAB = "\t"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` without control characters; newlines kept, tabs as spaces."""
    return _CONTROLS.sub("", text.replace(_TAB, " "))


def speakable(text: str) -> bool:
    """True if ``text`` has a letter or a digit: punctuation and controls alone give no speech."""
    return any(char.isalnum() for char in text)
