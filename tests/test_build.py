"""End to end: a page in, a finished podcast episode out, read back with other tools:
ffmpeg (decoding, chapters, duration), pyloudnorm (loudness), mutagen (frames),
webvtt-py and srt (transcripts), Pillow (cover)."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import srt
import webvtt
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image

from bulletin.build.pipeline import build
from bulletin.config import load_config
from conftest import OFFLINE, PAGES, decode, ffmpeg, lufs, served, true_peak_dbtp

AT = datetime(2026, 11, 27, 8, 15, tzinfo=ZoneInfo("Europe/Amsterdam"))
EXPECTED_FILES = ["alexa.mp3", "chapters.json", "episode.json", "jpg", "json", "mp3", "qa.json", "srt", "txt", "vtt"]
VERSIONED = re.compile(r"[0-9a-f]{8}\.")  # the served twin of an audio file: x.3f2a9c1e.mp3


HTTPS = {"publish.base_url": "https://nieuws.example.org/"}  # so the Alexa rendition is made too


def built_in(out: Path, page: str = "europa.txt", **overrides):
    config = load_config(overrides={"output.dir": str(out), **OFFLINE, **overrides})
    return build(PAGES / page, config, at=AT)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of europa.txt at 08:15 (espeak, podcast profile, sounders on), shared below."""
    return built_in(tmp_path_factory.mktemp("out"), **HTTPS)


def test_no_alexa_rendition_when_it_cannot_be_published(tmp_path):
    result = built_in(tmp_path, page="kort.txt")  # no https base_url: Alexa could not play it
    assert not result.outputs.alexa.exists()
    assert 'alexa_mp3": null' in result.outputs.episode.read_text("utf-8")


def ffmpeg_chapters(path: Path) -> tuple[list[tuple[float, float, str]], float]:
    """Chapters as ffmpeg itself reads them, and the duration it reports."""
    meta = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"], capture_output=True, text=True, check=True
    ).stdout
    chapters = []
    for block in meta.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        scale = float(eval(fields["TIMEBASE"]))  # "1/1000"
        chapters.append((int(fields["START"]) * scale, int(fields["END"]) * scale, fields["title"]))
    info = subprocess.run([ffmpeg(), "-i", str(path)], capture_output=True, text=True).stderr
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    return chapters, int(h) * 3600 + int(m) * 60 + float(s)


def seconds(stamp: str) -> float:
    """'00:01:02.500' -> 62.5 (webvtt-py's own *_in_seconds rounds to whole seconds)."""
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_files_land_where_the_issue_says(built):
    folder = built.audio.parent  # the bulletin's own folder, in its day's folder
    assert built.audio == folder / "nieuwsbulletin-buitenland-0815.mp3"
    assert folder.name == "nieuwsbulletin-buitenland-0815" and folder.parent.name == "2026-11-27"
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary files or locks
    suffixes = [p.name.split(".", 1)[1] for p in folder.iterdir()]
    assert sorted(s for s in suffixes if not VERSIONED.match(s)) == EXPECTED_FILES  # no temporary files
    # each audio file has its versioned twin, which the feeds name; nothing else has
    assert sorted(VERSIONED.sub("", s) for s in suffixes if VERSIONED.match(s)) == ["alexa.mp3", "mp3"]
    assert served(built.audio).samefile(built.audio)  # a second name, not a second copy


def test_loudness_and_true_peak_measured_independently(built):
    samples = decode(built.audio)
    assert lufs(samples) == pytest.approx(-16.0, abs=1.0)
    assert lufs(samples) == pytest.approx(built.qa.integrated, abs=0.3)
    assert true_peak_dbtp(samples) <= -1.0


def test_mp3_format_is_cbr_96k_mono_44k(built):
    info = MP3(str(built.audio)).info
    assert (info.sample_rate, info.channels, info.bitrate, info.bitrate_mode) == (44100, 1, 96000, BitrateMode.CBR)


def crc16(data: bytes) -> int:
    """CRC-16 as the LAME tag keeps it (polynomial 0x8005, reflected, from 0)."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def test_the_info_header_counts_every_frame_and_byte_of_the_joined_parts(built):
    """The parts (LAME's frames, encoded in bulletin's process) joined by ffmpeg's muxer: its Info
    frame says exactly how many frames and bytes there are, with the CRC of the music, and asks a
    player to skip nothing (the file's time, and its chapters, start at its first decoded sample)."""
    from bulletin.formats.mp3 import FRAME_BYTES_PER_KBPS_HZ, SAMPLES_PER_FRAME, count_frames

    data = built.audio.read_bytes()
    audio = data[10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10])) :]  # after the ID3 tag
    header = int.from_bytes(audio[:4], "big")
    info_frame = FRAME_BYTES_PER_KBPS_HZ * 96 // 44100 + ((header >> 9) & 1)  # a 96 kbps frame, as the stream's
    mono_side_info = 17
    xing = audio[4 + mono_side_info : info_frame]
    assert xing[:4] == b"Info"  # CBR
    frames, size = int.from_bytes(xing[8:12], "big"), int.from_bytes(xing[12:16], "big")
    music = audio[info_frame:]
    assert frames == count_frames(music)
    assert size == len(audio)
    lame = xing[4 + 4 + 4 + 4 + 100 + 4 :]  # after the flags, counts, table of contents and quality
    assert lame[21:24] == bytes(3)  # encoder delay and padding: nothing to skip
    assert int.from_bytes(lame[28:32], "big") == len(audio)
    assert int.from_bytes(lame[32:34], "big") == crc16(music)
    assert MP3(str(built.audio)).info.length == pytest.approx(frames * SAMPLES_PER_FRAME / 44100)


def test_id3v23_frames(built):
    tags = ID3(str(built.audio))
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == "Nieuwsbulletin – vrijdag 27 november 2026, 08:15"
    assert (str(tags["TALB"]), str(tags["TPE1"]), str(tags["TCON"]), str(tags["TLAN"])) == (
        "Nieuwsbulletin",
        "bulletin",
        "Nieuws",
        "dut",
    )
    assert str(tags["TDRC"]).startswith("2026-11-27")
    assert str(tags["TXXX:engine"]).startswith("espeak") and str(tags["TXXX:voice"]) == "espeak-nl"
    assert int(str(tags["TLEN"])) == pytest.approx(MP3(str(built.audio)).info.length * 1000, abs=5)
    assert "Warschau: Polen verlengt" in str(tags["COMM::dut"])
    transcript = str(tags["USLT::dut"])
    assert "Straatsburg.\nHet Europees Parlement stemt" in transcript and "CO2" in transcript


def test_cover_art_is_a_square_podcast_cover(built):
    (picture,) = ID3(str(built.audio)).getall("APIC")
    assert picture.mime == "image/jpeg" and picture.type == 3
    image = Image.open(io.BytesIO(picture.data))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size[0] == image.size[1] >= 1400
    assert built.outputs.cover.read_bytes() == picture.data


def test_chapters_as_ffmpeg_reads_them(built):
    chapters, duration = ffmpeg_chapters(built.audio)
    assert [title for _, _, title in chapters] == [s.title for s in built.script.segments]
    assert chapters[0][0] == 0
    for (_, end, _), (start, _, _) in itertools.pairwise(chapters):
        assert end == start  # contiguous: they tile the file
    assert chapters[-1][1] == pytest.approx(duration, abs=0.03)


def test_chapter_frames_have_a_top_level_ordered_toc(built):
    tags = ID3(str(built.audio))
    (toc,) = tags.getall("CTOC")
    assert toc.flags & 1 and toc.flags & 2  # top-level, ordered
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == sorted(chaps, key=lambda k: chaps[k].start_time)
    assert len(chaps) == len(built.script.segments)
    last = chaps[toc.child_element_ids[-1]]
    assert last.end_time == pytest.approx(MP3(str(built.audio)).info.length * 1000, abs=1)


def test_json_chapters_follow_podcast_index(built):
    data = json.loads(built.outputs.chapters.read_text("utf-8"))
    assert data["version"] == "1.2.0"
    assert [c["title"] for c in data["chapters"]] == [s.title for s in built.script.segments]
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts[0] == 0 and starts == sorted(starts)


def test_transcripts_parse_and_lie_within_the_audio(built):
    duration = MP3(str(built.audio)).info.length
    captions = webvtt.read(str(built.outputs.webvtt)).captions
    subtitles = list(srt.parse(built.outputs.srt.read_text("utf-8")))
    sentences = [
        s
        for seg in built.script.segments
        for para in seg.written.split("\n")
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", para)
    ]
    assert len(captions) == len(subtitles) >= len(sentences)  # at least one cue per sentence
    for caption, subtitle in zip(captions, subtitles, strict=True):
        assert 0 <= seconds(caption.start) < seconds(caption.end) <= duration
        assert seconds(caption.start) == pytest.approx(subtitle.start.total_seconds(), abs=0.001)
        assert seconds(caption.end) == pytest.approx(subtitle.end.total_seconds(), abs=0.001)
        assert caption.text.replace("\n", " ") == subtitle.content.replace("\n", " ")
    starts = [seconds(c.start) for c in captions]
    assert starts == sorted(starts)
    text = " ".join(c.text.replace("\n", " ") for c in captions)
    for sentence in (
        "Polen verlengt de controles aan de grens met Duitsland met een half jaar.",
        "De Bank of England houdt de rente op 4,25%.",
    ):
        assert sentence in text  # written text, not the spoken spelling


def test_cues_stay_inside_their_segment(built):
    chapters = json.loads(built.outputs.chapters.read_text("utf-8"))["chapters"]
    captions = webvtt.read(str(built.outputs.webvtt)).captions
    warschau = next(c for c in chapters if c["title"].startswith("Warschau"))
    inside = [c for c in captions if "Polen verlengt" in c.text.replace("\n", " ")]
    assert inside
    assert warschau["startTime"] <= seconds(inside[0].start) < seconds(inside[0].end) <= warschau["endTime"]


def test_qa_report_beside_the_mp3(built):
    qa = json.loads(built.outputs.qa.read_text("utf-8"))
    assert qa["passed"] and qa["problems"] == [] and qa["profile"] == "podcast"
    assert len(qa["segment_loudness"]) == len(built.script.segments)
    assert qa["spread"] < 3.0 and 0 < qa["longest_silence"] < 2.0
    assert qa["duration"] == pytest.approx(MP3(str(built.audio)).info.length, abs=0.01)


@pytest.mark.parametrize(
    ("profile", "target", "ceiling", "bitrate"), [("alexa", -14.0, -2.0, 256000), ("broadcast", -23.0, -1.0, 192000)]
)
def test_other_loudness_profiles(tmp_path, profile, target, ceiling, bitrate):
    result = built_in(tmp_path, **{"audio.profile": profile})
    samples = decode(result.audio)
    assert lufs(samples) == pytest.approx(target, abs=1.0)
    assert true_peak_dbtp(samples) <= ceiling
    assert MP3(str(result.audio)).info.bitrate == pytest.approx(bitrate, rel=1e-3)


def test_sounders_add_time_and_stay_under_the_voice(tmp_path):
    plain = built_in(tmp_path / "plain", page="kort.txt", **{"sounders.enabled": False})
    music = built_in(tmp_path / "music", page="kort.txt", **{"sounders.bed": True})
    assert music.qa.duration > plain.qa.duration + 3  # sting, two sounders, outro
    samples = decode(music.audio)
    sting = samples[: int(1.5 * 44100)]
    assert lufs(sting) < music.qa.integrated  # the sting sits under the speech
    assert music.qa.spread < 3.0
