"""Every registered output format, through the same checks: a bulletin built in it meets its
loudness profile, carries its chapters, tags and cover where other tools find them, is
published with its own media type and ``latest.<suffix>``, is served with that type, and is
what ``inspect`` and ``say`` read and write. The list of formats is the registry's: a new
format is checked here without a line of this file changing."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import feedparser
import pytest

from bulletin.formats import FORMATS
from conftest import PAGES, decode, lufs, need_tool, run, true_peak_dbtp

AT = "2026-11-27T08:15"
BASE = "https://example.org/nieuws/"
RATE = 48000  # decoded for measuring: every format's rate resamples to it exactly enough


def build_args(audio_format: str, tmp_path: Path) -> list[object]:
    """Build the fixture page in ``audio_format``, published, with its own cache and output folder."""
    config = tmp_path / "bulletin.toml"
    config.write_text('[cache]\ndir = "cache"\n', "utf-8")
    return [
        "build",
        PAGES / "kort.txt",
        "--engine",
        "espeak",
        "--at",
        AT,
        "-o",
        tmp_path / "out",
        "--format",
        audio_format,
        "--config",
        config,
        "--publish",
        "--base-url",
        BASE,
    ]


@pytest.fixture(scope="module", params=FORMATS.names())
def built(request, tmp_path_factory):
    """A bulletin in each format, published, with its own cache and output folder."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    result = run(*build_args(request.param, tmp_path))
    assert result.exit_code == 0, result.stderr
    return FORMATS.get(request.param), Path(result.stdout.splitlines()[0]), tmp_path / "out"


def ffprobe(path: Path) -> dict:
    """What Debian's ffprobe (not our ffmpeg, not our code) reads in ``path``; text as the
    file holds it (the writer's ``sv=ignore``), each string's bytes kept in surrogate escapes."""
    command = [
        need_tool("ffprobe"),
        "-v",
        "error",
        "-show_chapters",
        "-show_format",
        "-show_streams",
        "-of",
        "json=sv=ignore",
    ]
    out = subprocess.run([*command, str(path)], capture_output=True, check=True).stdout
    return json.loads(out.decode("utf-8", "surrogateescape"))


def as_written(text: str) -> str:
    """A container's string in its encoding: UTF-8, or a Broadcast WAV's CP1252 (which playout
    reads and its CSET chunk declares; ffprobe passes the bytes on undecoded)."""
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def test_the_file_is_in_its_format_and_meets_the_profile(built):
    audio_format, path, _ = built
    assert path.suffix == audio_format.suffix
    probed = ffprobe(path)
    (sound,) = [s for s in probed["streams"] if s["codec_type"] == "audio"]
    assert sound["channels"] == 1
    samples = decode(path, RATE)
    assert lufs(samples, RATE) == pytest.approx(-16, abs=1)  # pyloudnorm, after ffmpeg decoded it
    assert true_peak_dbtp(samples) <= -1 + 0.2  # within a resampler's overshoot of the ceiling
    qa = json.loads(path.with_name(path.stem + ".qa.json").read_text("utf-8"))
    assert float(probed["format"]["duration"]) == pytest.approx(qa["duration"], abs=0.05)


def test_chapters_are_where_other_tools_read_them(built):
    _, path, _ = built
    sidecar = json.loads(path.with_name(path.stem + ".chapters.json").read_text("utf-8"))["chapters"]
    probed = ffprobe(path)["chapters"]
    assert [as_written(c["tags"]["title"]) for c in probed] == [c["title"] for c in sidecar]
    assert [float(c["start_time"]) for c in probed] == pytest.approx([c["startTime"] for c in sidecar], abs=0.002)
    ends = [float(c["end_time"]) for c in probed]
    assert ends[:-1] == pytest.approx([c["endTime"] for c in sidecar][:-1], abs=0.002)  # they tile the file
    # The last ends with the file: as the container counts it, a codec's padding may be in (Opus's pre-skip).
    assert ends[-1] == pytest.approx(sidecar[-1]["endTime"], abs=0.05)


def test_a_rebuild_from_the_cache_writes_the_same_file_without_measuring_it_again(built):
    audio_format, path, out = built
    before = path.read_bytes()
    again = run(*build_args(audio_format.name, out.parent), "-v")
    assert again.exit_code == 0, again.stderr
    assert "measured before" in again.stderr and "0 parts made" in again.stderr
    assert path.read_bytes() == before


def test_inspect_reads_it_back(built):
    audio_format, path, _ = built
    result = run("inspect", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    sidecar = json.loads(path.with_name(path.stem + ".chapters.json").read_text("utf-8"))["chapters"]
    assert found["format"] == audio_format.name
    assert [c["title"] for c in found["chapters"]] == [c["title"] for c in sidecar]
    assert found["loudness"]["integrated"] == pytest.approx(-16, abs=1)


def test_the_feed_the_latest_file_and_the_server_give_its_media_type(built):
    audio_format, path, out = built
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    (enclosure,) = feed.entries[0].enclosures
    # A format podcast apps do not play is offered in the feed as its MP3 rendition.
    offered = audio_format if audio_format.podcast else FORMATS.get("mp3")
    assert enclosure.type == offered.media_type and enclosure.href.endswith(offered.suffix)
    served = out / enclosure.href.removeprefix(BASE)
    assert served.is_file() and int(enclosure.length) == served.stat().st_size
    if audio_format.podcast:
        assert served.read_bytes() == path.read_bytes()
    latest = out / f"latest{audio_format.suffix}"
    assert latest.read_bytes() == path.read_bytes()
    assert [p.name for p in out.glob("latest.*") if p.suffix not in (".json", ".m3u")] == [latest.name]
    assert json.loads((out / "latest.json").read_text("utf-8"))["latest_url"] == BASE + latest.name

    from bulletin.publish.server import make_server

    server = make_server(out, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/{latest.name}") as answer:
            assert answer.headers["Content-Type"] == audio_format.media_type
            assert answer.read() == path.read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_the_alexa_rendition_stays_mp3(built):
    _, path, out = built
    (item,) = json.loads((out / "flash-briefing.json").read_text("utf-8"))
    alexa = path.with_name(path.stem + ".alexa.mp3")
    assert item["streamUrl"].endswith(".alexa.mp3") and alexa.is_file()
    assert lufs(decode(alexa, RATE), RATE) == pytest.approx(-14, abs=1)


@pytest.mark.parametrize("name", FORMATS.names())
def test_say_writes_the_format_its_file_name_asks_for(tmp_path, name):
    audio_format = FORMATS.get(name)
    target = tmp_path / f"zin{audio_format.suffix}"
    result = run("say", "Het KNMI meldt regen in het hele land.", "-o", target, "--engine", "espeak")
    assert result.exit_code == 0, result.stderr
    (sound,) = [s for s in ffprobe(target)["streams"] if s["codec_type"] == "audio"]
    assert float(sound["duration"]) > 1.0
    assert lufs(decode(target, RATE), RATE) == pytest.approx(-16, abs=1.5)
    inspected = run("inspect", target, "--format", "json")  # a file without chapters reads back too
    assert inspected.exit_code == 0, inspected.stderr
    assert json.loads(inspected.stdout)["chapters"] == []
