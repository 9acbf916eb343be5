"""The one sentence splitter (script, estimates, feeds, captions, request cuts), as tables."""

from __future__ import annotations

import pytest

from bulletin.text import sentences


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Het regent. Het waait.", ["Het regent.", "Het waait."]),
        ("Waarom? Daarom! Klaar.", ["Waarom?", "Daarom!", "Klaar."]),
        ("Dat zei o.a. de minister. Hij ging.", ["Dat zei o.a. de minister.", "Hij ging."]),
        ("Dhr. Jansen kwam. Mevr. De Vries ook.", ["Dhr. Jansen kwam.", "Mevr. De Vries ook."]),
        ("Het ging om ca. 300 mensen.", ["Het ging om ca. 300 mensen."]),
        ("Hij werkt bij ING. Daarna niets.", ["Hij werkt bij ING.", "Daarna niets."]),  # the bank, not ing.
        ("Op nr. 5 staat hij.", ["Op nr. 5 staat hij."]),
        ("Zei J.P. de Vries. Daarna niets.", ["Zei J.P. de Vries.", "Daarna niets."]),
        ("fietsen enz. en meer. Daarna", ["fietsen enz. en meer.", "Daarna"]),  # lower case follows: no end
        ("Fietsen enz. De politie kwam.", ["Fietsen enz.", "De politie kwam."]),
        ("In Costa Rica. Daar", ["In Costa Rica.", "Daar"]),
        ('Hij zei: "Nee." Toen ging hij.', ['Hij zei: "Nee."', "Toen ging hij."]),
        ("In 2040. 413 leden stemden voor.", ["In 2040.", "413 leden stemden voor."]),
        ("Ze woont in Oss. 's-Hertogenbosch is mooi.", ["Ze woont in Oss.", "'s-Hertogenbosch is mooi."]),
        ("Beleggers wachten. (c) ANP", ["Beleggers wachten.", "(c) ANP"]),  # a credit line opens
        ("Kop zonder punt\nTekst.", ["Kop zonder punt", "Tekst."]),  # a paragraph break ends one
        ("", []),
    ],
)
def test_split(text, parts):
    assert sentences.split(text) == parts


def test_spans_point_into_the_text_and_first_and_count_agree():
    text = "Eerste zin.  Tweede zin?\nDerde"
    found = sentences.spans(text)
    assert [text[a:b] for a, b in found] == ["Eerste zin.", "Tweede zin?", "Derde"]
    assert sentences.first(text) == "Eerste zin." and sentences.count(text) == 3
    assert sentences.first("   ") == ""


@pytest.mark.parametrize(
    ("sentence", "width", "lines"),
    [
        ("Kort.", 84, ["Kort."]),
        # Two even lines rather than a full one and a stub.
        (
            "Het kabinet trekt de komende vijf jaar extra geld uit voor de versterking van dijken langs de rivieren.",
            84,
            [
                "Het kabinet trekt de komende vijf jaar extra geld uit",
                "voor de versterking van dijken langs de rivieren.",
            ],
        ),
        ("een twee drie vier vijf", 9, ["een twee", "drie vier", "vijf"]),
        ("kort " + "x" * 20 + " kort", 10, ["kort", "x" * 20, "kort"]),  # a long word gets a line
    ],
)
def test_wrap(sentence, width, lines):
    wrapped = sentences.wrap(sentence, width)
    assert [line for _, line in wrapped] == lines
    assert all(sentence[offset:].startswith(line) for offset, line in wrapped)
    assert all(len(line) <= width for line in lines if " " in line)
