"""Piper: neural voices offline, from an ONNX model and its config (piper-tts
with onnxruntime; phonemes from piper's own bundled espeak-ng).

The model is loaded once per engine (one engine per build) and segments are
spoken concurrently, up to the core count. Each sentence is synthesised on its
own, so every sentence gets a mark; where the model gives phoneme alignments
(piper exposes them when the ``onnx`` package can patch the model in memory),
every word gets one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from bulletin.core.errors import EngineError, OptionError
from bulletin.core.machine import usable_cores
from bulletin.core.model import Mark, Speech
from bulletin.core.registry import Needs
from bulletin.core.schema import at_least, at_most, folder_url, setting
from bulletin.text.sentences import spans
from bulletin.tts.base import Engine, OnDone
from bulletin.tts.piper_store import md5_of

if TYPE_CHECKING:  # numpy loads when something is spoken
    import numpy as np

WORD_GAP_PHONEME = " "  # espeak separates words with a space among the phonemes
WORD = re.compile(r"\S+")
MIN_LENGTH_SCALE, MAX_LENGTH_SCALE = 0.5, 2.0
MAX_WORKERS = 64


@dataclass(frozen=True)
class PiperOptions:
    """A Piper voice: its model, pace and speaker."""

    model: str = setting(default="")  # the .onnx file; its .onnx.json lies beside it
    length_scale: float = setting(at_least(MIN_LENGTH_SCALE), at_most(MAX_LENGTH_SCALE), default=1.0)  # above 1: slower
    speaker: int = setting(at_least(0), default=0)


@dataclass(frozen=True)
class PiperSection:
    """``[piper]``: where voices are downloaded from, and how many segments are spoken at once."""

    catalogue: str = setting(folder_url)
    workers: int = setting(at_least(0), at_most(MAX_WORKERS))


@cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    """The model file's MD5 (keyed on size and time, so a replaced model gets a new one)."""
    return md5_of(path)


def _word_marks(chunk: Any, piece: str, offset: int, start: int) -> list[Mark] | None:
    """A mark per word from the chunk's phoneme alignments; None when they do not line up."""
    alignments = chunk.phoneme_alignments
    if not alignments:
        return None
    starts, position, at_word = [], start, True
    for alignment in alignments:
        if alignment.phoneme == WORD_GAP_PHONEME:
            at_word = True
        elif at_word and alignment.phoneme not in ("^", "$"):
            starts.append(position)
            at_word = False
        position += int(alignment.num_samples)
    words = [m.start() for m in WORD.finditer(piece)]
    if len(words) != len(starts):
        return None
    return [Mark(offset + char, int(sample)) for char, sample in zip(words, starts, strict=True)]


class PiperEngine(Engine):
    """piper-tts on onnxruntime: natural Dutch voices without the network."""

    name: ClassVar[str] = "piper"
    description: ClassVar[str] = "Piper neural voices (offline, ONNX)"
    needs: ClassVar[Needs] = Needs(extra="piper")
    Options: ClassVar[type] = PiperOptions
    Section: ClassVar[type | None] = PiperSection
    no_voice_hint: ClassVar[str] = "Install one with `bulletin voices download nl_NL-mls-medium`."

    def __init__(self, options: PiperOptions, section: PiperSection) -> None:
        if not options.model:
            raise OptionError(
                "model",
                "a piper voice needs options.model: the path of its .onnx file "
                "(`bulletin voices download NAME` installs one as profile piper-NAME).",
            )
        self.model = Path(options.model).expanduser()
        self.length_scale, self.speaker = options.length_scale, options.speaker
        self.workers = section.workers or usable_cores()
        self._voice: Any = None
        self._lock = threading.Lock()

    def check(self) -> None:
        """piper-tts must be installed and the model and its config present."""
        try:
            import onnxruntime  # noqa: F401
            import piper  # noqa: F401
        except ImportError:
            raise EngineError(
                "the piper engine needs piper-tts and onnxruntime: pip install 'bulletin[piper]'"
            ) from None
        for path in (self.model, self.model.with_name(self.model.name + ".json")):
            if not path.is_file():
                raise EngineError(
                    f"piper model file {path} not found; `bulletin voices download NAME` or "
                    "`bulletin voices add MODEL.onnx` installs a voice."
                )

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return version("piper-tts")

    @property
    def settings(self) -> Mapping[str, Any]:
        stat = self.model.stat()
        return {
            "model": _digest(self.model, stat.st_size, stat.st_mtime_ns),
            "length_scale": self.length_scale,
            "speaker": self.speaker,
        }

    def _loaded(self) -> Any:
        with self._lock:
            if self._voice is None:
                self.check()
                from piper import PiperVoice

                try:
                    import onnx  # noqa: F401  (lets piper expose the model's alignments)

                    alignments = True
                except ImportError:
                    alignments = False
                try:
                    self._voice = PiperVoice.load(self.model, include_alignments=alignments)
                except Exception as exc:  # onnx, protobuf and onnxruntime each raise their own types
                    first_line = next(iter(str(exc).splitlines()), "")  # their messages run to many lines
                    raise EngineError(
                        f"piper could not load {self.model} ({type(exc).__name__}: {first_line}). "
                        "Probable cause: a damaged model; download it again."
                    ) from None
            return self._voice

    def synthesize(self, text: str) -> Speech:
        import numpy as np
        from piper import SynthesisConfig

        voice = self._loaded()
        config = SynthesisConfig(speaker_id=self.speaker or None, length_scale=self.length_scale)
        parts: list[np.ndarray] = []
        marks: list[Mark] = []
        cursor = 0
        for start, end in spans(text):
            piece = text[start:end]
            chunks = list(voice.synthesize(piece, syn_config=config, include_alignments=True))
            words = _word_marks(chunks[0], piece, start, cursor) if len(chunks) == 1 else None
            marks.extend(words or [Mark(start, cursor)])
            for chunk in chunks:
                parts.append(chunk.audio_int16_array)
                cursor += len(parts[-1])
        rate = voice.config.sample_rate
        return Speech(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16), rate, tuple(marks))

    def synthesize_many(self, texts: Sequence[str], on_done: OnDone | None = None) -> list[Speech]:
        """Segments side by side, up to ``workers`` at once (onnxruntime runs in parallel)."""
        self._loaded()
        results: list[Speech | None] = [None] * len(texts)

        def one(index: int) -> None:
            results[index] = self.synthesize(texts[index])

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="piper") as pool:
            futures = [pool.submit(one, index) for index in range(len(texts))]
            for index, future in enumerate(futures):
                future.result()
                if on_done:
                    on_done(index, results[index])  # type: ignore[arg-type]
        return [r for r in results if r is not None]
