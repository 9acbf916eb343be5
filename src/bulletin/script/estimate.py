"""How long a text takes to say: an estimate, for fitting a bulletin to a length."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bulletin.text import sentences

CLAUSE_BREAK = re.compile(r"[,;:](?:\s|$)")
PARAGRAPH_BREAK = "\n"


@dataclass(frozen=True)
class Pacing:
    """Speaking pace of a voice."""

    chars_per_second: float  # letters and digits per second of speech
    # Pauses fitted on espeak-ng's Dutch voice at 165 wpm over 27 segments;
    # other voices differ mostly in chars_per_second, set in their profile.
    sentence_pause: float = 0.26
    clause_pause: float = 0.2

    def seconds(self, text: str) -> float:
        """Estimated speaking time of one text."""
        spoken = sum(ch.isalnum() for ch in text)
        stops = sentences.count(text) + text.count(PARAGRAPH_BREAK)
        clauses = len(CLAUSE_BREAK.findall(text))
        return spoken / self.chars_per_second + stops * self.sentence_pause + clauses * self.clause_pause


def read_seconds(spoken: Iterable[tuple[Pacing, str]], gap_seconds: float) -> float:
    """Estimated length of texts read one after another (each at its pace), a gap between each."""
    items = list(spoken)
    return sum(pacing.seconds(text) for pacing, text in items) + max(len(items) - 1, 0) * gap_seconds
