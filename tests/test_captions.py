"""Captions as subtitle guidance has them: every cue at most two lines of at most 42
characters, in the WebVTT and SRT files of a build (read back with webvtt-py and srt), and
the rule itself as a table."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import srt as srt_parser
import webvtt

from bulletin.text.captions import CAPTION_LINE_CHARS, CAPTION_LINES, caption_lines, caption_pieces
from conftest import run

EXAMPLE = Path(__file__).parents[1] / "examples" / "binnenland.txt"
LONG = (
    "Het kabinet trekt de komende vier jaar in totaal ruim twee miljard euro extra uit voor de versterking "
    "van de dijken langs de grote rivieren, zo heeft de minister van Infrastructuur en Waterstaat vanmiddag "
    "na afloop van de ministerraad in Den Haag bekendgemaakt."
)


@pytest.mark.parametrize(
    ("sentence", "pieces"),
    [
        ("Kort.", 1),
        ("Een zin van precies tweeënveertig tekens!!", 1),
        ("Dit is een zin die net iets te lang is voor één regel ondertitel.", 1),  # two lines
        (LONG, 4),  # 261 characters: seven lines, four captions
        ("Woord " * 30, 3),
    ],
)
def test_caption_pieces_fit_and_keep_every_word(sentence, pieces):
    found = caption_pieces(sentence)
    assert len(found) == pieces
    for offset, piece in found:
        assert sentence[offset:].startswith(piece)
        lines = caption_lines(piece)
        assert len(lines) <= CAPTION_LINES and all(len(line) <= CAPTION_LINE_CHARS for line in lines)
    assert " ".join(piece for _, piece in found).split() == sentence.split()


def test_a_word_longer_than_a_line_gets_a_line_of_its_own():
    url = "https://www.rijksoverheid.nl/onderwerpen/water/dijkversterking-2026"
    assert caption_lines(f"Zie {url} voor meer") == ["Zie", url, "voor meer"]


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory):
    out = tmp_path_factory.mktemp("captions") / "out"
    result = run("build", EXAMPLE, "--engine", "espeak", "--at", "2026-11-27T08:00", "-o", out)
    assert result.exit_code == 0, result.stderr
    mp3 = Path(result.stdout.splitlines()[0])
    return mp3.with_suffix(".vtt"), mp3.with_suffix(".srt"), mp3.with_suffix(".json")


def test_every_cue_is_two_lines_of_42_at_most(transcripts):
    vtt, srt_path, _ = transcripts
    vtt_cues = [c.text.split("\n") for c in webvtt.read(str(vtt))]
    srt_cues = [c.content.split("\n") for c in srt_parser.parse(srt_path.read_text("utf-8"))]
    assert vtt_cues == srt_cues and len(vtt_cues) > 20
    assert max(len(lines) for lines in vtt_cues) == CAPTION_LINES  # long sentences use both lines
    for lines in vtt_cues:
        assert len(lines) <= CAPTION_LINES
        assert all(len(line) <= CAPTION_LINE_CHARS or " " not in line for line in lines), lines


def test_the_cues_hold_the_whole_transcript_in_order(transcripts):
    vtt, _, script = transcripts
    cues = webvtt.read(str(vtt))
    written = [s.get("written") or s["text"] for s in json.loads(script.read_text("utf-8"))["segments"]]
    assert " ".join(c.text for c in cues).split() == " ".join(written).split()
    assert all(a.end_in_seconds <= b.start_in_seconds + 0.001 for a, b in itertools.pairwise(cues))
