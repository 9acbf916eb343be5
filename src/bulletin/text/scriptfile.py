"""A script as plain text for people and as JSON for programs.

Both show each segment's text as written ("Keir Starmer", "1200 bomen"), which is what an
editor edits; the JSON adds ``spoken``, how the voice reads it ("Kier Starmer", "twaalfhonderd
bomen"), for information. Both can be read back (see :mod:`bulletin.sources.script`), so an
editor can change a script and build exactly that: the written text is prepared again.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bulletin.core.model import Dropped, Script, Segment

RULE = "-" * 60
SCRIPT_FORMAT = "bulletin-script"  # the JSON's "format", so it is known as a script
SCRIPT_VERSION = 2  # the JSON's "version"; raised when a reader could misread the shape
# Version 1 held the spoken text in "text" (and the written one, where it differed, in
# "written"); it is still read, and built as it was.
SPOKEN_TEXT_VERSION = 1
# Lines before the first segment in the text that name the bulletin's moment and section.
AT_FIELD = "at"
SECTION_FIELD = "section"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment else None


def segment_dict(segment: Segment) -> dict[str, Any]:
    """One segment in the documented JSON shape: ``text`` as written, ``spoken`` as read."""
    return {
        "kind": segment.kind.value,
        "title": segment.title,
        "place": segment.place,
        "agencies": list(segment.agencies),
        "published": _iso(segment.published),
        "text": segment.written,
        "spoken": segment.text,
    }


def dropped_dict(item: Dropped) -> dict[str, Any]:
    """One left-out story in the documented JSON shape."""
    return {
        "kind": item.kind,
        "title": item.title,
        "place": item.place,
        "published": _iso(item.published),
        "estimated_seconds": item.estimated_seconds,
    }


def to_dict(script: Script) -> dict[str, Any]:
    """``{"format", "version", "title", "at", "section", "segments": [...], "dropped": [...],
    "dropped_text": [...]}``."""
    return {
        "format": SCRIPT_FORMAT,
        "version": SCRIPT_VERSION,
        "title": script.title,
        "at": script.at.isoformat(timespec="seconds"),
        "section": script.section,
        "segments": [segment_dict(s) for s in script.segments],
        "dropped": [dropped_dict(d) for d in script.dropped],
        "dropped_text": [
            {"source": d.source, "story": d.story, "text": d.text, "rule": d.rule} for d in script.dropped_text
        ],
    }


def to_json(script: Script) -> str:
    """The script as pretty-printed UTF-8 JSON text."""
    return json.dumps(to_dict(script), ensure_ascii=False, indent=2) + "\n"


def to_text(script: Script) -> str:
    """The script as an editor reads it, each segment's text as written."""
    lines = [script.title, f"{AT_FIELD}: {script.at.isoformat(timespec='seconds')}"]
    lines += [f"{SECTION_FIELD}: {script.section}"] if script.section else []
    lines += [f"~{script.estimated_seconds:.0f} s, {len(script.segments)} segments", ""]
    for number, seg in enumerate(script.segments, 1):
        lines += [f"[{number}] {seg.kind.value.upper()}: {seg.title}", seg.written, ""]
    if script.dropped:
        lines += [RULE, "Left out to fit the length:"]
        lines += [f"- {d.kind}: {d.title} (~{d.estimated_seconds:.0f} s)" for d in script.dropped]
    return "\n".join(lines).rstrip() + "\n"


def description(script: Script) -> str:
    """One paragraph for tags and feeds: the title and the stories it covers."""
    stories = [s.title for s in script.segments if s.kind.is_story]
    return f"{script.title}. " + " · ".join(stories)


def transcript(script: Script) -> str:
    """The whole bulletin as written text, a blank line between segments."""
    return "\n\n".join(s.written for s in script.segments) + "\n"
