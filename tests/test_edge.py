"""The edge engine: edge-tts's real client against a loopback WebSocket server that
speaks the service's protocol (fake_edge.py); offline, the real client meets the
blocked network."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from bulletin.cli import cli
from bulletin.core.errors import ConfigError, EngineError
from conftest import PAGES, built_engine, cli_runner, decode, lufs
from fake_edge import SECONDS_PER_WORD, FakeEdge

FAST = {"backoff": 0.01, "requests_per_second": 1000.0}


@pytest.fixture
def edge(monkeypatch):
    import edge_tts.communicate

    fake = FakeEdge()
    port = fake.start()
    # The library builds its URL from this constant; the rest of its code runs as it is.
    monkeypatch.setattr(
        edge_tts.communicate,
        "WSS_URL",
        f"ws://127.0.0.1:{port}/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=x",
    )
    yield fake
    fake.stop()


def engine(concurrent: int = 4, **options):
    return built_engine("edge", options, concurrent=concurrent, **FAST)


def test_speaks_with_the_profile_voice_and_prosody(edge):
    text = "Het kabinet trekt extra geld uit, zegt de minister."
    speech = engine(voice="nl-BE-DenaNeural", rate="+10%", pitch="-2Hz", volume="-5%").synthesize(text)
    assert edge.requests == [
        {"voice": "nl-BE-DenaNeural", "rate": "+10%", "pitch": "-2Hz", "volume": "-5%", "text": text}
    ]
    words = text.replace(",", "").replace(".", "").split()
    assert speech.sample_rate == 24000
    assert speech.seconds == pytest.approx(len(words) * SECONDS_PER_WORD, abs=0.08)


def test_word_boundaries_become_one_mark_per_word(edge):
    text = "Goedemorgen, het is acht uur."
    speech = engine().synthesize(text)
    assert [m.char for m in speech.marks] == [0, 13, 17, 20, 25]
    assert [m.sample for m in speech.marks] == [round(n * SECONDS_PER_WORD * 24000) for n in range(5)]


def test_segments_overlap_and_keep_their_order(edge):
    texts = ["Een.", "Twee woorden hier en daar.", "Drie woorden maar."]
    edge.gather = 3  # answered only once all three are open at once, however busy the machine
    speeches = engine(concurrent=3).synthesize_many(texts)
    assert [round(s.seconds / SECONDS_PER_WORD) for s in speeches] == [1, 5, 3]
    assert edge.most_in_flight == 3 and len(edge.requests) == 3


def test_throttled_handshakes_are_retried(edge):
    edge.refuse_next = [429, 503]
    assert engine().synthesize("Goedemorgen.").seconds > 0.1
    assert len(edge.requests) == 1  # two refusals, then the one that was answered


def test_a_refused_request_names_the_cause_and_is_not_retried(edge):
    edge.refuse_next = [404, 404]
    with pytest.raises(EngineError, match=r"refused the request \(HTTP 404\).*newer edge-tts"):
        engine().synthesize("Goedemorgen.")
    assert edge.refuse_next == [404]  # one handshake, no retry


def test_offline_the_service_cannot_be_reached():
    with pytest.raises(EngineError, match=re.escape("cannot reach speech.platform.bing.com")):
        engine().synthesize("Goedemorgen.")


@pytest.mark.parametrize("option", [{"rate": "fast"}, {"pitch": "+2%"}, {"voice": "Fenna"}])
def test_impossible_options_are_config_errors(option):
    with pytest.raises(ConfigError):
        engine(**option)


def test_a_build_with_edge_times_the_cues_word_by_word(edge, tmp_path):
    got = cli_runner().invoke(
        cli,
        [
            "build",
            str(PAGES / "kort.txt"),
            "--engine",
            "edge",
            "--voice",
            "edge-nl-maarten",
            "-o",
            str(tmp_path / "out"),
            "--at",
            "2026-11-27T08:15",
            "--no-sounders",
        ],
    )
    assert got.exit_code == 0, got.stderr
    mp3 = Path(got.stdout.splitlines()[0])
    assert "edge" in str(ID3(str(mp3))["TENC"])
    assert {r["voice"] for r in edge.requests} == {"nl-NL-MaartenNeural"}
    assert lufs(decode(mp3)) == pytest.approx(-16, abs=1)
    import webvtt

    cues = webvtt.read(str(mp3.with_suffix(".vtt")))
    sentences = sum(r["text"].count(".") for r in edge.requests)
    assert len(cues) >= sentences  # at least a cue per sentence, timed from the word marks


def test_strict_edge_offline_exits_3_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    got = cli_runner().invoke(
        cli, ["build", str(PAGES / "kort.txt"), "--engine", "edge", "-o", str(out), "--at", "2026-11-27T08:15"]
    )
    assert got.exit_code == 3
    assert got.stderr.strip().splitlines() == [
        "Error: cannot reach speech.platform.bing.com. Probable cause: this machine is offline or the host is "
        "blocked. Try --engine espeak."
    ]
    assert not out.exists()


def test_edge_voices_with_auto_offline_build_with_the_fallback_and_say_so(tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text(
        '[voice]\nanchor = "edge-nl-fenna"\nnewsreader = "edge-be-arnaud"\nengine = "auto"\n[edge]\nbackoff = 0.01\n',
        "utf-8",
    )
    got = cli_runner().invoke(
        cli,
        [
            "build",
            str(PAGES / "kort.txt"),
            "--config",
            str(config),
            "-o",
            str(tmp_path / "out"),
            "--at",
            "2026-11-27T08:15",
        ],
    )
    assert got.exit_code == 0, got.stderr
    assert got.stderr.strip().splitlines() == [
        "warning: cannot reach speech.platform.bing.com. Probable cause: this machine is offline or the host is "
        "blocked. The whole bulletin is read by espeak-nl instead."
    ]
    tags = str(ID3(got.stdout.splitlines()[0])["TENC"])
    assert "espeak" in tags and "edge" not in tags


def test_a_config_mistake_is_never_a_fallback(tmp_path, caplog):
    config = tmp_path / "bulletin.toml"
    config.write_text(
        '[voice]\nanchor = "edge-nl-fenna"\nnewsreader = "edge-nl-fenna"\n\n[edge]\nconcurrent = 0\n', "utf-8"
    )
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="bulletin"):
        got = cli_runner().invoke(cli, ["build", str(PAGES / "kort.txt"), "--config", str(config), "-o", str(out)])
    assert got.exit_code == 1
    assert got.stderr.strip().splitlines() == [f"Error: {config}:6: [edge] concurrent must be at least 1, got 0."]
    assert not out.exists()
