"""Captions as subtitle guidance has them (BBC, Netflix): at most two lines of at most
42 characters, lines of even length. One place for the rule, for the cue timing
(a sentence cut into pieces that each fit one caption) and the transcript files
(a piece laid out in its lines)."""

from __future__ import annotations

from bulletin.text.sentences import wrap

CAPTION_LINE_CHARS = 42
CAPTION_LINES = 2


def caption_lines(text: str) -> list[str]:
    """``text`` in even lines of at most 42 characters (a longer word gets a line of its own)."""
    return [line for _, line in wrap(text, CAPTION_LINE_CHARS)]


def fits_caption(text: str) -> bool:
    """True if ``text`` shows in one caption: two lines at most."""
    return len(wrap(text, CAPTION_LINE_CHARS)) <= CAPTION_LINES


def caption_pieces(sentence: str) -> list[tuple[int, str]]:
    """``sentence`` in pieces that each fit one caption, with their start offsets: its lines,
    two by two. (Two lines of at most 42 characters joined wrap again into at most two.)"""
    lines = wrap(sentence, CAPTION_LINE_CHARS)
    pieces = []
    for first in range(0, len(lines), CAPTION_LINES):
        group = lines[first : first + CAPTION_LINES]
        start = group[0][0]
        end = group[-1][0] + len(group[-1][1])
        pieces.append((start, sentence[start:end]))
    return pieces
