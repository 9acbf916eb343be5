"""The MP3 format's tags: ID3 with mutagen, saved as ID3v2.3 (what podcast players read best):
title and show, cover art, transcript, description, length, the voice used,
and chapters (one CHAP per segment under a top-level, ordered CTOC; past 255
chapters, the most one CTOC can list, under ordered CTOCs of 255 each)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.core.errors import AudioError
from bulletin.core.model import Chapter
from bulletin.core.pcm import MS_PER_S
from bulletin.core.plaintext import printable
from bulletin.formats.base import TagInfo

ID3_VERSION = 3
UTF8 = 3  # mutagen re-encodes text as UTF-16 when saving v2.3
STRIP_ID3V1 = 0
FRONT_COVER = 3
NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: times are in milliseconds
TOC_ID = "toc"
TOC_TITLE = "Hoofdstukken"
MAX_TOC_CHILDREN = 255  # a CTOC counts its children in one byte
MAX_CHAPTERS = MAX_TOC_CHILDREN * MAX_TOC_CHILDREN  # one level of sub-tables
ID3_HEADER_BYTES = FRAME_HEADER_BYTES = 10
SYNCSAFE_BITS = 7  # the tag's size: 4 bytes of 7 bits each (frame sizes in v2.3 are plain 32-bit)
SIZE_AT = slice(6, 10)
UNSYNCHRONISED, EXTENDED_HEADER = 0x80, 0x40  # header flags: frames we would not find as written


def _ms(seconds: float) -> int:
    return round(seconds * MS_PER_S)


def _text_frames(info: TagInfo) -> list[Any]:
    """The tag's text: title, show, dates in v2.3's own frames, genre, language, who made it."""
    from mutagen.id3 import TALB, TCON, TDAT, TENC, TIME, TIT2, TLAN, TPE1, TXXX, TYER

    frames = [
        TIT2(encoding=UTF8, text=printable(info.title)),
        TPE1(encoding=UTF8, text=printable(info.artist)),
        TALB(encoding=UTF8, text=printable(info.album)),
        # TDRC is v2.4's; v2.3 has the year, DDMM and HHMM apart.
        TYER(encoding=UTF8, text=info.recorded.strftime("%Y")),
        TDAT(encoding=UTF8, text=info.recorded.strftime("%d%m")),
        TIME(encoding=UTF8, text=info.recorded.strftime("%H%M")),
        TCON(encoding=UTF8, text=printable(info.genre)),
        TLAN(encoding=UTF8, text=info.language),
    ]
    if info.encoded_by:
        frames.append(TENC(encoding=UTF8, text=printable(info.encoded_by)))
    if info.engine:
        frames.append(TXXX(encoding=UTF8, desc="engine", text=printable(info.engine)))
    if info.voice:
        frames.append(TXXX(encoding=UTF8, desc="voice", text=printable(info.voice)))
    return frames


def write_id3(path: Path, info: TagInfo) -> None:
    """The MP3's ID3v2.3 tag: every text printable, dates in v2.3's own frames, chapters in order."""
    from mutagen.id3 import APIC, COMM, ID3, TLEN, USLT

    if len(info.chapters) > MAX_CHAPTERS:
        raise AudioError(f"{len(info.chapters)} chapters are more than an ID3 tag can list ({MAX_CHAPTERS}).")
    tags = ID3()
    for frame in _text_frames(info):
        tags.add(frame)
    if info.duration:
        tags.add(TLEN(encoding=UTF8, text=str(_ms(info.duration))))
    if info.description:
        tags.add(COMM(encoding=UTF8, lang=info.language, desc="", text=printable(info.description)))
    if info.transcript:
        tags.add(USLT(encoding=UTF8, lang=info.language, desc="", text=printable(info.transcript)))
    if info.cover_jpeg:
        tags.add(APIC(encoding=UTF8, mime="image/jpeg", type=FRONT_COVER, desc="Cover", data=info.cover_jpeg))
    for frame in _chapter_frames(info.chapters):
        tags.add(frame)
    try:
        tags.save(str(path), v2_version=ID3_VERSION, v1=STRIP_ID3V1)
    except Exception as exc:  # mutagen raises its own MutagenError and OSErrors
        raise AudioError(f"could not tag {path}: {exc}") from exc
    _chapters_in_time_order(path)


# What a WAV's INFO list (in one code page) may not say right: the names. Its genre and dates
# are said by INFO as well, and readers that merge the two would show them twice.
NAME_FRAMES = frozenset({"TIT2", "TPE1", "TALB"})


def names_tag(info: TagInfo) -> bytes:
    """An ID3v2.3 tag of the title, artist and show alone, unpadded: what a WAV's ``id3 ``
    chunk holds (its chapters are cue points, and playout wants no cover in the header)."""
    from mutagen.id3 import ID3

    tags = ID3()
    for frame in _text_frames(info):
        if frame.FrameID in NAME_FRAMES:
            tags.add(frame)
    out = io.BytesIO()
    tags.save(out, v2_version=ID3_VERSION, v1=STRIP_ID3V1, padding=lambda _info: 0)
    return out.getvalue()


def _chapter_frames(chapters: Sequence[Chapter]) -> list[Any]:
    """One CHAP per chapter under the top-level CTOC; past 255, under ordered sub-CTOCs."""
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    if not chapters:
        return []
    ids = [f"chp{i}" for i in range(len(chapters))]
    frames: list[Any] = [
        CHAP(
            element_id=element_id,
            start_time=_ms(chapter.start),
            end_time=_ms(chapter.end),
            start_offset=NO_OFFSET,
            end_offset=NO_OFFSET,
            sub_frames=[TIT2(encoding=UTF8, text=printable(chapter.title))],
        )
        for element_id, chapter in zip(ids, chapters, strict=True)
    ]
    top = ids
    if len(ids) > MAX_TOC_CHILDREN:
        groups = [ids[i : i + MAX_TOC_CHILDREN] for i in range(0, len(ids), MAX_TOC_CHILDREN)]
        top = [f"{TOC_ID}{n}" for n in range(len(groups))]
        frames += [
            CTOC(element_id=toc_id, flags=CTOCFlags.ORDERED, child_element_ids=group, sub_frames=[])
            for toc_id, group in zip(top, groups, strict=True)
        ]
    frames.append(
        CTOC(
            element_id=TOC_ID,
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=top,
            sub_frames=[TIT2(encoding=UTF8, text=TOC_TITLE)],
        )
    )
    return frames


def _chapters_in_time_order(path: Path) -> None:
    """Rewrite the saved tag with its CHAP frames in chapter order.

    mutagen sorts frames by size when it saves, so chapters land in the file
    in a jumble. Players that honour the CTOC do not mind; ffmpeg and simpler
    players list chapters in file order. The frames are only moved: the tag
    keeps its size, so nothing else in the file changes.
    """
    with open(path, "r+b") as handle:
        header = handle.read(ID3_HEADER_BYTES)
        if (
            len(header) < ID3_HEADER_BYTES
            or header[:3] != b"ID3"
            or header[3] != ID3_VERSION
            or header[5] & (UNSYNCHRONISED | EXTENDED_HEADER)
        ):
            return
        size = _syncsafe(header[SIZE_AT])
        body = handle.read(size)
        frames: list[bytes] = []
        at = 0
        while at + FRAME_HEADER_BYTES <= len(body) and body[at : at + 4] != b"\0\0\0\0":
            length = FRAME_HEADER_BYTES + int.from_bytes(body[at + 4 : at + 8], "big")
            if at + length > len(body):
                return  # not a tag we wrote: leave it as it is
            frames.append(body[at : at + length])
            at += length
        chaps = [f for f in frames if f[:4] == b"CHAP"]
        if not chaps:
            return

        def start_ms(frame: bytes) -> int:
            data = frame[FRAME_HEADER_BYTES:]
            after_id = data.index(b"\0") + 1
            return int.from_bytes(data[after_id : after_id + 4], "big")

        first = frames.index(chaps[0])
        others = [f for f in frames if f[:4] != b"CHAP"]
        ordered = others[:first] + sorted(chaps, key=start_ms) + others[first:]
        handle.seek(ID3_HEADER_BYTES)
        handle.write(b"".join(ordered))


def _syncsafe(data: bytes) -> int:
    """A syncsafe integer: the high bit of every byte is zero, 7 bits of value each."""
    value = 0
    for byte in data:
        value = (value << SYNCSAFE_BITS) | (byte & ((1 << SYNCSAFE_BITS) - 1))
    return value


# --- reading, for inspect ------------------------------------------------------------------

SHOWN_ELSEWHERE = ("CHAP", "CTOC", "APIC", "USLT")  # reported as chapters, cover and transcript
TOP_LEVEL = 1  # the CTOC flag of the top-level table of contents


@dataclass(frozen=True)
class ReadTags:
    """An ID3 tag as the file holds it."""

    version: str  # "2.3.0"
    frames: dict[str, str]  # frame key -> its text, but chapters, cover and transcript
    chapters: list[Chapter]
    cover: str | None  # "image/jpeg, 112804 bytes"
    transcript_chars: int


def _frame_text(frame: Any) -> str:
    text = getattr(frame, "text", None)
    if isinstance(text, list):
        return "; ".join(str(t) for t in text)
    return str(text if text is not None else frame)


def _read_chapters(tags: Any) -> list[Chapter]:
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    tocs = [t for t in tags.getall("CTOC") if t.flags & TOP_LEVEL]
    order = list(tocs[0].child_element_ids) if tocs else sorted(chaps, key=lambda k: chaps[k].start_time)
    out = []
    for element_id in order:
        chap = chaps.get(element_id)
        if chap is None:
            continue
        titles = [f for f in chap.sub_frames.values() if f.FrameID == "TIT2"]
        out.append(
            Chapter(
                _frame_text(titles[0]) if titles else element_id, chap.start_time / MS_PER_S, chap.end_time / MS_PER_S
            )
        )
    return out


def read_id3(path: Path) -> ReadTags | None:
    """The file's ID3 tag as written (v2.3's TYER/TDAT/TIME kept, not shown as v2.4's TDRC);
    None when it has none. A file mutagen cannot read is an AudioError."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        tags = ID3(str(path), translate=False)
    except ID3NoHeaderError:
        return None
    except MutagenError as exc:
        raise AudioError(f"{path}: {exc}") from None
    frames = {key: _frame_text(frame) for key, frame in sorted(tags.items()) if frame.FrameID not in SHOWN_ELSEWHERE}
    pictures = tags.getall("APIC")
    return ReadTags(
        version=".".join(map(str, tags.version)),
        frames=frames,
        chapters=_read_chapters(tags),
        cover=f"{pictures[0].mime}, {len(pictures[0].data)} bytes" if pictures else None,
        transcript_chars=sum(len(u.text) for u in tags.getall("USLT")),
    )
