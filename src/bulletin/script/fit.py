"""A script written (or edited) beforehand, made ready to read: its written text
prepared with the lexicons of the voices that read it, its length estimated for
them and, with a maximum, its last briefs left out until it fits (listed, and
reported with their text as ``cut: duration``). Nothing else changes: the segments
are read in the editor's order, with the editor's words."""

from __future__ import annotations

import logging
from dataclasses import replace

from bulletin.core.errors import ScriptError
from bulletin.core.model import Dropped, DroppedText, Script, Segment, SegmentKind
from bulletin.script.assemble import CUT_DURATION, Voicing
from bulletin.script.estimate import read_seconds

log = logging.getLogger(__name__)

SCRIPT_SOURCE = "script"  # the source named in reports when a script's own name is not known


def _length(segments: list[Segment], voicing: Voicing, gap_seconds: float) -> float:
    return read_seconds(((voicing.reader(s.kind).pacing, s.text) for s in segments), gap_seconds)


def prepare_script(script: Script, voicing: Voicing) -> Script:
    """``script`` as its voices read it: each segment's written text prepared, paragraph by
    paragraph, by the reader of its kind (a voice's respellings are that voice's). A script
    that is prepared already is returned as it is."""
    if script.prepared:
        return script

    def prepared(segment: Segment) -> Segment:
        prepare = voicing.reader(segment.kind).prepare
        return replace(segment, text="\n".join(prepare(p) for p in segment.written.split("\n")))

    return replace(script, segments=tuple(map(prepared, script.segments)), prepared=True)


def fit_script(
    script: Script,
    voicing: Voicing,
    gap_seconds: float,
    max_seconds: float | None = None,
    *,
    source: str = SCRIPT_SOURCE,
) -> Script:
    """``script`` with its estimated length; with ``max_seconds``, its briefs dropped
    from the end (the editor's order is the order of importance) until it fits.
    Each segment is estimated once: dropping is a subtraction, whatever the script's length."""
    segments = list(script.segments)
    seconds = [voicing.reader(s.kind).pacing.seconds(s.text) for s in segments]
    total = _length(segments, voicing, gap_seconds)
    dropped: list[Dropped] = []
    cut: list[DroppedText] = []
    keep = [True] * len(segments)
    briefs = (i for i in reversed(range(len(segments))) if segments[i].kind is SegmentKind.BRIEF)
    while max_seconds is not None and total > max_seconds:
        last = next(briefs, None)
        if last is None:
            raise ScriptError(
                f"without its briefs the script still takes about {total:.0f} s, "
                f"more than --max-duration {max_seconds:g}; allow more time or shorten the text."
            )
        brief, keep[last] = segments[last], False
        total -= seconds[last] + gap_seconds
        dropped.append(Dropped("brief", brief.title, brief.place, brief.published, round(seconds[last], 1)))
        cut.append(DroppedText(source, brief.title, brief.written, CUT_DURATION))
    for item in reversed(cut):  # in the script's order
        log.info("%s", item.line())
    kept = [s for s, kept in zip(segments, keep, strict=True) if kept]
    return replace(
        script,
        segments=tuple(kept),
        dropped=(*script.dropped, *dropped),
        dropped_text=(*script.dropped_text, *reversed(cut)),
        estimated_seconds=round(_length(kept, voicing, gap_seconds), 1),
    )
