"""Look inside any MP3 or WAV: its tags (ID3, or bext and INFO), chapters or cue
points, duration, loudness and true peak. The format is read from the file's
first bytes, not its name."""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bulletin.formats import MP3, WAV
from bulletin.media.meter import FileLoudness, duration_text, measure_file
from bulletin.core.errors import AudioError, InputError
from bulletin.core.model import Chapter
from bulletin.core.pcm import MS_PER_S

CLOCK_DECIMALS = 3  # chapter times to the millisecond, as ID3 keeps them
SHOWN_TEXT_CHARS = 80
WAV_MAGIC = (b"RIFF", b"RF64")
NOT_AUDIO = "not a valid MP3/WAV file."


@dataclass(frozen=True)
class Inspection:
    """What ``bulletin inspect`` reports."""

    path: str
    id3_version: str | None
    tags: dict[str, str]
    chapters: list[Chapter]  # for a WAV: its cue points with their labels
    cover: str | None  # "image/jpeg, 112804 bytes"
    transcript_chars: int
    loudness: FileLoudness
    format: str = MP3
    audio: str = ""  # "PCM 48000 Hz, 24-bit, mono" for a WAV
    bext: dict[str, Any] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        """For ``--format json``."""
        return asdict(self)


def _frame_text(frame: Any) -> str:
    text = getattr(frame, "text", None)
    if isinstance(text, list):
        return "; ".join(str(t) for t in text)
    return str(text if text is not None else frame)


def _chapters(tags: Any) -> list[Chapter]:
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    tocs = [t for t in tags.getall("CTOC") if t.flags & 1]  # the top-level table of contents
    order = list(tocs[0].child_element_ids) if tocs else sorted(chaps, key=lambda k: chaps[k].start_time)
    out = []
    for element_id in order:
        chap = chaps.get(element_id)
        if chap is None:
            continue
        titles = [f for f in chap.sub_frames.values() if f.FrameID == "TIT2"]
        out.append(Chapter(_frame_text(titles[0]) if titles else element_id,
                           chap.start_time / MS_PER_S, chap.end_time / MS_PER_S))
    return out


def _measured(path: Path, duration: float) -> FileLoudness:
    """ffmpeg's measurement; a file it cannot decode is not audio we can inspect."""
    try:
        return measure_file(path, duration)
    except AudioError:
        raise InputError(f"{path}: {NOT_AUDIO}") from None


def inspect_file(path: Path) -> Inspection:
    """An MP3 or a WAV, by what its first bytes say."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; name an MP3 or WAV file in it.")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(WAV_MAGIC[0]))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}.") from None
    return inspect_wav(path) if magic in WAV_MAGIC else inspect_mp3(path)


def inspect_wav(path: Path) -> Inspection:
    """Read the chunks (format, bext, cue points and labels, INFO) and measure the audio with ffmpeg."""
    from bulletin.formats.bwf import read_wave

    try:
        wave = read_wave(path)
    except struct.error:  # a chunk cut short: the file ends inside its header
        raise InputError(f"{path}: {NOT_AUDIO}") from None
    loudness = _measured(path, round(wave.duration, 3))
    meta, fmt = wave.metadata, wave.format
    starts = [c.position / fmt.rate for c in meta.cues]
    ends = [*starts[1:], wave.duration] if starts else []  # a cue point lasts until the next one
    chapters = [Chapter(c.label, round(start, CLOCK_DECIMALS), round(end, CLOCK_DECIMALS))
                for c, start, end in zip(meta.cues, starts, ends, strict=True)]
    bext = None
    if meta.bext is not None:
        bext = {**asdict(meta.bext), "origination": meta.bext.origination.isoformat()}
    channels = "mono" if fmt.channels == 1 else f"{fmt.channels} channels"
    return Inspection(
        path=str(path), id3_version=None, tags=dict(meta.info), chapters=chapters, cover=None, transcript_chars=0,
        loudness=loudness, format=WAV, audio=f"{'RF64' if wave.rf64 else 'PCM'} {fmt.rate} Hz, {fmt.bits}-bit, {channels}",
        bext=bext,
    )


def inspect_mp3(path: Path) -> Inspection:
    """Read the tags with mutagen and measure the audio with ffmpeg."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3, ID3NoHeaderError

    from bulletin.formats.mp3 import mp3_duration

    try:
        loudness = _measured(path, mp3_duration(path))
        # As written: mutagen would otherwise show ID3v2.3's TYER/TDAT/TIME as the v2.4 TDRC.
        tags = ID3(str(path), translate=False)
    except ID3NoHeaderError:
        return Inspection(str(path), None, {}, [], None, 0, loudness)
    except (MutagenError, AudioError):
        raise InputError(f"{path}: {NOT_AUDIO}") from None
    plain: dict[str, str] = {}
    for key, frame in sorted(tags.items()):
        if frame.FrameID in ("CHAP", "CTOC", "APIC", "USLT"):
            continue
        plain[key] = _frame_text(frame)
    pictures = tags.getall("APIC")
    cover = f"{pictures[0].mime}, {len(pictures[0].data)} bytes" if pictures else None
    lyrics = tags.getall("USLT")
    return Inspection(
        path=str(path),
        id3_version=".".join(map(str, tags.version)),
        tags=plain,
        chapters=_chapters(tags),
        cover=cover,
        transcript_chars=sum(len(u.text) for u in lyrics),
        loudness=loudness,
    )


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_TEXT_CHARS else value[: SHOWN_TEXT_CHARS - 1] + "…"


def to_text(found: Inspection) -> str:
    """A report for people."""
    loud = found.loudness
    lines = [
        found.path,
        f"duration {duration_text(loud.duration, CLOCK_DECIMALS)} · {loud.integrated:.1f} LUFS · "
        f"LRA {loud.loudness_range:.1f} LU · true peak {loud.true_peak:.1f} dBTP",
    ]
    if found.format == WAV:
        lines.append(f"WAV, {found.audio}" + ("" if found.bext else ", no bext chunk"))
        for key, value in (found.bext or {}).items():
            if value not in (None, ""):
                lines.append(f"  {key}: {_shown(str(value).strip())}")
    else:
        lines.append(f"ID3v{found.id3_version}" if found.id3_version else "no ID3 tag")
    for key, value in found.tags.items():
        lines.append(f"  {key}: {_shown(value)}")
    if found.cover:
        lines.append(f"  cover: {found.cover}")
    if found.transcript_chars:
        lines.append(f"  transcript: {found.transcript_chars} characters")
    if found.chapters:
        lines.append(f"{len(found.chapters)} {'cue points' if found.format == WAV else 'chapters'}:")
        lines += [f"  {duration_text(c.start, CLOCK_DECIMALS)} – {duration_text(c.end, CLOCK_DECIMALS)}  {c.title}"
                  for c in found.chapters]
    return "\n".join(lines) + "\n"
