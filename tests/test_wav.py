"""Broadcast WAV output, read back with a RIFF parser written here (struct only,
none of bulletin's code), Python's own `wave` module, pyloudnorm and ffmpeg."""

from __future__ import annotations

import json
import math
import re
import struct
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from conftest import PAGES, decode, ffmpeg, lufs, need_tool, run, served

AT = ["--at", "2026-11-27T08:15"]
BEXT_FIXED = 602
UNKNOWN = 0x7FFF


@dataclass
class Riff:
    """A WAV file's chunks, as this test reads them."""

    kind: bytes
    chunks: list[tuple[bytes, bytes]] = field(default_factory=list)  # (id, body), in file order
    ended_exactly: bool = False

    def one(self, chunk_id: bytes) -> bytes:
        found = [body for cid, body in self.chunks if cid == chunk_id]
        assert len(found) == 1, f"{chunk_id!r}: {len(found)} chunks"
        return found[0]

    def lists(self, kind: bytes) -> list[tuple[bytes, bytes]]:
        (body,) = [body for cid, body in self.chunks if cid == b"LIST" and body[:4] == kind]
        out, at = [], 4
        while at < len(body):
            sub_id, size = struct.unpack_from("<4sI", body, at)
            out.append((sub_id, body[at + 8 : at + 8 + size]))
            at += 8 + size + size % 2
        assert at == len(body)
        return out


def parse(data: bytes) -> Riff:
    kind, size, form = struct.unpack_from("<4sI4s", data)
    assert form == b"WAVE"
    riff = Riff(kind)
    at, ds64_data = 12, None
    while at + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, at)
        if chunk_id == b"data" and size == 0xFFFFFFFF:
            size = ds64_data
        if chunk_id == b"ds64":
            ds64_data = struct.unpack_from("<QQQI", data, at + 8)[1]
        riff.chunks.append((chunk_id, data[at + 8 : at + 8 + size]))
        at += 8 + size + size % 2  # every chunk padded to an even length
    riff.ended_exactly = at == len(data)
    if kind == b"RIFF":
        assert size is not None and struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    return riff


def text(raw: bytes) -> str:
    """A label or INFO string as written: CP1252, which the file's CSET chunk declares."""
    return raw.split(b"\0", 1)[0].decode("cp1252")


def build(tmp_path: Path, *extra: str, page: str = "regio.txt", config: str = "") -> tuple[Path, Path]:
    out = tmp_path / "out"
    args = ["build", str(PAGES / page), "--engine", "espeak", *AT, "-o", str(out), *extra]
    if config:
        (tmp_path / "bulletin.toml").write_text(config, encoding="utf-8")
        args += ["--config", str(tmp_path / "bulletin.toml")]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.splitlines()[0])
    return path, out


def ebur128(path: Path) -> tuple[float, float]:
    log = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        errors="replace",  # ffmpeg echoes the INFO text as it is: CP1252, not UTF-8
        check=True,
    ).stderr
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", log.rsplit("Summary:", 1)[1]).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", log.rsplit("Summary:", 1)[1]).group(1))
    return integrated, peak


@pytest.fixture(scope="module")
def broadcast(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bwf")
    return build(tmp_path, "--profile", "broadcast", "--format", "wav")


def test_broadcast_wav_is_48k_mono_24bit_with_every_chunk_padded(broadcast):
    path, _ = broadcast
    assert path.suffix == ".wav"
    riff = parse(path.read_bytes())
    assert riff.kind == b"RIFF" and riff.ended_exactly
    tag, channels, rate, per_second, align, bits = struct.unpack("<HHIIHH", riff.one(b"fmt ")[:16])
    assert (tag, channels, rate, bits, align, per_second) == (1, 1, 48000, 24, 3, 144000)
    with wave.open(str(path)) as reader:  # the standard library agrees
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (48000, 1, 3)
        assert reader.getnframes() == len(riff.one(b"data")) // 3


def samples_24(data: bytes) -> np.ndarray:
    raw = np.frombuffer(data, np.uint8).reshape(-1, 3)
    ints = raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8 | raw[:, 2].astype(np.int32) << 16
    return np.where(ints >= 1 << 23, ints - (1 << 24), ints) / float(1 << 23)


def test_broadcast_wav_meets_ebu_r128_by_pyloudnorm_and_ffmpeg(broadcast):
    path, _ = broadcast
    samples = samples_24(parse(path.read_bytes()).one(b"data"))
    assert lufs(samples, 48000) == pytest.approx(-23.0, abs=0.5)
    integrated, peak = ebur128(path)
    assert integrated == pytest.approx(-23.0, abs=0.5) and peak <= -1.0


def test_bext_is_filled_and_sized_per_tech_3285(broadcast):
    path, _ = broadcast
    body = parse(path.read_bytes()).one(b"bext")
    assert len(body) >= BEXT_FIXED
    (description, originator, reference, date, clock, low, high, version) = struct.unpack_from(
        "<256s32s32s10s8sIIH", body
    )
    loudness, loudness_range, true_peak, momentary, short_term = struct.unpack_from(
        "<5h", body, 256 + 32 + 32 + 10 + 8 + 8 + 2 + 64
    )
    description = text(description)
    assert description.isascii()
    assert "Nieuwsbulletin" in description and "27 november 2026" in description
    assert "Cafe in Zwolle wint prijs" in description  # the headline, accents folded to ASCII
    assert text(originator) == "Nieuwsbulletin"
    assert re.fullmatch(r"[0-9a-f]{32}", text(reference))
    assert (date.decode(), clock.decode()) == ("2026-11-27", "08:15:00")  # Europe/Amsterdam, as --at says
    assert low + (high << 32) == (8 * 3600 + 15 * 60) * 48000
    assert version == 2
    qa = json.loads(path.with_name(path.name.replace(".wav", ".qa.json")).read_text())
    assert loudness / 100 == pytest.approx(qa["integrated"], abs=0.01)
    assert loudness_range / 100 == pytest.approx(qa["loudness_range"], abs=0.01)
    assert true_peak / 100 == pytest.approx(qa["true_peak"], abs=0.01) and true_peak <= -100
    assert (momentary, short_term) == (UNKNOWN, UNKNOWN)  # not measured, as the spec asks to say
    history = body[BEXT_FIXED:].decode("ascii")
    assert history.startswith("A=PCM,F=48000,W=24,M=mono,T=bulletin") and history.endswith("\r\n")


def test_one_cue_point_per_segment_labelled_with_the_chapter_titles(broadcast):
    path, _ = broadcast
    riff = parse(path.read_bytes())
    cue = riff.one(b"cue ")
    (count,) = struct.unpack_from("<I", cue)
    assert len(cue) == 4 + 24 * count
    points = [struct.unpack_from("<II4sIII", cue, 4 + 24 * i) for i in range(count)]
    script = json.loads(path.with_name(path.name.replace(".wav", ".json")).read_text())
    chapters = json.loads(path.with_name(path.name.replace(".wav", ".chapters.json")).read_text())["chapters"]
    assert count == len(script["segments"]) == len(chapters)
    labels = {struct.unpack_from("<I", body)[0]: text(body[4:]) for sub, body in riff.lists(b"adtl") if sub == b"labl"}
    by_time = sorted(points, key=lambda p: p[5])
    assert [labels[p[0]] for p in by_time] == [c["title"] for c in chapters]
    assert all(
        chunk == b"data" and start == 0 and block == 0 and position == offset
        for _, position, chunk, start, block, offset in points
    )
    assert [p[5] / 48000 for p in by_time] == pytest.approx([c["startTime"] for c in chapters], abs=0.001)
    info = dict(riff.lists(b"INFO"))
    assert text(info[b"INAM"]) == script["title"] and text(info[b"IART"]) == "bulletin"


def test_sidecars_are_written_as_for_mp3(broadcast):
    path, _ = broadcast
    names = sorted(p.name.removeprefix(path.stem + ".") for p in path.parent.iterdir())
    twin = served(path)  # the versioned name the manifest gives the WAV
    assert names == sorted(
        ["chapters.json", "episode.json", "jpg", "json", "qa.json", "srt", "txt", "vtt", "wav", twin.name[-12:]]
    )
    episode = json.loads(path.with_name(path.stem + ".episode.json").read_text())
    assert episode["audio"].endswith(twin.name) and episode["media_type"] == "audio/wav"
    assert episode["podcast_audio"] is None  # built without a feed to publish to: no MP3 made


def test_inspect_reads_the_wav(broadcast):
    path, _ = broadcast
    result = run("inspect", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["format"] == "wav" and "48000 Hz, 24-bit" in found["audio"]
    assert found["loudness"]["integrated"] == pytest.approx(-23, abs=0.5) and found["loudness"]["true_peak"] <= -1
    assert found["bext"]["originator"] == "Nieuwsbulletin" and found["bext"]["loudness_value"] is not None
    chapters = json.loads(path.with_name(path.stem + ".chapters.json").read_text())["chapters"]
    assert [c["title"] for c in found["chapters"]] == [c["title"] for c in chapters]
    with wave.open(str(path)) as reader:
        assert found["loudness"]["duration"] == pytest.approx(reader.getnframes() / 48000, abs=0.001)
    people = run("inspect", str(path)).stdout
    assert "WAV, PCM 48000 Hz, 24-bit, mono" in people and f"{len(chapters)} cue points:" in people


def test_any_profile_may_write_16_bit_wav(tmp_path):
    path, _ = build(tmp_path, "--format", "wav", config="[wav]\nbit_depth = 16\n")
    with wave.open(str(path)) as reader:
        assert (reader.getframerate(), reader.getsampwidth()) == (48000, 2)
        samples = np.frombuffer(reader.readframes(reader.getnframes()), "<i2") / 32768.0
    assert lufs(samples, 48000) == pytest.approx(-16.0, abs=1.0)  # the podcast profile's target
    assert "W=16" in parse(path.read_bytes()).one(b"bext")[BEXT_FIXED:].decode()


def test_rf64_when_the_riff_size_would_not_fit(tmp_path):
    from bulletin.formats.bwf import CuePoint, PcmFormat, WavMetadata, write_wave

    pcm = np.arange(-1000, 1000, dtype="<i2").tobytes()
    path = tmp_path / "groot.wav"
    write_wave(
        path, PcmFormat(48000, 16), [pcm[:1000], pcm[1000:]], WavMetadata(cues=[CuePoint(10, "Eén")]), limit=1000
    )  # as if the file were over 4 GB
    data = path.read_bytes()
    riff = parse(data)
    assert riff.kind == b"RF64" and riff.ended_exactly and struct.unpack_from("<I", data, 4)[0] == 0xFFFFFFFF
    assert riff.chunks[0][0] == b"ds64"
    riff_size, data_size, sample_count, table = struct.unpack("<QQQI", riff.chunks[0][1])
    assert (riff_size, data_size, sample_count, table) == (len(data) - 8, len(pcm), len(pcm) // 2, 0)
    assert riff.one(b"data") == pcm
    decoded = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-"], capture_output=True, check=True
    ).stdout
    assert decoded == pcm  # ffmpeg reads RF64 too


def test_a_wav_shows_feed_offers_an_mp3_and_playout_keeps_the_wav(tmp_path):
    """Apple Podcasts plays no WAV: the feed's enclosure is an MP3 at the podcast profile, with the
    same chapters; the WAV stays for playout (latest.wav) and the Alexa feed has its own MP3."""
    import feedparser
    from mutagen.mp3 import MP3

    base = "https://example.org/nieuws/"
    path, out = build(tmp_path, "--format", "wav", "--profile", "broadcast", "--publish", "--base-url", base)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.type == "audio/mpeg" and enclosure.href.endswith(".podcast.mp3")
    mp3 = out / enclosure.href.removeprefix(base)
    assert int(enclosure.length) == mp3.stat().st_size
    length = MP3(mp3).info.length
    # each part's MP3 frames stand alone (so parts are cached), so up to a frame longer per part
    with wave.open(str(path)) as reader:
        assert length == pytest.approx(reader.getnframes() / 48000, abs=0.3)
    assert lufs(decode(mp3, 48000), 48000) == pytest.approx(-16.0, abs=1.0)  # the podcast profile, not -23
    chapters = json.loads(path.with_name(path.stem + ".chapters.json").read_text())["chapters"]
    chaps = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == [c["title"] for c in chapters]
    assert chaps[-1].end_time / 1000 == pytest.approx(length, abs=0.03)  # its own times, to its end
    assert (out / "latest.wav").read_bytes() == path.read_bytes()  # playout takes the WAV
    from bulletin.publish.mediatypes import content_type

    assert content_type(".wav") == "audio/wav" and content_type(".MP3") == "audio/mpeg"
    alexa = json.loads((out / "flash-briefing.json").read_text())
    assert alexa[0]["streamUrl"].endswith(".alexa.mp3")  # Alexa plays MP3 whatever the main format


def test_warm_rebuild_recalls_the_measurement_and_writes_the_same_file(tmp_path, monkeypatch):
    first, _ = build(tmp_path, "--format", "wav", "--profile", "broadcast")
    before = first.read_bytes()
    qa_before = json.loads(first.with_name(first.stem + ".qa.json").read_text())
    from bulletin.media import meter

    def no_meter(*_args, **_kwargs):
        raise AssertionError("a warm rebuild measured the file again")

    monkeypatch.setattr(meter.StreamMeter, "__init__", no_meter)
    again, _ = build(tmp_path, "--format", "wav", "--profile", "broadcast")
    assert again.read_bytes() == before
    assert json.loads(again.with_name(again.stem + ".qa.json").read_text()) == qa_before


@pytest.mark.parametrize(
    "damage",
    [
        "[]",
        '"kapot"',
        '{"96k": {"offset_db": NaN, "headroom_db": 0.5}}',
        '{"96k": [0.7, 0.5]}',
        '{"96k": {"offset_db": "veel"}}',
        "{niet json",
    ],
)
def test_a_damaged_calibration_file_is_remade(tmp_path, damage):
    calibration = tmp_path / "cache" / "bulletin" / "calibration.json"
    calibration.parent.mkdir(parents=True)
    calibration.write_text(damage, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", str(PAGES / "kort.txt"), "--engine", "espeak", *AT, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "damaged" in result.stderr and "calibration.json" in result.stderr
    remade = json.loads(calibration.read_text("utf-8"))
    assert isinstance(remade, dict)
    assert all(math.isfinite(v) for entry in remade.values() for v in entry.values())


# --- text every reader shows right (issue 24) ----------------------------------------------

TEKENS_TITLE = "Høiby – de Noorse prinses – krijgt € 2 miljoen boete"  # the lead of tekens.txt


@pytest.fixture(scope="module")
def tekens(tmp_path_factory):
    """A WAV whose title and chapters hold characters outside ASCII, some outside CP1252."""
    return build(tmp_path_factory.mktemp("tekens"), "--format", "wav", page="tekens.txt")


def test_labels_and_info_are_cp1252_as_their_cset_declares(tekens):
    path, _ = tekens
    riff = parse(path.read_bytes())
    code_page, country, language, dialect = struct.unpack("<HHHH", riff.one(b"CSET"))
    assert code_page == 1252 and (country, language, dialect) == (0, 0, 0)
    chapters = json.loads(path.with_name(path.stem + ".chapters.json").read_text())["chapters"]
    labels = [text(body[4:]) for sub, body in riff.lists(b"adtl") if sub == b"labl"]
    assert TEKENS_TITLE in labels  # "–", "ø" and "€" are CP1252's own: kept as written
    # "Ł" and "ź" are not: spelled as the nearest letter, "ó" kept
    assert [label for label in labels if label.startswith("Warschau")] == [
        next(c["title"] for c in chapters if c["title"].startswith("Warschau")).replace("Łódź", "Lódz")
    ]
    script = json.loads(path.with_name(path.stem + ".json").read_text())
    assert "–" in script["title"] and text(dict(riff.lists(b"INFO"))[b"INAM"]) == script["title"]


def test_bext_description_is_ascii_with_the_euro_spelled(tekens):
    path, _ = tekens
    description = parse(path.read_bytes()).one(b"bext")[:256].split(b"\0", 1)[0]
    assert description.isascii()
    assert description.decode().endswith(": Hoiby - de Noorse prinses - krijgt EUR 2 miljoen boete")


def test_mediainfo_shows_the_title_and_its_character_set(tekens):
    path, _ = tekens
    shown = subprocess.run(
        [need_tool("mediainfo"), "--Output=JSON", str(path)], capture_output=True, check=True
    ).stdout.decode()
    general = next(t for t in json.loads(shown)["media"]["track"] if t["@type"] == "General")
    script = json.loads(path.with_name(path.stem + ".json").read_text())
    assert general["Track"] == script["title"]  # "Track name" in its report: "–" as written
    assert general["Album"] == "Nieuwsbulletin" and general["extra"]["CharacterSet"] == "windows-1252"


def test_the_id3_chunk_holds_the_names_in_unicode(tekens):
    from mutagen.wave import WAVE

    path, _ = tekens
    tags = WAVE(path).tags
    script = json.loads(path.with_name(path.stem + ".json").read_text())
    assert str(tags["TIT2"]) == script["title"] and str(tags["TALB"]) == "Nieuwsbulletin"
    assert set(tags.keys()) == {"TIT2", "TPE1", "TALB"}  # genre and dates are INFO's: not said twice


def test_a_junk_chunk_lets_the_file_become_rf64_in_place(tekens):
    """EBU Tech 3306: the writer of a growing file swaps JUNK for ds64 and marks the sizes."""
    path, _ = tekens
    data = bytearray(path.read_bytes())
    riff = parse(bytes(data))
    assert riff.chunks[0] == (b"JUNK", bytes(28))  # first, of ds64's size
    pcm = riff.one(b"data")
    data_at = bytes(data).index(b"data" + struct.pack("<I", len(pcm)))
    data[0:8] = b"RF64" + struct.pack("<I", 0xFFFFFFFF)
    data[12:20] = b"ds64" + struct.pack("<I", 28)
    data[20:48] = struct.pack("<QQQI", len(data) - 8, len(pcm), len(pcm) // 3, 0)
    data[data_at + 4 : data_at + 8] = struct.pack("<I", 0xFFFFFFFF)
    grown = path.with_name("grown.wav")
    grown.write_bytes(bytes(data))
    assert parse(bytes(data)).one(b"data") == pcm and parse(bytes(data)).kind == b"RF64"
    decoded = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(grown), "-f", "s24le", "-"], capture_output=True, check=True
    ).stdout
    assert decoded == pcm  # ffmpeg reads the file grown in place as the same audio
    result = run("inspect", grown, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["audio"].startswith("RF64")
