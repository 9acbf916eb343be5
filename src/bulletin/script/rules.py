"""A reading rule is a name and a ``str -> str`` function; a change is what one rule did to
the words of a text, so that an editor can trace a reading back to the rule that made it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

Rewrite = Callable[[str], str]
# After an abbreviation that may close a sentence: a capital or the end means it did.
SENTENCE_ENDS_HERE = re.compile(r"\s*$|\s+[A-ZÀ-Þ]")


@dataclass(frozen=True)
class Rule:
    """One named step of text preparation."""

    name: str
    rewrite: Rewrite

    def __call__(self, text: str) -> str:
        """``text`` with this rule applied."""
        return self.rewrite(text)


@dataclass(frozen=True)
class Change:
    """Words one rule changed: ``before`` (as they stood) became ``after``."""

    rule: str
    before: str
    after: str


def word_changes(rule: str, before: str, after: str) -> list[Change]:
    """The runs of words that differ between ``before`` and ``after``, each as a change made by
    ``rule`` (a rule that only moved spaces changed no word)."""
    old, new = before.split(), after.split()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [
        Change(rule, " ".join(old[i1:i2]), " ".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def alternation(keys: Iterable[str]) -> str:
    """A regex alternation of literal keys, longest first so "km/u" beats "km"."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def full_stop_if_final(m: re.Match[str]) -> str:
    """A "." to put back when an abbreviation's dot also closed the sentence."""
    return "." if SENTENCE_ENDS_HERE.match(m.string, m.end()) else ""
