"""When an unknown acronym is read as a word and when it is spelled: the phonotactic rule."""

from __future__ import annotations

import pytest

from bulletin.script.acronyms import dutch, pronounceable


@pytest.mark.parametrize(
    "word",
    [
        "NAVO",
        "BENELUX",
        "UNESCO",
        "UNICEF",
        "OPEC",
        "NASA",
        "AMRO",
        "COVID",
        "OESO",
        "HAVO",
        "HEMA",
        "AKZO",
        "BOVAG",
        "FIFA",
    ],
)
def test_read_as_a_word(word):
    assert pronounceable(word)


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("ASML", "no coda SML"),
        ("NXP", "three letters, no vowel"),
        ("KNMI", "no onset KNM"),
        ("RIVM", "no coda VM"),
        ("ANWB", "no coda NWB"),
        ("KNVB", "no vowel"),
        ("NVWA", "no onset NVW"),
        ("AIVD", "AI is no Dutch vowel sound here, no coda VD"),
        ("IAEA", "vowels in a row that make no sound together"),
        ("UWV", "three letters"),
        ("NOS", "three letters: Dutch spells these"),
        ("EHRM", "no coda HRM"),
        ("SNCF", "no coda NCF"),
    ],
)
def test_spelled(word, why):
    assert not pronounceable(word), why


def test_the_data_loads_as_sets_of_capitals():
    rules = dutch()
    assert rules.spell_max_letters == 3
    for group in (rules.vowels, rules.nuclei, rules.onsets, rules.codas, rules.no_coda):
        assert group and all(item.isalpha() and item.isupper() for item in group)
