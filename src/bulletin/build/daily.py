"""``bulletin daily``: fetch the sources, build, publish and prune, unattended.

Made for cron: a lock keeps two runs from overlapping, a run with nothing new
since the last bulletin builds nothing, a failing source is reported and the
bulletin is made from the others, and every run leaves one summary line (and,
if configured, one JSON line in a log file).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bulletin import config as cfg
from bulletin.build import pipeline
from bulletin.config import Config
from bulletin.core.errors import BulletinError, ConfigError, LockedError, SourceError
from bulletin.storage.atomic import write_text
from bulletin.core.model import Script
from bulletin.publish.s3 import UploadReport
from bulletin.sources import News
from bulletin.sources.combine import combine
from bulletin.sources.fetch import Fetcher
from bulletin.media.meter import duration_text
from bulletin.build.caches import stores

log = logging.getLogger(__name__)

LOCK_NAME = ".bulletin.lock"
STATE_NAME = ".bulletin-state.json"


@dataclass
class SourceReport:
    """How one source fared."""

    name: str
    ok: bool
    error: str = ""


@dataclass
class DailyResult:
    """What a run did: "built" or "unchanged", and the details."""

    status: str
    sources: list[SourceReport] = field(default_factory=list)
    build: pipeline.BuildResult | None = None
    published: bool = False
    pruned: int = 0
    last_mp3: str = ""
    seconds: float = 0.0
    upload: UploadReport | None = None


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold the output folder's lock, or raise LockedError at once."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(f"another bulletin run ({holder}) holds {path}; this one stops.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def page_digest(page: News) -> str:
    """What the news says (headlines, places, text), not when the page was scraped."""
    if isinstance(page, Script):  # an edited script: what is read
        return hashlib.sha256("\n".join(f"{s.kind}:{s.text}" for s in page.segments).encode()).hexdigest()
    parts = [page.lead.headline or "", page.lead.place or "", *page.lead.paragraphs]
    for section in page.sections:
        parts.append(section.announcement or "")
        for story in section.briefs:
            parts += [story.place or "", *story.paragraphs]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read_state(root: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((root / STATE_NAME).read_text("utf-8")))
    except (OSError, ValueError):
        return {}


def gather(config: Config, at: datetime) -> tuple[News, list[SourceReport]]:
    """Every configured source that can be read, combined; failures reported.
    A script is a whole bulletin: it is read as it is, and only as the one source."""
    specs = cfg.sources(config)
    if not specs:
        raise ConfigError("no sources configured: add [[sources]] tables to bulletin.toml (see the README).")
    fetcher = Fetcher(cfg.fetch_settings(config))
    pages, reports = [], []
    for spec in specs:
        try:
            page = pipeline.read_spec(spec, config, at, fetcher)
        except BulletinError as exc:  # one bad source must not stop the bulletin
            log.warning("source %r failed: %s", spec.name, exc)
            reports.append(SourceReport(spec.name, False, str(exc)))
            continue
        reports.append(SourceReport(spec.name, True))
        if isinstance(page, Script):
            if len(specs) > 1:
                raise ConfigError(f"source {spec.name!r} is a bulletin script, a whole bulletin: make it the only "
                                  f"[[sources]] entry.")
            return page, reports
        pages.append((page, spec.announce or None, spec.max_items))
    if not pages:
        failures = "; ".join(f"{r.name}: {r.error}" for r in reports)
        raise SourceError(f"no source could be read, so no bulletin ({failures}).")
    return combine(pages), reports


def run_daily(config: Config, *, force: bool = False, at: datetime | None = None) -> DailyResult:
    """One unattended run: fetch, build (unless nothing is new), publish, prune."""
    started = time.perf_counter()
    root = Path(config.get("output", "dir"))
    moment = pipeline.resolve_at(at, config)
    cfg.publish_target(config)  # a mistyped target is found before the sources are fetched
    with folder_lock(root):
        page, reports = gather(config, moment)
        digest = page_digest(page)
        state = _read_state(root)
        if not force and state.get("digest") == digest:
            return DailyResult("unchanged", reports, last_mp3=state.get("mp3", ""),
                               seconds=time.perf_counter() - started)
        built = (pipeline.build_script(page, config) if isinstance(page, Script)
                 else pipeline.build_page(page, config, at=moment))
        published = bool(config.get("publish", "base_url"))
        upload = None
        if published:
            upload = pipeline.publish_folder(config).upload
        else:
            log.warning("not published: set [publish] base_url (or --base-url) to update the feeds.")
        pruned = 0
        cache_root = cfg.cache_dir(config)
        if cache_root:
            days = config.get("daily", "keep_cache_days")
            pruned = sum(store.prune(older_than_days=days)[0] for store in stores(cache_root).values())
        write_text(root / STATE_NAME, json.dumps(
            {"digest": digest, "mp3": str(built.mp3), "built": moment.isoformat()}, indent=2) + "\n")
    return DailyResult("built", reports, built, published, pruned, str(built.mp3),
                       time.perf_counter() - started, upload)


def summary(result: DailyResult) -> str:
    """The one line a cron user reads."""
    ok = sum(r.ok for r in result.sources)
    failed = [r.name for r in result.sources if not r.ok]
    sources = f"sources {ok}/{len(result.sources)}" + (f" ({', '.join(failed)} failed)" if failed else "")
    if result.build is None:
        return f"nothing new since {result.last_mp3 or 'the last run'}; nothing built · {sources}"
    qa, speech = result.build.qa, result.build.speech
    return (f"built {result.build.mp3} · {duration_text(qa.duration)} · {qa.integrated:.1f} LUFS · "
            f"{result.build.engine} · {speech.cached}/{speech.segments} segments cached · {sources} · "
            f"{_published(result)} · {result.seconds:.1f} s")


def _published(result: DailyResult) -> str:
    if not result.published:
        return "not published"
    if result.upload is None:
        return "published"
    return f"published to {result.upload.target} ({len(result.upload.uploaded)} uploaded)"


def log_line(result: DailyResult, at: datetime) -> dict[str, Any]:
    """The JSON log record of a run."""
    record: dict[str, Any] = {
        "time": at.isoformat(), "status": result.status, "seconds": round(result.seconds, 2),
        "sources": [r.__dict__ for r in result.sources], "published": result.published,
    }
    if result.build:
        record.update(mp3=str(result.build.mp3), duration=result.build.qa.duration,
                      loudness=result.build.qa.integrated, true_peak=result.build.qa.true_peak,
                      engine=result.build.engine, segments=result.build.speech.segments,
                      cached=result.build.speech.cached, fell_back=result.build.fell_back)
    if result.upload:
        record.update(target=result.upload.target, uploaded=len(result.upload.uploaded),
                      unchanged=result.upload.unchanged, deleted=len(result.upload.deleted))
    return record


def run_logged(config: Config, *, force: bool, at: datetime | None,
               exit_code: Callable[[BulletinError], int]) -> DailyResult:
    """:func:`run_daily`, leaving one JSON line in ``[daily] log_file`` (if set) whether it
    worked or not; ``exit_code`` says what a failure exits with (the caller's mapping)."""
    log_file = config.get("daily", "log_file")
    moment = pipeline.resolve_at(at, config)
    try:
        result = run_daily(config, force=force, at=moment)
    except BulletinError as exc:
        if log_file:
            append_log(Path(log_file), {"time": moment.isoformat(), "status": "failed", "error": str(exc),
                                        "exit": exit_code(exc)})
        raise
    if log_file:
        append_log(Path(log_file), log_line(result, moment))
    return result


def append_log(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line (a single write, so concurrent appenders do not interleave)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
