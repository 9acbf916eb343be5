"""Microsoft's neural voices (those of the Edge browser's read-aloud) through
the ``edge-tts`` package: natural Dutch voices, online, no key.

One request per segment (edge-tts splits long texts itself); its WordBoundary
events give a mark at every word, so the transcript cues are timed word by
word. Limits, retries and error naming come from :mod:`bulletin.tts.online`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from bulletin.core.errors import EngineError
from bulletin.core.model import Mark, Speech
from bulletin.core.network import Retryable
from bulletin.core.registry import Needs
from bulletin.core.schema import matches, setting
from bulletin.media.ffmpeg import decode_bytes
from bulletin.tts.online import OnlineEngine, OnlineSection, http_failure, unreachable

EDGE_RATE = 24000  # the service answers with 24 kHz mono MP3
TICKS_PER_SECOND = 10_000_000  # WordBoundary offsets are in 100-nanosecond ticks
HOST = "speech.platform.bing.com"
PROTOCOL_CHANGED = "Probable cause: the service changed; a newer edge-tts may fix it (pip install -U edge-tts)."
# The forms the service accepts for each prosody setting (edge-tts checks the same).
PERCENT, HERTZ = r"[+-]\d+%", r"[+-]\d+Hz"
VOICE_NAME = r"[a-z]{2,}-[A-Z]{2,}-\w+Neural"


@dataclass(frozen=True)
class EdgeOptions:
    """An Edge voice: its name and prosody."""

    voice: str = setting(matches(VOICE_NAME, "nl-NL-FennaNeural"), default="nl-NL-FennaNeural")
    rate: str = setting(matches(PERCENT, "+10%"), default="+0%")
    pitch: str = setting(matches(HERTZ, "-2Hz"), default="+0Hz")
    volume: str = setting(matches(PERCENT, "-5%"), default="+0%")


@dataclass(frozen=True)
class _Answer:
    mp3: bytes
    words: tuple[tuple[str, int], ...]  # (word, offset in ticks), in order


class EdgeEngine(OnlineEngine[str, _Answer]):
    """edge-tts with word timing, throttling and retries."""

    name: ClassVar[str] = "edge"
    description: ClassVar[str] = "Microsoft Edge neural voices via edge-tts (online, natural voice)"
    needs: ClassVar[Needs] = Needs(extra="edge", network=True)
    Options: ClassVar[type] = EdgeOptions
    service: ClassVar[str] = "Microsoft Edge TTS"
    client: ClassVar[str] = "edge_tts"

    def __init__(self, options: EdgeOptions, section: OnlineSection) -> None:
        self.voice, self.rate, self.pitch, self.volume = options.voice, options.rate, options.pitch, options.volume
        super().__init__(options, section)

    @property
    def settings(self) -> Mapping[str, Any]:
        return {"voice": self.voice, "rate": self.rate, "pitch": self.pitch, "volume": self.volume}

    @property
    def host(self) -> str:
        return HOST

    def _plan(self, text: str) -> list[str]:
        return [text] if text.strip() else []

    def _request(self, piece: str) -> _Answer:
        # asyncio (and ssl with it) loads when Microsoft is asked: every build loads this module
        # for its settings' schema, and most never speak through it.
        import asyncio

        return asyncio.run(self._stream(piece))

    async def _stream(self, text: str) -> _Answer:
        import aiohttp
        import edge_tts
        from edge_tts.exceptions import NoAudioReceived, WebSocketError

        communicate = edge_tts.Communicate(
            text,
            self.voice,
            rate=self.rate,
            pitch=self.pitch,
            volume=self.volume,
            boundary="WordBoundary",
            connect_timeout=max(1, round(self.timeout)),
            receive_timeout=max(1, round(self.timeout)),  # whole seconds
        )
        audio, words = bytearray(), list[tuple[str, int]]()
        try:
            async for chunk in communicate.stream():
                if chunk["type"] == "audio":
                    audio += chunk["data"]
                elif chunk["type"] == "WordBoundary":
                    words.append((str(chunk["text"]), int(chunk["offset"])))
        except aiohttp.WSServerHandshakeError as exc:
            raise http_failure("Microsoft", exc.status, None, PROTOCOL_CHANGED, self.offline_hint) from exc
        except aiohttp.ClientResponseError as exc:
            raise http_failure("Microsoft", exc.status, None, PROTOCOL_CHANGED, self.offline_hint) from exc
        except aiohttp.ClientConnectorError as exc:
            raise unreachable(self.host, self.offline_hint) from exc
        except (TimeoutError, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, WebSocketError) as exc:
            raise Retryable(f"no complete answer from {self.host} ({type(exc).__name__})") from exc
        except NoAudioReceived as exc:
            raise EngineError(
                f"Microsoft answered without audio. Probable cause: the voice {self.voice!r} "
                "does not exist; check options.voice in the voice profile.",
                self.offline_hint,
            ) from exc
        except edge_tts.exceptions.EdgeTTSException as exc:
            raise EngineError(
                f"Microsoft's answer was not understood ({exc}). {PROTOCOL_CHANGED}", self.offline_hint
            ) from exc
        return _Answer(bytes(audio), tuple(words))

    def _join(self, text: str, plan: Sequence[str], answers: Sequence[_Answer]) -> Speech:
        """The segment's audio, with a mark where each word the service timed starts."""
        import numpy as np

        if not answers:
            return Speech(np.zeros(0, dtype=np.int16), EDGE_RATE)
        answer = answers[0]
        samples = decode_bytes(answer.mp3, EDGE_RATE)
        marks: list[Mark] = []
        cursor = 0
        for word, ticks in answer.words:
            found = text.find(word, cursor)
            if found < 0:  # a word the service spelled differently: time the next one instead
                continue
            sample = min(len(samples), ticks * EDGE_RATE // TICKS_PER_SECOND)
            if not marks or sample >= marks[-1].sample:
                marks.append(Mark(found, sample))
            cursor = found + len(word)
        return Speech(samples, EDGE_RATE, tuple(marks))
