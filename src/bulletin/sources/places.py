"""Case a dateline's place name the way it is written in running text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The Dutch digraph IJ is capitalised as one letter: IJMUIDEN -> IJmuiden.
DUTCH_IJ = "ij"
# A one-letter elided article before a name: L'AQUILA, D'ARCY.
ELISION = re.compile(r"^[a-z]'[a-z]")


@dataclass(frozen=True)
class PlaceRules:
    """Data for :func:`case_place`, loaded from ``places.toml``."""

    particles: frozenset[str]
    lower_prefixes: frozenset[str]
    exceptions: dict[str, str]


@cache
def default_rules() -> PlaceRules:
    """The rules shipped with the package."""
    raw = tomllib.loads(resources.files(__package__).joinpath("places.toml").read_text("utf-8"))
    return PlaceRules(
        particles=frozenset(raw["particles"]),
        lower_prefixes=frozenset(raw["lower_prefixes"]),
        exceptions={k.upper(): v for k, v in raw["exceptions"].items()},
    )


def case_place(raw: str, rules: PlaceRules | None = None) -> str:
    """``"RIO DE JANEIRO"`` -> ``"Rio de Janeiro"``; mixed-case input is kept."""
    rules = rules or default_rules()
    name = " ".join(raw.split())
    if name.upper() in rules.exceptions:
        return rules.exceptions[name.upper()]
    if name != name.upper():  # already cased by the page: trust it
        return name
    parts = re.split(r"([ \-])", name)
    words: list[str] = []
    for index, part in enumerate(parts):
        if part in (" ", "-") or not part:
            words.append(part)
            continue
        words.append(_case_word(part.lower(), first=index == 0, rules=rules))
    return "".join(words)


def _case_word(word: str, *, first: bool, rules: PlaceRules) -> str:
    normalised = word.replace("’", "'")
    if normalised in rules.lower_prefixes:
        return word
    if not first and word in rules.particles:
        return word
    if "." in word:  # initials such as "D.C." stay in capitals
        return word.upper()
    if word.startswith(DUTCH_IJ):
        return "IJ" + word[len(DUTCH_IJ) :]
    elided = ELISION.match(normalised)
    if elided:  # L'AQUILA -> L'Aquila
        return _capitalise(word[:2]) + _capitalise(word[2:])
    return _capitalise(word)


def _capitalise(word: str) -> str:
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1 :]
    return word
