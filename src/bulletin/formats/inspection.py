"""``bulletin inspect``: look inside any audio file of a registered format: its tags,
chapters or cue points, duration, loudness and true peak.

Which format a file is comes from its first bytes, not its name: every format
scores how sure it is that the file is its own (like mutagen's ``File()``),
and the most certain one reads it.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.core.errors import AudioError, InputError
from bulletin.formats import FORMATS
from bulletin.formats.base import Inspection
from bulletin.media.meter import FileLoudness, duration_text, measure_file

CLOCK_DECIMALS = 3  # chapter times to the millisecond, as ID3 keeps them
SHOWN_TEXT_CHARS = 80
HEAD_BYTES = 64  # enough for every format to recognise its own


def not_audio(path: Path) -> InputError:
    """The error for a file no format can read."""
    names = "/".join(name.upper() for name in FORMATS.names())
    return InputError(f"{path}: not a valid {names} file.")


def measured(path: Path, duration: float) -> FileLoudness:
    """ffmpeg's measurement; a file it cannot decode is not audio we can inspect."""
    try:
        return measure_file(path, duration)
    except AudioError:
        raise not_audio(path) from None


def inspect_file(path: Path) -> Inspection:
    """The file at ``path``, read by the format most certain it is its own."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; name an audio file in it.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}.") from None
    if not head:
        raise InputError(f"{path} is empty: no audio to inspect.")
    scored = sorted(((f.score(head), index, f) for index, f in enumerate(FORMATS)), key=lambda s: (-s[0], s[1]))
    best, _, found = scored[0]
    if best <= 0:
        raise not_audio(path)
    return found.inspect(path)


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_TEXT_CHARS else value[: SHOWN_TEXT_CHARS - 1] + "…"


def to_text(found: Inspection) -> str:
    """A report for people."""
    loud = found.loudness
    lines = [
        found.path,
        f"duration {duration_text(loud.duration, CLOCK_DECIMALS)} · {loud.integrated:.1f} LUFS · "
        f"LRA {loud.loudness_range:.1f} LU · true peak {loud.true_peak:.1f} dBTP",
        f"{found.format.upper()}, {found.audio}" + (f", {found.tag_format}" if found.tag_format else ", no tags"),
    ]
    for group in (d for d in found.details.values() if isinstance(d, dict)):  # e.g. a WAV's bext fields
        for key, value in group.items():
            if value not in (None, ""):
                lines.append(f"  {key}: {_shown(str(value).strip())}")
    for key, value in found.tags.items():
        lines.append(f"  {key}: {_shown(value)}")
    if found.cover:
        lines.append(f"  cover: {found.cover}")
    if found.transcript_chars:
        lines.append(f"  transcript: {found.transcript_chars} characters")
    if found.chapters:
        lines.append(f"{len(found.chapters)} {found.chapter_kind}:")
        lines += [
            f"  {duration_text(c.start, CLOCK_DECIMALS)} – {duration_text(c.end, CLOCK_DECIMALS)}  {c.title}"
            for c in found.chapters
        ]
    return "\n".join(lines) + "\n"
