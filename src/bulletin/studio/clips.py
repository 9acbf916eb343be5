"""One segment of a bulletin as audio of its own, so an editor's player shows that segment's
length and plays nothing else: cut from the mastered file by its chapter's times."""

from __future__ import annotations

from pathlib import Path

from bulletin.media.ffmpeg import run_ffmpeg

MP3 = "audio/mpeg"
PREVIEW_KBPS = 128  # a bulletin in another format (WAV, M4A) is heard through an MP3 of this rate


def segment_clip(path: Path, media_type: str, start: float, end: float) -> bytes:
    """The stretch ``start``-``end`` (seconds) of the bulletin at ``path`` as MP3: an MP3's own
    frames (nothing encoded again), any other format encoded for listening."""
    codec = ["-c:a", "copy"] if media_type == MP3 else ["-c:a", "libmp3lame", "-b:a", f"{PREVIEW_KBPS}k"]
    return run_ffmpeg(
        [
            "-ss",
            f"{start:.3f}",
            "-to",
            f"{end:.3f}",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            *codec,
            "-f",
            "mp3",
            "-",
        ],
        what=f"cut a segment out of {path.name}",
    )
