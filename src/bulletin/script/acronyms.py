"""Whether an unknown acronym can be read as a word: a small Dutch phonotactic check.

The data (which letters are vowels, which consonant clusters may begin or end
a syllable) is in ``phonotactics-nl.toml``; the rule here only asks whether
the word splits into syllables made of an allowed onset, a vowel sound and an
allowed coda. NAVO (NA-VO), BENELUX (BE-NE-LUX) and UNESCO (U-NES-CO) do; ASML
(no coda "SML"), NXP (no vowel) and KNMI (no onset "KNM") do not, and are
spelled. A few short words written in capitals are words all the same (JA, BIJ, MAX: the
data's ``short_words``). The lexicon decides before this rule is asked.

A name of letters and digits (JA21, 50PLUS, G7) is read part by part: letters that make a
word as a word, others spelled, digits as a number (:func:`read_mixed`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bulletin.script import numbers

DATA_FILE = "phonotactics-nl.toml"
LETTER_JOINER = "-"
PARTS = re.compile(r"\d+|[^\W\d_]+")


@dataclass(frozen=True)
class Phonotactics:
    """Which letter sequences make a Dutch syllable; see ``phonotactics-nl.toml``."""

    spell_max_letters: int
    short_words: frozenset[str]
    vowels: frozenset[str]
    nuclei: frozenset[str]
    onsets: frozenset[str]
    codas: frozenset[str]
    no_coda: frozenset[str]

    def can_begin(self, cluster: str) -> bool:
        """``cluster`` may open a syllable (nothing, one consonant, or a listed onset)."""
        return len(cluster) <= 1 or cluster in self.onsets

    def can_end(self, cluster: str) -> bool:
        """``cluster`` may close a syllable (nothing, one consonant, or a listed coda)."""
        if len(cluster) == 1:
            return cluster not in self.no_coda
        return not cluster or cluster in self.codas

    def can_join(self, cluster: str) -> bool:
        """A consonant cluster between two vowels splits into a coda and an onset."""
        return any(self.can_end(cluster[:i]) and self.can_begin(cluster[i:]) for i in range(len(cluster) + 1))


@cache
def dutch() -> Phonotactics:
    """The Dutch data shipped with bulletin."""
    raw = tomllib.loads(resources.files(__package__).joinpath(DATA_FILE).read_text("utf-8"))
    return Phonotactics(
        spell_max_letters=int(raw["spell_max_letters"]),
        short_words=frozenset(raw["short_words"]),
        **{key: frozenset(raw[key]) for key in ("vowels", "nuclei", "onsets", "codas", "no_coda")},
    )


def pronounceable(word: str, rules: Phonotactics | None = None) -> bool:
    """True when the capital letters of ``word`` read as Dutch syllables."""
    rules = rules or dutch()
    letters = word.upper()
    if letters in rules.short_words:
        return True
    if len(letters) <= rules.spell_max_letters or not letters.isalpha():
        return False
    vowel_class = "".join(sorted(rules.vowels))
    parts = re.split(rf"([{vowel_class}]+)", letters)  # consonants, vowels, consonants, ...
    consonants, vowel_runs = parts[::2], parts[1::2]
    if not vowel_runs or any(len(v) > 1 and v not in rules.nuclei for v in vowel_runs):
        return False
    first, *middle, last = consonants
    return rules.can_begin(first) and rules.can_end(last) and all(map(rules.can_join, middle))


def spell(token: str, letters: Mapping[str, str]) -> str:
    """Spell an acronym letter by letter; digits in it are read as a number: D66 -> "dee-zesenzestig"."""
    parts = re.findall(r"\d+|\D", token)
    said = [numbers.digits(p) if p.isdigit() else letters.get(p.upper(), p) for p in parts]
    return LETTER_JOINER.join(said)


def read_mixed(token: str, letters: Mapping[str, str]) -> str:
    """A name of capitals and digits, part by part: JA21 -> "Ja-eenentwintig", BIJ1 -> "Bij-één",
    50PLUS -> "Vijftigplus" (a number before a word is one word with it, as "vijftigplus" is),
    G7 -> "gee-zeven", 5G -> "vijf-gee". A name with a word in it is capitalised."""
    parts = PARTS.findall(token)
    said: list[str] = []
    worded = False
    for index, part in enumerate(parts):
        if part.isdigit():
            said.append(numbers.digits(part))
        elif not pronounceable(part):
            said.append(spell(part, letters))
        elif index and parts[index - 1].isdigit():
            worded, said[-1] = True, said[-1] + part.lower()
        else:
            worded = True
            said.append(part.lower())
    reading = LETTER_JOINER.join(said)
    return reading[:1].upper() + reading[1:] if worded else reading
