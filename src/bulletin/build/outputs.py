"""The files a build writes, and their names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulletin.core.plaintext import transliterated
from bulletin.formats import Format
from bulletin.publish.episode import MANIFEST_SUFFIX
from bulletin.publish.mediatypes import CHAPTERS_SUFFIX

ALEXA_SUFFIX = ".alexa.mp3"
PODCAST_SUFFIX = ".podcast.mp3"  # a WAV show's MP3 for its feed
STUDIO_DIR = ".studio"  # the desk's own files beside the bulletins; hidden: never fed, served or uploaded
CORRECTIONS = "corrections"
SIDECAR_SUFFIXES = {
    "script_text": ".txt",
    "script_json": ".json",
    "webvtt": ".vtt",
    "srt": ".srt",
    "chapters": CHAPTERS_SUFFIX,
    "qa": ".qa.json",
    "cover": ".jpg",
    "episode": MANIFEST_SUFFIX,
    "alexa": ALEXA_SUFFIX,
    "podcast": PODCAST_SUFFIX,
}


def slug(text: str) -> str:
    """ASCII file-name form: "Nieuwsbulletin Buitenland" -> "nieuwsbulletin-buitenland"."""
    return re.sub(r"[^a-z0-9]+", "-", transliterated(text).lower()).strip("-") or "bulletin"


def output_stem(out_dir: Path, at: datetime, section: str | None, show: str) -> Path:
    """``DIR/YYYY-MM-DD/<stem>/<stem>`` (without suffix), ``<stem>`` being
    ``<show>-<section>-HHMM``: each bulletin has a folder of its own, so that all its
    files appear (and are replaced) in one step."""
    name = slug(f"{show} {section or ''}")
    stem = f"{name}-{at:%H%M}"
    return out_dir / f"{at:%Y-%m-%d}" / stem / stem


def corrections_root(root: Path) -> Path:
    """Where drafts correcting bulletins that may be on air are built: an output folder of its
    own inside ``root``, laid out as ``root`` is, so that a correction's files name themselves
    as the bulletin's do and can take its place whole."""
    return root / STUDIO_DIR / CORRECTIONS


@dataclass(frozen=True)
class Outputs:
    """The files a build writes, all in the bulletin's folder."""

    audio: Path  # the bulletin, in its format (.mp3, .wav)
    script_text: Path
    script_json: Path
    webvtt: Path
    srt: Path
    chapters: Path
    qa: Path
    cover: Path
    episode: Path
    alexa: Path
    podcast: Path

    @classmethod
    def at(cls, stem: Path, audio: Format) -> Outputs:
        """The file names for ``stem``, the bulletin itself in the ``audio`` format."""
        suffixes = {"audio": audio.suffix, **SIDECAR_SUFFIXES}
        return cls(**{name: stem.with_name(stem.name + suffix) for name, suffix in suffixes.items()})

    @property
    def folder(self) -> Path:
        """The bulletin's own folder: it holds these files and nothing else."""
        return self.audio.parent
