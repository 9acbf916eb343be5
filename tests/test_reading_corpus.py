"""The reading corpus (tests/fixtures/reading-corpus-nl.tsv): hundreds of short news sentences
written for the tests, each with the hard tokens a newsreader must get right. The share read as
expected is printed and must be at least MIN_SHARE; no sentence may leave a digit for a voice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script.lexicon import load_lexicon
from bulletin.script.normalize import Preparer

CORPUS = Path(__file__).parent / "fixtures" / "reading-corpus-nl.tsv"
MIN_SENTENCES = 300
MIN_SHARE = 0.98
TOPICS = frozenset({"politiek", "economie", "sport", "weer", "rechtspraak", "verkeer", "vlaanderen", "varia"})
PAIRS = " | "
READS_AS = " => "
NONE = "-"
REPORT = "reading corpus"  # the property conftest.py prints in the run's summary


class Sentence(NamedTuple):
    line: int
    topic: str
    text: str
    hard: tuple[tuple[str, str], ...]  # (token as written, as read)


def corpus() -> list[Sentence]:
    found = []
    for number, line in enumerate(CORPUS.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        topic, text, tokens = line.split("\t")
        pairs = [] if tokens == NONE else [p.split(READS_AS) for p in tokens.split(PAIRS)]
        assert all(len(p) == 2 for p in pairs), f"line {number}: write token => reading"
        assert all(token in text for token, _ in pairs), f"line {number}: a token is not in the sentence"
        found.append(Sentence(number, topic, text, tuple((token, reading) for token, reading in pairs)))
    return found


@pytest.fixture(scope="module")
def prepare() -> Preparer:
    return Preparer(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]))


def misread(prepare: Preparer) -> tuple[int, list[str]]:
    """How many hard tokens there are, and each one not read as expected."""
    total, wrong = 0, []
    for sentence in corpus():
        spoken = prepare(sentence.text)
        for token, reading in sentence.hard:
            total += 1
            if reading.lower() not in spoken.lower():
                wrong.append(f"line {sentence.line}: {token!r} should read {reading!r}: {spoken}")
    return total, wrong


def test_the_corpus_is_big_and_covers_the_news():
    found = corpus()
    assert len(found) >= MIN_SENTENCES
    assert {s.topic for s in found} == TOPICS
    assert len({s.text for s in found}) == len(found), "a sentence twice"


def test_hard_tokens_are_read_as_a_newsreader_reads_them(prepare, record_property):
    total, wrong = misread(prepare)
    share = 1 - len(wrong) / total
    # Shown at the end of the run (conftest.py), from any worker: the measure, and what it missed.
    record_property(REPORT, [f"{total - len(wrong)} of {total} hard tokens read as expected ({share:.1%})", *wrong])
    assert share >= MIN_SHARE, "\n".join(wrong)


def test_no_digit_reaches_a_voice(prepare):
    left = [(s.line, prepare(s.text)) for s in corpus() if re.search(r"\d", prepare(s.text))]
    assert not left
