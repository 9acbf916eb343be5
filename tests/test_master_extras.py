"""Issue-4 pieces one by one: sidecar formats, timing, sounders, cover, QA, inspect."""

from __future__ import annotations

import io
import json
import subprocess
import wave
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import srt
import webvtt
from PIL import Image

from bulletin.audio import sounders
from bulletin.audio.parts import Part
from bulletin.audio.qa import QAReport
from bulletin.audio.render import Rendered
from bulletin.build.timeline import chapters, cues
from bulletin.cli import cli
from bulletin.core.errors import ConfigError
from bulletin.core.model import Chapter, Cue, Mark, Script, Segment, SegmentKind
from bulletin.formats import FORMATS
from bulletin.formats.mp3 import ENCODER_DELAY, SAMPLES_PER_FRAME, count_frames, encode_frames
from bulletin.media.cover import load_cover, make_cover
from bulletin.media.meter import measure_file
from bulletin.publish.sidecars import chapters_json
from bulletin.publish.sidecars import srt as to_srt
from bulletin.publish.sidecars import webvtt as to_vtt
from conftest import PAGES, cli_runner, ffmpeg, lufs

RATE = 44100
AT = datetime(2026, 11, 27, 8, 15, tzinfo=ZoneInfo("Europe/Amsterdam"))


# --- sidecars -----------------------------------------------------------------


def test_vtt_and_srt_round_trip_through_real_parsers(tmp_path):
    timed = [Cue(0.0, 1.25, "Goedemorgen."), Cue(1.25, 3723.5, "Een lange zin --> met een pijl erin.")]
    vtt_file = tmp_path / "t.vtt"
    vtt_file.write_text(to_vtt(timed, "nl-BE"), "utf-8")
    assert "NOTE language: nl-BE\n" in vtt_file.read_text("utf-8")  # the show's, not a fixed "nl"
    captions = webvtt.read(str(vtt_file)).captions
    assert [(c.start, c.end) for c in captions] == [("00:00:00.000", "00:00:01.250"), ("00:00:01.250", "01:02:03.500")]
    assert "-->" not in captions[1].text
    parsed = list(srt.parse(to_srt(timed)))
    assert [p.content for p in parsed] == ["Goedemorgen.", "Een lange zin --› met een pijl erin."]
    assert parsed[1].end.total_seconds() == 3723.5


def test_chapters_json_shape():
    data = json.loads(chapters_json([Chapter("Opening", 0.0, 5.5), Chapter("Den Haag: iets", 5.5, 9.0)]))
    assert data == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0.0, "endTime": 5.5, "title": "Opening"},
            {"startTime": 5.5, "endTime": 9.0, "title": "Den Haag: iets"},
        ],
    }


# --- timing from marks ----------------------------------------------------------------


def test_chapters_tile_the_file_and_cues_follow_the_marks():
    segments = (
        Segment(SegmentKind.INTRO, "Opening", "Goedemorgen. Dit is het nieuws.", "Goedemorgen. Dit is het nieuws."),
        Segment(
            SegmentKind.LEAD,
            "Kop",
            "Den Haag.\nDe ee-uu besluit. Het is 2 uur.",
            "Den Haag.\nDe EU besluit. Het is 2 uur.",
        ),
    )
    script = Script("T", AT, segments)
    frames = [round(4 * RATE / SAMPLES_PER_FRAME), round(6 * RATE / SAMPLES_PER_FRAME)]
    first_length = frames[0] * SAMPLES_PER_FRAME
    # Part one: speech from 1 s to 3 s, "Dit" at 2.2 s. Part two: speech from 0 to 5 s of it, "Het" at 3 s.
    parts = (
        Part(b"", first_length, (RATE, 3 * RATE), (Mark(0, RATE), Mark(13, int(2.2 * RATE))), -16.0),
        Part(b"", frames[1] * SAMPLES_PER_FRAME, (0, 5 * RATE), (Mark(0, 0), Mark(27, 3 * RATE)), -16.0),
    )
    qa = QAReport("podcast", -16, -1, -16, 2, -2, 10.0, 0.5, (), ())
    rendered = Rendered(qa, parts, RATE)
    two = first_length / RATE
    total = (first_length + frames[1] * SAMPLES_PER_FRAME) / RATE
    assert chapters(script, rendered) == [
        Chapter("Opening", 0.0, round(two, 3)),
        Chapter("Kop", round(two, 3), round(total, 3)),
    ]
    timed = cues(script, rendered)
    spans = rendered.spans
    assert [c.text for c in timed] == [
        "Goedemorgen.",
        "Dit is het nieuws.",
        "Den Haag.",
        "De EU besluit.",
        "Het is 2 uur.",
    ]
    assert timed[1].start == pytest.approx(2.2, abs=0.01)
    assert timed[-1].start == pytest.approx(two + 3.0, abs=0.3)  # placed by the mark, in written text
    for cue, span in zip(timed, [spans[0]] * 2 + [spans[1]] * 3, strict=False):
        assert span.start / RATE <= cue.start < cue.end <= span.end / RATE


# --- sounders ---------------------------------------------------------------------


@pytest.mark.parametrize("make", [sounders.intro_sting, sounders.between_sounder, sounders.outro_sting])
def test_sounders_are_short_audible_and_repeatable(make):
    clip = make(RATE)
    assert 0.3 < len(clip) / RATE < 3.0
    assert lufs(clip.astype(np.float64)) > -40
    assert np.array_equal(clip, make(RATE))
    assert abs(clip[-1]) < 1e-3  # faded out, no click


@pytest.mark.parametrize("samples", [1, 44099, 464616, 1_000_003])
def test_music_bed_is_exactly_as_long_as_asked(samples):
    assert len(sounders.music_bed(RATE, samples)) == samples


def test_users_own_sounder_file_is_used(tmp_path):
    own = tmp_path / "ping.wav"
    subprocess.run([ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "sine=f=880:d=0.7", str(own)], check=True)
    chosen = sounders.load_sounders(RATE, intro="", between=str(own), outro="", bed=False, bed_file="")
    assert len(chosen.between) == pytest.approx(0.7 * RATE, abs=100)
    assert len(chosen.intro) == len(sounders.intro_sting(RATE))


def test_ffmpeg_measures_the_longest_silence(tmp_path):
    t = np.arange(RATE) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    x = np.concatenate([tone, np.zeros(int(1.5 * RATE), np.float32), tone, np.zeros(RATE // 2, np.float32), tone])
    path = tmp_path / "stilte.mp3"
    path.write_bytes(encode_frames(x, RATE, 96))
    assert measure_file(path, len(x) / RATE).longest_silence == pytest.approx(1.5, abs=0.06)


def test_parts_are_whole_frames_with_the_audio_after_the_encoder_delay(tmp_path):
    click = np.zeros(RATE, np.float32)
    click[1000] = 0.9
    mp3 = encode_frames(click, RATE, 96)
    frames = count_frames(mp3)
    path = tmp_path / "klik.mp3"
    path.write_bytes(mp3 + mp3)  # two parts, joined as a bulletin joins them
    decoded = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "f32le", "-"], capture_output=True, check=True
    ).stdout
    samples = np.frombuffer(decoded, np.float32)
    assert len(samples) == 2 * frames * SAMPLES_PER_FRAME
    first = int(np.argmax(np.abs(samples[: len(samples) // 2])))
    second = int(np.argmax(np.abs(samples[len(samples) // 2 :]))) + frames * SAMPLES_PER_FRAME
    assert first == pytest.approx(ENCODER_DELAY + 1000, abs=2)
    assert second == pytest.approx(frames * SAMPLES_PER_FRAME + ENCODER_DELAY + 1000, abs=2)


def test_a_part_borrows_no_bits_from_the_part_before_it_and_encodes_the_same_twice():
    """LAME's bit reservoir lends bits between the frames of one part, never into a part: its
    first frame starts its main data in itself (main_data_begin 0), so parts join by copying."""
    speech = (0.3 * np.sin(2 * np.pi * 220 * np.arange(2 * RATE) / RATE)).astype(np.float32)
    speech[::7] += 0.05  # something for the reservoir to lend bits to
    mp3 = encode_frames(speech, RATE, 96)
    header = int.from_bytes(mp3[:4], "big")
    side_info = 4 if header & 0x10000 else 6  # after the header (and its CRC, if protected)
    assert int.from_bytes(mp3[side_info : side_info + 2], "big") >> 7 == 0
    assert count_frames(mp3) * SAMPLES_PER_FRAME >= ENCODER_DELAY + len(speech)
    assert encode_frames(speech, RATE, 96) == mp3  # the same part makes the same bytes: warm rebuilds compare them


# --- cover ------------------------------------------------------------------------------


def test_drawn_cover_meets_the_podcast_rules():
    image = Image.open(io.BytesIO(make_cover("Dorpsnieuws", "vrijdag 27 november 2026 · 08:15")))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (1400, 1400)


def test_users_cover_is_checked(tmp_path):
    good = tmp_path / "good.png"
    Image.new("RGB", (1500, 1500), (200, 30, 30)).save(good)
    assert Image.open(io.BytesIO(load_cover(good))).size == (1500, 1500)
    huge = tmp_path / "huge.png"
    Image.new("RGB", (3600, 3600)).save(huge)
    assert Image.open(io.BytesIO(load_cover(huge))).size == (3000, 3000)
    for name, size, says in [("wide.png", (1600, 1400), "square"), ("small.png", (800, 800), "at least 1400")]:
        Image.new("RGB", size).save(tmp_path / name)
        with pytest.raises(ConfigError, match=says):
            load_cover(tmp_path / name)
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(ConfigError, match="not an image"):
        load_cover(tmp_path / "text.png")


# --- QA failure and inspect -------------------------------------------------------------------


def test_a_build_that_misses_its_profile_fails_and_writes_nothing(tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text('[script]\nintro = "{clock}."\noutro = "Einde."\n[sounders]\nenabled = false\n', "utf-8")
    page = tmp_path / "mini.txt"
    page.write_text("Kop\nZWOLLE (ANP) - Kort bericht.\n", "utf-8")
    out = tmp_path / "out"
    result = cli_runner().invoke(
        cli,
        [
            "build",
            str(page),
            "--engine",
            "espeak",
            "--profile",
            "alexa",
            "-o",
            str(out),
            "--at",
            "2026-11-27T08:15",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 5
    assert "misses the alexa profile: duration" in result.stderr and "minimum of 10 s" in result.stderr
    assert not out.exists()


def test_inspect_our_bulletin(tmp_path):
    out = tmp_path / "out"
    built = cli_runner().invoke(
        cli, ["build", str(PAGES / "kort.txt"), "--engine", "espeak", "-o", str(out), "-q", "--at", "2026-11-27T08:15"]
    )
    mp3 = built.stdout.strip()
    text = cli_runner().invoke(cli, ["inspect", mp3])
    assert text.exit_code == 0
    assert "ID3v2.3.0" in text.stdout and "5 chapters:" in text.stdout and "Utrecht: In Utrecht" in text.stdout
    data = json.loads(cli_runner().invoke(cli, ["inspect", mp3, "--format", "json"]).stdout)
    assert data["id3_version"] == "2.3.0" and len(data["chapters"]) == 5
    assert data["loudness"]["integrated"] == pytest.approx(-16, abs=1) and data["loudness"]["true_peak"] <= -1
    assert data["cover"].startswith("image/jpeg") and data["transcript_chars"] > 100


def test_inspect_any_mp3(tmp_path):
    other = tmp_path / "other.mp3"
    subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2", "-metadata", "title=Iets anders", str(other)],
        check=True,
    )
    data = json.loads(cli_runner().invoke(cli, ["inspect", str(other), "--format", "json"]).stdout)
    assert data["tags"]["TIT2"] == "Iets anders" and data["chapters"] == []
    assert data["loudness"]["duration"] == pytest.approx(2.0, abs=0.06)


NOT_AUDIO = f"not a valid {'/'.join(name.upper() for name in FORMATS.names())} file"


@pytest.mark.parametrize(
    ("name", "says"), [("nope.mp3", "no such file"), ("rommel.bin", NOT_AUDIO), ("leeg.txt", "is empty")]
)
def test_inspect_bad_input_is_one_line(name, says):
    result = cli_runner().invoke(cli, ["inspect", str(PAGES / name)])
    assert result.exit_code == 1 and says in result.stderr and "Traceback" not in result.stderr


def _sine_mp3(path):
    subprocess.run([ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2", str(path)], check=True)
    return path


def _plain_wav(path):
    """A WAV as Python's wave module writes it: fmt and data, no cue points, no bext."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes((np.sin(np.arange(16000) / 10) * 8000).astype("<i2").tobytes())
    return path


def _cut(make, size):
    def cut(path):
        whole = make(path.with_name("whole" + path.suffix)).read_bytes()
        path.write_bytes(whole[:size])
        return path

    return cut


def _folder(path):
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("cut.wav", _cut(_plain_wav, 30), NOT_AUDIO),
        ("cut.mp3", _cut(_sine_mp3, 100), NOT_AUDIO),  # `head -c 100 x.mp3`
        ("bulletins.mp3", _folder, "is a folder"),
    ],
)
def test_inspect_broken_or_odd_input_is_one_line(tmp_path, name, make, says):
    result = cli_runner().invoke(cli, ["inspect", str(make(tmp_path / name))])
    assert result.exit_code == 1 and says in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Internal error" not in result.stderr


def test_inspect_a_plain_wav_without_cue_points(tmp_path):
    result = cli_runner().invoke(cli, ["inspect", str(_plain_wav(tmp_path / "plain.wav")), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["chapters"] == [] and data["audio"] == "PCM 16000 Hz, 16-bit, mono"
    assert data["loudness"]["duration"] == pytest.approx(1.0)


def test_inspect_shows_the_v23_date_frames_the_file_holds(tmp_path):
    from mutagen.id3 import ID3, TDAT, TIME, TIT2, TYER

    mp3 = _sine_mp3(tmp_path / "v23.mp3")
    tags = ID3()
    for frame in (TIT2(text=["Oud"]), TYER(text=["2026"]), TDAT(text=["2711"]), TIME(text=["0805"])):
        tags.add(frame)
    tags.save(str(mp3), v2_version=3)
    data = json.loads(cli_runner().invoke(cli, ["inspect", str(mp3), "--format", "json"]).stdout)
    assert data["id3_version"] == "2.3.0"
    assert (data["tags"]["TYER"], data["tags"]["TDAT"], data["tags"]["TIME"]) == ("2026", "2711", "0805")
    assert "TDRC" not in data["tags"]
