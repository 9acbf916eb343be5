"""Transcripts and chapters as the files podcast apps read: WebVTT, SRT and
Podcast Index JSON chapters (version 1.2.0)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from bulletin.model import Chapter, Cue

CHAPTERS_VERSION = "1.2.0"
CAPTION_LINE_CHARS = 42
MS_PER_S = 1000


def _timestamp(seconds: float, separator: str) -> str:
    total_ms = round(seconds * MS_PER_S)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, MS_PER_S)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _lines(text: str) -> str:
    return "\n".join(textwrap.wrap(text, CAPTION_LINE_CHARS)) or text


def webvtt(cues: Sequence[Cue], language: str = "nl") -> str:
    """A WebVTT transcript."""
    blocks = [f"WEBVTT\nLanguage: {language}\n"]
    for number, cue in enumerate(cues, 1):
        # "-->" may not appear in cue text; an arrow-free spelling keeps the meaning.
        text = _lines(cue.text).replace("-->", "->")
        blocks.append(f"{number}\n{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n{text}\n")
    return "\n".join(blocks)


def srt(cues: Sequence[Cue]) -> str:
    """A SubRip transcript."""
    return "\n".join(
        f"{number}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{_lines(cue.text)}\n"
        for number, cue in enumerate(cues, 1)
    )


def chapters_json(chapters: Sequence[Chapter]) -> str:
    """Podcast Index JSON chapters: ``{"version": "1.2.0", "chapters": [{"startTime", "title"}]}``."""
    data = {
        "version": CHAPTERS_VERSION,
        "chapters": [{"startTime": c.start, "endTime": c.end, "title": c.title} for c in chapters],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
