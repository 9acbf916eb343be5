"""A stand-in for Google Translate's TTS endpoint at the HTTP layer.

It is registered with the ``responses`` library, so gTTS builds and sends its
real requests and parses the answers with its own code; only the transport is
fake. Each answer is a real MP3 in the batchexecute envelope Google uses.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable

import imageio_ffmpeg
import requests
import responses

ENDPOINT = re.compile(r"https://translate\.google\.[a-z.]+/_/TranslateWebserverUi/data/batchexecute")


def make_mp3(seconds: float, freq: float = 220.0) -> bytes:
    """A real mono 24 kHz MP3, like Google's, of a tone of ``seconds``."""
    return subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=f={freq}:d={seconds}:sample_rate=24000",
            "-af",
            "volume=0.3",
            "-ac",
            "1",
            "-b:a",
            "32k",
            "-f",
            "mp3",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout


def envelope(mp3: bytes) -> str:
    """Google's answer around the audio, the part gTTS's parser looks for."""
    payload = json.dumps(
        [["wrb.fr", "jQ1olc", json.dumps([base64.b64encode(mp3).decode()]), None, None, None, "generic"]],
        separators=(",", ":"),
    )
    return f')]}}\'\n\n{len(payload)}\n{payload}\n25\n[["e",4,null,null,1289]]\n'


def text_of(body: str | bytes) -> str:
    """The text gTTS asked to speak, read back from the request body."""
    body = body.decode() if isinstance(body, bytes) else body
    rpc = json.loads(urllib.parse.unquote(body.split("f.req=", 1)[1].rstrip("&")))
    return json.loads(rpc[0][0][1])[0]


class FakeGoogle:
    """Answers every TTS request; can be told to fail, throttle or be slow."""

    def __init__(
        self, mock: responses.RequestsMock, latency: float = 0.0, audio: Callable[[str], bytes] | None = None
    ) -> None:
        self.latency = latency
        clip = make_mp3(0.5)
        self.audio = audio or (lambda text: clip)
        self.texts: list[str] = []
        self.failures: deque[int | Exception | None] = deque()  # None: a normal answer
        self.always: int | Exception | None = None
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._gathered = threading.Event()
        self._gather = 0
        mock.add_callback(responses.POST, ENDPOINT, callback=self._answer)

    def fail_next(self, *outcomes: int | Exception) -> None:
        """The next requests get these HTTP statuses (or raise these exceptions).
        Status 200 means an answer without audio in it."""
        self.failures.extend(outcomes)

    def fail_always(self, outcome: int | Exception) -> None:
        """Every request from now on fails like this."""
        self.always = outcome

    def fail_after(self, answers: int, outcome: int | Exception) -> None:
        """``answers`` requests get audio, every one after that fails like this."""
        self.failures.extend([None] * answers)
        self.always = outcome

    def gather(self, requests: int) -> None:
        """Hold the first answers until ``requests`` are in flight at once: overlap is then
        proven by the requests themselves, not by timing, however busy the machine is."""
        self._gather = requests

    def _answer(self, request: requests.PreparedRequest):
        text = text_of(request.body)
        with self._lock:
            self.texts.append(text)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            outcome = self.failures.popleft() if self.failures else self.always
            if self.in_flight >= self._gather:
                self._gathered.set()
        try:
            # a safety net against a hang, not a time limit: the gate opens as soon as enough arrive
            assert self._gathered.wait(timeout=120), f"never {self._gather} requests in flight at once"
            if self.latency:
                time.sleep(self.latency)  # network latency being simulated, not a wait on a condition
            if isinstance(outcome, Exception):
                raise outcome
            if outcome is not None:
                return (outcome, {"Retry-After": "0"} if outcome == 429 else {}, ")]}'\n\n[]\n")
            return (200, {"Content-Type": "application/json; charset=utf-8"}, envelope(self.audio(text)))
        finally:
            with self._lock:
                self.in_flight -= 1
