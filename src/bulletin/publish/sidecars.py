"""Transcripts and chapters as the files podcast apps read: WebVTT, SRT and
Podcast Index JSON chapters (version 1.2.0)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bulletin.core.model import Chapter, Cue
from bulletin.core.pcm import MS_PER_S
from bulletin.core.plaintext import printable
from bulletin.text.captions import caption_lines

CHAPTERS_VERSION = "1.2.0"
CUE_ARROW, SAFE_ARROW = "-->", "->"  # the arrow ends a cue's timing line: never in its text
# WebVTT cue text is markup: these three must be escaped to be read as text.
VTT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# SubRip has no escapes, and players read <b>, <i>, <font> in it: angle brackets become
# look-alike quotation marks so news text never turns into markup.
SRT_BRACKETS = str.maketrans({"<": "‹", ">": "›"})


def _timestamp(seconds: float, separator: str) -> str:
    total_ms = round(seconds * MS_PER_S)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, MS_PER_S)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _lines(text: str) -> str:
    """Cue text in its caption lines, never an empty line (that would end the cue)."""
    return "\n".join(caption_lines(text)) or text.strip()


def _without_arrow(text: str) -> str:
    while CUE_ARROW in text:  # "--->" leaves "-->" behind once
        text = text.replace(CUE_ARROW, SAFE_ARROW)
    return text


def webvtt(cues: Sequence[Cue], language: str) -> str:
    """A WebVTT transcript. The current spec has no header metadata (strict parsers refuse a
    ``Language:`` line after the signature): the language is said where readers look for it (the
    feed's ``podcast:transcript``), and noted for people in a NOTE block."""
    blocks = ["WEBVTT\n", f"NOTE language: {printable(language).replace(CUE_ARROW, SAFE_ARROW)}\n"]
    for number, cue in enumerate(cues, 1):
        text = _lines(_without_arrow(printable(cue.text))).translate(VTT_ESCAPES)
        blocks.append(f"{number}\n{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n{text}\n")
    return "\n".join(blocks)


def srt(cues: Sequence[Cue]) -> str:
    """A SubRip transcript."""
    return "\n".join(
        f"{number}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n"
        f"{_lines(printable(cue.text).translate(SRT_BRACKETS))}\n"  # no ">", so no arrow
        for number, cue in enumerate(cues, 1)
    )


def chapters_json(chapters: Sequence[Chapter]) -> str:
    """Podcast Index JSON chapters: ``{"version": "1.2.0", "chapters": [{"startTime", "title"}]}``."""
    data = {
        "version": CHAPTERS_VERSION,
        "chapters": [{"startTime": c.start, "endTime": c.end, "title": printable(c.title)} for c in chapters],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
