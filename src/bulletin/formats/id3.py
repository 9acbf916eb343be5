"""ID3 tags with mutagen, saved as ID3v2.3 (what podcast players read best):
title and show, cover art, transcript, description, length, the voice used,
and chapters (one CHAP per segment under a top-level, ordered CTOC; past 255
chapters, the most one CTOC can list, under ordered CTOCs of 255 each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bulletin.core.errors import AudioError
from bulletin.core.model import Chapter
from bulletin.core.pcm import MS_PER_S
from bulletin.core.plaintext import printable

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


@dataclass(frozen=True)
class TagInfo:
    """What goes into the MP3's tag."""

    title: str
    artist: str
    album: str
    recorded: datetime
    genre: str
    language: str = "dut"  # ISO 639-2 (bibliographic) code for Dutch
    engine: str = ""
    voice: str = ""
    encoded_by: str = ""
    description: str = ""
    transcript: str = ""
    duration: float = 0.0  # seconds
    cover_jpeg: bytes = b""
    chapters: Sequence[Chapter] = field(default_factory=tuple)


def _ms(seconds: float) -> int:
    return round(seconds * MS_PER_S)


def write_tags(path: Path, info: TagInfo) -> None:
    """Replace whatever tag the encoder wrote with ours, as ID3v2.3."""
    write_mp3_tags(path, info)


def write_mp3_tags(path: Path, info: TagInfo) -> None:
    """The MP3's ID3v2.3 tag: every text printable, dates in v2.3's own frames, chapters in order."""
    from mutagen.id3 import (APIC, COMM, ID3, TALB, TCON, TDAT, TENC, TIME, TIT2, TLAN, TLEN, TPE1, TXXX,
                             TYER, USLT)

    if len(info.chapters) > MAX_CHAPTERS:
        raise AudioError(f"{len(info.chapters)} chapters are more than an ID3 tag can list ({MAX_CHAPTERS}).")
    tags = ID3()
    tags.add(TIT2(encoding=UTF8, text=printable(info.title)))
    tags.add(TPE1(encoding=UTF8, text=printable(info.artist)))
    tags.add(TALB(encoding=UTF8, text=printable(info.album)))
    # TDRC is v2.4's; v2.3 has the year, DDMM and HHMM apart.
    tags.add(TYER(encoding=UTF8, text=info.recorded.strftime("%Y")))
    tags.add(TDAT(encoding=UTF8, text=info.recorded.strftime("%d%m")))
    tags.add(TIME(encoding=UTF8, text=info.recorded.strftime("%H%M")))
    tags.add(TCON(encoding=UTF8, text=printable(info.genre)))
    tags.add(TLAN(encoding=UTF8, text=info.language))
    if info.encoded_by:
        tags.add(TENC(encoding=UTF8, text=printable(info.encoded_by)))
    if info.engine:
        tags.add(TXXX(encoding=UTF8, desc="engine", text=printable(info.engine)))
    if info.voice:
        tags.add(TXXX(encoding=UTF8, desc="voice", text=printable(info.voice)))
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


def _chapter_frames(chapters: Sequence[Chapter]) -> list[Any]:
    """One CHAP per chapter under the top-level CTOC; past 255, under ordered sub-CTOCs."""
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    if not chapters:
        return []
    ids = [f"chp{i}" for i in range(len(chapters))]
    frames: list[Any] = [
        CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(chapter.end),
             start_offset=NO_OFFSET, end_offset=NO_OFFSET,
             sub_frames=[TIT2(encoding=UTF8, text=printable(chapter.title))])
        for element_id, chapter in zip(ids, chapters, strict=True)
    ]
    top = ids
    if len(ids) > MAX_TOC_CHILDREN:
        groups = [ids[i:i + MAX_TOC_CHILDREN] for i in range(0, len(ids), MAX_TOC_CHILDREN)]
        top = [f"{TOC_ID}{n}" for n in range(len(groups))]
        frames += [CTOC(element_id=toc_id, flags=CTOCFlags.ORDERED, child_element_ids=group, sub_frames=[])
                   for toc_id, group in zip(top, groups, strict=True)]
    frames.append(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=top,
                       sub_frames=[TIT2(encoding=UTF8, text=TOC_TITLE)]))
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
        if (len(header) < ID3_HEADER_BYTES or header[:3] != b"ID3" or header[3] != ID3_VERSION
                or header[5] & (UNSYNCHRONISED | EXTENDED_HEADER)):
            return
        size = _syncsafe(header[SIZE_AT])
        body = handle.read(size)
        frames: list[bytes] = []
        at = 0
        while at + FRAME_HEADER_BYTES <= len(body) and body[at:at + 4] != b"\0\0\0\0":
            length = FRAME_HEADER_BYTES + int.from_bytes(body[at + 4:at + 8], "big")
            if at + length > len(body):
                return  # not a tag we wrote: leave it as it is
            frames.append(body[at:at + length])
            at += length
        chaps = [f for f in frames if f[:4] == b"CHAP"]
        if not chaps:
            return
        def start_ms(frame: bytes) -> int:
            data = frame[FRAME_HEADER_BYTES:]
            after_id = data.index(b"\0") + 1
            return int.from_bytes(data[after_id:after_id + 4], "big")
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
