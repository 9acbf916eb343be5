"""Google Translate's text-to-speech through gTTS: a natural Dutch voice, online.

gTTS does the request and parses Google's answer; around it we add what a
daily user needs from an unofficial endpoint: our own Dutch chunking under
the 100-character limit, a shared request-rate and concurrency limit,
retries with backoff on throttling (429), server errors and timeouts, and
errors that name the probable cause.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, ClassVar

import numpy as np

from bulletin.audio.ffmpeg import decode_bytes
from bulletin.errors import EngineError
from bulletin.tts.base import Engine, Mark, OnDone, Speech
from bulletin.tts.chunking import Chunk, Cut, pack, tokenizer
from bulletin.network import Backoff, Retryable, Throttle

log = logging.getLogger(__name__)

GOOGLE_RATE = 24000  # Google answers with 24 kHz mono MP3
HTTP_TOO_MANY_REQUESTS = 429
HTTP_SERVER_ERRORS = range(500, 600)
HTTP_OK = 200
# Google starts and ends every answer with silence; it is cut off and the
# pieces are joined with the pause a reader would make at that kind of cut.
EDGE_SILENCE_DB = -50.0
PAUSE_MS = {Cut.SENTENCE: 320, Cut.CLAUSE: 160, Cut.CONJUNCTION: 60, Cut.WORD: 40, Cut.NONE: 40}
INT16_FULL_SCALE = 32768
OFFLINE_HINT = "Try --engine espeak."
# A host that does not accept a connection within this long is out of reach.
CONNECT_TIMEOUT_S = 5.0
ENDPOINT_CHANGED = "Probable cause: the endpoint changed; a newer gTTS may fix it (pip install -U gTTS)."


_throttles: dict[tuple[str, float, int, int], Throttle] = {}
_throttles_lock = threading.Lock()


def shared_throttle(host: str, per_second: float, concurrent: int, burst: int) -> Throttle:
    """One throttle per host and limits, shared by every engine in the process,
    so two Google voices in one bulletin still keep to one limit."""
    limits = (host, per_second, concurrent, burst)
    with _throttles_lock:
        if limits not in _throttles:
            _throttles[limits] = Throttle(per_second, concurrent, burst)
        return _throttles[limits]


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None


class GttsEngine(Engine):
    """gTTS with Dutch chunking, throttling and retries."""

    name: ClassVar[str] = "gtts"
    description: ClassVar[str] = "Google Translate TTS via gTTS (online, natural voice)"
    online: ClassVar[bool] = True

    def __init__(
        self,
        lang: str = "nl",
        tld: str = "com",
        slow: bool = False,
        timeout: float = 10.0,
        tries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        requests_per_second: float = 15.0,
        concurrent: int = 6,
        burst: int = 6,
    ) -> None:
        if concurrent < 1 or burst < 1 or requests_per_second <= 0 or tries < 1:
            raise EngineError("gtts needs concurrent >= 1, burst >= 1, requests_per_second > 0 and tries >= 1.")
        self.lang, self.tld, self.slow, self.timeout = lang, tld, slow, timeout
        self.concurrent = concurrent
        self.throttle = shared_throttle(self.host, requests_per_second, concurrent, burst)
        self.backoff = Backoff(tries=tries, base=backoff, budget=max_wait)

    @classmethod
    def check(cls) -> None:
        """gTTS must be installed; whether Google answers shows at the first request."""
        try:
            import gtts  # noqa: F401
        except ImportError:
            raise EngineError("the gtts engine needs the gTTS package: pip install gTTS") from None

    @property
    def version(self) -> str:
        import gtts

        return str(gtts.__version__)

    @property
    def settings(self) -> Mapping[str, Any]:
        return {"lang": self.lang, "tld": self.tld, "slow": self.slow}

    @property
    def host(self) -> str:
        """The Google host requests go to."""
        return f"translate.google.{self.tld}"

    # --- one request ---------------------------------------------------------

    def _request(self, text: str) -> bytes:
        from gtts import gTTS, gTTSError

        tts = gTTS(text, lang=self.lang, tld=self.tld, slow=self.slow, lang_check=False,
                   pre_processor_funcs=[], tokenizer_func=tokenizer,
                   timeout=(min(CONNECT_TIMEOUT_S, self.timeout), self.timeout))
        buffer = io.BytesIO()
        with self.throttle.request():
            try:
                tts.write_to_fp(buffer)
            except gTTSError as exc:
                raise self._classify(exc) from exc
            except AssertionError:  # gTTS: nothing speakable left (only punctuation)
                return b""
        if not buffer.getvalue():
            raise EngineError(f"Google answered without audio. {ENDPOINT_CHANGED}", OFFLINE_HINT)
        return buffer.getvalue()

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
            return EngineError(
                f"cannot reach {self.host}. Probable cause: this machine is offline or the host is blocked.",
                OFFLINE_HINT,
            )
        status = response.status_code
        if status == HTTP_TOO_MANY_REQUESTS:
            return Retryable("throttled by Google (HTTP 429)", _retry_after(response.headers))
        if status in HTTP_SERVER_ERRORS:
            return Retryable(f"Google server error (HTTP {status})")
        what = "answered without audio" if status == HTTP_OK else f"refused the request (HTTP {status})"
        return EngineError(f"Google {what}. {ENDPOINT_CHANGED}", OFFLINE_HINT)

    def _speak_chunk(self, chunk: Chunk, stop: threading.Event) -> np.ndarray:
        try:
            mp3 = self.backoff.run(lambda: self._request(chunk.text), stop)
        except Retryable as exc:
            raise EngineError(
                f"Google TTS kept failing ({exc}) after {self.backoff.tries} tries. Probable cause: "
                "throttled or an unstable network; try again later.",
                OFFLINE_HINT,
            ) from exc
        if not mp3:
            return np.zeros(0, dtype=np.int16)
        samples = decode_bytes(mp3, GOOGLE_RATE)
        loud = np.flatnonzero(np.abs(samples) > INT16_FULL_SCALE * 10 ** (EDGE_SILENCE_DB / 20))
        return samples[loud[0]: loud[-1] + 1] if len(loud) else samples[:0]

    def _join(self, pieces: Sequence[np.ndarray], plan: Sequence[Chunk]) -> Speech:
        """The pieces in order with natural pauses; a mark where each piece starts."""
        parts: list[np.ndarray] = []
        marks: list[Mark] = []
        cursor = 0
        for piece, chunk in zip(pieces, plan, strict=True):
            marks.append(Mark(chunk.start, cursor))
            pause = np.zeros(GOOGLE_RATE * PAUSE_MS[chunk.ends] // 1000, dtype=np.int16)
            parts += [piece, pause]
            cursor += len(piece) + len(pause)
        joined = np.concatenate(parts[:-1]) if parts else np.zeros(0, dtype=np.int16)
        return Speech(joined, GOOGLE_RATE, tuple(marks))

    # --- the engine interface ------------------------------------------------------

    def synthesize(self, text: str) -> Speech:
        return self.synthesize_many([text])[0]

    def synthesize_many(self, texts: Sequence[str], on_done: OnDone | None = None) -> list[Speech]:
        """Every chunk of every text goes into one pool, so the whole bulletin is
        fetched concurrently; a text is done when its last chunk arrives."""
        plans = [pack(text) for text in texts]
        results: list[Speech | None] = [None] * len(texts)
        pieces: list[list[np.ndarray | None]] = [[None] * len(plan) for plan in plans]
        waiting = [len(plan) for plan in plans]

        def finish(index: int) -> None:
            speech = self._join([p for p in pieces[index] if p is not None], plans[index])
            results[index] = speech
            if on_done:
                on_done(index, speech)

        for index, plan in enumerate(plans):
            if not plan:
                finish(index)
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=self.concurrent, thread_name_prefix="gtts")
        futures: dict[Future[np.ndarray], tuple[int, int]] = {
            pool.submit(self._speak_chunk, chunk, stop): (i, j)
            for i, plan in enumerate(plans) for j, chunk in enumerate(plan)
        }
        try:
            for future in as_completed(futures):
                i, j = futures[future]
                pieces[i][j] = future.result()
                waiting[i] -= 1
                if waiting[i] == 0:
                    finish(i)
        except BaseException:
            stop.set()  # the others stop retrying; the bulletin is voiced by someone else
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        log.info("gtts: %d requests for %d segments, at most %d at once",
                 len(futures), len(texts), self.throttle.most_in_flight)
        return [r for r in results if r is not None]


