"""ID3 tags with mutagen, saved as ID3v2.3 (what most podcast players read best)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin.errors import AudioError

ID3_VERSION = 3
UTF8 = 3  # mutagen re-encodes text as UTF-16 when saving v2.3
STRIP_ID3V1 = 0


@dataclass(frozen=True)
class TagInfo:
    """What goes into the MP3's tag."""

    title: str
    artist: str
    album: str
    recorded: datetime
    genre: str
    language: str = "dut"  # ISO 639-2 (bibliographic) code for Dutch
    encoded_by: str = ""


def write_tags(path: Path, info: TagInfo) -> None:
    """Replace whatever tag the encoder wrote with ours, as ID3v2.3."""
    from mutagen.id3 import ID3, TALB, TCON, TDRC, TENC, TIT2, TLAN, TPE1

    tags = ID3()
    tags.add(TIT2(encoding=UTF8, text=info.title))
    tags.add(TPE1(encoding=UTF8, text=info.artist))
    tags.add(TALB(encoding=UTF8, text=info.album))
    tags.add(TDRC(encoding=UTF8, text=info.recorded.strftime("%Y-%m-%dT%H:%M")))
    tags.add(TCON(encoding=UTF8, text=info.genre))
    tags.add(TLAN(encoding=UTF8, text=info.language))
    if info.encoded_by:
        tags.add(TENC(encoding=UTF8, text=info.encoded_by))
    try:
        tags.save(str(path), v2_version=ID3_VERSION, v1=STRIP_ID3V1)
    except Exception as exc:  # mutagen raises its own MutagenError and OSErrors
        raise AudioError(f"could not tag {path}: {exc}") from exc
