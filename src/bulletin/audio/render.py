"""From synthesised segments to finished, measured files, a part at a time.

Parts (see :mod:`bulletin.audio.parts`) that are in the store are reused;
the rest are made in parallel, one task per segment for every rendition at
once (a podcast file and an Alexa file share the speech's analysis). The
file is the parts joined by the profile's encoder; ffmpeg measures it, and
what the encoder did to its loudness and peaks is learnt as a calibration: a
file that misses its target by more than the tolerance is made again at once,
one that only misses the aim makes the next build aim better.

ffmpeg's verdict on a file is kept under the exact list of its parts' keys,
so a rebuild from parts that are all in the store only joins them: the same
parts make the same bytes, which measure the same.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin import __version__
from bulletin.audio import AudioSettings
from bulletin.audio.parts import (
    Part,
    PartPlan,
    PartStore,
    Rendition,
    offsets,
    part_key,
    render_part,
    segment_part,
)
from bulletin.audio.profiles import LOUDNESS_TOLERANCE_LU, Profile
from bulletin.audio.qa import QAReport, review
from bulletin.audio.sounders import SounderSet
from bulletin.audio.stitch import Span
from bulletin.core.errors import AudioError
from bulletin.core.jsontext import loads
from bulletin.core.machine import usable_cores
from bulletin.core.model import Mark, Speech
from bulletin.formats.base import Calibration, Encoder
from bulletin.media.meter import FileLoudness, Meter
from bulletin.storage.atomic import write_text
from bulletin.storage.blobstore import BlobStore, content_key

if TYPE_CHECKING:
    from bulletin.audio.mixing import Sounds

log = logging.getLogger(__name__)

# speech_for(indexes, ready): get the speech of those segments, calling ready(index, speech) for each.
SpeechFor = Callable[[Sequence[int], Callable[[int, Speech], None]], None]

OVERSHOOT_MARGIN_DB = 0.1
LOUDNESS_AIM_LU = 0.25  # learn from a miss larger than this
# What the encoder does to loudness and peaks is a fraction of a decibel; a learnt
# correction beyond this is a broken measurement, never a lesson.
MAX_CORRECTION_DB = 6.0
# A file this short is measured too coarsely (one gating block or none) to learn from or retry.
MIN_LEARNING_S = 3.0
ATTEMPTS = 3
IN_FLIGHT_PER_WORKER = 2  # segments' speech waiting for, or in, mastering
VERDICT_MAGIC = b"BLTNVRD1"
VERDICT_SUFFIX = ".verdict"


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
        return tuple(
            tuple(Mark(m.char, s + m.sample) for m in p.marks) for s, p in zip(self.starts, self.parts, strict=True)
        )


def _bounded(db: float) -> float:
    return round(max(-MAX_CORRECTION_DB, min(MAX_CORRECTION_DB, db)), 2)


def _calibration(value: Any) -> Calibration | None:
    """A stored calibration, or None when it is not two finite numbers."""
    if not isinstance(value, dict):
        return None
    numbers = [value.get(name) for name in ("offset_db", "headroom_db")]
    if not all(
        isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) and abs(n) <= MAX_CORRECTION_DB
        for n in numbers
    ):
        return None
    return Calibration(float(numbers[0]), float(numbers[1]))  # type: ignore[arg-type]


class Calibrations:
    """Learnt encoder corrections per calibration key, kept beside the parts (or for this run).

    A damaged file (not JSON, the wrong shapes, NaN) is set aside with a
    warning and made again from the priors: it only ever holds what the next
    build can learn anew.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.values: dict[str, Calibration] = {}
        if path and path.is_file():
            try:
                stored = loads(path.read_text("utf-8"))
            except (ValueError, UnicodeDecodeError, OSError):
                stored = None
            entries = stored.items() if isinstance(stored, dict) else ()
            self.values = {key: c for key, value in entries if (c := _calibration(value)) is not None}
            if not isinstance(stored, dict) or len(self.values) != len(stored):
                log.warning("ignoring a damaged %s; the encoder corrections are learnt again.", path)
                self._save()

    def _save(self) -> None:
        if self.path:
            write_text(self.path, json.dumps({k: c.to_dict() for k, c in self.values.items()}, indent=2) + "\n")

    def get(self, encoder: Encoder) -> Calibration:
        """The corrections for what ``encoder`` writes."""
        return self.values.get(encoder.calibration_key()) or encoder.prior()

    def set(self, encoder: Encoder, calibration: Calibration) -> None:
        """Learn ``calibration`` (and keep it, if there is a file)."""
        self.values[encoder.calibration_key()] = calibration
        self._save()


class Verdicts:
    """ffmpeg's measurements of joined files, by the keys of the parts they were joined from."""

    def __init__(self, root: Path | None) -> None:
        self.store = BlobStore(root, VERDICT_MAGIC, VERDICT_SUFFIX)

    @staticmethod
    def key(part_keys: Sequence[str], profile: Profile, encoder: Encoder) -> str:
        """The name of the file these parts make."""
        return content_key(
            {
                "bulletin": __version__,
                "parts": list(part_keys),
                "profile": asdict(profile),
                "format": encoder.format.name,
                "encoder": encoder.identity(),
            }
        )

    def get(self, key: str) -> tuple[FileLoudness, bytes] | None:
        """The measurement, if this file was measured before, and the file itself if it was kept
        (``b""`` if not)."""
        found = self.store.get(key)
        if found is None:
            return None
        try:
            return FileLoudness(**found[0]), found[1]
        except TypeError:  # written by another version
            return None

    def put(self, key: str, measured: FileLoudness, joined: bytes = b"") -> None:
        """Keep a measurement, and the joined file when joining it again would cost an encode."""
        self.store.put(key, asdict(measured), joined)


class Renderer:
    """Makes the files of one bulletin from its parts."""

    def __init__(
        self,
        settings: AudioSettings,
        sounders: SounderSet,
        store: PartStore,
        calibrations: Calibrations,
        verdicts: Verdicts,
    ) -> None:
        self.settings, self.sounders, self.store = settings, sounders, store
        self.calibrations, self.verdicts = calibrations, verdicts
        self.made = 0  # parts rendered this run (not found in the store)

    @cached_property
    def sounds(self) -> Sounds:
        """The sounders, levelled; loaded with the signal processing (numpy) when a part is first made."""
        from bulletin.audio.mixing import Sounds

        return Sounds(self.sounders, self.settings)

    def _light(self, part: Part) -> Part:
        """A part without its bytes where the store can give them back: a bulletin's parts are
        read from the store one at a time (by the meter, by the join), never all held at once."""
        return replace(part, data=b"") if self.store.store.root is not None else part

    def _bytes(self, key: str, part: Part) -> bytes:
        """A part's bytes: its own, or the store's."""
        if part.data or not part.samples:
            return part.data
        stored = self.store.get(key)
        if stored is None:  # removed or damaged since it was read: nothing to join, so stop here
            raise AudioError(f"a mastered part ({key[:12]}) left the cache during the build; build again.")
        return stored.data

    def _parts(
        self,
        plans: Sequence[PartPlan],
        renditions: Mapping[str, Rendition],
        keys: Mapping[str, list[str]],
        found: dict[str, list[Part | None]],
        speech_for: SpeechFor,
        meters: Mapping[str, Meter],
    ) -> dict[str, list[Part]]:
        """Every rendition's parts, from the store or made; each meter is fed its file in order."""
        fed = dict.fromkeys(meters, 0)

        def feed() -> None:  # as far as the parts are there, in order
            for name, meter in meters.items():
                parts = found[name]
                while fed[name] < len(parts) and (part := parts[fed[name]]) is not None:
                    meter.feed(self._bytes(keys[name][fed[name]], part))
                    fed[name] += 1

        feed()
        todo = sorted({i for parts in found.values() for i, p in enumerate(parts) if p is None})
        if todo:
            sounds = self.sounds  # made here, once, not by the workers

            def make(index: int, speech: Speech) -> tuple[int, list[str], list[Part]]:
                names = [n for n in renditions if found[n][index] is None]
                return (
                    index,
                    names,
                    render_part(plans[index], speech, [renditions[n] for n in names], self.settings, sounds),
                )

            def collect(wait: bool) -> None:  # finished parts, in order, into the store and the meters
                while running and (wait or running[0].done()):
                    index, names, parts = running.popleft().result()
                    for name, part in zip(names, parts, strict=True):
                        self.store.put(keys[name][index], part)
                        found[name][index] = self._light(part)
                        self.made += 1
                    feed()

            workers = max(1, min(len(todo), usable_cores()))
            # Speech waits for a free slot: synthesis runs ahead of mastering by a few parts, not
            # by the whole bulletin, so memory stays flat in the bulletin's length.
            slots = threading.BoundedSemaphore(workers * IN_FLIGHT_PER_WORKER)
            running: deque[Future[tuple[int, list[str], list[Part]]]] = deque()

            def submit(index: int, speech: Speech) -> None:
                slots.acquire()
                future = pool.submit(make, index, speech)
                future.add_done_callback(lambda _done: slots.release())
                running.append(future)
                collect(wait=False)

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="part") as pool:
                # The sounders these parts use are levelled while the first speech is being made,
                # by a worker that would otherwise wait for it (the first part needs the intro's).
                wanted = {e.sounder for i in todo for e in (*plans[i].before, *plans[i].after) if e.sounder}
                for name in sorted(wanted):
                    pool.submit(sounds.get, name)
                # Each part is mastered as soon as its speech is there, while the rest is spoken.
                speech_for(todo, submit)
                collect(wait=True)
        return {name: [p for p in parts if p is not None] for name, parts in found.items()}

    def render(
        self,
        plans: Sequence[PartPlan],
        profiles: Mapping[str, Profile],
        encoders: Mapping[str, Encoder],
        paths: Mapping[str, Path],
        speech_for: SpeechFor,
        pieces: Sequence[Sequence[int]] | None = None,
        made: Callable[[], None] | None = None,
    ) -> dict[str, Rendered]:
        """Write one file per rendition (``profiles``: by name) to ``paths[name]`` with ``encoders[name]``;
        measure (or recall the measurement of the same parts), correct, review. With
        ``pieces`` (per segment, where each of its pieces' text starts: see
        :func:`~bulletin.audio.parts.plan_parts`), the result has one part per segment.
        ``made`` is called once every part is made (mastering's memory given back), before
        the files are joined: what it starts runs beside the join and the meter's last reading."""
        rate = self.settings.sample_rate
        pending = dict(profiles)
        done: dict[str, Rendered] = {}
        for attempt in range(1, ATTEMPTS + 1):
            renditions = {
                name: Rendition(p, self.calibrations.get(encoders[name]), encoders[name]) for name, p in pending.items()
            }
            keys = {
                name: [part_key(plan, r, self.settings, self.sounders) for plan in plans]
                for name, r in renditions.items()
            }
            found: dict[str, list[Part | None]] = {
                name: [None if (p := self.store.get(k)) is None else self._light(p) for k in ks]
                for name, ks in keys.items()
            }
            verdict_keys = {name: Verdicts.key(keys[name], p, encoders[name]) for name, p in pending.items()}
            known = {
                name: v
                for name in pending
                if None not in found[name] and (v := self.verdicts.get(verdict_keys[name])) is not None
            }
            meters = {name: encoders[name].meter(paths[name], rate) for name in pending if name not in known}
            try:
                parts = self._parts(plans, renditions, keys, found, speech_for, meters)
                for meter in meters.values():  # it has every byte: it reads on while the files are joined
                    meter.close()
                if made:
                    made()
                measured = {name: verdict[0] for name, verdict in known.items()}
                for name in pending:
                    encoder = encoders[name]
                    kept = known[name][1] if name in known else b""
                    if kept:  # the same parts make the same file: the one joined before
                        paths[name].write_bytes(kept)
                    else:
                        encoder.join(
                            (self._bytes(key, p) for key, p in zip(keys[name], parts[name], strict=True)),
                            paths[name],
                            rate,
                        )
                    parts[name] = [replace(p, data=b"") for p in parts[name]]  # in the file: keep only timings
                    if name in meters:
                        length = encoder.duration(paths[name], sum(p.samples for p in parts[name]), rate)
                        measured[name] = meters[name].finish(length)
                        joined = paths[name].read_bytes() if encoder.keep_joined else b""
                        self.verdicts.put(verdict_keys[name], measured[name], joined)
            except BaseException:  # e.g. Google failed partway: the build goes on with another voice
                for meter in meters.values():
                    meter.abort()
                raise
            for name, profile in list(pending.items()):
                result, encoder = measured[name], encoders[name]
                calibration = renditions[name].calibration
                miss = profile.loudness - result.integrated
                overshoot = result.true_peak - profile.true_peak
                log.info(
                    "%s: %.1f LUFS, %.1f dBTP (attempt %d%s)",
                    name,
                    result.integrated,
                    result.true_peak,
                    attempt,
                    ", measured before" if name in known else "",
                )
                learnable = result.duration >= MIN_LEARNING_S and math.isfinite(miss)
                if learnable and (abs(miss) > LOUDNESS_AIM_LU or overshoot > 0):
                    self.calibrations.set(
                        encoder,
                        Calibration(
                            _bounded(calibration.offset_db + miss),
                            _bounded(calibration.headroom_db + max(overshoot + OVERSHOOT_MARGIN_DB, 0)),
                        ),
                    )
                retry = learnable and (abs(miss) > LOUDNESS_TOLERANCE_LU or overshoot > 0)
                if retry and attempt < ATTEMPTS:
                    continue
                segments = _by_segment(parts[name], pieces)
                segment_loudness = [p.loudness if math.isfinite(p.loudness) else None for p in segments]
                done[name] = Rendered(review(result, profile, segment_loudness), tuple(segments), rate)
                del pending[name]
            if not pending:
                break
        return done


def _by_segment(parts: Sequence[Part], pieces: Sequence[Sequence[int]] | None) -> list[Part]:
    """One part per segment from the parts of its pieces."""
    if pieces is None:
        return list(parts)
    out, position = [], 0
    for starts in pieces:
        out.append(segment_part(parts[position : position + len(starts)], starts))
        position += len(starts)
    return out
