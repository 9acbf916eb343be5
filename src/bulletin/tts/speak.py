"""Speak a script's segments: from the cache where possible, the rest by each
segment's engine (concurrently where the engine allows), in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bulletin.core.model import Speech
from bulletin.tts.base import Engine
from bulletin.tts.cache import SegmentCache, segment_key

BATCH = 16  # segments handed to an engine at once


@dataclass
class SpeechStats:
    """How a bulletin's speech was obtained."""

    segments: int = 0
    cached: int = 0
    synthesised: int = 0
    spoken: list[int] = field(default_factory=list)  # the indexes of the jobs synthesised, not cached
    shared: int = 0  # pieces of speech or mastered parts found in the shared cache (made on another machine)
    remade: int = 0  # entries of the shared cache that failed their check: removed, made again

    def shared_note(self) -> str:
        """What the shared cache gave, for a summary line ("" when it gave nothing)."""
        notes = [f"{self.shared} from the shared cache"] if self.shared else []
        if self.remade:
            notes.append(f"{self.remade} damaged there, made again")
        return ", ".join(notes)


def speak(
    jobs: Sequence[tuple[Engine, str]],
    cache: SegmentCache | None = None,
    on_done: Callable[[int, Speech], None] | None = None,
) -> SpeechStats:
    """Speech for each ``(engine, text)`` job, handed to ``on_done(index, speech)`` as
    each is ready (cached ones first), so that work on it can start while the rest
    is still being spoken."""
    stats = SpeechStats(segments=len(jobs))
    todo: dict[int, list[int]] = {}  # id(engine) -> job indexes still to synthesise
    engines: dict[int, Engine] = {}
    keys = [segment_key(engine, text) for engine, text in jobs] if cache else []
    if cache:
        cache.prefetch(keys)
    for index, (engine, _text) in enumerate(jobs):
        hit = cache.get(keys[index]) if cache else None
        if hit is not None:
            stats.cached += 1
            if on_done:
                on_done(index, hit)
        else:
            todo.setdefault(id(engine), []).append(index)
            engines[id(engine)] = engine

    for engine_id, indexes in todo.items():
        # An engine keeps every speech of one call until it returns: calls of a few segments
        # keep memory flat in the bulletin's length (and still let the engine overlap its work).
        for start in range(0, len(indexes), BATCH):
            batch = indexes[start : start + BATCH]

            def store(position: int, speech: Speech, batch: list[int] = batch) -> None:
                index = batch[position]
                stats.synthesised += 1
                stats.spoken.append(index)
                if cache:
                    cache.put(keys[index], speech)
                if on_done:
                    on_done(index, speech)

            engines[engine_id].synthesize_many([jobs[i][1] for i in batch], store)
    return stats
