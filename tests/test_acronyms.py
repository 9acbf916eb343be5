"""When an unknown acronym is read as a word and when it is spelled: the phonotactic rule."""

from __future__ import annotations

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script.acronyms import dutch, pronounceable, read_mixed
from bulletin.script.lexicon import load_lexicon


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
        "JA",  # short words in capitals: the data's short_words
        "BIJ",
        "MAX",
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
    for group in (rules.vowels, rules.nuclei, rules.onsets, rules.codas, rules.no_coda, rules.short_words):
        assert group and all(item.isalpha() and item.isupper() for item in group)


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("JA21", "Ja-eenentwintig"),
        ("BIJ1", "Bij-één"),
        ("50PLUS", "Vijftigplus"),  # a number before a word: one word, as "vijftigplus"
        ("COVID19", "Covid-negentien"),
        ("G7", "gee-zeven"),  # letters that make no word are spelled
        ("A12", "aa-twaalf"),
        ("5G", "vijf-gee"),
        ("MH17", "em-haa-zeventien"),
    ],
)
def test_names_of_capitals_and_digits_are_read_part_by_part(token, said):
    letters = load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]).letters
    assert read_mixed(token, letters) == said
