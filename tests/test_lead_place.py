"""The lead read in order: its dateline, then its headline only if the first sentence does
not already say it, then the story; its place said once."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bulletin.build.pipeline import make_script
from bulletin.config import load_config
from bulletin.config.stages import script_settings
from bulletin.core.model import Page, Story
from bulletin.script import Pacing, Reader, Voicing, assemble
from bulletin.script.assemble import names_place, without_place
from conftest import FIXTURES, OFFLINE

AS_WRITTEN = Reader(lambda text: text, Pacing(chars_per_second=14.0))  # text as written, any pace


def lead_text(story: Story, at) -> str:
    settings = replace(script_settings(load_config()), show="Test", intro="Intro.", outro="Outro.")
    script = assemble(Page(lead=story), at, settings, Voicing(AS_WRITTEN, AS_WRITTEN))
    return script.segments[1].text


@pytest.mark.parametrize(
    ("headline", "place", "paragraph", "read"),
    [
        # A headline with news of its own: dateline first, then the headline.
        (
            "Gemeente wil minder auto's in het centrum",
            "Zwolle",
            "Het college presenteert vandaag een plan.",
            "Zwolle.\nGemeente wil minder auto's in het centrum.\nHet college presenteert vandaag een plan.",
        ),
        # The headline's "Zwolle:" is the dateline's place: said once.
        (
            "Zwolle: gemeente wil minder auto's in het centrum",
            "Zwolle",
            "Het college presenteert vandaag een plan.",
            "Zwolle.\nGemeente wil minder auto's in het centrum.\nHet college presenteert vandaag een plan.",
        ),
        # The first sentence says the headline and the place: neither headline nor dateline.
        (
            "Grote brand in kas in Naaldwijk",
            "Naaldwijk",
            "Bij een grote brand in een kas in Naaldwijk is vannacht niemand gewond geraakt.",
            "Bij een grote brand in een kas in Naaldwijk is vannacht niemand gewond geraakt.",
        ),
        # The headline repeats the first sentence but for the place: the dateline says that.
        (
            "Grote brand verwoest kas in Naaldwijk",
            "Naaldwijk",
            "Een grote brand heeft vannacht een kas verwoest.",
            "Naaldwijk.\nEen grote brand heeft vannacht een kas verwoest.",
        ),
        # The headline is read and names the place: no dateline before it.
        (
            "Burgemeester van Naaldwijk stapt op",
            "Naaldwijk",
            "Hij vertrekt na een conflict met de gemeenteraad.",
            "Burgemeester van Naaldwijk stapt op.\nHij vertrekt na een conflict met de gemeenteraad.",
        ),
    ],
)
def test_the_lead_is_read_dateline_headline_story_and_its_place_once(at, headline, place, paragraph, read):
    assert lead_text(Story((paragraph,), headline=headline, place=place), at) == read


def test_a_feed_lead_says_its_place_once(at):
    """The JSON Feed's lead: a headline, an OSS dateline and a first sentence that says both."""
    script = make_script(FIXTURES / "feeds/jsonfeed/maasland-1.1.json", load_config(overrides=OFFLINE), at=at)
    lead = script.segments[1]
    assert lead.place == "Oss" and lead.title == "Nieuwe fietsbrug in Oss geopend"
    assert lead.written.startswith("In Oss is vanochtend de nieuwe fietsbrug")
    assert len(re.findall(r"\bOss\b", lead.written)) == 1


@pytest.mark.parametrize(
    ("text", "place", "named"),
    [
        ("In Zwolle is een brug geopend.", "Zwolle", True),
        ("De Amsterdamse politie zoekt getuigen.", "Amsterdam", True),  # inflected
        ("Het RIO DE JANEIRO-verdrag is getekend.", "Rio de Janeiro", True),  # in any case, in a compound
        ("Het kabinet vergaderde in Den Haag.", "Zwolle", False),
        ("De Edelweiss-hut is gesloten.", "Ede", False),  # a short name only as a word of its own
        ("In Ede is een brug geopend.", "Ede", True),
        ("In Den  Haag vergadert de Kamer.", "Den Haag", True),
    ],
)
def test_names_place(text, place, named):
    assert names_place(text, place) is named


def test_without_place_leaves_other_headlines_alone():
    assert without_place("ZWOLLE - Brug open", "Zwolle") == "Brug open"
    assert without_place("Zwolsche brug open", "Zwolle") == "Zwolsche brug open"
    assert without_place("Zwolle", "Zwolle") == "Zwolle"
