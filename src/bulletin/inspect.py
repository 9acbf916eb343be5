"""Look inside any MP3: its tags, chapters, duration, loudness and true peak."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bulletin.audio.meter import FileLoudness, duration_text, measure_file
from bulletin.errors import InputError
from bulletin.model import Chapter

CLOCK_DECIMALS = 3  # chapter times to the millisecond, as ID3 keeps them
MS_PER_S = 1000
SHOWN_TEXT_CHARS = 80


@dataclass(frozen=True)
class Inspection:
    """What ``bulletin inspect`` reports."""

    path: str
    id3_version: str | None
    tags: dict[str, str]
    chapters: list[Chapter]
    cover: str | None  # "image/jpeg, 112804 bytes"
    transcript_chars: int
    loudness: FileLoudness

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


def inspect_mp3(path: Path) -> Inspection:
    """Read the tags with mutagen and measure the audio with ffmpeg."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    loudness = measure_file(path)
    try:
        tags = ID3(str(path))
    except ID3NoHeaderError:
        return Inspection(str(path), None, {}, [], None, 0, loudness)
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


def to_text(found: Inspection) -> str:
    """A report for people."""
    loud = found.loudness
    lines = [
        found.path,
        f"duration {duration_text(loud.duration, CLOCK_DECIMALS)} · {loud.integrated:.1f} LUFS · "
        f"LRA {loud.loudness_range:.1f} LU · true peak {loud.true_peak:.1f} dBTP",
        f"ID3v{found.id3_version}" if found.id3_version else "no ID3 tag",
    ]
    for key, value in found.tags.items():
        shown = value if len(value) <= SHOWN_TEXT_CHARS else value[: SHOWN_TEXT_CHARS - 1] + "…"
        lines.append(f"  {key}: {shown}")
    if found.cover:
        lines.append(f"  cover: {found.cover}")
    if found.transcript_chars:
        lines.append(f"  transcript: {found.transcript_chars} characters")
    if found.chapters:
        lines.append(f"{len(found.chapters)} chapters:")
        lines += [f"  {duration_text(c.start, CLOCK_DECIMALS)} – {duration_text(c.end, CLOCK_DECIMALS)}  {c.title}"
                  for c in found.chapters]
    return "\n".join(lines) + "\n"
