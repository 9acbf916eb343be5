"""The episode manifest: what a build leaves for the publish step.

Each build writes ``<stem>.episode.json`` beside its MP3, in the bulletin's own
folder (``YYYY-MM-DD/<stem>/``), which appears whole in one step. The audio files it
names carry their content's version (``<stem>.<8 hex digits>.mp3``, beside ``<stem>.mp3``):
a rebuild's audio has a name of its own, so a file once served never changes and may be
cached for good, while the episode's guid (from ``<stem>.mp3``) stays. Publishing reads
every manifest under the output folder, so the folder itself is the database: copy
it anywhere and the feeds can be rebuilt from it. Hidden folders are builds in
progress (or left by killed ones) and are never read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, get_type_hints

from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.core.model import AT_YEARS
from bulletin.publish.mediatypes import VERSION_DIGITS, content_type, is_versioned
from bulletin.storage.atomic import link_or_copy, write_text

log = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".episode.json"
# A bulletin's state: a draft waits for an editor's approval and is in no feed; an approved one
# goes out with the next publish, which makes it published.
DRAFT, APPROVED, PUBLISHED = "draft", "approved", "published"
STATES = (DRAFT, APPROVED, PUBLISHED)
ON_AIR = frozenset({APPROVED, PUBLISHED})
OLD_AUDIO_KEY = "mp3"  # manifests written before bulletins had other formats name the audio file so
MAX_DURATION_S = 86_400  # no bulletin lasts a day; a number past it is not a duration
OWN_FOLDER_DEPTH = 3  # YYYY-MM-DD/<stem>/<stem>.mp3
# Fixed, so that an episode's guid follows from where it lives in the output
# folder alone: re-publishing, or rebuilding the same bulletin, keeps it.
GUID_NAMESPACE = uuid.UUID("5b3c3a4e-5d6f-4b9a-9a40-0f2d1b6c8e11")


def versioned_name(path: Path) -> str:
    """The name ``path``'s bytes are served under: ``<stem>.<version><suffixes>``, the version the
    start of their SHA-256 (``x-0800.mp3`` -> ``x-0800.3f2a9c1e.mp3``; ``x-0800.alexa.mp3`` too)."""
    with open(path, "rb") as handle:
        version = hashlib.file_digest(handle, "sha256").hexdigest()[:VERSION_DIGITS]
    stem, suffixes = path.name.split(".", 1)
    return f"{stem}.{version}.{suffixes}"


def revision_now() -> str:
    """When a manifest is written, as ``revised`` records it: of two copies of one bulletin (a
    machine's folder and the bucket), the later revision is the one that counts."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def episode_guid(audio_path: str) -> str:
    """A stable guid for the episode at ``audio_path`` (relative to the output folder)."""
    return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, audio_path)}"


@dataclass(frozen=True)
class Episode:
    """One bulletin as built, and its state; paths are POSIX, relative to the output folder."""

    guid: str
    title: str
    description: str
    published: datetime
    duration: float  # seconds
    audio: str  # the bulletin's audio file, in its format
    webvtt: str | None = None
    srt: str | None = None
    chapters: str | None = None
    cover: str | None = None
    alexa_mp3: str | None = None
    alexa_duration: float | None = None
    podcast_audio: str | None = None  # an MP3 for the feed, when ``audio`` is in a format apps do not play
    language: str = "nl"
    engine: str = ""
    voice: str = ""
    media_type: str = "audio/mpeg"  # of the audio file, for the feed's enclosure
    state: str = PUBLISHED  # a manifest written before bulletins had states was in the feed already
    revised: str = ""  # revision_now() when written; "" before manifests recorded it (older than any)

    @property
    def enclosure(self) -> str:
        """The file the podcast feed offers: the podcast rendition where there is one."""
        return self.podcast_audio or self.audio

    @property
    def enclosure_type(self) -> str:
        """The enclosure's media type."""
        return content_type(self.podcast_audio) if self.podcast_audio else self.media_type

    def to_json(self) -> str:
        """The manifest's text."""
        data: dict[str, Any] = asdict(self)
        data["published"] = self.published.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, source: Path | str) -> Episode:
        """Read a manifest; a damaged one is a clear error naming the file (``source``)."""
        try:
            data = loads(text)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if OLD_AUDIO_KEY in data:  # written before other formats than MP3
                data.setdefault("audio", data.pop(OLD_AUDIO_KEY))
            data["published"] = _moment(data.get("published"))
            known = {f.name for f in fields(cls)}
            values = {k: v for k, v in data.items() if k in known}
            for name, value in values.items():
                _check_type(name, value)
            episode = cls(**values)
            if episode.state not in STATES:
                raise ValueError(f"state {episode.state!r} is not one of {', '.join(STATES)}")
            return episode
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{source} is not a valid episode manifest ({exc}); rebuild that bulletin.") from None


def _moment(value: Any) -> datetime:
    """A manifest's ``published``: a time with its zone, in the years feeds and tags can hold."""
    if not isinstance(value, str):
        raise ValueError("published must be a date and time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("published has no time zone")
    if not AT_YEARS[0] <= moment.year <= AT_YEARS[1]:
        raise ValueError(f"published is outside the years {AT_YEARS[0]} to {AT_YEARS[1]}")
    return moment


@cache
def _types() -> dict[str, str]:
    return {name: str(hint) for name, hint in get_type_hints(Episode).items()}


def _check_type(name: str, value: Any) -> None:
    """A manifest's value of the type its field says (a number is finite, text is text)."""
    expected = _types()[name]
    if value is None and "None" in expected:
        return
    if "float" in expected:  # durations
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_DURATION_S:
            raise ValueError(f"{name} must be a number of seconds from 0 to {MAX_DURATION_S}")
    elif "str" in expected and not isinstance(value, str):
        raise ValueError(f"{name} must be text")


def episode_paths(episode: Episode) -> list[str]:
    """Every file the manifest names (relative to the output folder), audio first."""
    named = (
        episode.audio,
        episode.webvtt,
        episode.srt,
        episode.chapters,
        episode.cover,
        episode.alexa_mp3,
        episode.podcast_audio,
    )
    return [path for path in named if path]


def check_paths(episode: Episode, folder: PurePosixPath, where: str) -> None:
    """Every file a manifest names lies in its own bulletin's folder (relative to the output folder):
    a manifest never makes anything else (``/etc/hostname``, ``../x``) published or copied."""
    for path in episode_paths(episode):
        named = PurePosixPath(path)
        if named.is_absolute() or ".." in named.parts or named.parent != folder or "\\" in path:
            raise InputError(
                f"{where} is not a valid episode manifest (it names {path!r}, outside its bulletin's folder)."
            )


def episode_prefix(episode: Episode) -> str:
    """The start every key of the bulletin's files shares (see :func:`files_prefix`)."""
    return files_prefix(episode.audio)


def files_prefix(path: str) -> str:
    """The start every key of the files of the bulletin ``path`` (any of its files: audio, manifest)
    belongs to: its folder (``YYYY-MM-DD/<stem>/``), or, from before bulletins had folders,
    ``YYYY-MM-DD/<stem>.``."""
    named = PurePosixPath(path)
    if len(named.parts) == OWN_FOLDER_DEPTH:
        return f"{named.parent}/"
    return f"{named.parent}/{named.name.split('.', 1)[0]}."


def manifest_of(root: Path, episode: Episode) -> Path:
    """Where ``episode``'s manifest is: beside its audio, of the same name."""
    audio = root / episode.audio
    return audio.with_name(audio.name.split(".", 1)[0] + MANIFEST_SUFFIX)


def with_state(root: Path, episode: Episode, state: str) -> Episode:
    """``episode`` in ``state``, its manifest rewritten (atomically: it holds the old state or the new)."""
    changed = replace(episode, state=state, revised=revision_now())
    write_text(manifest_of(root, episode), changed.to_json())
    return changed


def own_folder(episode: Episode) -> bool:
    """Whether the bulletin lives in a folder of its own (``YYYY-MM-DD/<stem>/<stem>.mp3``);
    bulletins built before that lie directly in their day's folder."""
    return len(PurePosixPath(episode.audio).parts) == OWN_FOLDER_DEPTH


def read_episodes(root: Path, *, skip_damaged: bool = False) -> list[Episode]:
    """Every episode under ``root`` whose audio is still there, newest first. A manifest that cannot
    be used is an InputError naming it, or (``skip_damaged``, for a listing) reported and left out."""
    episodes = []
    manifests = [*root.glob(f"*/*/*{MANIFEST_SUFFIX}"), *root.glob(f"*/*{MANIFEST_SUFFIX}")]
    for path in sorted(p for p in manifests if not any(part.startswith(".") for part in p.relative_to(root).parts)):
        try:
            episode = _read_manifest(root, path)
        except InputError as exc:
            if not skip_damaged:
                raise
            log.warning("%s", exc)
            continue
        if _files_there(root, episode, path):
            episodes.append(episode)
    return sorted(episodes, key=lambda e: e.published, reverse=True)


def unversioned_name(name: str) -> str:
    """``x.3f2a9c1e.mp3`` -> ``x.mp3``: the name a versioned file has beside it."""
    stem, _version, suffixes = PurePosixPath(name).name.split(".", 2)
    return f"{stem}.{suffixes}"


def twins(folder: Path, episode: Episode) -> list[tuple[Path, Path]]:
    """(versioned, unversioned) file pairs in ``folder`` for the audio files the manifest names."""
    named = (PurePosixPath(path).name for path in episode_paths(episode))
    return [(folder / name, folder / unversioned_name(name)) for name in named if is_versioned(name)]


def _files_there(root: Path, episode: Episode, manifest: Path) -> bool:
    """Whether the bulletin's audio files are all there. A versioned one that went missing while
    its unversioned twin holds the same bytes is made again from it (a second name, as the build
    made it); a bulletin still missing one is reported and left out."""
    for versioned, twin in twins((root / episode.audio).parent, episode):
        if not versioned.is_file() and twin.is_file() and versioned_name(twin) == versioned.name:
            link_or_copy(twin, versioned)
            log.warning("%s was missing; made again from %s, which holds the same audio.", versioned, twin.name)
    missing = next((path for path in episode_paths(episode) if not (root / path).is_file()), None)
    if missing == episode.audio or (missing is not None and missing in (episode.alexa_mp3, episode.podcast_audio)):
        log.warning("%s names %s, which is not there: that bulletin is left out (build it again).", manifest, missing)
        return False
    return True


def _read_manifest(root: Path, path: Path) -> Episode:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not a valid episode manifest (not UTF-8); rebuild that bulletin.") from None
    episode = Episode.from_json(text, path)
    check_paths(episode, PurePosixPath(path.relative_to(root).parent.as_posix()), str(path))
    return episode
