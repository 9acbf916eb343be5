"""Which voice speaks a bulletin, the cache, and what users see when Google fails.

Google is faked at the HTTP layer; the offline fallback is the real espeak-ng."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from mutagen.id3 import ID3

from bulletin.build.pipeline import build
from bulletin.cli import cli
from bulletin.config import load_config
from bulletin.core.errors import EngineError
from conftest import PAGES, decode, lufs, run

AT = datetime(2026, 11, 27, 8, 15, tzinfo=ZoneInfo("Europe/Amsterdam"))
FAST = {"gtts.backoff": 0.01, "gtts.requests_per_second": 1000.0}


def build_with(page: Path, out: Path, **overrides):
    config = load_config(overrides={"output.dir": str(out), **FAST, **overrides})
    return build(page, config, at=AT)


def spoken_by(mp3: Path) -> str:
    return str(ID3(str(mp3))["TENC"])


def test_gtts_build_then_a_rebuild_makes_no_requests(google, tmp_path):
    first = build_with(PAGES / "europa.txt", tmp_path, **{"voice.engine": "gtts"})
    requests_made = len(google.texts)
    assert requests_made >= len(first.script.segments)
    assert all(len(text) <= 100 for text in google.texts)
    assert "gtts" in spoken_by(first.audio) and "espeak" not in spoken_by(first.audio)
    assert (first.speech.cached, first.speech.synthesised) == (0, len(first.script.segments))

    again = build_with(PAGES / "europa.txt", tmp_path, **{"voice.engine": "gtts"})
    assert len(google.texts) == requests_made  # zero new requests
    assert again.speech.cached == len(again.script.segments)
    assert lufs(decode(again.audio)) == pytest.approx(-16, abs=1)


def test_one_new_brief_is_the_only_thing_synthesised(google, tmp_path):
    build_with(PAGES / "europa.txt", tmp_path / "a", **{"voice.engine": "gtts"})
    before = len(google.texts)
    page = tmp_path / "europa-plus.txt"
    new_brief = "PARIJS (ANP) - In Parijs is het nieuwe metrostation geopend."
    page.write_text((PAGES / "europa.txt").read_text("utf-8") + new_brief + "\n", "utf-8")
    result = build_with(page, tmp_path / "b", **{"voice.engine": "gtts"})
    new_requests = google.texts[before:]
    assert new_requests == ["Parijs. In Parijs is het nieuwe metrostation geopend."]
    assert result.speech.synthesised == 1


def test_a_changed_voice_setting_is_not_served_from_the_cache(google, tmp_path, monkeypatch):
    build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    before = len(google.texts)
    voices = tmp_path / "voices"
    voices.mkdir()
    profile = (Path(__file__).parents[1] / "voices/gtts-nl.toml").read_text("utf-8")
    (voices / "gtts-nl.toml").write_text(profile.replace('tld = "com"', 'tld = "nl"'), "utf-8")
    result = build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts", "voice.voices_dir": str(voices)})
    assert result.speech.cached == 0 and len(google.texts) > before


def test_no_cache_bypasses_the_cache(google, tmp_path):
    build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    before = len(google.texts)
    result = build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts", "cache.enabled": False})
    assert result.speech.cached == 0 and len(google.texts) == 2 * before


def test_a_damaged_part_is_made_again_from_cached_speech(google, tmp_path):
    build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    before = len(google.texts)
    newest = max((tmp_path / "cache/bulletin/parts").glob("*/*.part"), key=lambda p: p.stat().st_mtime_ns)
    newest.write_bytes(newest.read_bytes()[:-100])  # truncated, as by a full disk
    again = build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    assert again.parts_made == 1 and again.speech.synthesised == 0 and len(google.texts) == before
    assert lufs(decode(again.audio)) == pytest.approx(-16, abs=1)


def test_damaged_speech_is_synthesised_again(google, tmp_path):
    first = build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    before = len(google.texts)
    for part in (tmp_path / "cache/bulletin/parts").glob("*/*.part"):
        part.unlink()  # the parts must be made again, so the speech is needed
    entry = sorted((tmp_path / "cache/bulletin/segments").glob("*/*.seg"))[0]
    entry.write_bytes(b"\0" * 64)  # garbage where a segment was
    again = build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    assert again.speech.synthesised == 1 and again.speech.cached == len(first.script.segments) - 1
    assert len(google.texts) > before
    assert lufs(decode(again.audio)) == pytest.approx(-16, abs=1)


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ConnectionError("offline"), 403, 200],
)
def test_auto_falls_back_to_offline_for_the_whole_bulletin(google, tmp_path, caplog, failure):
    google.fail_always(failure)
    with caplog.at_level(logging.WARNING, logger="bulletin"):
        result = build_with(PAGES / "europa.txt", tmp_path)  # engine "auto" is the default
    assert result.fell_back
    assert "espeak" in spoken_by(result.audio) and "gtts" not in spoken_by(result.audio)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "read by espeak-nl" in warnings[0]
    data = json.loads(result.outputs.script_json.read_text("utf-8"))
    assert "ee-uu" in data["segments"][1]["spoken"]  # the reading is the offline voice's
    assert lufs(decode(result.audio)) == pytest.approx(-16, abs=1)


def test_auto_never_mixes_voices_when_google_fails_partway(google, tmp_path):
    google.fail_after(4, 403)  # four answers arrive, then Google refuses
    result = build_with(PAGES / "europa.txt", tmp_path)
    assert len(google.texts) > 4  # Google did speak part of it ...
    assert result.fell_back
    assert "gtts" not in spoken_by(result.audio)  # ... but none of that is in the bulletin
    assert result.speech.synthesised == len(result.script.segments)  # every segment by espeak


def test_strict_gtts_exits_3_and_writes_nothing(google, tmp_path):
    google.fail_always(requests.exceptions.ConnectionError("offline"))
    out = tmp_path / "out"
    result = run(
        "build",
        PAGES / "kort.txt",
        "--engine",
        "gtts",
        "-o",
        out,
        "--at",
        "2026-11-27T08:15",
        "--config",
        _fast_config(tmp_path),
    )
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "Error: cannot reach translate.google.com. Probable cause: this machine is offline or the "
        "host is blocked. Try --engine espeak."
    ]
    assert not out.exists()


def test_strict_engine_error_in_the_library(google, tmp_path):
    google.fail_always(404)
    with pytest.raises(EngineError, match="HTTP 404"):
        build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})


def _fast_config(tmp_path: Path) -> Path:
    path = tmp_path / "fast.toml"
    path.write_text("[gtts]\nbackoff = 0.01\nrequests_per_second = 1000.0\n", "utf-8")
    return path


def test_voices_lists_profiles_and_engine_status():
    result = run("voices")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("espeak-nl [fallback]") and line.endswith("(espeak, nl, offline) - ready") for line in lines
    )
    # the tests run without a way out, as on an offline machine
    assert any(
        line.startswith("gtts-nl [anchor, newsreader]")
        and "(gtts, nl, online)" in line
        and line.endswith("no network: cannot reach translate.google.com")
        for line in lines
    )
    assert any(
        line.startswith("edge-nl-fenna:") and "(edge, nl, online)" in line and "no network" in line for line in lines
    )


def test_cache_info_and_prune(google, tmp_path, runner):
    build_with(PAGES / "kort.txt", tmp_path, **{"voice.engine": "gtts"})
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0 and "segments: 5 entries" in info.output and "parts: " in info.output
    pruned = runner.invoke(cli, ["cache", "prune", "--all"])
    assert pruned.exit_code == 0 and "segments: removed 5 entries" in pruned.output
    after = runner.invoke(cli, ["cache", "info"]).output
    assert "segments: 0 entries" in after and "parts: 0 entries" in after


def test_an_impossible_gtts_setting_is_a_config_error_with_file_and_line_not_a_fallback(google, tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text("[gtts]\nbackoff = 0.01\nconcurrent = 0\n", "utf-8")
    out = tmp_path / "out"
    result = run("build", PAGES / "kort.txt", "--config", config, "-o", out)
    assert result.exit_code == 1  # engine "auto": still no fallback to espeak
    assert f"{config}:3: [gtts] concurrent must be at least 1, got 0." in result.stderr
    assert google.texts == [] and not out.exists()  # found before anything was spoken


def test_an_impossible_voice_option_names_the_profile_file_and_line(tmp_path):
    voices = tmp_path / "voices"
    voices.mkdir()
    profile = (Path(__file__).parents[1] / "voices/espeak-nl.toml").read_text("utf-8")
    (voices / "espeak-nl.toml").write_text(profile.replace("rate = 165", "rate = 5"), "utf-8")
    line = 1 + profile.splitlines().index(next(x for x in profile.splitlines() if x.startswith("rate = 165")))
    config = tmp_path / "bulletin.toml"
    config.write_text(f'[voice]\nvoices_dir = "{voices}"\n', "utf-8")
    result = run("build", PAGES / "kort.txt", "--engine", "espeak", "--config", config, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{voices / 'espeak-nl.toml'}:{line}: [options] rate must be at least 80, got 5." in result.stderr
    assert not (tmp_path / "out").exists()
