"""The golden table: hard Dutch sentences, what bulletin says for each and the rules that read
their hard words (tests/golden/sentences-nl.tsv). One test per row, so a change to one rule
shows every sentence it moves, and a reading that comes from another rule than the table says
is found too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script.lexicon import load_lexicon
from bulletin.script.normalize import Preparer, table

TABLE = Path(__file__).parent / "golden" / "sentences-nl.tsv"
MIN_ROWS = 140
NO_RULE = "-"  # a sentence that no rule may change a word of
# Every class of reading the golden table must hold rows for (by the rule that reads it).
CLASSES = (
    "clock",
    "fractions",
    "short dates",
    "regnal numerals",
    "roman names",
    "roman numerals",
    "currency",
    "models",
    "house numbers",
    "lexicon",
    "year pairs",
    "days",
    "months",
    "service numbers",
)


class Row(NamedTuple):
    line: int
    written: str
    spoken: str
    rules: tuple[str, ...]


def rows() -> list[Row]:
    found = []
    for number, line in enumerate(TABLE.read_text("utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            written, spoken, rules = line.split("\t")
            named = () if rules == NO_RULE else tuple(r.strip() for r in rules.split(","))
            found.append(Row(number, written, spoken, named))
    return found


@pytest.fixture(scope="module")
def prepare() -> Preparer:
    return Preparer(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]))


@pytest.mark.parametrize("row", rows(), ids=[f"line{r.line}" for r in rows()])
def test_golden_sentence(prepare, row):
    assert prepare(row.written) == row.spoken
    used = {change.rule for change in prepare.explain(row.written)}
    if row.rules:
        assert set(row.rules) <= used, f"read by {sorted(used)}"
    else:
        assert not used - {"tidy"}, f"changed by {sorted(used)}"


def test_the_table_is_big_names_real_rules_and_says_no_digits(prepare):
    found = rows()
    assert len(found) >= MIN_ROWS
    names = {rule.name for rule in prepare.rules}
    assert {rule for row in found for rule in row.rules} <= names
    assert set(CLASSES) <= {rule for row in found for rule in row.rules}
    assert not [row.spoken for row in found if re.search(r"\d", row.spoken)]


def test_the_rule_names_are_unique():
    names = [rule.name for rule in table(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]))]
    assert len(names) == len(set(names))
