"""A reading rule is a name and a ``str -> str`` function; a change is what one rule did to
the words of a text, so that an editor can trace a reading back to the rule that made it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

Rewrite = Callable[[str], str]
MERGE_GAP = 1  # changed words one word apart are one change, as an editor reads them
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
    ``rule`` (a rule that only moved spaces changed no word). Runs no more than MERGE_GAP words
    apart are one change, with the words between them: "€ 2,5 miljoen" -> "2,5 miljoen euro"."""
    old, new = before.split(), after.split()
    runs: list[list[int]] = []  # [i1, i2, j1, j2] of each change, merged
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if runs and i1 - runs[-1][1] <= MERGE_GAP:
            runs[-1][1], runs[-1][3] = i2, j2
        else:
            runs.append([i1, i2, j1, j2])
    return [Change(rule, " ".join(old[i1:i2]), " ".join(new[j1:j2])) for i1, i2, j1, j2 in runs]


ARROW = "→"


def describe(changes: Sequence[Change], indent: str = "  ") -> list[str]:
    """``changes`` as lines an editor reads: ``  clock            14u30 → veertien uur dertig``."""
    width = max((len(c.rule) for c in changes), default=0)
    return [f"{indent}{c.rule:<{width}}  {c.before or '∅'} {ARROW} {c.after or '∅'}" for c in changes]


def alternation(keys: Iterable[str]) -> str:
    """A regex alternation of literal keys, longest first so "km/u" beats "km"."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def full_stop_if_final(m: re.Match[str]) -> str:
    """A "." to put back when an abbreviation's dot also closed the sentence."""
    return "." if SENTENCE_ENDS_HERE.match(m.string, m.end()) else ""
