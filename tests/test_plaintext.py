"""Text fit for every output: what `printable` removes, keeps and changes."""

from __future__ import annotations

import pytest

from bulletin.core.plaintext import printable, speakable, transliterated


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


@pytest.mark.parametrize(
    ("text", "encoding", "written"),
    [
        ("Høiby – € 5", "ascii", "Hoiby - EUR 5"),  # bext: the euro spelled, not dropped
        ("Café “De Stoep” …", "ascii", 'Cafe "De Stoep" ...'),
        ("Straße", "ascii", "Strasse"),
        ("Høiby – € 5", "cp1252", "Høiby – € 5"),  # all CP1252's own
        ("Łódź en Brno", "cp1252", "Lódz en Brno"),  # only what CP1252 lacks changes
        ("Čapek", "cp1252", "Capek"),
        ("plain", "ascii", "plain"),
        ("Nieuws ✨ uit Łódź 🚄", "cp1252", "Nieuws  uit Lódz "),  # an emoji goes, not as ":sparkles:"
        ("Wk 2026 ™", "ascii", "Wk 2026 TM"),
    ],
)
def test_transliterated(text, encoding, written):
    assert transliterated(text, encoding) == written
    written.encode(encoding)  # the result is all the encoding holds
