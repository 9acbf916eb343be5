"""Google Translate's text-to-speech through gTTS: a natural Dutch voice, online.

gTTS does the request and parses Google's answer; around it we add our own
Dutch chunking under the 100-character limit, and from :mod:`bulletin.tts.online`
the shared request limits, retries and error naming.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from bulletin.core.errors import EngineError
from bulletin.core.model import Mark, Speech
from bulletin.core.network import Retryable
from bulletin.core.pcm import INT16_FULL_SCALE, MS_PER_S, loud_span
from bulletin.core.registry import Needs
from bulletin.core.schema import filled, language, matches, setting
from bulletin.media.ffmpeg import decode_bytes
from bulletin.tts.chunking import Chunk, Cut, pack, tokenizer
from bulletin.tts.online import CONNECT_TIMEOUT_S, OnlineEngine, OnlineSection, http_failure, retry_after, unreachable

if TYPE_CHECKING:  # numpy loads when something is spoken
    import numpy as np

GOOGLE_RATE = 24000  # Google answers with 24 kHz mono MP3
HTTP_OK = 200
# Google starts and ends every answer with silence; it is cut off and the
# pieces are joined with the pause a reader would make at that kind of cut.
PAUSE_MS = {Cut.SENTENCE: 320, Cut.CLAUSE: 160, Cut.CONJUNCTION: 60, Cut.WORD: 40, Cut.NONE: 40}
ENDPOINT_CHANGED = "Probable cause: the endpoint changed; a newer gTTS may fix it (pip install -U gTTS)."


@dataclass(frozen=True)
class GttsOptions:
    """A gTTS voice: the language and the Google host."""

    lang: str = setting(language, default="nl")
    tld: str = setting(filled, matches(r"[a-z]{2,3}(\.[a-z]{2,3})?", "com"), default="com")  # translate.google.<tld>
    slow: bool = setting(default=False)


class GttsEngine(OnlineEngine[Chunk, "np.ndarray"]):
    """gTTS with Dutch chunking, throttling and retries."""

    name: ClassVar[str] = "gtts"
    description: ClassVar[str] = "Google Translate TTS via gTTS (online, natural voice)"
    needs: ClassVar[Needs] = Needs(network=True)
    Options: ClassVar[type] = GttsOptions
    service: ClassVar[str] = "Google TTS"
    client: ClassVar[str] = "gtts"

    def __init__(self, options: GttsOptions, section: OnlineSection) -> None:
        self.lang, self.tld, self.slow = options.lang, options.tld, options.slow
        super().__init__(options, section)

    @property
    def settings(self) -> Mapping[str, Any]:
        return {"lang": self.lang, "tld": self.tld, "slow": self.slow}

    @property
    def host(self) -> str:
        """The Google host requests go to."""
        return f"translate.google.{self.tld}"

    def _plan(self, text: str) -> list[Chunk]:
        return pack(text)

    def _request(self, piece: Chunk) -> np.ndarray:
        import numpy as np
        from gtts import gTTS, gTTSError

        tts = gTTS(
            piece.text,
            lang=self.lang,
            tld=self.tld,
            slow=self.slow,
            lang_check=False,
            pre_processor_funcs=[],
            tokenizer_func=tokenizer,
            timeout=(min(CONNECT_TIMEOUT_S, self.timeout), self.timeout),
        )
        buffer = io.BytesIO()
        try:
            tts.write_to_fp(buffer)
        except gTTSError as exc:
            raise self._classify(exc) from exc
        except AssertionError:  # gTTS: nothing speakable left (only punctuation)
            return np.zeros(0, dtype=np.int16)
        if not buffer.getvalue():
            raise EngineError(f"Google answered without audio. {ENDPOINT_CHANGED}", self.offline_hint)
        samples = decode_bytes(buffer.getvalue(), GOOGLE_RATE)
        first, end = loud_span(samples, full_scale=INT16_FULL_SCALE)
        return samples[first:end]

    def _classify(self, exc: Exception) -> Exception:
        """Turn gTTS's error into a retry or a clear, final EngineError."""
        import requests

        response = getattr(exc, "rsp", None)
        if response is None:
            cause = exc.__context__
            # A connect timeout is a host out of reach (offline, firewalled); a read
            # timeout is a slow answer, worth another try.
            if isinstance(cause, requests.Timeout) and not isinstance(cause, requests.ConnectTimeout):
                return Retryable(f"no answer from {self.host} within {self.timeout:g} s")
            return unreachable(self.host, self.offline_hint)
        if response.status_code == HTTP_OK:
            return EngineError(f"Google answered without audio. {ENDPOINT_CHANGED}", self.offline_hint)
        return http_failure(
            "Google", response.status_code, retry_after(response.headers), ENDPOINT_CHANGED, self.offline_hint
        )

    def _join(self, text: str, plan: Sequence[Chunk], answers: Sequence[np.ndarray]) -> Speech:
        """The pieces in order with natural pauses; a mark where each piece starts."""
        import numpy as np

        parts: list[np.ndarray] = []
        marks: list[Mark] = []
        cursor = 0
        for piece, chunk in zip(answers, plan, strict=True):
            marks.append(Mark(chunk.start, cursor))
            pause = np.zeros(GOOGLE_RATE * PAUSE_MS[chunk.ends] // MS_PER_S, dtype=np.int16)
            parts += [piece, pause]
            cursor += len(piece) + len(pause)
        joined = np.concatenate(parts[:-1]) if parts else np.zeros(0, dtype=np.int16)
        return Speech(joined, GOOGLE_RATE, tuple(marks))
