"""What the studio works on: the show's output folder (the bulletins, scripts and sidecars that
``build`` and ``daily`` write), the edited scripts' versions beside it, and the user's lexicon.

An editor's saves are versions of a bulletin's script, kept in the output folder's hidden
``.studio/versions/`` (never served, published or uploaded): the newest is the script the
bulletin is rebuilt from; an older one can be saved again to go back. Every save is checked as
``build`` checks a script, guarded by the ETag the editor loaded (two editors never overwrite
each other silently) and written atomically. A script holds each segment's text as written, and
the build prepares it with the voice's lexicons; the studio prepares it too when it saves (the
script's ``spoken``) and the page shows that reading, which is what the build speaks. A
draft is rebuilt in place; a bulletin that may be on air is rebuilt as a correction beside it,
which replaces it when it is approved.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bulletin.build.approval import Approved, Bulletin, approve, bulletin_id, correction, find
from bulletin.build.outputs import STUDIO_DIR, output_stem
from bulletin.build.pipeline import BuildResult, build_script
from bulletin.build.workshop import reader
from bulletin.casting.cast import choose_cast
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import ConfigError, InputError, LockedError
from bulletin.core.jsontext import loads
from bulletin.core.model import Chapter, Script, SegmentKind
from bulletin.publish.episode import DRAFT, read_episodes
from bulletin.publish.mediatypes import CHAPTERS_SUFFIX
from bulletin.script.lexicon import TABLES as LEXICON_TABLES
from bulletin.script.lexicon import load_lexicon
from bulletin.sources import script as script_source
from bulletin.storage.atomic import remove_folder, write_text
from bulletin.storage.locks import hold
from bulletin.text.scriptfile import SCRIPT_VERSION, SPOKEN_TEXT_VERSION

VERSIONS = "versions"
STUDIO_DEPTH = 3  # .studio/versions/YYYY-MM-DD/<bulletin>/: where a killed save leaves its temporary file
VERSION_DIGITS = 4
SCRIPT_JSON = ".json"  # the built script beside the audio
QA_JSON = ".qa.json"
SPELL = "spell"
SPELL_KEY = "acronyms"
ETAG_CHARS = 32
RECENT_RUNS = 200  # lines of the daily log read for the desk's failed runs
KINDS = frozenset(kind.value for kind in SegmentKind)
NOT_TEXT = "a text in it has a lone surrogate (\\ud800 to \\udfff), which is no character; send Unicode text."


class NotFound(Exception):
    """No such bulletin, version or file (or an id that could name something else)."""


class Conflict(Exception):
    """What the editor worked from changed meanwhile (a stale ``If-Match``); says what to do."""


class Busy(Exception):
    """A build of this bulletin is running."""


def etag(data: bytes) -> str:
    """A strong ETag for ``data``: its content's hash."""
    return f'"{hashlib.sha256(data).hexdigest()[:ETAG_CHARS]}"'


@dataclass(frozen=True)
class Version:
    """One saved version of a bulletin's script."""

    number: int
    saved: datetime
    etag: str


class Desk:
    """The output folder of one show, as the studio sees it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = Path(config.settings.output.dir)
        self.studio = self.root / STUDIO_DIR
        self._building: set[str] = set()
        self._building_lock = threading.Lock()

    # --- bulletins ------------------------------------------------------------------------

    def bulletins(self) -> list[Bulletin]:
        """Every bulletin in the folder, newest first, whatever its state."""
        if not self.root.is_dir():
            return []
        found: dict[str, Bulletin] = {}
        for episode in read_episodes(self.root, skip_damaged=True):  # one bad bulletin hides no other
            ident = bulletin_id(self.root, episode.audio)
            if ident in found:  # a copy of a bulletin's folder (behind a symlink) names the bulletin's files
                continue
            try:  # read again from the bulletin's own folder: a symlinked copy's manifest may say anything
                found[ident] = find(self.root, ident)
            except InputError:  # not a bulletin's own folder (a symlink, an older layout): no id names it
                continue
        return list(found.values())

    def bulletin(self, ident: str) -> Bulletin:
        """One bulletin by its id (NotFound for an id that names none)."""
        try:
            return find(self.root, ident)
        except InputError as exc:
            raise NotFound(str(exc)) from None

    def correction(self, ident: str) -> Bulletin | None:
        """The bulletin's correction waiting for approval, if there is one."""
        return correction(self.root, self.bulletin(ident).id)

    def shown(self, ident: str, of_correction: bool | None = None) -> Bulletin:
        """What an editor sees of the bulletin: its correction if one waits (or, with
        ``of_correction``, that correction or NotFound; without, the bulletin itself)."""
        if of_correction is False:
            return self.bulletin(ident)
        pending = self.correction(ident)
        if pending is None and of_correction:
            raise NotFound(f"bulletin {ident!r} has no correction waiting.")
        return pending or self.bulletin(ident)

    def audio(self, bulletin: Bulletin) -> Path:
        """The bulletin's audio file (NotFound if it is not the folder's own)."""
        path = bulletin.folder / Path(bulletin.episode.audio).name
        if path.is_symlink() or not path.is_file():
            raise NotFound(f"bulletin {bulletin.id!r} has no audio of its own.")
        return path

    def file(self, ident: str, name: str, *, of_correction: bool = False) -> Path:
        """A file of the bulletin (its audio, a sidecar) or of its correction, by name;
        NotFound for anything else."""
        bulletin = self.shown(ident, of_correction)
        stem = bulletin.folder.name
        path = bulletin.folder / name
        if "/" in name or not name.startswith(f"{stem}.") or path.is_symlink() or not path.is_file():
            raise NotFound(f"no file {name!r} in bulletin {ident!r}.")
        return path

    def _sidecar(self, bulletin: Bulletin, suffix: str) -> Any:
        """A JSON sidecar of the bulletin; None when it is not there, not a file of the folder's
        own (a symlink) or not JSON."""
        path = bulletin.folder / f"{bulletin.folder.name}{suffix}"
        if path.is_symlink() or not path.is_file():
            return None
        return _json(path.read_bytes())

    def qa(self, bulletin: Bulletin) -> dict[str, Any] | None:
        """The bulletin's QA report (None without a readable one)."""
        report = self._sidecar(bulletin, QA_JSON)
        return report if isinstance(report, dict) else None

    def chapters(self, bulletin: Bulletin) -> list[Chapter]:
        """The bulletin's chapters (none without a readable chapter file)."""
        found = self._sidecar(bulletin, CHAPTERS_SUFFIX)
        items = found.get("chapters") if isinstance(found, dict) else None
        try:
            return [Chapter(str(c["title"]), float(c["startTime"]), float(c["endTime"])) for c in items or []]
        except (TypeError, KeyError, ValueError):
            return []

    # --- scripts and versions ---------------------------------------------------------------

    def _versions_dir(self, ident: str) -> Path:
        return self.studio / VERSIONS / ident

    def _saved(self, ident: str) -> dict[int, Path]:
        """The files of the bulletin's saved versions by number, oldest first (none read)."""
        folder = self._versions_dir(self.bulletin(ident).id)
        paths = folder.glob("*.json") if folder.is_dir() else []
        numbered = [p for p in paths if p.stem.isdigit() and not p.is_symlink()]  # a symlink is no version of ours
        return {int(p.stem): p for p in sorted(numbered, key=lambda p: int(p.stem))}  # 10000 after 9999

    def edited(self, ident: str) -> bool:
        """Whether an editor saved the bulletin's script."""
        return bool(self._saved(ident))

    def versions(self, ident: str) -> list[Version]:
        """The saved versions of the bulletin's script, oldest first."""
        return [
            Version(number, datetime.fromtimestamp(path.stat().st_mtime, UTC), etag(path.read_bytes()))
            for number, path in self._saved(ident).items()
        ]

    def built_script(self, bulletin: Bulletin) -> bytes:
        """The script the bulletin (or a correction) was built from, as JSON."""
        path = bulletin.folder / f"{bulletin.folder.name}{SCRIPT_JSON}"
        if path.is_symlink() or not path.is_file():
            raise NotFound(f"bulletin {bulletin.id!r} has no script beside it; build it again with `bulletin build`.")
        return path.read_bytes()

    def heard(self, ident: str) -> str:
        """What an editor hears of the bulletin now (its correction, if one waits), as an ETag:
        approving with it approves only that."""
        return etag(self.built_script(self.shown(ident)))

    def script(self, ident: str, version: int | None = None) -> bytes:
        """The bulletin's script as JSON: the newest saved version (or ``version``), else the one
        it was built from."""
        saved = self._saved(ident)
        if version is not None:
            if version not in saved:
                raise NotFound(f"bulletin {ident!r} has no version {version}.")
            return saved[version].read_bytes()
        if saved:
            return saved[max(saved)].read_bytes()
        return self.built_script(self.bulletin(ident))

    def _version_path(self, ident: str, number: int) -> Path:
        return self._versions_dir(ident) / f"{number:0{VERSION_DIGITS}d}.json"

    def parse(self, ident: str, data: bytes) -> Script:
        """``data`` read as ``build`` reads a script (InputError naming ``segments[N].text``), for
        the bulletin's own moment and section: a script for another is another bulletin."""
        bulletin = self.bulletin(ident)
        if not data.lstrip().startswith(b"{"):
            raise InputError("script: a bulletin script in JSON, as `bulletin script --format json` writes it.")
        parsed = script_source.read(data, bulletin.episode.published, "script")
        document = _json(data)
        if not _writable(document):
            raise InputError(f"script: {NOT_TEXT}")
        own = script_source.read(self.built_script(bulletin), bulletin.episode.published, "script")
        for key, given, kept in (("at", parsed.at, own.at), ("section", parsed.section, own.section)):
            if key in document and given != kept:
                raise InputError(
                    f"script: {key}: this bulletin is for {kept.isoformat() if isinstance(kept, datetime) else kept}; "
                    "a script for another moment or section is another bulletin: build it with `bulletin build`."
                )
        limit = self.config.settings.script.max_segments
        if len(parsed.segments) > limit:
            raise InputError(f"script: {len(parsed.segments)} segments, more than [script] max_segments = {limit}.")
        return replace(parsed, at=own.at, section=own.section)

    def spoken(self, document: dict[str, Any]) -> dict[str, Any]:
        """The script as it is saved: each segment's text as written (a version-1 script's written
        form, else its text) with ``spoken``, how its voice reads it with the lexicons as they are
        now (for the page; a build prepares the written text again). A version-1 script is saved
        as the current version."""
        reading = self.reader()
        segments = []
        for segment in document.get("segments", []):
            words = segment.get("written") or segment.get("text") if isinstance(segment, dict) else None
            if not isinstance(words, str) or segment.get("kind") not in KINDS:
                segments.append(segment)  # the check that follows names what is wrong with it
                continue
            written = "\n".join(p.strip() for p in words.split("\n") if p.strip())
            fresh = {k: v for k, v in segment.items() if k not in ("written", "spoken")}
            segments.append({**fresh, "text": written, "spoken": reading(SegmentKind(segment["kind"]), words)})
        version = document.get("version")
        older = type(version) is int and version == SPOKEN_TEXT_VERSION
        return {**document, **({"version": SCRIPT_VERSION} if older else {}), "segments": segments}

    def reader(self) -> Callable[[SegmentKind, str], str]:
        """How the voices read now (their lexicons, then the user's): ``reading(kind, words)`` is
        the text a segment of ``kind`` with those words is spoken from, paragraph by paragraph,
        exactly as a build of the saved script speaks it."""
        cast = choose_cast(cfg.voice_choice(self.config)).cast
        prepared: dict[SegmentKind, Callable[[str], str]] = {}

        def reading(kind: SegmentKind, words: str) -> str:
            prepare = prepared.setdefault(kind, reader(cast.voice(kind)).prepare)
            return "\n".join(prepare(p.strip()) for p in words.split("\n") if p.strip())

        return reading

    def save(self, ident: str, data: bytes, if_match: str) -> bytes:
        """Save ``data`` as the bulletin's newest script if ``if_match`` is the ETag of the one the
        editor loaded (else Conflict, and nothing changes); the script as saved (the same version
        when nothing changed)."""
        edited = _json(data)
        if not isinstance(edited, dict) or not _writable(edited):
            self.parse(ident, data)  # raises the script reader's own one-line reason
        with self._saving(ident):
            current = self.script(ident)
            if if_match != etag(current):
                raise Conflict(
                    f"the script of {ident} was changed since you loaded it; reload it and make your changes again"
                )
            # A changed text makes its old written form stale (it would show words no longer read).
            return self._store(ident, current, self.spoken(_without_stale_written(loads(current), edited)))

    @contextmanager
    def _saving(self, ident: str) -> Iterator[None]:
        with hold(
            self._versions_dir(ident) / ".save.build-lock",
            lambda holder: f"another save of {ident} is running ({holder}); try again.",
        ):
            yield

    def _store(self, ident: str, current: bytes, document: dict[str, Any]) -> bytes:
        """Write ``document`` as the next version (checked first), unless it is ``current``."""
        saved = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        self.parse(ident, saved)  # checked as build checks it, before anything is written
        if loads(saved) == loads(current):
            return current  # nothing changed: no new version
        write_text(self._version_path(ident, max(self._saved(ident), default=0) + 1), saved.decode("utf-8"))
        return saved

    # --- building and approving ------------------------------------------------------------------

    def rebuild(self, ident: str) -> BuildResult:
        """Build the bulletin again from its newest script, read with the lexicons as they are now
        (a new version if that changes a reading), as a draft: in place while it is a draft, as a
        correction beside it once it may be on air (the build decides, under the bulletin's
        lock). Busy while a build or an approval of it runs."""
        with self.building(ident):
            bulletin = self.bulletin(ident)
            with self._saving(ident):
                current = self.script(ident)
                script = self.parse(ident, self._store(ident, current, self.spoken(loads(current))))
            stem = output_stem(self.root, script.at, script.section, self.config.settings.show.title).parent
            if stem != bulletin.folder:  # the show's name changed since: it would be another bulletin
                raise InputError(
                    f"a build now would make {stem.relative_to(self.root).as_posix()}, not {ident}: "
                    "the show's title changed since it was built; build it with `bulletin build`."
                )
            return build_script(script, self.config, state=DRAFT)

    def approve(self, ident: str, heard: str | None = None) -> Approved:
        """Approve the bulletin (its correction, if one waits) and publish, as ``bulletin approve``
        does; with ``heard`` (see :meth:`heard`), only if it is still what the editor heard."""
        with self.building(ident):
            if heard is not None and heard != self.heard(ident):
                raise Conflict(
                    f"{ident} changed since you heard it (it was rebuilt); listen to it again, then approve it"
                )
            return approve(self.config, self.bulletin(ident).id)

    def discard_correction(self, ident: str) -> bool:
        """Throw away the correction waiting for approval (the saved script versions stay); False if none."""
        with self.building(ident):
            pending = self.correction(ident)
            if pending is None:
                return False
            remove_folder(pending.folder)
        return True

    @contextmanager
    def building(self, ident: str) -> Iterator[None]:
        """The one build of this bulletin (Busy while another runs in this studio)."""
        with self._building_lock:
            if ident in self._building:
                raise Busy(ident)
            self._building.add(ident)
        try:
            yield
        except LockedError:  # a build of the same bulletin in another process (daily, the command line)
            raise Busy(ident) from None
        finally:
            with self._building_lock:
                self._building.discard(ident)

    def is_building(self, ident: str) -> bool:
        """Whether a build of this bulletin runs in this studio now."""
        with self._building_lock:
            return ident in self._building

    # --- the desk's failed runs ------------------------------------------------------------------

    def failed_runs(self) -> list[dict[str, Any]]:
        """The failed ``daily`` runs in ``[daily] log_file`` (newest first), each with its one-line reason."""
        log_file = self.config.settings.daily.log_file
        if not log_file or not Path(log_file).is_file():
            return []
        lines = Path(log_file).read_text("utf-8", errors="replace").splitlines()[-RECENT_RUNS:]
        runs = []
        for line in reversed(lines):
            try:
                record = loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("status") == "failed":
                runs.append(
                    {
                        "time": str(record.get("time", "")),
                        "error": str(record.get("error", "")),
                        "exit": record.get("exit"),
                    }
                )
        return runs

    # --- the user's lexicon ---------------------------------------------------------------------

    @property
    def lexicon_path(self) -> Path:
        """The user's lexicon file (``[voice] lexicon``)."""
        configured = self.config.settings.voice.lexicon
        if not configured:
            raise ConfigError("the studio keeps pronunciations in [voice] lexicon; set it in bulletin.toml.")
        return Path(configured)

    def lexicon(self) -> bytes:
        """The user's lexicon as JSON (``{"words": {...}, "spell": {"acronyms": [...]}, ...}``)."""
        path = self.lexicon_path
        tables: dict[str, Any] = {}
        if path.is_file():
            import tomllib

            try:
                tables = tomllib.loads(path.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: {exc}") from None
        return (json.dumps(tables, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def save_lexicon(self, data: bytes, if_match: str) -> bytes:
        """Save the user's lexicon (the JSON of :meth:`lexicon`) if ``if_match`` is the ETag of the
        one loaded; checked as bulletin reads lexicons. The lexicon as saved (as JSON)."""
        tables = _json(data)
        if tables is None:
            raise InputError("lexicon: not JSON; send the tables as GET /api/lexicon gives them.")
        if not _writable(tables):
            raise InputError(f"lexicon: {NOT_TEXT}")
        text = lexicon_toml(tables)
        path = self.lexicon_path
        with hold(self.studio / ".lexicon.build-lock", lambda holder: f"another save of the lexicon runs ({holder})."):
            if if_match != etag(self.lexicon()):
                raise Conflict("the lexicon was changed since you loaded it; reload it and add your words again")
            check = self.studio / ".lexicon-check.toml"
            write_text(check, text)
            try:
                load_lexicon([check])
            finally:
                check.unlink(missing_ok=True)
            write_text(path, text)
            return self.lexicon()


def _writable(value: Any) -> bool:
    """Whether JSON's ``value`` can be written as UTF-8: no lone surrogate (an escaped ``\\udc80``,
    valid JSON but no character) in it."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lexicon_toml(tables: Any) -> str:
    """The lexicon tables as TOML: each table of ``"written" = "spoken"`` pairs, and the list of
    acronyms to spell (a JSON string is a valid TOML string)."""
    if not isinstance(tables, Mapping):
        raise InputError('lexicon: an object of tables, such as {"words": {"KNMI": "Kaa-en-em-ie"}}.')
    lines = ["# Your own words: bulletin reads them this way with every voice (bulletin studio keeps this file).", ""]
    for table, entries in tables.items():
        if table == SPELL:
            acronyms = entries.get(SPELL_KEY) if isinstance(entries, Mapping) else None
            if not isinstance(acronyms, list) or not all(isinstance(a, str) for a in acronyms):
                raise InputError(f"lexicon: {SPELL}.{SPELL_KEY} must be a list of texts.")
            lines += [f"[{SPELL}]", f"{SPELL_KEY} = {json.dumps(sorted(set(acronyms)), ensure_ascii=False)}", ""]
            continue
        if table not in LEXICON_TABLES:
            raise InputError(f"lexicon: no table {table!r}; known: {', '.join((*LEXICON_TABLES, SPELL))}.")
        if not isinstance(entries, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() for k, v in entries.items()
        ):
            raise InputError(f'lexicon: {table} must be pairs of "written": "spoken" texts.')
        lines.append(f"[{table}]")
        lines += [
            f"{json.dumps(k, ensure_ascii=False)} = {json.dumps(v, ensure_ascii=False)}"
            for k, v in sorted(entries.items())
        ]
        lines.append("")
    return "\n".join(lines)


def _json(data: bytes) -> Any:
    """``data`` read as JSON; None if it is none."""
    try:
        return loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than JSON's reader goes
        return None


def _without_stale_written(previous: Any, new: Any) -> Any:
    """``new`` with the written form left out of a segment (of a version-1 script, a client of the
    older API's) whose spoken text was changed but whose written form was not: the changed text is
    what the editor meant, and the old words would be read again."""
    if not isinstance(new, dict) or not isinstance(new.get("segments"), list):
        return new
    # Each earlier segment's written form and how it was spoken, in either version's keys.
    was = {
        s.get("written") or s.get("text"): s.get("spoken", s.get("text"))
        for s in previous.get("segments", [])
        if isinstance(s, dict)
    }
    segments = []
    for segment in new["segments"]:
        if (
            isinstance(segment, dict)
            and "written" in segment
            and segment["written"] in was
            and was[segment["written"]] != segment.get("text")
        ):
            segment = {k: v for k, v in segment.items() if k != "written"}
        segments.append(segment)
    return {**new, "segments": segments}
