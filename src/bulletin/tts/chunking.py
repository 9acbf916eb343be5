"""Cut Dutch text into pieces of at most 100 characters for Google TTS.

Google's endpoint takes at most 100 characters per request and pauses at
every cut, so where we cut matters. Candidate cuts are the spaces between
words, ranked: a sentence end is best (the voice pauses there anyway), then a
clause break (comma, colon, semicolon, dash), then a space before a
conjunction, then any other space. A cut never follows an abbreviation
("o.a.", "dhr.", an initial) and never falls inside a number (2,1 and
44.210,35 have no spaces). :func:`pack` packs neighbouring pieces up to the
limit and picks the cheapest set of cuts (dynamic programming), where every
cut costs a request and an unnatural one costs more: a mid-sentence word cut
is worth several extra requests at sentence ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

GOOGLE_MAX_CHARS = 100
CONJUNCTIONS = frozenset(
    "en maar of want dus omdat doordat terwijl nadat voordat zodat waardoor waarna "
    "waarbij die dat wat wie waar als toen hoewel tenzij".split()
)
# Tokens after which a dot does not end a sentence.
COMMON_ABBREVIATIONS = frozenset(
    "o.a. bijv. bv. dhr. mevr. mw. ca. nr. nrs. i.v.m. m.b.t. t.a.v. t.o.v. d.w.z. z.s.m. i.p.v. "
    "m.n. o.l.v. prof. dr. drs. ing. ir. mr. st. gem. max. resp. vnl. zgn. jl. a.s. vs. e.d. enz. etc.".split()
)
INITIAL = re.compile(r"^(?:[A-ZÀ-Þ]\.)+$")  # J. or J.P.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")
CLAUSE_END = re.compile(r"[,;:][\"'”’)]*$")
DASHES = frozenset("-–—")
PAIR_OPENERS = frozenset("€$£(\"'“‘")


class Cut(IntEnum):
    """How natural a cut is; higher is better. The value is also a pause class."""

    NONE = 0  # never cut here
    WORD = 1
    CONJUNCTION = 2
    CLAUSE = 3
    SENTENCE = 4


# What a cut costs: one request, plus how much it breaks the flow.
CUT_COST = {Cut.SENTENCE: 1, Cut.CLAUSE: 2, Cut.CONJUNCTION: 4, Cut.WORD: 8, Cut.NONE: 8}


@dataclass(frozen=True)
class Chunk:
    """One request's worth of text, how it ends, and where it starts in the input."""

    text: str
    ends: Cut
    start: int = 0  # character offset in the text given to pack()


def _cut_after(token: str, following: str | None, abbreviations: frozenset[str]) -> Cut:
    """The kind of cut that the space after ``token`` would make."""
    if following is None:
        return Cut.SENTENCE
    lowered = token.lower()
    if lowered in abbreviations or INITIAL.match(token) or token in PAIR_OPENERS:
        return Cut.NONE
    if SENTENCE_END.search(token):
        return Cut.SENTENCE
    if CLAUSE_END.search(token) or following in DASHES or token in DASHES:
        return Cut.CLAUSE
    if following.lower().strip("\"'“‘(") in CONJUNCTIONS:
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
        if found and not SENTENCE_END.search(found[-1][0]):
            found[-1] = (found[-1][0] + ".", found[-1][1])
        out.extend((w, i == len(found) - 1, at) for i, (w, at) in enumerate(found))
        offset += len(paragraph) + 1
    return out


def _hard_split(word: str, limit: int) -> list[str]:
    """A single word longer than the limit (a URL, say) cut into pieces."""
    return [word[i: i + limit] for i in range(0, len(word), limit)]


def pack(text: str, limit: int = GOOGLE_MAX_CHARS, abbreviations: Iterable[str] = ()) -> list[Chunk]:
    """Cut ``text`` into as few chunks of at most ``limit`` characters as possible,
    at the most natural places."""
    abbrevs = COMMON_ABBREVIATIONS | {a.lower() for a in abbreviations}
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

    # best[i] = (forced, cost, start): the cheapest way to cut words[:i], the
    # last piece starting at word `start`. A forced cut (after an abbreviation)
    # is taken only when nothing else fits the limit.
    n = len(words)
    unreachable = (n + 1, 0, -1)
    best: list[tuple[int, int, int]] = [(0, 0, -1)] + [unreachable] * n
    for end in range(1, n + 1):
        last = end == n
        forced = int(cuts[end - 1] is Cut.NONE and not last)
        cost = 0 if last else CUT_COST[cuts[end - 1]]
        length = -1
        for start in range(end - 1, -1, -1):
            length += len(words[start]) + 1
            if length > limit:
                break
            candidate = (best[start][0] + forced, best[start][1] + cost, start)
            if candidate[:2] < best[end][:2]:
                best[end] = candidate

    chunks: list[Chunk] = []
    end = n
    while end > 0:
        start = best[end][2]
        chunks.append(Chunk(" ".join(words[start:end]), cuts[end - 1], starts[start]))
        end = start
    return chunks[::-1]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence (and each paragraph) in ``text``."""
    spans: list[tuple[int, int]] = []
    tokens = _tokens(text)
    start: int | None = None
    for index, (word, paragraph_end, offset) in enumerate(tokens):
        start = offset if start is None else start
        following = tokens[index + 1][0] if index + 1 < len(tokens) else None
        if paragraph_end or _cut_after(word, following, COMMON_ABBREVIATIONS) is Cut.SENTENCE:
            spans.append((start, offset + len(text[offset:].split(maxsplit=1)[0])))  # the word as written
            start = None
    return spans


def tokenizer(text: str) -> list[str]:
    """gTTS's ``tokenizer_func``: the chunks' texts."""
    return [chunk.text for chunk in pack(text)]
