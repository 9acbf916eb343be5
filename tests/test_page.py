"""The saved-page parser on the format's quirks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bulletin.core.errors import InputError
from bulletin.sources.encoding import read_text
from bulletin.sources.page import parse_page


def load_page(path, at):
    """Read and parse a saved page file."""
    return parse_page(read_text(path), at, name=str(path))


def test_lead_and_briefs(page, at):
    parsed = load_page(page("europa.txt"), at)
    assert parsed.section == "Buitenland"
    lead = parsed.lead
    assert lead.headline == "Europese ministers eens over gezamenlijke inkoop van munitie"
    assert (lead.place, lead.agencies) == ("Brussel", ("ANP", "AFP"))
    assert len(lead.paragraphs) == 2
    assert lead.paragraphs[0].startswith("De ministers van Defensie")  # dateline removed
    assert [b.place for b in parsed.briefs] == [
        "Warschau",
        "Straatsburg",
        "Madrid",
        "Straatsburg",
        "Straatsburg",
        "Londen",
    ]
    assert parsed.briefs[2].agencies == ("ANP", "Reuters")


def test_a_label_belongs_to_the_item_before_it(page, at):
    briefs = load_page(page("europa.txt"), at).briefs
    # Each label is glued to the start of the NEXT line; the last stands alone. A day word is
    # the start of that day.
    yesterday = at.replace(hour=0, minute=0) - timedelta(days=1)
    hour = timedelta(hours=1)
    assert [b.published for b in briefs] == [
        at - timedelta(minutes=15),
        at - hour,
        at - hour,
        at - hour,
        at - 2 * hour,
        yesterday,
    ]
    for brief in briefs:  # no label text is left in a story
        assert "geleden" not in brief.text and "gisteren" not in brief.text


def test_lead_without_headline_and_lowercase_prefix_place(page, at):
    parsed = load_page(page("zonder-kop.txt"), at)
    assert parsed.lead.headline is None
    assert parsed.lead.place == "Amsterdam"
    assert parsed.section == "Cultuur"
    (brief,) = parsed.briefs
    assert brief.place == "'s-Hertogenbosch"
    assert brief.published == at  # "zojuist"


def test_page_without_briefs_or_dateline(page, at):
    parsed = load_page(page("zonder-briefs.txt"), at)
    assert parsed.briefs == () and parsed.section is None
    assert parsed.lead.place is None and parsed.lead.agencies == ()
    assert len(parsed.lead.paragraphs) == 2


def test_paragraph_opening_like_a_label_keeps_its_words(at):
    text = (
        "Kop\nNet als vorig jaar stijgt de huur.\n14.05 uur begon de zitting.\nMeer uit Binnenland\n"
        "ZWOLLE (ANP) - Tekst.\n"
    )
    lead = parse_page(text, at).lead
    assert lead.paragraphs == ("Net als vorig jaar stijgt de huur.", "14.05 uur begon de zitting.")


def test_label_glued_to_the_section_marker_belongs_to_the_lead(at):
    text = "Kop\nDEN HAAG (ANP) - Tekst.\n5 minuten geledenMeer uit Binnenland\nZWOLLE (ANP) - Brief.\n"
    parsed = parse_page(text, at)
    assert parsed.lead.published == at - timedelta(minutes=5)
    assert parsed.section == "Binnenland"


def test_dash_variants_and_agency_free_dateline(at):
    text = "Kop\nDEN HAAG (ANP) – Een.\nMeer uit Binnenland\nZWOLLE - Twee.\nGRONINGEN (ANP/dpa) — Drie.\n"
    parsed = parse_page(text, at)
    assert parsed.lead.paragraphs == ("Een.",)
    assert [(b.place, b.agencies, b.text) for b in parsed.briefs] == [
        ("Zwolle", (), "Twee."),
        ("Groningen", ("ANP", "dpa"), "Drie."),
    ]


def test_lowercase_text_with_parentheses_is_not_a_dateline(at):
    parsed = parse_page("Kop\nDe minister (VVD) - zo zei ze - is boos.\n", at)
    assert parsed.lead.place is None
    assert parsed.lead.paragraphs == ("De minister (VVD) - zo zei ze - is boos.",)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("leeg.txt", "is empty"),
        ("witruimte.txt", "is empty"),
        ("alleen-kop.txt", "has no story text"),
    ],
)
def test_pages_without_a_story_are_refused(page, at, name, says):
    with pytest.raises(InputError, match=says):
        load_page(page(name), at)


def test_lead_without_text_is_refused(at):
    with pytest.raises(InputError, match="has no story text"):
        parse_page("Kop\nMeer uit Binnenland\nZWOLLE (ANP) - Brief.\n", at)
