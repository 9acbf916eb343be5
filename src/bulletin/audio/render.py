"""From synthesised segments to finished, measured MP3s, a part at a time.

Parts (see :mod:`bulletin.audio.parts`) that are in the store are reused;
the rest are made in parallel, one task per segment for every rendition at
once (a podcast file and an Alexa file share the speech's analysis). The
file is the parts' frames joined; ffmpeg measures it, and what the encoder
did to its loudness and peaks is learnt as a calibration: a file that misses
its target by more than the tolerance is made again at once, one that only
misses the aim makes the next build aim better.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bulletin.audio import AudioSettings, Profile
from bulletin.audio.ffmpeg import run_ffmpeg
from bulletin.audio.meter import StreamMeter, mp3_duration
from bulletin.audio.parts import (Calibration, Part, PartPlan, PartStore, Rendition, Sounds, offsets, part_key,
                                  render_part)
from bulletin.audio.profiles import LOUDNESS_TOLERANCE_LU
from bulletin.audio.qa import QAReport, review
from bulletin.audio.sounders import SounderSet
from bulletin.audio.stitch import Span
from bulletin.fsutil import write_text
from bulletin.model import Mark, Speech

log = logging.getLogger(__name__)

# speech_for(indexes, ready): get the speech of those segments, calling ready(index, speech) for each.
SpeechFor = Callable[[Sequence[int], Callable[[int, Speech], None]], None]

# How much quieter the finished file measures than its parts were mastered:
# LAME's quantisation at lower bitrates (no bit reservoir), plus the gating
# blocks that straddle the pauses between parts (about 0.3 LU). Measured on
# this project's bulletins at each bitrate (kbps; a lower one takes the next
# one up); each build's measurement then corrects it.
OFFSET_PRIOR_DB = {96: 0.7, 128: 0.7, 160: 0.6, 192: 0.5, 256: 0.35, 320: 0.35}
HEADROOM_PRIOR_DB = 0.5  # true peaks rise a little in encoding
OVERSHOOT_MARGIN_DB = 0.1
LOUDNESS_AIM_LU = 0.25  # learn from a miss larger than this
ATTEMPTS = 3


@dataclass(frozen=True)
class Rendered:
    """A finished file: its QA report and its parts (for chapters and cues)."""

    qa: QAReport
    parts: tuple[Part, ...]
    sample_rate: int

    @property
    def duration(self) -> float:
        """Seconds, as measured on the file."""
        return self.qa.duration

    @property
    def starts(self) -> list[int]:
        """Where each part starts, in samples."""
        return offsets(self.parts)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Each segment's speech in the file, in samples."""
        return tuple(Span(s + p.speech[0], s + p.speech[1]) for s, p in zip(self.starts, self.parts, strict=True))

    @property
    def marks(self) -> tuple[tuple[Mark, ...], ...]:
        """Each segment's text marks in the file, in samples."""
        return tuple(tuple(Mark(m.char, s + m.sample) for m in p.marks)
                     for s, p in zip(self.starts, self.parts, strict=True))


def join(parts: Sequence[Part], path: Path) -> None:
    """The parts' frames one after another, given an Info header (frame count, CBR) by ffmpeg."""
    run_ffmpeg(["-f", "mp3", "-i", "pipe:0", "-c", "copy", "-write_xing", "1", "-id3v2_version", "0",
                "-f", "mp3", "-y", str(path)], what=f"write {path}", data=b"".join(p.mp3 for p in parts))


class Calibrations:
    """Learnt encoder corrections per bitrate, kept beside the parts (or for this run)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.values: dict[str, dict[str, float]] = {}
        if path and path.is_file():
            try:
                self.values = json.loads(path.read_text("utf-8"))
            except ValueError:
                log.warning("ignoring a damaged %s", path)

    def get(self, profile: Profile) -> Calibration:
        known = self.values.get(profile.bitrate)
        if known:
            return Calibration(known["offset_db"], known["headroom_db"])
        kbps = int(profile.bitrate.rstrip("k"))
        prior = next((v for k, v in sorted(OFFSET_PRIOR_DB.items()) if kbps <= k), 0.0)
        return Calibration(prior, HEADROOM_PRIOR_DB)

    def set(self, profile: Profile, calibration: Calibration) -> None:
        self.values[profile.bitrate] = calibration.to_dict()
        if self.path:
            write_text(self.path, json.dumps(self.values, indent=2) + "\n")


class Renderer:
    """Makes the files of one bulletin from its parts."""

    def __init__(self, settings: AudioSettings, sounders: SounderSet, store: PartStore,
                 calibrations: Calibrations) -> None:
        self.settings, self.sounders, self.store, self.calibrations = settings, sounders, store, calibrations
        self.sounds = Sounds(sounders, settings)
        self.made = 0  # parts rendered this run (not found in the store)

    def _parts(self, plans: Sequence[PartPlan], renditions: Mapping[str, Rendition], speech_for: SpeechFor,
               meters: Mapping[str, StreamMeter]) -> dict[str, list[Part]]:
        """Every rendition's parts, from the store or made; each meter is fed its file in order."""
        keys = {name: [part_key(p, r, self.settings, self.sounders) for p in plans]
                for name, r in renditions.items()}
        found = {name: [self.store.get(k) for k in ks] for name, ks in keys.items()}
        fed = dict.fromkeys(renditions, 0)

        def feed() -> None:  # as far as the parts are there, in order
            for name, parts in found.items():
                while fed[name] < len(parts) and parts[fed[name]] is not None:
                    meters[name].feed(parts[fed[name]].mp3)  # type: ignore[union-attr]
                    fed[name] += 1

        feed()
        todo = sorted({i for parts in found.values() for i, p in enumerate(parts) if p is None})
        if todo:
            def make(index: int, speech: Speech) -> tuple[int, list[str], list[Part]]:
                names = [n for n in renditions if found[n][index] is None]
                return index, names, render_part(plans[index], speech, [renditions[n] for n in names],
                                                 self.settings, self.sounds)

            workers = max(1, min(len(todo), os.cpu_count() or 1))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="part") as pool:
                # Each part is mastered as soon as its speech is there, while the rest is spoken.
                futures: list[Future[tuple[int, list[str], list[Part]]]] = []
                speech_for(todo, lambda index, speech: futures.append(pool.submit(make, index, speech)))
                for future in futures:
                    index, names, parts = future.result()
                    for name, part in zip(names, parts, strict=True):
                        found[name][index] = part
                        self.store.put(keys[name][index], part)
                        self.made += 1
                    feed()
        return {name: [p for p in parts if p is not None] for name, parts in found.items()}

    def render(self, plans: Sequence[PartPlan], profiles: Sequence[Profile], paths: Mapping[str, Path],
               speech_for: SpeechFor) -> dict[str, Rendered]:
        """Write one file per profile to ``paths[profile.name]``; measure, correct, review."""
        rate = self.settings.sample_rate
        pending = {p.name: p for p in profiles}
        done: dict[str, Rendered] = {}
        for attempt in range(1, ATTEMPTS + 1):
            renditions = {name: Rendition(p, self.calibrations.get(p)) for name, p in pending.items()}
            meters = {name: StreamMeter(str(paths[name])) for name in pending}
            try:
                parts = self._parts(plans, renditions, speech_for, meters)
                measured = {}
                for name in pending:
                    join(parts[name], paths[name])
                    measured[name] = meters[name].finish(mp3_duration(paths[name]))
            except BaseException:  # e.g. Google failed partway: the build goes on with another voice
                for meter in meters.values():
                    meter.abort()
                raise
            for name, profile in list(pending.items()):
                result = measured[name]
                calibration = renditions[name].calibration
                miss = profile.loudness - result.integrated
                overshoot = result.true_peak - profile.true_peak
                log.info("%s: %.1f LUFS, %.1f dBTP (attempt %d)", name, result.integrated, result.true_peak, attempt)
                if abs(miss) > LOUDNESS_AIM_LU or overshoot > 0:
                    self.calibrations.set(profile, Calibration(
                        round(calibration.offset_db + miss, 2),
                        round(calibration.headroom_db + max(overshoot + OVERSHOOT_MARGIN_DB, 0), 2)))
                retry = abs(miss) > LOUDNESS_TOLERANCE_LU or overshoot > 0
                if retry and attempt < ATTEMPTS:
                    continue
                segment_loudness = [p.loudness if math.isfinite(p.loudness) else None for p in parts[name]]
                done[name] = Rendered(review(result, profile, segment_loudness), tuple(parts[name]), rate)
                del pending[name]
            if not pending:
                break
        return done

