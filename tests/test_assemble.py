"""The radio script: golden scripts for fixture pages, then the conventions one by one."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from bulletin.build.pipeline import make_script
from bulletin.config import load_config
from bulletin.config.stages import script_settings
from bulletin.core.errors import ConfigError, ScriptError
from bulletin.core.model import Page, Section, SegmentKind, Story
from bulletin.script import Pacing, Reader, Voicing, assemble
from bulletin.script.assemble import editorial_order, headline_repeated
from bulletin.text.scriptfile import to_dict
from conftest import OFFLINE

GOLDEN = Path(__file__).parent / "golden"


def one_voice(reader: Reader) -> Voicing:
    """One voice for everything."""
    return Voicing(reader, reader)


def script_of(page_path: Path, at: datetime, **kwargs):
    """The script as the offline voice reads it (its lexicon spells acronyms out)."""
    return make_script(page_path, load_config(overrides=OFFLINE), at=at, **kwargs)


@pytest.mark.parametrize(
    ("page_name", "when", "golden"),
    [
        ("europa.txt", "2026-11-27T08:15", "europa-0815.json"),
        ("zonder-briefs.txt", "2026-11-27T14:00", "zonder-briefs-1400.json"),
    ],
)
def test_golden_scripts(page, page_name, when, golden):
    expected = json.loads((GOLDEN / golden).read_text("utf-8"))
    assert to_dict(script_of(page(page_name), datetime.fromisoformat(when))) == expected


def test_intro_speaks_the_time_in_words(page, at):
    intro = script_of(page("kort.txt"), at).segments[0]
    assert intro.kind is SegmentKind.INTRO
    assert "kwart over acht" in intro.text and "vrijdag zevenentwintig november" in intro.text
    assert not any(ch.isdigit() for ch in intro.text)


def test_nothing_unspoken_is_spoken(page, at):
    for seg in script_of(page("europa.txt"), at).segments:
        for unspoken in ("ANP", "AFP", "Reuters", "geleden", "gisteren", "Meer uit", "BRUSSEL", " - "):
            assert unspoken not in seg.text


def test_same_place_briefs_share_one_spoken_dateline(page, at):
    briefs = [s for s in script_of(page("europa.txt"), at).segments if s.kind is SegmentKind.BRIEF]
    places = [b.place for b in briefs]
    # The two Straatsburg briefs of one hour ago come together; the older one stays behind Madrid.
    assert places == ["Warschau", "Straatsburg", "Straatsburg", "Madrid", "Straatsburg", "Londen"]
    spoken = [b.text.startswith(f"{b.place}.") for b in briefs]
    assert spoken == [True, True, False, True, True, True]


def test_editorial_order_groups_ties_only():
    t1, t2 = datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 7)
    a1, b, a2, a3 = (Story(("x",), place=p, published=t) for p, t in (("A", t1), ("B", t1), ("A", t1), ("A", t2)))
    assert editorial_order([a1, b, a2, a3]) == [a1, a2, b, a3]


@pytest.mark.parametrize(
    ("headline", "sentence", "repeated"),
    [
        (
            "Rusland en Iran werken samen op defensie",
            "Rusland en Iran werken nauwer samen, onder meer op defensiegebied.",
            True,
        ),
        (
            "Zware storm trekt over het noorden",
            "De storm die vannacht over het noorden trok, richtte schade aan.",
            False,
        ),
        ("Kabinet valt", "Het kabinet is gevallen.", False),
        ("Europese ministers eens over munitie", "De ministers zijn het eens over munitie.", True),
    ],
)
def test_headline_repeated(headline, sentence, repeated):
    assert headline_repeated(headline, sentence) is repeated


def test_a_repeated_headline_is_read_once_and_a_new_one_first(page, at):
    repeated = script_of(page("europa.txt"), at).segments[1]
    assert not repeated.text.startswith("Europese ministers")
    fresh = script_of(page("zonder-briefs.txt"), at).segments[1]
    assert fresh.text.startswith("Zware storm trekt over het noorden.\n")


def test_max_duration_drops_oldest_briefs_first(page, at):
    full = script_of(page("europa.txt"), at)
    cut = script_of(page("europa.txt"), at, max_seconds=45)
    assert cut.estimated_seconds <= 45 < full.estimated_seconds
    # Oldest first (yesterday, then 2 hours ago); among equals, the lowest on the page first.
    assert [d.title.split(":")[0] for d in cut.dropped] == ["Londen", "Straatsburg", "Straatsburg", "Madrid"]
    assert [d.place for d in cut.dropped][:2] == ["Londen", "Straatsburg"]
    kept = [s.place for s in cut.segments if s.kind is SegmentKind.BRIEF]
    assert kept == ["Warschau", "Straatsburg"]


def test_dropping_the_first_of_a_group_moves_its_dateline_on(at):
    settings = replace(script_settings(load_config()), show="Test", intro="Intro.", outro="Outro.")
    old, new = datetime(2026, 11, 27, 6, tzinfo=at.tzinfo), datetime(2026, 11, 27, 8, tzinfo=at.tzinfo)
    page = Page(
        lead=Story(("Lead.",), headline="Kop"),
        sections=(
            Section(
                (
                    Story(("Eerste bericht met wat meer woorden erin.",), place="Zwolle", published=old),
                    Story(("Tweede bericht met wat meer woorden erin.",), place="Zwolle", published=new),
                )
            ),
        ),
    )
    voicing = one_voice(Reader(str, Pacing(chars_per_second=14.0)))
    full = assemble(page, at, settings, voicing)
    cut = assemble(page, at, settings, voicing, max_seconds=full.estimated_seconds - 1)
    (brief,) = [s for s in cut.segments if s.kind is SegmentKind.BRIEF]
    assert brief.text.startswith("Zwolle.\nTweede")


def test_lead_paragraphs_go_after_all_briefs(page, at):
    full = script_of(page("zonder-briefs.txt"), at)
    cut = script_of(page("zonder-briefs.txt"), at, max_seconds=full.estimated_seconds - 1)
    assert [d.kind for d in cut.dropped] == ["paragraph"]
    assert "KNMI" not in cut.segments[1].written


def test_impossible_length_is_a_clear_error(page, at):
    with pytest.raises(ScriptError, match="more than --max-duration 3"):
        script_of(page("kort.txt"), at, max_seconds=3)


def test_each_voice_reads_with_its_own_lexicon(page, at):
    google = make_script(page("europa.txt"), load_config(overrides={"voice.engine": "gtts"}), at=at)
    offline = script_of(page("europa.txt"), at)
    assert "de E-U zijn" in google.segments[1].text
    assert "de ee-uu zijn" in offline.segments[1].text


def test_anchor_and_newsreader_may_differ(page, at):
    config = load_config(
        overrides={"voice.anchor": "espeak-nl", "voice.newsreader": "gtts-nl", "show.title": "NOS Radio"}
    )
    segments = make_script(page("europa.txt"), config, at=at).segments
    assert "en-oo-es Radio" in segments[0].text and "en-oo-es Radio" in segments[-1].text  # anchor: espeak
    assert "de F-S-B op" in segments[-3].text  # newsreader: Google


def test_bad_template_names_the_placeholders(tmp_path, page, at):
    config = tmp_path / "bulletin.toml"
    config.write_text('[script]\nintro = "Het is {tijd}."\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\{clock\}"):
        make_script(page("kort.txt"), load_config(config), at=at)


def test_settings_come_from_config(tmp_path, page, at):
    config = tmp_path / "bulletin.toml"
    config.write_text('[show]\ntitle = "Dorpsradio"\n[script]\nintro = "{show}: {clock}."\n', "utf-8")
    loaded = load_config(config)
    assert script_settings(loaded).show == "Dorpsradio"
    intro = make_script(page("kort.txt"), loaded, at=at).segments[0]
    assert intro.text == "Dorpsradio: kwart over acht."


def test_sections_are_announced_and_keep_their_own_datelines(at):
    settings = replace(script_settings(load_config()), show="Test", intro="Intro.", outro="Outro.")
    zwolle = Story(("Een bericht uit Zwolle.",), place="Zwolle")
    page = Page(
        lead=Story(("Lead.",), headline="Kop"),
        sections=(
            Section((zwolle,), "Binnenland", "Het binnenland."),
            Section(
                (
                    Story(("Ook Zwolle, maar elders gemeld.",), place="Zwolle"),
                    Story(("Een bericht uit Parijs.",), place="Parijs"),
                ),
                "Buitenland",
                "Het buitenland.",
            ),
        ),
    )
    voicing = one_voice(Reader(str, Pacing(chars_per_second=14.0)))
    briefs = [s.text for s in assemble(page, at, settings, voicing).segments if s.kind is SegmentKind.BRIEF]
    assert briefs == [
        "Het binnenland.\nZwolle.\nEen bericht uit Zwolle.",
        "Het buitenland.\nZwolle.\nOok Zwolle, maar elders gemeld.",  # a new section: the dateline again
        "Parijs.\nEen bericht uit Parijs.",
    ]
