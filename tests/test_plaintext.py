"""Text fit for every output: what `printable` removes, keeps and changes."""

from __future__ import annotations

import pytest

from bulletin.core.plaintext import printable, speakable


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Goedemorgen\x07 Nederland", "Goedemorgen Nederland"),  # a bell
        ("tab\tin", "tab in"),
        ("twee\nregels", "twee\nregels"),  # newlines stay
        ("\x1b[31mrood\x1b[0m", "[31mrood[0m"),  # an escape goes, its printable tail is text
        ("De \u202eenil\u202c is", "De enil is"),  # override and pop
        ("\u2066geïsoleerd\u2069", "geïsoleerd"),  # isolates
        ("links\u200erechts\u200f", "linksrechts"),  # LRM and RLM
        ("letter\u061cmark", "lettermark"),  # the Arabic letter mark
        ("kapot \udce9", "kapot "),  # a lone surrogate
        ("café – €5 ø", "café – €5 ø"),  # what news is written with stays
    ],
)
def test_printable(text, kept):
    assert printable(text) == kept


@pytest.mark.parametrize(("text", "speaks"), [("!!! ... ???", False), ("\u202e\x07", False), ("5", True), ("é", True)])
def test_speakable(text, speaks):
    assert speakable(text) is speaks
