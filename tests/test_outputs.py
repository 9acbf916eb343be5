"""Every output valid and clean: ID3v2.3 frames only in v2.3 files, any number of chapters,
the chapter rewriter confined to the tag, transcripts and pages without markup or control
characters, publishing after a quiet build, no stale Alexa feed."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import srt as srt_parser
import webvtt
from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

from bulletin.core.model import Chapter, Cue
from bulletin.formats.base import TagInfo
from bulletin.formats.id3 import _chapters_in_time_order, write_id3
from bulletin.publish.episode import Episode
from bulletin.publish.sidecars import chapters_json, srt
from bulletin.publish.sidecars import webvtt as write_webvtt
from bulletin.publish.site import index_html
from conftest import AMSTERDAM, PAGES, ffmpeg, run

HOSTILE = "A <b>vet</b> & <script>x</script> --> pijl\x07bel\x1b[31m\ttab\x00nul\x7f"
C0 = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def silent_mp3(path: Path, seconds: float) -> Path:
    subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"anullsrc=r=44100:cl=mono:d={seconds}",
            "-b:a",
            "64k",
            str(path),
        ],
        check=True,
    )
    return path


def tag_info(chapters: list[Chapter], title: str = "Nieuws") -> TagInfo:
    return TagInfo(
        title=title,
        artist="bulletin",
        album="Nieuwsbulletin",
        genre="Nieuws",
        recorded=datetime(2026, 11, 27, 8, 5, tzinfo=AMSTERDAM),
        duration=chapters[-1].end,
        chapters=chapters,
    )


def ffmpeg_chapters(path: Path) -> list[tuple[int, int, str]]:
    meta = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for block in meta.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        found.append((int(fields["START"]), int(fields["END"]), fields.get("title", "")))
    return found


# --- ID3 --------------------------------------------------------------------------------------


def test_v23_tag_dates_with_v23_frames(tmp_path):
    mp3 = silent_mp3(tmp_path / "a.mp3", 2)
    write_id3(mp3, tag_info([Chapter("een", 0, 1), Chapter("twee", 1, 2)]))
    raw = ID3(str(mp3), translate=False)  # the frames as stored, not upgraded to v2.4
    assert raw.version == (2, 3, 0)
    assert "TDRC" not in raw
    assert (str(raw["TYER"]), str(raw["TDAT"]), str(raw["TIME"])) == ("2026", "2711", "0805")
    assert str(ID3(str(mp3))["TDRC"]) == "2026-11-27 08:05:00"  # what v2.4 readers make of it


def test_more_chapters_than_one_toc_can_list(tmp_path):
    count = 300  # a CTOC lists at most 255 children
    mp3 = silent_mp3(tmp_path / "many.mp3", count / 10)
    chapters = [Chapter(f"hoofdstuk {i}", i / 10, (i + 1) / 10) for i in range(count)]
    write_id3(mp3, tag_info(chapters))

    found = ffmpeg_chapters(mp3)  # ffmpeg shifts them all by the encoder delay
    assert [title for _, _, title in found] == [f"hoofdstuk {i}" for i in range(count)]
    assert [end - start for start, end, _ in found[1:]] == [100] * (count - 1)
    tags = ID3(str(mp3))
    tocs = {t.element_id: t for t in tags.getall("CTOC")}
    (top,) = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    chaps = {c.element_id: c for c in tags.getall("CHAP")}

    def walk(element_id: str) -> list[str]:
        if element_id in chaps:
            return [element_id]
        toc = tocs[element_id]
        assert len(toc.child_element_ids) <= 255 and toc.flags & CTOCFlags.ORDERED
        return [leaf for child in toc.child_element_ids for leaf in walk(child)]

    order = walk(top.element_id)
    assert [str(chaps[c].sub_frames["TIT2"]) for c in order] == [f"hoofdstuk {i}" for i in range(count)]


def test_chapter_rewriter_stays_inside_the_tag(tmp_path):
    """The tag size is syncsafe (7 bits a byte); read as 8-bit bytes it runs past the tag,
    and a CHAP-like run of bytes in the audio would be moved into it."""
    decoy = b"CHAP" + (13).to_bytes(4, "big") + b"\0\0" + b"x\0" + bytes(12)[:11]  # starts at 0 ms
    mp3 = tmp_path / "t.mp3"
    mp3.write_bytes(decoy + silent_mp3(tmp_path / "s.mp3", 1).read_bytes())
    tags = ID3()
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=["late", "early"],
            sub_frames=[],
        )
    )
    tags.add(CHAP(element_id="late", start_time=500, end_time=1000, sub_frames=[TIT2(text="laat " * 20)]))
    tags.add(CHAP(element_id="early", start_time=0, end_time=500, sub_frames=[TIT2(text="vroeg")]))
    tags.save(str(mp3), v2_version=3, padding=lambda info: 0)
    before = mp3.read_bytes()
    tag_end = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(before[6:10]))
    assert before[tag_end : tag_end + 4] == b"CHAP"  # the decoy right after the tag

    _chapters_in_time_order(mp3)

    after = mp3.read_bytes()
    assert after[tag_end:] == before[tag_end:]
    starts = [c.start_time for c in ID3(str(mp3)).getall("CHAP")]
    assert starts == [0, 500]


def test_chapter_titles_in_the_tag_carry_no_control_characters(tmp_path):
    mp3 = silent_mp3(tmp_path / "c.mp3", 1)
    write_id3(mp3, tag_info([Chapter(HOSTILE, 0, 1)], title=HOSTILE))
    tags = ID3(str(mp3))
    for text in (str(tags["TIT2"]), str(tags.getall("CHAP")[0].sub_frames["TIT2"])):
        assert not C0.search(text) and "pijlbel" in text


# --- sidecars and the preview page ---------------------------------------------------------------


def test_webvtt_cue_text_is_escaped_and_clean(tmp_path):
    text = write_webvtt([Cue(0, 2, HOSTILE), Cue(2, 4, "Gewoon & eerlijk")], "nl")
    path = tmp_path / "t.vtt"
    path.write_text(text, encoding="utf-8")
    cues = webvtt.read(str(path))
    assert len(cues) == 2 and [c.start for c in cues] == ["00:00:00.000", "00:00:02.000"]
    body = "\n".join(c.raw_text for c in cues)
    assert "<b>" not in body and "<script>" not in body and "&lt;b&gt;vet&lt;/b&gt;" in body
    assert "&amp;" in body and "-->" not in body and not C0.search(body)
    assert not re.search(r"&(?!amp;|lt;|gt;)", body)  # every & starts an escape


def test_srt_cue_text_is_clean():
    parsed = list(srt_parser.parse(srt([Cue(0, 2, HOSTILE), Cue(2, 4, "Tweede")])))
    assert [p.index for p in parsed] == [1, 2]
    assert "-->" not in parsed[0].content and not C0.search(parsed[0].content)
    assert "<b>" not in parsed[0].content and "<script>" not in parsed[0].content


def test_chapter_json_titles_are_clean():
    data = json.loads(chapters_json([Chapter(HOSTILE, 0, 1)]))
    assert not C0.search(data["chapters"][0]["title"]) and "pijlbel" in data["chapters"][0]["title"]


def test_preview_page_carries_no_control_characters():
    episode = Episode(
        guid="g",
        title=HOSTILE,
        description=HOSTILE,
        published=datetime(2026, 11, 27, 8, 0, tzinfo=AMSTERDAM),
        duration=1.0,
        audio="a.mp3",
        webvtt="a.vtt",
        srt="a.srt",
        chapters="a.chapters.json",
        cover="a.jpg",
        alexa_mp3=None,
        alexa_duration=None,
        language="nl",
        engine="espeak",
        voice="espeak-nl",
    )
    page = index_html(HOSTILE, [episode])
    assert not C0.search(page) and "&lt;script&gt;" in page


# --- publishing -------------------------------------------------------------------------------


def test_quiet_build_still_publishes(tmp_path):
    result = run(
        "build",
        str(PAGES / "kort.txt"),
        "--engine",
        "espeak",
        "-o",
        str(tmp_path),
        "-q",
        "--at",
        "2026-11-27T08:00",
        "--publish",
        "--base-url",
        "http://intranet.local/nieuws/",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith(".mp3") and len(result.stdout.splitlines()) == 1
    assert (tmp_path / "feed.xml").is_file() and (tmp_path / "index.html").is_file()


def test_alexa_feed_goes_when_the_base_url_is_no_longer_https(tmp_path):
    https, http = "https://nieuws.example.org/b/", "http://intranet.local/nieuws/"
    assert (
        run(
            "build",
            str(PAGES / "kort.txt"),
            "--engine",
            "espeak",
            "-o",
            str(tmp_path),
            "-q",
            "--at",
            "2026-11-27T08:00",
            "--base-url",
            https,
        ).exit_code
        == 0
    )
    assert run("publish", "-o", str(tmp_path), "--base-url", https).exit_code == 0
    assert (tmp_path / "flash-briefing.json").is_file()
    result = run("publish", "-o", str(tmp_path), "--base-url", http)
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "flash-briefing.json").exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (".mp3", "audio/mpeg"),
        ("nieuws-0800.mp3", "audio/mpeg"),
        ("nieuws-0800.chapters.json", "application/json+chapters"),  # Podcast Index chapters
        ("NIEUWS.CHAPTERS.JSON", "application/json+chapters"),
        ("nieuws-0800.json", "application/json; charset=utf-8"),
        ("nieuws-0800.qa.json", "application/json; charset=utf-8"),
        ("latest.m3u", "audio/x-mpegurl"),
        ("zonder-achtervoegsel", "application/octet-stream"),
    ],
)
def test_content_types_by_name(name, kind):
    from bulletin.publish.mediatypes import content_type

    assert content_type(name) == kind


def test_latest_m3u_titles_have_no_comma_a_player_would_split_on():
    from bulletin.publish.latest import m3u

    episode = Episode(
        guid="urn:uuid:1",
        title="Nieuwsbulletin – vrijdag 27 november 2026, 08:00, extra",
        description="",
        published=datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        duration=61.4,
        audio="2026-11-27/n-0800/n-0800.mp3",
    )
    extinf = m3u(episode, "https://x.org/").splitlines()[1]
    assert extinf == "#EXTINF:61,Nieuwsbulletin – vrijdag 27 november 2026 · 08:00 · extra"


def test_the_preview_page_names_the_cover_as_its_icon():
    page = index_html("Nieuws", [], icon="cover.jpg")
    assert '<link rel="icon" type="image/jpeg" href="cover.jpg">' in page
