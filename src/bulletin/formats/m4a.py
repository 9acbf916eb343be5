"""AAC in MP4 (``.m4a``): the podcast format Apple names first, with chapters.

AAC's encoder carries state from frame to frame (and primes each stream with
silence), so parts cannot be encoded alone and joined by copying, as MP3's
are. Parts are kept as 24-bit PCM instead, and the whole bulletin is encoded
once when the parts are joined (AAC-LC by ffmpeg's native encoder, in an
``ipod``-branded MP4 whose edit list hides the encoder's priming, so a chapter
starts at its own sample). The joined file is measured by reading it back.

Chapters are written by ffmpeg as both a QuickTime chapter track (what Apple
Podcasts reads) and a Nero ``chpl`` atom (what other players read); tags and
cover art (``covr``) by mutagen.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin.core.errors import AudioError
from bulletin.core.model import Chapter
from bulletin.core.pcm import MS_PER_S
from bulletin.core.plaintext import printable
from bulletin.core.schema import at_least, at_most, one_of, setting
from bulletin.formats.base import Calibration, Finished, Format, Inspection, PcmParts, TagInfo, tiled
from bulletin.media.ffmpeg import ffmpeg_identity, run_ffmpeg
from bulletin.media.meter import FileMeter, Meter

if TYPE_CHECKING:
    pass

NAME = "m4a"
RATES = (44100, 48000)
MIN_KBPS, MAX_KBPS = 32, 320  # what AAC-LC mono sensibly spans
PART_BITS = 24  # parts are kept as PCM of this depth until the whole file is encoded
MUXER = "ipod"  # ffmpeg's MP4 muxer with the M4A brand: an audio file podcast apps expect
# AAC keeps loudness as mastered, but for the gating blocks that straddle the pauses
# between parts (about 0.3 LU). Its true peaks rise far more at low bitrates: measured on
# this project's bulletins (espeak, mono, 44.1 kHz) 3.4 dB over the mastered ceiling at 32
# and 48 kbps, 1.8 dB at 64, up to 0.5 dB at 80 and up. The headroom to start from at each bitrate
# (kbps; one in between takes the next one up); each build's measurement then corrects both.
OFFSET_PRIOR_DB = 0.3
HEADROOM_PRIOR_DB = {32: 4.0, 48: 4.0, 64: 2.5, 80: 1.0}
HEADROOM_FROM_96_DB = 1.0
FTYP = b"ftyp"
SOUND = b"soun"  # the handler of a sound track
EDITS = b"edts"
ATOM_HEADER = 8  # size and name
M4A_BRANDS = (b"M4A ", b"M4B ")
SURE, LIKELY = 100, 60  # an M4A brand; another MP4 brand (audio or not)
# Characters ffmpeg's metadata file format escapes with a backslash.
FFMETADATA_SPECIAL = ("\\", "=", ";", "#", "\n")
FFMETADATA_HEADER = ";FFMETADATA1"
# The MP4 (iTunes) atoms the tags go in.
ATOMS = {
    "title": "\xa9nam",
    "artist": "\xa9ART",
    "album": "\xa9alb",
    "date": "\xa9day",
    "genre": "\xa9gen",
    "description": "desc",
    "comment": "\xa9cmt",
    "lyrics": "\xa9lyr",
    "encoded_by": "\xa9too",
}
FREEFORM = "----:com.apple.iTunes:"  # for what iTunes has no atom of its own (engine, voice)


@dataclass(frozen=True)
class M4aSection:
    """``[m4a]``: AAC in MP4 output."""

    sample_rate: int = setting(one_of(lambda: RATES))
    bitrate: int = setting(at_least(MIN_KBPS), at_most(MAX_KBPS))  # kbps; a profile may ask more


def _escaped(text: str) -> str:
    for special in FFMETADATA_SPECIAL:
        text = text.replace(special, "\\" + special)
    return text


def chapters_metadata(chapters: Sequence[Chapter]) -> str:
    """ffmpeg's metadata file with the chapters, in milliseconds."""
    lines = [FFMETADATA_HEADER]
    for chapter in chapters:
        lines += [
            "",
            "[CHAPTER]",
            f"TIMEBASE=1/{MS_PER_S}",
            f"START={round(chapter.start * MS_PER_S)}",
            f"END={round(chapter.end * MS_PER_S)}",
            f"title={_escaped(printable(chapter.title))}",
        ]
    return "\n".join(lines) + "\n"


def _write_tags(path: Path, info: TagInfo) -> None:
    """Tags and cover art in the iTunes atoms, with mutagen (which keeps the chapters as they are)."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    texts = {
        "title": info.title,
        "artist": info.artist,
        "album": info.album,
        "date": info.recorded.isoformat(),
        "genre": info.genre,
        "description": info.description,
        "comment": info.description,
        "lyrics": info.transcript,
        "encoded_by": info.encoded_by,
    }
    try:
        audio = MP4(str(path))
        if audio.tags is None:
            audio.add_tags()
        tags = audio.tags
        assert tags is not None  # add_tags made them
        tags.clear()
        for key, text in texts.items():
            if text:
                tags[ATOMS[key]] = [printable(text)]
        for key, text in (("engine", info.engine), ("voice", info.voice), ("language", info.language)):
            if text:
                tags[FREEFORM + key] = [MP4FreeForm(printable(text).encode("utf-8"))]
        if info.cover_jpeg:
            tags["covr"] = [MP4Cover(info.cover_jpeg, imageformat=MP4Cover.FORMAT_JPEG)]
        audio.save()
    except MutagenError as exc:
        raise AudioError(f"could not tag {path}: {exc}") from exc


class M4aEncoder(PcmParts):
    """AAC-LC in MP4: parts kept as PCM, the whole file encoded when they are joined (its edit
    list hides AAC's priming, so a part starts where its samples do: no delay)."""

    keep_joined = True  # joining encodes the whole bulletin: a rebuild from the same parts reuses the file

    def __init__(self, section: M4aSection, min_kbps: int) -> None:
        super().__init__(PART_BITS)
        self.kbps = min(max(section.bitrate, min_kbps), MAX_KBPS)

    @property
    def format(self) -> Format:
        return FORMAT

    def identity(self) -> str:
        return f"{ffmpeg_identity()} aac-lc mono {self.kbps}k {MUXER} (parts s{PART_BITS}le)"

    def join(self, parts: Iterable[bytes], path: Path, rate: int) -> None:
        """The parts' PCM, encoded as one AAC stream in an MP4 with its index at the front
        (a player can start before the whole file is there)."""
        run_ffmpeg(
            [
                "-f",
                f"s{PART_BITS}le",
                "-ar",
                str(rate),
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-c:a",
                "aac",
                "-b:a",
                f"{self.kbps}k",
                "-movflags",
                "+faststart",
                "-f",
                MUXER,
                "-y",
                str(path),
            ],
            what=f"write {path}",
            data=parts,
        )

    def meter(self, path: Path, rate: int) -> Meter:
        return FileMeter(path)  # the AAC stream exists only once the parts are joined

    def tag(self, path: Path, finished: Finished) -> None:
        """Chapters (a remux by ffmpeg, copying the audio), then tags and cover (mutagen)."""
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            run_ffmpeg(
                [
                    "-i",
                    str(path),
                    "-f",
                    "ffmetadata",
                    "-i",
                    "pipe:0",
                    "-map",
                    "0:a",
                    "-map_chapters",
                    "1",
                    "-map_metadata",
                    "1",
                    "-c",
                    "copy",
                    "-movflags",
                    "+faststart",
                    "-f",
                    MUXER,
                    "-y",
                    name,
                ],
                what=f"write the chapters of {path}",
                data=chapters_metadata(finished.tags.chapters).encode(),
            )
            os.replace(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
        _write_tags(path, finished.tags)

    def calibration_key(self) -> str:
        return f"aac{self.kbps}k"

    def prior(self) -> Calibration:
        headroom = next((v for k, v in sorted(HEADROOM_PRIOR_DB.items()) if self.kbps <= k), HEADROOM_FROM_96_DB)
        return Calibration(OFFSET_PRIOR_DB, headroom)


def score(head: bytes) -> int:
    """An MP4 file (``ftyp`` first), surest with an M4A brand."""
    if head[4:8] != FTYP:
        return 0
    return SURE if head[8:12] in M4A_BRANDS else LIKELY


def edited_seconds(path: Path) -> float | None:
    """The sound track's length as its edit list plays it (AAC's priming and padding left out),
    in seconds; None when the file has no edit list to say so."""
    from mutagen.mp4 import Atoms

    with open(path, "rb") as handle:
        atoms = Atoms(handle)
        found, movie = atoms[b"moov.mvhd"].read(handle)
        version = movie[0]
        timescale = int.from_bytes(movie[12:16] if version == 0 else movie[20:24], "big")
        for track in atoms[b"moov"].findall(b"trak"):
            _, handler = track[[b"mdia", b"hdlr"]].read(handle)
            if handler[8:12] != SOUND or not any(child.name == EDITS for child in track.children or []):
                continue
            _, edits = track[[EDITS]].read(handle)  # its one child: elst
            entries = edits[ATOM_HEADER:]  # version and flags, count, then the entries
            wide = entries[0] == 1
            duration = int.from_bytes(entries[8:16] if wide else entries[8:12], "big")
            return round(duration / timescale, 3) if found and timescale else None
    return None


def _text(value: object) -> str:
    items = value if isinstance(value, list) else [value]
    return "; ".join(bytes(v).decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in items)


def inspect(path: Path) -> Inspection:
    """Read the MP4's tags and chapters with mutagen and measure the audio with ffmpeg."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    from bulletin.formats.inspection import measured, not_audio

    try:
        audio = MP4(str(path))
        seconds = edited_seconds(path) or round(float(audio.info.length), 3)
    except (MutagenError, KeyError, IndexError):  # not an MP4, or one cut short
        raise not_audio(path) from None
    loudness = measured(path, seconds)
    tags: dict[str, list[Any]] = dict(audio.tags.items()) if audio.tags else {}
    chapters = tiled([(c.title, c.start) for c in audio.chapters or []], loudness.duration)
    covers = tags.pop("covr", [])
    lyrics = tags.get(ATOMS["lyrics"], [])
    channels = "mono" if audio.info.channels == 1 else f"{audio.info.channels} channels"
    return Inspection(
        path=str(path),
        format=NAME,
        audio=f"{audio.info.codec_description} {audio.info.sample_rate} Hz, {round(audio.info.bitrate / 1000)} kbps, "
        f"{channels}",
        tags={key: _text(value) for key, value in sorted(tags.items())},
        chapters=chapters,
        loudness=loudness,
        tag_format="MP4" if audio.tags else None,
        cover=f"image/{'png' if covers and covers[0].imageformat == covers[0].FORMAT_PNG else 'jpeg'}, "
        f"{len(covers[0])} bytes"
        if covers
        else None,
        transcript_chars=sum(len(str(text)) for text in lyrics),
    )


FORMAT = Format(
    name=NAME,
    description="AAC-LC in MP4 (M4A), MP4 chapters and cover art: podcasts",
    suffix=".m4a",
    media_type="audio/mp4",
    rates=RATES,
    Section=M4aSection,
    encoder=M4aEncoder,
    score=score,
    inspect=inspect,
)
