"""The one Dutch sentence splitter: for the script, estimates, feeds, captions
and the cuts of a speech engine's requests.

A sentence ends at a paragraph break, or after a word that ends in ".", "!",
"?" or "…" (closing quotes and brackets may follow) when the next word does
not start with a small letter and the word is not an abbreviation that never
ends a sentence ("o.a.", "dhr.", "ca.") or an initial ("J.", "J.P.").
Abbreviations come from the built-in lexicon (``voices/lexicon-nl.toml``),
so they are listed in one place.
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import cache

from bulletin.core.paths import builtin_voices_dir

BASE_LEXICON = "lexicon-nl.toml"
NEVER_FINAL_TABLE = "abbreviations"  # "o.a.", "dhr.": the dot never ends a sentence
PARAGRAPH_BREAK = "\n"
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
INITIAL = re.compile(r"^(?:[A-ZÀ-Þ]\.)+$")  # J. or J.P.
WORD = re.compile(r"\S+")
OPENERS = "\"'“‘(["
ELIDED = re.compile(r"'[st]\b")  # 's-Hertogenbosch, 's avonds, 't
COPYRIGHT = re.compile(r"\([cC]\)")  # "(c) ANP" opens a credit line, like "©"
TITLE_WORDS = 7  # a title made from a text: its first sentence's first words
ELLIPSIS = "…"
QUOTES = re.compile(r"[\"“”„«»]")


@cache
def never_final() -> frozenset[str]:
    """Abbreviations whose dot never ends a sentence, as written and with a capital
    first letter, as the lexicon matches them ("ing." and "Ing.", not the bank "ING.")."""
    raw = tomllib.loads((builtin_voices_dir() / BASE_LEXICON).read_text("utf-8"))
    written = raw.get(NEVER_FINAL_TABLE, {})
    return frozenset({*written, *(key[:1].upper() + key[1:] for key in written)})


def is_abbreviation(word: str) -> bool:
    """``word`` is an abbreviation whose dot never ends a sentence ("o.a.") or an initial ("J.P.")."""
    return word.lstrip(OPENERS) in never_final() or bool(INITIAL.match(word))


def ends_sentence(word: str, following: str | None) -> bool:
    """True when a sentence ends after ``word`` (``following`` is the next word, if any)."""
    if not TERMINAL.search(word) or is_abbreviation(word):
        return False
    return following is None or not _starts_small(following)


def _starts_small(word: str) -> bool:
    """The word starts with a small letter; "'s-Hertogenbosch" and "'t" may open a sentence."""
    if ELIDED.match(word) or COPYRIGHT.match(word):
        return False
    return word.lstrip(OPENERS)[:1].islower()


def spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of every sentence in ``text``, in order;
    paragraph breaks always end one."""
    out: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split(PARAGRAPH_BREAK):
        words = list(WORD.finditer(paragraph))
        start: int | None = None
        for index, match in enumerate(words):
            start = match.start() if start is None else start
            following = words[index + 1].group() if index + 1 < len(words) else None
            if following is None or ends_sentence(match.group(), following):
                out.append((offset + start, offset + match.end()))
                start = None
        offset += len(paragraph) + len(PARAGRAPH_BREAK)
    return out


def split(text: str) -> list[str]:
    """The sentences of ``text``."""
    return [text[start:end] for start, end in spans(text)]


def first(text: str) -> str:
    """The first sentence of ``text`` ("" for a text without words)."""
    found = spans(text)
    return text[found[0][0] : found[0][1]] if found else ""


def first_words(text: str, count: int = TITLE_WORDS) -> str:
    """The opening words of a text, for a chapter title (without quotation marks)."""
    words = QUOTES.sub("", first(text)).split()
    if len(words) <= count:
        return " ".join(words).rstrip(".!?")
    return " ".join(words[:count]).rstrip(",;:") + ELLIPSIS


def count(text: str) -> int:
    """How many sentences ``text`` has."""
    return len(spans(text))


def wrap(sentence: str, width: int) -> list[tuple[int, str]]:
    """``sentence`` in lines of at most ``width`` characters (a longer word gets
    a line of its own), as few as possible and of even length, each with its
    start offset: for captions."""
    words = list(WORD.finditer(sentence))
    if not words:
        return []
    total = words[-1].end() - words[0].start()
    lines_needed = len(_greedy(words, width))
    # Even lines: the narrowest width that still needs no more lines.
    for even in range(min(width, math.ceil(total / lines_needed)), width + 1):
        lines = _greedy(words, even)
        if len(lines) <= lines_needed:
            break
    return [(line[0].start(), sentence[line[0].start() : line[-1].end()]) for line in lines]


def _greedy(words: list[re.Match[str]], width: int) -> list[list[re.Match[str]]]:
    lines: list[list[re.Match[str]]] = []
    for word in words:
        if lines and word.end() - lines[-1][0].start() <= width:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines
