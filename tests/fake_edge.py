"""A loopback stand-in for Microsoft's read-aloud speech service, speaking its
WebSocket protocol as edge-tts's client expects it: the client sends a
``speech.config`` and an ``ssml`` message; the service answers ``turn.start``,
audio frames (a 2-byte header length, ``Path:audio`` headers, MP3 bytes),
``audio.metadata`` WordBoundary events (offsets in 100-ns ticks) and ``turn.end``.

edge-tts's endpoint constant is pointed here; everything above the socket is
the library's own code."""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from fake_google import make_mp3

SECONDS_PER_WORD = 0.25
TICKS_PER_SECOND = 10_000_000
AUDIO_FRAME = 4096  # bytes of MP3 per binary message


def _headers(request_id: str, path: str, content_type: str | None) -> str:
    lines = [f"X-RequestId:{request_id}"]
    if content_type:
        lines.append(f"Content-Type:{content_type}")
    lines.append(f"Path:{path}")
    return "\r\n".join(lines) + "\r\n"


def _text_message(request_id: str, path: str, body: str) -> str:
    return _headers(request_id, path, "application/json; charset=utf-8") + "\r\n" + body


def _audio_message(request_id: str, data: bytes) -> bytes:
    head = _headers(request_id, "audio", "audio/mpeg").encode()
    return len(head).to_bytes(2, "big") + head + data


class FakeEdge:
    """Speaks every SSML request: a tone of SECONDS_PER_WORD per word, a WordBoundary per word."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []  # voice, rate, pitch, volume, text
        self.refuse_next: list[int] = []  # HTTP statuses for the next handshakes
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.gather = 0  # hold the first answers until this many sessions are open at once

    async def _handshake(self, _connection, request):
        with self._lock:
            status = self.refuse_next.pop(0) if self.refuse_next else None
        if status is not None:
            return Response(status, "refused", Headers({"Content-Length": "0"}), b"")
        return None

    async def _session(self, websocket) -> None:
        config = await websocket.recv()
        assert "Path:speech.config" in config and '"wordBoundaryEnabled":"true"' in config
        ssml = await websocket.recv()
        request_id = re.search(r"X-RequestId:(\w+)", ssml).group(1)
        found = re.search(
            r"<voice name='([^']+)'><prosody pitch='([^']+)' rate='([^']+)' volume='([^']+)'>(.*)"
            r"</prosody>",
            ssml,
            re.S,
        )
        voice, pitch, rate, volume, text = found.groups()
        text = html.unescape(text)
        # The service's long voice name, "Microsoft Server Speech Text to Speech Voice (nl-BE, DenaNeural)"
        short = re.fullmatch(r"Microsoft Server Speech Text to Speech Voice \((\w+-\w+), (\w+)\)", voice)
        voice = f"{short.group(1)}-{short.group(2)}" if short else voice
        with self._lock:
            self.requests.append({"voice": voice, "pitch": pitch, "rate": rate, "volume": volume, "text": text})
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            if self.in_flight >= self.gather:
                self._gathered.set()
        try:
            await self._gathered.wait()
            words = re.findall(r"\w[\w'-]*", text)
            await websocket.send(_text_message(request_id, "turn.start", "{}"))
            for number, word in enumerate(words):
                event = {
                    "Type": "WordBoundary",
                    "Data": {
                        "Offset": int(number * SECONDS_PER_WORD * TICKS_PER_SECOND),
                        "Duration": int(SECONDS_PER_WORD * 0.8 * TICKS_PER_SECOND),
                        "text": {"Text": word, "Length": len(word), "BoundaryType": "WordBoundary"},
                    },
                }
                await websocket.send(_text_message(request_id, "audio.metadata", json.dumps({"Metadata": [event]})))
            mp3 = await asyncio.to_thread(make_mp3, max(len(words), 1) * SECONDS_PER_WORD)
            for start in range(0, len(mp3), AUDIO_FRAME):
                await websocket.send(_audio_message(request_id, mp3[start : start + AUDIO_FRAME]))
            await websocket.send(_text_message(request_id, "turn.end", "{}"))
            await websocket.wait_closed()
        finally:
            with self._lock:
                self.in_flight -= 1

    def start(self) -> int:
        """Serve on a loopback port (in a thread of its own); return the port."""
        self.loop = asyncio.new_event_loop()

        async def main() -> None:
            self._gathered = asyncio.Event()
            self.server = await serve(self._session, "127.0.0.1", 0, process_request=self._handshake)
            self.port = self.server.sockets[0].getsockname()[1]
            self._ready.set()
            await self.server.serve_forever()

        self.thread = threading.Thread(target=lambda: self.loop.run_until_complete(main()), daemon=True)
        self.thread.start()
        self._ready.wait()
        return self.port

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.thread.join()
