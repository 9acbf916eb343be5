"""Every transcript bulletin writes passes a strict WebVTT check (tests/webvtt_strict.py)."""

from __future__ import annotations

import pytest

from bulletin.core.model import Cue
from bulletin.publish.sidecars import webvtt
from conftest import PAGES, run
from webvtt_strict import problems


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n", False),
        ("WEBVTT - een titel\n\nNOTE iets\n\n1\n00:00:00.000 --> 00:00:01.000\nHallo\n", False),
        ("WEBVTT\nLanguage: nl\n\n00:00.000 --> 00:01.000\nHallo\n", True),  # what bulletin wrote before
        ("WEBVTTX\n\n00:00.000 --> 00:01.000\nHallo\n", True),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nHallo\n", True),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nHallo --> daar\n", True),
        ("WEBVTT\n\nNOTE een --> pijl\n", True),
    ],
)
def test_the_check_itself(text, refused):
    assert bool(problems(text)) is refused


def test_hostile_cue_text_and_language_make_a_valid_file():
    cues = [Cue(0.0, 1.0, "Een --> pijl"), Cue(1.0, 2.0, "\n\nlege regels\n\n"), Cue(2.0, 3.0, "<b>&</b>")]
    assert problems(webvtt(cues, "nl-BE --> x")) == []


def test_a_built_bulletin_s_transcript_is_strictly_valid(tmp_path):
    built = run("build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", "-o", "out", "-q")
    assert built.exit_code == 0, built.stderr
    (vtt,) = (tmp_path / "out").glob("*/*/*.vtt")
    text = vtt.read_text("utf-8")
    assert problems(text) == [] and text.startswith("WEBVTT\n\n")
