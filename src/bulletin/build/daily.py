"""``bulletin daily``: fetch the sources, build, publish and prune, unattended.

Made for cron: a lock keeps two runs from overlapping (with a bucket, the
station's lease in it, across machines), a run with nothing new since the last
bulletin builds nothing (with a bucket, whichever machine made that one), a failing source is reported and the
bulletin is made from the others, and every run leaves one summary line (and,
if configured, one JSON line in a log file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bulletin.build import pipeline
from bulletin.build.approval import mark_approved, wait_for_approval
from bulletin.build.caches import prune
from bulletin.build.news import read_spec, resolve_at
from bulletin.build.publishing import publish_folder, station_lease
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.config.schema import duration_seconds
from bulletin.core.errors import BulletinError, ConfigError, PublishError, SourceError
from bulletin.core.jsontext import loads
from bulletin.core.model import Script
from bulletin.media.meter import duration_text
from bulletin.publish.episode import APPROVED, DRAFT
from bulletin.publish.s3 import UploadReport, read_note, write_note
from bulletin.sources import News, SourceSpec
from bulletin.sources.age import TOO_OLD
from bulletin.sources.combine import SAME_STORY, combine
from bulletin.sources.fetch import Fetcher
from bulletin.storage.atomic import write_text
from bulletin.storage.bucket import S3Target
from bulletin.storage.locks import hold

log = logging.getLogger(__name__)

LOCK_NAME = ".bulletin.lock"
STATE_NAME = ".bulletin-state.json"
STATE_OBJECT = "state.json"  # in the bucket, among the station's own objects
STATE_AUDIO = "audio"  # the state's key for the last bulletin's file
STATE_SHOW = "show"  # and for the show that made it: two stations on one prefix would overwrite each other
APPROVAL_REQUIRED = "required"
ON_DEADLINE_PUBLISH = "publish"
APPROVED_IN_TIME, PUBLISHED_AT_DEADLINE, HELD = "approved", "deadline", "held"
MAX_FETCHES = 8  # sources fetched at once


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
    last_audio: str = ""
    seconds: float = 0.0
    upload: UploadReport | None = None
    approval: str = ""  # with [daily] approval = "required": approved, deadline (published unapproved) or held
    too_old: int = 0  # items left out as older than their source's max_age
    merged: int = 0  # stories left out as the same story as one read already


def left_out(page: News, rule: str) -> int:
    """How many of the page's stories were left out by ``rule`` ("too old", "same story")."""
    if isinstance(page, Script):
        return 0
    return sum(item.rule.startswith(f"{rule}:") for item in page.dropped_text)


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


def _read_state(root: Path, target: S3Target | None) -> dict[str, Any]:
    """The last run's state: the bucket's (any machine's last run) when there is one, else the folder's.
    A damaged state is as good as none: the run builds."""
    try:
        raw = read_note(target, STATE_OBJECT) if target else (root / STATE_NAME).read_bytes()
        state = loads(raw or b"{}")
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and all(isinstance(v, str) for v in state.values()) else {}


def _write_state(root: Path, target: S3Target | None, state: dict[str, str]) -> None:
    text = json.dumps(state, indent=2) + "\n"
    write_text(root / STATE_NAME, text)
    if target is not None:
        try:
            write_note(target, STATE_OBJECT, text.encode())
        except PublishError as exc:  # published already: the next run only builds the same news again
            log.warning("%s; the next run will not know this one's news.", exc)


def gather(config: Config, at: datetime) -> tuple[News, list[SourceReport]]:
    """Every configured source that can be read, combined; failures reported. The sources are
    fetched side by side, so slow ones cost one fetch deadline together, not one each.
    A script is a whole bulletin: it is read as it is, and only as the one source."""
    specs = config.sources
    if not specs:
        raise ConfigError("no sources configured: add [[sources]] tables to bulletin.toml (see the README).")
    fetcher = Fetcher(cfg.fetch_settings(config))

    def read(spec: SourceSpec) -> News | BulletinError:
        try:
            return read_spec(spec, config, at, fetcher)
        except BulletinError as exc:  # one bad source must not stop the bulletin
            return exc

    with ThreadPoolExecutor(min(len(specs), MAX_FETCHES)) as pool:
        answers = list(pool.map(read, specs))
    pages, reports = [], []
    for spec, page in zip(specs, answers, strict=True):
        if isinstance(page, BulletinError):
            log.warning("source %r failed: %s", spec.name, page)
            reports.append(SourceReport(spec.name, False, str(page)))
            continue
        reports.append(SourceReport(spec.name, True))
        if isinstance(page, Script):
            if len(specs) > 1:
                raise ConfigError(
                    f"source {spec.name!r} is a bulletin script, a whole bulletin: make it the only [[sources]] entry."
                )
            return page, reports
        pages.append((page, spec.announce or None, spec.max_items))
    if not pages:
        # each named once: an error about a source's items names the source already
        failures = "; ".join(r.error if r.error.startswith(f"{r.name}:") else f"{r.name}: {r.error}" for r in reports)
        raise SourceError(f"no source could be read, so no bulletin ({failures}).")
    return combine(pages), reports


def run_daily(config: Config, *, force: bool = False, at: datetime | None = None) -> DailyResult:
    """One unattended run: fetch, build (unless nothing is new), publish, prune."""
    started = time.perf_counter()
    root = Path(config.settings.output.dir)
    moment = resolve_at(at, config)
    target = cfg.publish_target(config)  # a mistyped target is found before the sources are fetched
    lock = root / LOCK_NAME
    with (
        hold(lock, lambda holder: f"another bulletin run ({holder}) holds {lock}; this one stops."),
        station_lease(config) as lease,
    ):
        page, reports = gather(config, moment)
        digest = page_digest(page)
        state = _read_state(root, target)
        show = config.settings.show.title
        if target is not None and state.get(STATE_SHOW, show) != show:
            log.warning(
                "%s holds the state of another show (%r); do two stations share this prefix? Give each its own.",
                target,
                state[STATE_SHOW],
            )
        too_old, merged = left_out(page, TOO_OLD), left_out(page, SAME_STORY)
        if not force and state.get("digest") == digest:
            return DailyResult(
                "unchanged",
                reports,
                last_audio=str(state.get(STATE_AUDIO, "")),
                seconds=time.perf_counter() - started,
                too_old=too_old,
                merged=merged,
            )
        gated = config.settings.daily.approval == APPROVAL_REQUIRED
        made_as = DRAFT if gated else APPROVED
        built = (
            pipeline.build_script(page, config, state=made_as)
            if isinstance(page, Script)
            else pipeline.build_page(page, config, at=moment, state=made_as)
        )
        approval = _await_approval(config, root, built) if gated else ""
        published = bool(config.settings.publish.base_url) and approval != HELD
        upload = None
        if published:
            upload = publish_folder(config, lease=lease).upload
        elif approval != HELD:
            log.warning("not published: set [publish] base_url (or --base-url) to update the feeds.")
        cache_root = cfg.cache_dir(config)
        pruned = sum(p.entries for p in prune(cache_root, config.settings.daily.keep_cache_days)) if cache_root else 0
        # A held draft waits in this folder for an editor, but a folder is scratch where the bucket is the
        # state: there its news is not marked as told, and the next run (on any machine) makes it again.
        _write_state(
            root,
            target if approval != HELD else None,
            {"digest": digest, STATE_AUDIO: str(built.audio), "built": moment.isoformat(), STATE_SHOW: show},
        )
    return DailyResult(
        "built",
        reports,
        built,
        published,
        pruned,
        str(built.audio),
        time.perf_counter() - started,
        upload,
        approval,
        too_old,
        merged,
    )


def _await_approval(config: Config, root: Path, built: pipeline.BuildResult) -> str:
    """Wait for an editor to approve the draft just built, up to ``[daily] approval_deadline``;
    at the deadline, approve it anyway or hold it (``on_deadline``). What happened, in a word."""
    daily = config.settings.daily
    bulletin = built.id
    seconds = duration_seconds(daily.approval_deadline)
    log.warning(
        "draft %s waits for approval (the studio, or `bulletin approve %s`) for %s.",
        bulletin,
        bulletin,
        daily.approval_deadline,
    )
    if wait_for_approval(root, bulletin, seconds):
        log.info("%s was approved.", bulletin)
        return APPROVED_IN_TIME
    if daily.on_deadline == ON_DEADLINE_PUBLISH:
        mark_approved(root, bulletin)
        log.warning(
            "%s was not approved within %s; published as [daily] on_deadline says.", bulletin, daily.approval_deadline
        )
        return PUBLISHED_AT_DEADLINE
    log.warning(
        "%s was not approved within %s; held (not published) as [daily] on_deadline says.",
        bulletin,
        daily.approval_deadline,
    )
    return HELD


def summary(result: DailyResult) -> str:
    """The one line a cron user reads."""
    ok = sum(r.ok for r in result.sources)
    failed = [r.name for r in result.sources if not r.ok]
    sources = f"sources {ok}/{len(result.sources)}" + (f" ({', '.join(failed)} failed)" if failed else "")
    # What was not read, when anything was: items too old for max_age, stories two sources told.
    left = ((result.too_old, "too old"), (result.merged, "merged"))
    sources += "".join(f" · {count} {what}" for count, what in left if count)
    if result.build is None:
        return f"nothing new since {result.last_audio or 'the last run'}; nothing built · {sources}"
    qa, speech = result.build.qa, result.build.speech
    return (
        f"built {result.build.audio} · {duration_text(qa.duration)} · {qa.integrated:.1f} LUFS · "
        f"{result.build.engine} · {speech.cached}/{speech.segments} segments cached"
        f"{f' ({speech.shared_note()})' if speech.shared_note() else ''} · {sources} · "
        f"{_published(result)} · {result.seconds:.1f} s"
    )


APPROVAL_WORDS = {APPROVED_IN_TIME: "approved, ", PUBLISHED_AT_DEADLINE: "not approved by the deadline, "}


def _published(result: DailyResult) -> str:
    if result.approval == HELD:
        return "held: not approved by the deadline, not published"
    said = APPROVAL_WORDS.get(result.approval, "")
    if not result.published:
        return f"{said}not published"
    if result.upload is None:
        return f"{said}published"
    return f"{said}published to {result.upload.target} ({len(result.upload.uploaded)} uploaded)"


def log_line(result: DailyResult, at: datetime) -> dict[str, Any]:
    """The JSON log record of a run."""
    record: dict[str, Any] = {
        "time": at.isoformat(),
        "status": result.status,
        "seconds": round(result.seconds, 2),
        "sources": [r.__dict__ for r in result.sources],
        "published": result.published,
        "too_old": result.too_old,
        "merged": result.merged,
    }
    if result.approval:
        record["approval"] = result.approval
    if result.build:
        record.update(
            audio=str(result.build.audio),
            duration=result.build.qa.duration,
            loudness=result.build.qa.integrated,
            true_peak=result.build.qa.true_peak,
            engine=result.build.engine,
            segments=result.build.speech.segments,
            cached=result.build.speech.cached,
            synthesised=result.build.speech.synthesised,
            shared=result.build.speech.shared,
            remade=result.build.speech.remade,
            fell_back=result.build.fell_back,
        )
    if result.upload:
        record.update(
            target=result.upload.target,
            uploaded=len(result.upload.uploaded),
            unchanged=result.upload.unchanged,
            deleted=len(result.upload.deleted),
        )
    return record


def run_logged(config: Config, *, force: bool = False, at: datetime | None = None) -> DailyResult:
    """:func:`run_daily`, leaving one JSON line in ``[daily] log_file`` (if set) whether it
    worked or not (a failure with the exit code it ends with)."""
    log_file = config.settings.daily.log_file
    moment = resolve_at(at, config)
    try:
        result = run_daily(config, force=force, at=moment)
    except BulletinError as exc:
        if log_file:
            append_log(
                Path(log_file),
                {"time": moment.isoformat(), "status": "failed", "error": str(exc), "exit": exc.exit_code},
            )
        raise
    if log_file:
        append_log(Path(log_file), log_line(result, moment))
    return result


def append_log(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line (a single write, so concurrent appenders do not interleave)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
