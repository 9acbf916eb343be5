"""espeak-ng, the offline default, loaded from the ``espeakng-loader`` wheel.

The wheel ships libespeak-ng and its voice data, so no system package and no
network are needed. The library keeps global state, so calls are serialised.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from bulletin.core.errors import EngineError, OptionError
from bulletin.core.model import Mark, Speech
from bulletin.core.schema import at_least, at_most, filled, setting
from bulletin.tts.base import Engine

if TYPE_CHECKING:  # numpy loads when something is spoken: a rebuild from stored parts needs none
    import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
CHARS_UTF8 = 1
EE_OK = 0
PARAM_RATE = 1
PARAM_PITCH = 3
MIN_RATE, MAX_RATE = 80, 450  # words per minute espeak-ng accepts
MIN_PITCH, MAX_PITCH = 0, 100
CALLBACK_CONTINUE, CALLBACK_ABORT = 0, 1  # what the synth callback tells espeak-ng

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1


class _Event(ctypes.Structure):
    """espeak_EVENT from speak_lib.h (the trailing union is pointer-sized)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds
        ("sample", ctypes.c_int),  # samples since the start of this text
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Library:
    """The process-wide libespeak-ng, initialised once."""

    def __init__(self) -> None:
        import espeakng_loader

        try:
            self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EngineError(
                f"espeak-ng could not be loaded ({exc}). Probable cause: a broken "
                "espeakng-loader install; try: pip install --force-reinstall espeakng-loader"
            ) from None
        lib = self.lib
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        self.sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), 0)
        if self.sample_rate <= 0:
            raise EngineError(f"espeak-ng failed to start with its data at {data}.")
        self.version: str = lib.espeak_Info(None).decode()
        self.lock = threading.Lock()
        self._chunks: list[bytes] = []  # 16-bit samples in the machine's byte order
        self._marks: list[Mark] = []
        self._raised: Exception | None = None
        self._abort = threading.Event()
        # Keep a reference: ctypes callbacks die with their Python object.
        self._callback = _SYNTH_CALLBACK(self._collect)
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        # ctypes prints and drops whatever a callback raises, so keep it and stop espeak.
        if self._abort.is_set():
            return CALLBACK_ABORT
        try:
            self._take(wav, count, events)
        except Exception as exc:
            self._raised = exc
            return CALLBACK_ABORT
        return CALLBACK_CONTINUE

    def _take(self, wav: Any, count: int, events: Any) -> None:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * ctypes.sizeof(ctypes.c_short)))
        index = 0
        while events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == EVENT_WORD:  # every word: where it starts, in text and audio
                self._marks.append(Mark(event.text_position - 1, event.sample))
            index += 1

    def _speak(self, data: bytes) -> int:
        """espeak_Synth on a thread of its own: Python runs signal handlers on the main
        thread, and one raising inside the callback (a Ctrl-C) would be swallowed by
        ctypes. Here the main thread receives it while waiting, and stops espeak."""
        status: list[int] = []
        self._abort.clear()
        worker = threading.Thread(
            target=lambda: status.append(
                self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
            ),
            name="espeak",
        )
        worker.start()
        try:
            worker.join()
        except BaseException:
            self._abort.set()
            worker.join()
            raise
        return status[0]

    def has_voice(self, voice: str) -> bool:
        """Whether espeak-ng knows ``voice`` (a name, or name+variant)."""
        with self.lock:
            return bool(self.lib.espeak_SetVoiceByName(voice.encode()) == EE_OK)

    def synth(self, text: str, voice: str, rate: int, pitch: int) -> tuple[np.ndarray, tuple[Mark, ...]]:
        import numpy as np

        data = text.encode("utf-8")
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EngineError(
                    f"espeak-ng has no voice {voice!r}; set options.voice in the voice profile "
                    '(for example "nl" or "nl+m3").'
                )
            self.lib.espeak_SetParameter(PARAM_RATE, rate, 0)
            self.lib.espeak_SetParameter(PARAM_PITCH, pitch, 0)
            self._chunks, self._marks, self._raised = [], [], None
            status = self._speak(data)
            chunks, marks, raised = self._chunks, tuple(self._marks), self._raised
            self._chunks, self._marks, self._raised = [], [], None
        if raised is not None:
            raise raised
        if status != EE_OK:
            raise EngineError(f"espeak-ng failed to speak a segment (status {status}).")
        return np.frombuffer(b"".join(chunks), dtype=np.int16).copy(), marks


@cache
def _library() -> _Library:
    return _Library()


@dataclass(frozen=True)
class EspeakOptions:
    """An espeak-ng voice: its name and variant, rate and pitch."""

    voice: str = setting(filled, default="nl")  # an espeak-ng voice name
    variant: str = setting(default="")  # e.g. "m3" or "f2"
    rate: int = setting(at_least(MIN_RATE), at_most(MAX_RATE), default=165)  # words per minute
    pitch: int = setting(at_least(MIN_PITCH), at_most(MAX_PITCH), default=45)


class EspeakEngine(Engine):
    """espeak-ng through ctypes: fast, offline, robotic but clear."""

    name: ClassVar[str] = "espeak"
    description: ClassVar[str] = "espeak-ng, offline (bundled by the espeakng-loader wheel)"
    Options: ClassVar[type] = EspeakOptions

    def __init__(self, options: EspeakOptions, section: None = None) -> None:
        self.voice = f"{options.voice}+{options.variant}" if options.variant else options.voice
        self.rate, self.pitch = options.rate, options.pitch
        try:
            library = _library()
        except EngineError:
            return  # not installed here: check() says so, and what to do
        if not library.has_voice(self.voice):  # a mistake in the voice profile, never a reason to fall back
            raise OptionError(
                "voice",
                f'espeak-ng has no voice {self.voice!r}; use a voice such as "nl" (Dutch), with a '
                'variant such as "m3" or "f2" if you like.',
            )

    def check(self) -> None:
        """espeak-ng needs the espeakng-loader wheel; loading it proves it works."""
        try:
            import espeakng_loader  # noqa: F401
        except ImportError:
            raise EngineError(
                "the espeak engine needs the espeakng-loader package; install it with: pip install espeakng-loader"
            ) from None
        _library()

    @property
    def version(self) -> str:
        return _library().version

    @property
    def settings(self) -> Mapping[str, Any]:
        return {"voice": self.voice, "rate": self.rate, "pitch": self.pitch}

    def synthesize(self, text: str) -> Speech:
        lib = _library()
        samples, marks = lib.synth(text, self.voice, self.rate, self.pitch)
        return Speech(samples, lib.sample_rate, marks)
