"""Chapters and transcript cues, timed from the finished audio.

Chapters start where each segment's part starts (the first at zero) and end
where the next begins; the last ends at the file's end, so they tile it.

Cues come from the engine's marks: the character offsets of the spoken text
at known sample positions (espeak-ng reports every word; Google every piece
sent). Transcripts show the written text, so each written sentence is placed
at the same relative position in the matching spoken paragraph and timed by
interpolating between marks. Every cue stays inside its segment's speech.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from bulletin.audio.render import Rendered
from bulletin.core.model import Chapter, Cue, Mark, Script, Segment
from bulletin.core.pcm import MS_PER_S
from bulletin.text.captions import caption_pieces, fits_caption
from bulletin.text.sentences import spans

MIN_CUE_S = 0.2


def chapters(script: Script, rendered: Rendered) -> list[Chapter]:
    """One chapter per segment, contiguous from zero to the file's duration."""
    rate = rendered.sample_rate
    starts = [s / rate for s in rendered.starts]
    ends = [*starts[1:], sum(p.samples for p in rendered.parts) / rate]
    return [
        Chapter(seg.title, round(s, 3), round(e, 3)) for seg, s, e in zip(script.segments, starts, ends, strict=True)
    ]


def _clock(marks: Sequence[Mark], text_length: int, start: int, end: int) -> list[float]:
    """Sample position for every character offset of a segment's spoken text: linear between
    the marks (the last of several at one offset counts), never going back, within [start, end].

    Plain Python (numpy's interp, step for step), so that a rebuild from stored parts loads no numpy.
    """
    points = sorted(
        zip([0, *(m.char for m in marks), text_length], [start, *(m.sample for m in marks), end], strict=True),
        key=lambda point: point[0],
    )
    xs = [float(char) for char, _ in points]
    ys = list(accumulate((float(min(max(sample, start), end)) for _, sample in points), max))
    clock = []
    for char in range(text_length + 1):
        j = bisect_right(xs, char) - 1  # xs[j] <= char < xs[j + 1]
        if j < 0:
            clock.append(ys[0])
        elif j + 1 == len(xs) or xs[j] == char:
            clock.append(ys[j])
        else:
            slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
            clock.append(slope * (char - xs[j]) + ys[j])
    return clock


def _segment_cues(segment: Segment, marks: Sequence[Mark], start: int, end: int, rate: int) -> list[Cue]:
    clock = _clock(marks, len(segment.text), start, end)
    written_paragraphs = segment.written.split("\n")
    spoken_paragraphs = segment.text.split("\n")
    pieces: list[tuple[float, str]] = []  # (start sample, text)
    spoken_offset = 0
    for written, spoken in zip(written_paragraphs, spoken_paragraphs, strict=True):
        for first, last in spans(written):
            for offset, line in caption_pieces(written[first:last]):
                share = (first + offset) / max(len(written), 1)
                char = spoken_offset + round(share * len(spoken))
                pieces.append((clock[min(char, len(segment.text))], line))
        spoken_offset += len(spoken) + 1
    cues: list[Cue] = []
    for index, (at, text) in enumerate(pieces):
        until = pieces[index + 1][0] if index + 1 < len(pieces) else end
        joined = f"{cues[-1].text} {text}" if cues else ""
        # Too short to read: joined to the one before, if the two still fit one caption.
        if cues and (until - at) / rate < MIN_CUE_S and fits_caption(joined):
            cues[-1] = Cue(cues[-1].start, _ms_down(until, rate), joined)
            continue
        cues.append(Cue(_ms_up(at, rate), _ms_down(until, rate), text))
    return cues


# Cue times in whole milliseconds, rounded inwards so a cue never leaves its segment.
def _ms_up(sample: float, rate: int) -> float:
    return math.ceil(sample * MS_PER_S / rate) / MS_PER_S


def _ms_down(sample: float, rate: int) -> float:
    return math.floor(sample * MS_PER_S / rate) / MS_PER_S


def cues(script: Script, rendered: Rendered) -> list[Cue]:
    """The transcript in timed cues, at least one per sentence, in order."""
    out: list[Cue] = []
    for segment, span, marks in zip(script.segments, rendered.spans, rendered.marks, strict=True):
        out.extend(_segment_cues(segment, marks, span.start, span.end, rendered.sample_rate))
    return out
