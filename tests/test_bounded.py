"""Bounded resources: a long paragraph is spoken and mastered in pieces within a fixed
memory (its chapter and cues still right), a bulletin over the segment cap is refused
in one line before anything is spoken, and assembling a script is linear in the briefs."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import datetime

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from bulletin.build.workshop import voicing as make_voicing
from bulletin.casting.cast import choose_cast
from bulletin.config import load_config
from bulletin.config.stages import script_settings, voice_choice
from bulletin.core.model import Page, Section, Story
from bulletin.script import assemble
from conftest import AMSTERDAM, OFFLINE

PEAK_MB = 300  # the bound, for any length
SENTENCE = (
    "Het kabinet trekt de komende vijf jaar extra geld uit voor de versterking van dijken "
    "langs de grote rivieren, bovenop de bestaande afspraken met de waterschappen."
)
LAST = "Daarmee is het plan rond, zegt de minister tot slot."
CUE_TIME = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})")
LINEAR = 6.0  # calls for 4x the briefs: 4x when linear, 16x when quadratic
# Measured in a wrapper process: RUSAGE_CHILDREN there holds only the build (and its ffmpeg).
PEAK = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)"
)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


@pytest.mark.slow  # fault injection: whole builds killed or failed at many points
def test_a_long_paragraph_is_mastered_in_pieces_within_bounded_memory(tmp_path):
    paragraph = " ".join([SENTENCE] * 75 + [LAST])  # 12,000 characters: some 12 minutes of speech
    page = tmp_path / "page.txt"
    page.write_text(
        f"Dijken worden hoger\nDEN HAAG (ANP) - {paragraph}\nMeer uit Binnenland\n"
        "ZWOLLE (ANP) - De gemeente opent vandaag een nieuwe brug over de IJssel.\n",
        "utf-8",
    )
    build = [
        sys.executable,
        "-m",
        "bulletin",
        "build",
        str(page),
        "--at",
        "2026-11-27T08:15",
        "--engine",
        "espeak",
        "--no-sounders",
        "-o",
        "out",
        "-q",
    ]
    measured = subprocess.run([sys.executable, "-c", PEAK, *build], text=True, capture_output=True, cwd=tmp_path)
    peak_kb, code = measured.stdout.split()[-2:]
    assert code == "0", measured.stderr
    assert int(peak_kb) / 1024 < PEAK_MB

    stem = "nieuwsbulletin-binnenland-0815"
    folder = tmp_path / "out/2026-11-27" / stem
    mp3 = folder / f"{stem}.mp3"
    length = MP3(mp3).info.length
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert len(chapters) == 4  # intro, lead, brief, outro: one chapter for the lead's pieces
    lead_start, lead_end = chapters[1].start_time / 1000, chapters[1].end_time / 1000
    assert lead_end - lead_start > 0.6 * len(paragraph) / 15  # espeak reads some 15 characters a second
    cues = []
    for block in (folder / f"{stem}.vtt").read_text("utf-8").split("\n\n"):
        lines = block.splitlines()
        timing = next((i for i, line in enumerate(lines) if CUE_TIME.match(line)), None)
        if timing is not None:
            times = CUE_TIME.match(lines[timing]).groups()
            cues.append((_seconds(*times[:4]), _seconds(*times[4:]), " ".join(lines[timing + 1 :])))
    assert all(a <= b for (a, _, _), (b, _, _) in itertools.pairwise(cues))  # in order
    assert cues[-1][1] <= length + 0.05
    lead_cues = [c for c in cues if "dijken" in c[2] or "minister" in c[2]]
    assert all(lead_start - 0.05 <= start and end <= lead_end + 0.05 for start, end, _ in lead_cues)
    last = next(c for c in cues if "tot slot" in c[2])
    assert lead_end - 5 < last[1] <= lead_end + 0.05  # the last piece's words close the lead's chapter


def test_a_bulletin_over_the_segment_cap_is_refused_in_one_line_before_speaking(tmp_path):
    page = tmp_path / "page.txt"
    briefs = "\n".join(
        f"{city} (ANP) - De gemeente opent vandaag een nieuwe brug."
        for city in ("ZWOLLE", "DEVENTER", "ARNHEM", "ZUTPHEN")
    )
    page.write_text(f"Kop\nDEN HAAG (ANP) - Het kabinet versterkt de dijken.\nMeer uit Binnenland\n{briefs}\n", "utf-8")
    (tmp_path / "bulletin.toml").write_text("[script]\nmax_segments = 5\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bulletin", "build", str(page), "--engine", "espeak", "-o", "out"],
        text=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "7 segments, more than [script] max_segments = 5" in done.stderr
    assert not list((tmp_path / "cache").rglob("*.seg"))  # nothing was spoken
    assert not (tmp_path / "out").exists()


def _calls(briefs: int) -> int:
    """Python function calls (generator steps included) to assemble a page of ``briefs``."""
    at = datetime(2026, 11, 27, 8, 15, tzinfo=AMSTERDAM)
    stories = tuple(
        Story(paragraphs=(f"Bericht nummer {i}.",), place=["Zwolle", "Arnhem"][i % 2], published=None if i % 3 else at)
        for i in range(briefs)
    )
    page = Page(
        lead=Story(paragraphs=("Het kabinet versterkt de dijken.",), headline="Kop", place="Den Haag"),
        sections=(Section(briefs=stories, name="Binnenland"),),
    )
    config = load_config(overrides=OFFLINE)
    voicing = make_voicing(choose_cast(voice_choice(config)).cast)
    assemble(page, at, script_settings(config), voicing)  # warm the caches (lexicons, patterns)
    count = 0

    def profile(_frame, event, _arg):
        nonlocal count
        count += event == "call"

    sys.setprofile(profile)
    try:
        assemble(page, at, script_settings(config), voicing)
    finally:
        sys.setprofile(None)
    return count


def test_assembling_is_linear_in_the_number_of_briefs():
    assert _calls(1200) / _calls(300) < LINEAR


def test_a_segment_spoken_in_pieces_counts_once_in_the_summary(tmp_path):
    """The build's counts are of the script's segments, however many pieces one is spoken in."""
    from bulletin.build.pipeline import build

    page = tmp_path / "page.txt"
    paragraph = " ".join([SENTENCE] * 12 + [LAST])  # some 1,900 characters: three pieces
    page.write_text(
        f"Dijken worden hoger\nDEN HAAG (ANP) - {paragraph}\nMeer uit Binnenland\n"
        "ZWOLLE (ANP) - De gemeente opent vandaag een nieuwe brug over de IJssel.\n",
        "utf-8",
    )
    config = load_config(overrides={**OFFLINE, "output.dir": str(tmp_path / "out"), "sounders.enabled": False})
    at = datetime(2026, 11, 27, 8, 15, tzinfo=AMSTERDAM)
    first = build(page, config, at=at)
    segments = len(first.script.segments)
    assert (first.speech.segments, first.speech.synthesised, first.speech.cached) == (segments, segments, 0)
    again = build(page, config, at=at)
    assert (again.speech.segments, again.speech.synthesised, again.speech.cached) == (segments, 0, segments)
