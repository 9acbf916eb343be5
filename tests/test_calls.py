"""Calls to the reader (follow, subscribe, tip, share, watch) known by what they say: the
table of wordings that must go and of news that merely uses such words and must stay."""

from __future__ import annotations

import pytest

from bulletin.core.model import Page, Story
from bulletin.sources.boilerplate import drop_boilerplate, load_boilerplate
from conftest import FIXTURES

NEWS_BEFORE = "De gemeenteraad vergaderde gisteravond tot laat."


def _rows() -> list[tuple[str, str, str]]:
    lines = (FIXTURES / "boilerplate-calls.tsv").read_text("utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith(("#", "expect\t"))]
    return [(r[0], r[1], r[2]) for r in rows]


ROWS = _rows()


def test_the_table_has_forty_rows_and_both_ways():
    assert len(ROWS) >= 40
    assert sum(r[0] == "keep" for r in ROWS) >= 20 and sum(r[1] == "call" for r in ROWS) >= 20


@pytest.mark.parametrize(("expect", "rule", "sentence"), ROWS, ids=[r[2][:50] for r in ROWS])
def test_call_table(expect, rule, sentence):
    page = Page(lead=Story(paragraphs=(NEWS_BEFORE, sentence), headline="Kop"))
    cleaned = drop_boilerplate(page, load_boilerplate(), "tabel")
    if expect == "keep":
        assert cleaned.lead.paragraphs == (NEWS_BEFORE, sentence) and not cleaned.dropped_text
    else:
        assert cleaned.lead.paragraphs == (NEWS_BEFORE,)
        assert {d.rule for d in cleaned.dropped_text} == {rule}
        assert " ".join(d.text for d in cleaned.dropped_text) == sentence


def test_a_question_goes_with_the_call_after_it_even_across_paragraphs():
    story = Story(paragraphs=("De brug is dicht.", "Iets gezien?", "Mail de redactie."), headline="Brug dicht")
    cleaned = drop_boilerplate(Page(lead=story), load_boilerplate(), "regio")
    assert cleaned.lead.paragraphs == ("De brug is dicht.",)
    assert [(d.text, d.rule) for d in cleaned.dropped_text] == [("Iets gezien?", "call"), ("Mail de redactie.", "call")]


def test_a_question_before_news_stays():
    story = Story(paragraphs=("Heb je iets gezien? De politie zoekt getuigen.",), headline="Getuigen gezocht")
    cleaned = drop_boilerplate(Page(lead=story), load_boilerplate(), "regio")
    assert cleaned.lead.paragraphs == story.paragraphs and not cleaned.dropped_text


def test_a_users_word_list_adds_to_the_calls(tmp_path):
    words = tmp_path / "eigen.toml"
    words.write_text('[calls]\ncommands = ["stem"]\nours = ["publieksprijs"]\n', encoding="utf-8")
    rules = load_boilerplate(words)
    assert rules.sentence_rule("Stem nu op jouw favoriet voor de publieksprijs!") == "call"
    assert rules.sentence_rule("Stem nu op jouw favoriet voor de verkiezing!") is None  # nothing of ours
    assert rules.sentence_rule("Blijf op de hoogte via ons liveblog.") == "call"  # the shipped words still apply
