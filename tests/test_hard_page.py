"""An unseen page full of hard cases (tests/fixtures/pages/lastig.txt), read the
way a user runs it: `bulletin script` leaves no number as digits and spells
unpronounceable acronyms, and no request sent to Google (faked at the HTTP
layer) ends on a word that holds on to the next one."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bulletin.build.pipeline import build
from bulletin.config import load_config
from bulletin.tts.chunking import GOOGLE_MAX_CHARS, phrase_words
from conftest import PAGES, run

PAGE = PAGES / "lastig.txt"
AT = "2026-11-27T08:15"


def spoken(*options: str) -> list[str]:
    result = run("script", PAGE, "--at", AT, "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    return [segment["spoken"] for segment in json.loads(result.stdout)["segments"]]  # how the voice reads it


@pytest.mark.parametrize(
    ("options", "spelled"),
    [
        ([], ["A-S-M-L", "N-X-P", "R-I-V-M", "K-N-M-I", "G-G-D"]),  # Google says capitals by name
        (["--engine", "espeak"], ["aa-es-em-el", "en-iks-pee", "er-ie-vee-em", "kaa-en-em-ie", "gee-gee-dee"]),
    ],
)
def test_script_leaves_no_digits_and_spells_what_cannot_be_read(options, spelled):
    text = "\n".join(spoken(*options))
    assert not re.findall(r"\S*\d\S*", text)
    for acronym in spelled:
        assert acronym in text
    for word in (
        "Navo-lidstaten",
        "Benelux",
        "Covid-negentien",
        "Tweede Kamer",
        "twaalfhonderd",
        "tussen tien uur en zestien uur dertig",
        "van acht uur dertig tot zeventien uur",
        "om acht uur vijfenveertig",
        "vanaf twaalf uur",
        "achttien en negentien maart",
        "vijfenzestigplussers",
        "nul achthonderd, nul twee drie één",
    ):
        assert word in text
    assert not re.search(r"\b(?:ASML|NXP|RIVM|KNMI|NAVO)\b", text)


def test_no_google_request_ends_on_a_word_that_binds(google, tmp_path):
    config = load_config(
        overrides={
            "output.dir": str(tmp_path),
            "voice.engine": "gtts",
            "sounders.enabled": False,
            "gtts.backoff": 0.01,
            "gtts.requests_per_second": 1000.0,
        }
    )
    result = build(PAGE, config, at=datetime.fromisoformat(AT).replace(tzinfo=ZoneInfo("Europe/Amsterdam")))
    sent = google.texts
    assert len(sent) > len(result.script.segments)  # long paragraphs were cut
    assert all(len(text) <= GOOGLE_MAX_CHARS for text in sent)
    # A request that ends a sentence or clause ("... van kracht is.") breaks no
    # phrase; one cut mid-sentence must not end on an article, preposition, ...
    cut_mid_phrase = [text for text in sent if text.split()[-1][-1].isalnum()]
    assert cut_mid_phrase  # the page does force such cuts
    bound = phrase_words().bound
    assert not [text for text in cut_mid_phrase if text.split()[-1].lower() in bound]
    assert not [text for text in sent if re.search(r"\d", text)]
