"""Cut Dutch text into pieces of at most 100 characters for Google TTS (or any
engine with a request limit).

The endpoint pauses at every cut, so where we cut matters. Candidate cuts are
the spaces between words, ranked: a sentence end is best (the voice pauses
there anyway), then a clause break (comma, colon, semicolon, dash), then a
space before a preposition phrase or a conjunction, then any other space. A
cut never follows a word that holds on to the next one (an article,
preposition, conjunction, pronoun or auxiliary: "de", "in", "dat", "zijn",
listed in ``script/phrase-words-nl.toml``), an abbreviation ("o.a.", an
initial) or an opening quote, and never falls inside a number (2,1 and
44.210,35 have no spaces). Sentences are found by
:mod:`bulletin.text.sentences`. :func:`pack` packs neighbouring pieces up to
the limit and picks the cheapest set of cuts (dynamic programming): every cut
costs a request and an unnatural one costs more (a mid-phrase cut is worth
several extra requests at sentence ends); among equally good sets, the one
with the most even pieces wins.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from importlib import resources

from bulletin.text import sentences

GOOGLE_MAX_CHARS = 100
PHRASE_WORDS = ("bulletin.text", "phrase-words-nl.toml")
# Phrase words that open a new phrase: a cut just before them is a good one.
PHRASE_OPENERS = ("prepositions", "conjunctions")
CLAUSE_END = re.compile(r"[,;:][\"'”’)]*$")
DASHES = frozenset("-–—")
PAIR_OPENERS = frozenset("€$£(\"'“‘")


class Cut(IntEnum):
    """How natural a cut is; higher is better. The value is also a pause class."""

    NONE = 0  # never cut here (taken only when nothing else fits)
    WORD = 1
    CONJUNCTION = 2  # before a conjunction or a preposition phrase
    CLAUSE = 3
    SENTENCE = 4


# What a cut costs: one request, plus how much it breaks the flow.
CUT_COST = {Cut.SENTENCE: 1, Cut.CLAUSE: 2, Cut.CONJUNCTION: 4, Cut.WORD: 8, Cut.NONE: 8}


@dataclass(frozen=True)
class PhraseWords:
    """Words a cut may not follow, and those a cut may well precede (lower case)."""

    bound: frozenset[str]
    openers: frozenset[str]


@cache
def phrase_words() -> PhraseWords:
    """The Dutch lists from ``script/phrase-words-nl.toml``: every list binds; prepositions
    and conjunctions also open a phrase."""
    package, name = PHRASE_WORDS
    raw: dict[str, list[str]] = tomllib.loads(resources.files(package).joinpath(name).read_text("utf-8"))
    bound = frozenset(word for words in raw.values() for word in words)
    openers = frozenset(word for key in PHRASE_OPENERS for word in raw[key])
    return PhraseWords(bound, openers)


@dataclass(frozen=True)
class Chunk:
    """One request's worth of text, how it ends, and where it starts in the input."""

    text: str
    ends: Cut
    start: int = 0  # character offset in the text given to pack()


def _bare(word: str) -> str:
    return word.lower().lstrip("\"'“‘(")


def _cut_after(token: str, following: str | None, abbreviations: frozenset[str]) -> Cut:
    """The kind of cut that the space after ``token`` would make."""
    if following is None:
        return Cut.SENTENCE
    words = phrase_words()
    if sentences.ends_sentence(token, following):
        return Cut.SENTENCE
    bound = token.lower() in words.bound or _bare(token) in words.bound or token in PAIR_OPENERS
    if bound or token.lower() in abbreviations or sentences.is_abbreviation(token):
        return Cut.NONE
    if CLAUSE_END.search(token) or following in DASHES or token in DASHES:
        return Cut.CLAUSE
    if _bare(following) in words.openers:
        return Cut.CONJUNCTION
    return Cut.WORD


def _tokens(text: str) -> list[tuple[str, bool, int]]:
    """Words with their offset, each flagged when a paragraph break follows it.
    A paragraph that ends without punctuation (a headline) gets a full stop, so
    that the voice still stops there when two paragraphs share a request."""
    out: list[tuple[str, bool, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        found = [(m.group(), offset + m.start()) for m in re.finditer(r"\S+", paragraph)]
        if found and not sentences.TERMINAL.search(found[-1][0]):
            found[-1] = (found[-1][0] + ".", found[-1][1])
        out.extend((w, i == len(found) - 1, at) for i, (w, at) in enumerate(found))
        offset += len(paragraph) + 1
    return out


def _hard_split(word: str, limit: int) -> list[str]:
    """A single word longer than the limit (a URL, say) cut into pieces."""
    return [word[i : i + limit] for i in range(0, len(word), limit)]


def pack(text: str, limit: int = GOOGLE_MAX_CHARS, abbreviations: Iterable[str] = ()) -> list[Chunk]:
    """Cut ``text`` into as few chunks of at most ``limit`` characters as possible,
    at the most natural places; ``abbreviations`` adds words never to cut after."""
    abbrevs = frozenset(a.lower() for a in abbreviations)
    words: list[str] = []
    starts: list[int] = []
    cuts: list[Cut] = []
    tokens = _tokens(text)
    for index, (word, paragraph_end, offset) in enumerate(tokens):
        pieces = _hard_split(word, limit) if len(word) > limit else [word]
        following = tokens[index + 1][0] if index + 1 < len(tokens) else None
        for j, piece in enumerate(pieces):
            words.append(piece)
            starts.append(offset + j * limit)
            if j < len(pieces) - 1:
                cuts.append(Cut.WORD)
            elif paragraph_end and following is not None:
                cuts.append(Cut.SENTENCE)
            else:
                cuts.append(_cut_after(word, following, abbrevs))
    if not words:
        return []

    # best[i] = (forced, cost, unevenness, start): the cheapest way to cut
    # words[:i], the last piece starting at word `start`. A forced cut (after a
    # word that binds to the next) is taken only when nothing else fits the
    # limit; unevenness (the squared room left in each piece) breaks ties, so
    # an unavoidable cut splits a sentence into even halves.
    n = len(words)
    unreachable = (n + 1, 0, 0, -1)
    best: list[tuple[int, int, int, int]] = [(0, 0, 0, -1)] + [unreachable] * n
    for end in range(1, n + 1):
        last = end == n
        forced = int(cuts[end - 1] is Cut.NONE and not last)
        cost = 0 if last else CUT_COST[cuts[end - 1]]
        length = -1
        for start in range(end - 1, -1, -1):
            length += len(words[start]) + 1
            if length > limit:
                break
            before = best[start]
            candidate = (before[0] + forced, before[1] + cost, before[2] + (limit - length) ** 2, start)
            if candidate[:3] < best[end][:3]:
                best[end] = candidate

    chunks: list[Chunk] = []
    end = n
    while end > 0:
        start = best[end][3]
        chunks.append(Chunk(" ".join(words[start:end]), cuts[end - 1], starts[start]))
        end = start
    return chunks[::-1]


def tokenizer(text: str) -> list[str]:
    """gTTS's ``tokenizer_func``: the chunks' texts."""
    return [chunk.text for chunk in pack(text)]
