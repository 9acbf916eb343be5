"""Dutch number words and the spoken clock, as tables."""

from __future__ import annotations

from datetime import date, time

import pytest

from bulletin.script.clock import greeting, spoken_date, spoken_time
from bulletin.script.numbers import cardinal, decimal, ordinal


@pytest.mark.parametrize(
    ("n", "hundreds", "words"),
    [
        (1, False, "één"),
        (21, False, "eenentwintig"),
        (22, False, "tweeëntwintig"),
        (101, False, "honderdeen"),
        (413, False, "vierhonderddertien"),
        (1990, True, "negentienhonderdnegentig"),
        (1500, True, "vijftienhonderd"),
        (1500, False, "duizendvijfhonderd"),
        (2040, True, "tweeduizendveertig"),
        (44210, False, "vierenveertigduizendtweehonderdtien"),
        (-5, False, "min vijf"),
        (1_000_000, False, "één miljoen"),  # a "one" that is a word of its own is stressed
        (1_000_001, False, "één miljoen één"),
        (1001, False, "duizendeen"),
    ],
)
def test_cardinal(n, hundreds, words):
    assert cardinal(n, hundreds_form=hundreds) == words


@pytest.mark.parametrize(
    ("whole", "fraction", "words"),
    [
        (2, "1", "twee komma één"),
        (44210, "35", "vierenveertigduizendtweehonderdtien komma vijfendertig"),
        (2, "05", "twee komma nul vijf"),
        (0, "125", "nul komma één twee vijf"),
    ],
)
def test_decimal(whole, fraction, words):
    assert decimal(whole, fraction) == words


@pytest.mark.parametrize(("n", "words"), [(1, "eerste"), (2, "tweede"), (3, "derde"), (21, "eenentwintigste")])
def test_ordinal(n, words):
    assert ordinal(n) == words


@pytest.mark.parametrize(
    ("hh", "mm", "said"),
    [
        (8, 0, "acht uur"),
        (14, 0, "twee uur"),
        (0, 0, "twaalf uur"),
        (13, 0, "één uur"),
        (8, 5, "vijf over acht"),
        (8, 15, "kwart over acht"),
        (8, 20, "tien voor half negen"),
        (8, 25, "vijf voor half negen"),
        (8, 30, "half negen"),
        (8, 35, "vijf over half negen"),
        (8, 45, "kwart voor negen"),
        (8, 55, "vijf voor negen"),
        (23, 30, "half twaalf"),
        (8, 17, "acht uur zeventien"),
    ],
)
def test_spoken_time(hh, mm, said):
    assert spoken_time(time(hh, mm)) == said


def test_spoken_date_and_greeting():
    assert spoken_date(date(2026, 11, 27)) == "vrijdag zevenentwintig november"
    assert [greeting(time(h)) for h in (3, 8, 14, 20)] == ["Goedenacht", "Goedemorgen", "Goedemiddag", "Goedenavond"]
