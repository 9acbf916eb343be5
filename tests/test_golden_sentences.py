"""The golden table: hard Dutch sentences and what bulletin says for each
(tests/golden/sentences-nl.tsv). One test per row, so a change to one rule
shows every sentence it moves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script.lexicon import load_lexicon
from bulletin.script.normalize import Preparer

TABLE = Path(__file__).parent / "golden" / "sentences-nl.tsv"
MIN_ROWS = 80


def rows() -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(TABLE.read_text("utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            written, spoken = line.split("\t")
            found.append((number, written, spoken))
    return found


@pytest.fixture(scope="module")
def prepare() -> Preparer:
    return Preparer(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]))


@pytest.mark.parametrize(("written", "spoken"), [r[1:] for r in rows()], ids=[f"line{r[0]}" for r in rows()])
def test_golden_sentence(prepare, written, spoken):
    assert prepare(written) == spoken


def test_the_table_is_big_and_says_no_digits():
    table = rows()
    assert len(table) >= MIN_ROWS
    assert not [spoken for _, _, spoken in table if re.search(r"\d", spoken)]
