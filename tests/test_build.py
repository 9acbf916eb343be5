"""End to end: a short page in, a podcast-ready MP3 out, checked with other tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from bulletin.config import load_config
from bulletin.pipeline import build
from conftest import OFFLINE, decode, lufs, true_peak_dbtp


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of kort.txt at 08:15, shared by the checks below."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    out = tmp_path_factory.mktemp("out")
    config = load_config(overrides={"output.dir": str(out), **OFFLINE})
    result = build(Path(__file__).parent / "fixtures/pages/kort.txt", config,
                   at=datetime(2026, 11, 27, 8, 15, tzinfo=ZoneInfo("Europe/Amsterdam")))
    return out, result


def test_files_land_where_the_issue_says(built):
    out, result = built
    stem = out / "2026-11-27" / "nieuwsbulletin-binnenland-0815"
    assert result.mp3 == stem.with_suffix(".mp3")
    assert sorted(p.name for p in (out / "2026-11-27").iterdir()) == [
        "nieuwsbulletin-binnenland-0815.json",
        "nieuwsbulletin-binnenland-0815.mp3",
        "nieuwsbulletin-binnenland-0815.txt",
    ]  # and no temporary files left behind


def test_loudness_and_true_peak_measured_independently(built):
    _, result = built
    samples = decode(result.mp3)
    assert lufs(samples) == pytest.approx(-16.0, abs=1.0)
    assert lufs(samples) == pytest.approx(result.loudness.integrated, abs=0.3)
    assert true_peak_dbtp(samples) <= -1.0


def test_duration_matches_the_audio(built):
    _, result = built
    seconds = len(decode(result.mp3)) / 44100
    assert seconds == pytest.approx(result.loudness.duration, abs=0.1)
    # Intro, lead, two briefs and outro at a newsreader's pace: not seconds, not minutes.
    assert 20 < seconds < 60
    assert seconds == pytest.approx(result.script.estimated_seconds, rel=0.25)


def test_mp3_format_is_cbr_96k_mono_44k(built):
    info = MP3(str(built[1].mp3)).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44100, 1, 96000)
    assert info.bitrate_mode == BitrateMode.CBR


def test_id3v23_tags(built):
    tags = ID3(str(built[1].mp3))
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == "Nieuwsbulletin – vrijdag 27 november 2026, 08:15"
    assert str(tags["TALB"]) == "Nieuwsbulletin"
    assert str(tags["TPE1"]) == "bulletin"
    assert str(tags["TCON"]) == "Nieuws"
    assert str(tags["TLAN"]) == "dut"
    assert str(tags["TDRC"]).startswith("2026-11-27")
    assert "espeak" in str(tags["TENC"])


def test_script_files_beside_the_mp3(built):
    _, result = built
    data = json.loads(result.script_json.read_text("utf-8"))
    assert [s["kind"] for s in data["segments"]] == ["intro", "lead", "brief", "brief", "outro"]
    assert data["segments"][2]["text"].startswith("Utrecht.\n")
    assert "drie komma vijf kilometer" in data["segments"][2]["text"]
    assert result.script_text.read_text("utf-8").startswith("Nieuwsbulletin – vrijdag 27 november 2026, 08:15")
