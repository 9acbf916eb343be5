"""ID3 tags with mutagen, saved as ID3v2.3 (what podcast players read best):
title and show, cover art, transcript, description, length, the voice used,
and chapters (one CHAP per segment under a top-level, ordered CTOC)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bulletin.errors import AudioError
from bulletin.model import Chapter

ID3_VERSION = 3
UTF8 = 3  # mutagen re-encodes text as UTF-16 when saving v2.3
STRIP_ID3V1 = 0
FRONT_COVER = 3
NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: times are in milliseconds
TOC_ID = "toc"
MS_PER_S = 1000
ID3_HEADER_BYTES = FRAME_HEADER_BYTES = 10
SYNCSAFE_MASK = 0x7F


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
    from mutagen.id3 import (APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TENC, TIT2, TLAN, TLEN, TPE1,
                             TXXX, USLT, CTOCFlags)

    tags = ID3()
    tags.add(TIT2(encoding=UTF8, text=info.title))
    tags.add(TPE1(encoding=UTF8, text=info.artist))
    tags.add(TALB(encoding=UTF8, text=info.album))
    tags.add(TDRC(encoding=UTF8, text=info.recorded.strftime("%Y-%m-%dT%H:%M")))
    tags.add(TCON(encoding=UTF8, text=info.genre))
    tags.add(TLAN(encoding=UTF8, text=info.language))
    if info.encoded_by:
        tags.add(TENC(encoding=UTF8, text=info.encoded_by))
    if info.engine:
        tags.add(TXXX(encoding=UTF8, desc="engine", text=info.engine))
    if info.voice:
        tags.add(TXXX(encoding=UTF8, desc="voice", text=info.voice))
    if info.duration:
        tags.add(TLEN(encoding=UTF8, text=str(_ms(info.duration))))
    if info.description:
        tags.add(COMM(encoding=UTF8, lang=info.language, desc="", text=info.description))
    if info.transcript:
        tags.add(USLT(encoding=UTF8, lang=info.language, desc="", text=info.transcript))
    if info.cover_jpeg:
        tags.add(APIC(encoding=UTF8, mime="image/jpeg", type=FRONT_COVER, desc="Cover", data=info.cover_jpeg))
    if info.chapters:
        ids = [f"chp{i}" for i in range(len(info.chapters))]
        tags.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=ids, sub_frames=[TIT2(encoding=UTF8, text="Hoofdstukken")]))
        for element_id, chapter in zip(ids, info.chapters, strict=True):
            tags.add(CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(chapter.end),
                          start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                          sub_frames=[TIT2(encoding=UTF8, text=chapter.title)]))
    try:
        tags.save(str(path), v2_version=ID3_VERSION, v1=STRIP_ID3V1)
    except Exception as exc:  # mutagen raises its own MutagenError and OSErrors
        raise AudioError(f"could not tag {path}: {exc}") from exc
    _chapters_in_time_order(path)


def _chapters_in_time_order(path: Path) -> None:
    """Rewrite the saved tag with its CHAP frames in chapter order.

    mutagen sorts frames by size when it saves, so chapters land in the file
    in a jumble. Players that honour the CTOC do not mind; ffmpeg and simpler
    players list chapters in file order. The frames are only moved: the tag
    keeps its size, so nothing else in the file changes.
    """
    with open(path, "r+b") as handle:
        header = handle.read(ID3_HEADER_BYTES)
        size = int.from_bytes(bytes(b & SYNCSAFE_MASK for b in header[6:10]), "big") if len(header) == 10 else 0
        if header[:3] != b"ID3" or header[3] != ID3_VERSION or size == 0:
            return
        body = handle.read(size)
        frames: list[bytes] = []
        at = 0
        while at + FRAME_HEADER_BYTES <= len(body) and body[at:at + 4] != b"\0\0\0\0":
            length = FRAME_HEADER_BYTES + int.from_bytes(body[at + 4:at + 8], "big")
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
