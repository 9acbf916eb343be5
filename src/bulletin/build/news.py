"""The news a bulletin is made from: a source read, its old items and web boilerplate
dropped, at the bulletin's moment."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.model import Script
from bulletin.sources import News, SourceSpec, read_source
from bulletin.sources.age import drop_old
from bulletin.sources.boilerplate import drop_boilerplate
from bulletin.sources.fetch import Fetcher

log = logging.getLogger(__name__)


def resolve_at(at: datetime | None, config: Config) -> datetime:
    """The bulletin's moment in the show's time zone; naive times are taken as local."""
    zone = cfg.timezone(config)
    if at is None:
        return datetime.now(zone).replace(second=0, microsecond=0)
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def read_spec(spec: SourceSpec, config: Config, at: datetime, fetcher: Fetcher | None) -> News:
    """One source's news without its old items and web boilerplate, what was left out logged
    (``-v``); a script is taken as written."""
    news = read_source(spec, at, fetcher, cfg.input_max_bytes(config))
    if isinstance(news, Script):
        return news
    news = drop_old(news, at, cfg.max_age(config, spec), spec.name)
    news = drop_boilerplate(news, cfg.boilerplate(config, spec), spec.name)
    for item in news.dropped_text:
        log.info("%s", item.line())
    return news


def read_news(location: Path | str, config: Config, at: datetime) -> News:
    """A page, feed, JSON bulletin or script from a file or an http(s) URL."""
    spec = _configured(SourceSpec(name=str(location), location=str(location)), config)
    return read_spec(spec, config, at, Fetcher(cfg.fetch_settings(config)) if spec.remote else None)


def _configured(spec: SourceSpec, config: Config) -> SourceSpec:
    """The configured source at ``spec``'s location, if any, so that its ``drop``
    rules apply when it is read on its own (``bulletin script URL``)."""
    where = spec.location if spec.remote else str(Path(spec.location).resolve())
    return next((s for s in config.sources if s.location == where), spec)


def news_at(location: Path | str, config: Config, at: datetime | None) -> tuple[News, datetime]:
    """The news at ``location`` and the bulletin's moment: ``at`` (default: now), but a
    script is for its own moment unless ``at`` is given."""
    moment = resolve_at(at, config)
    news = read_news(location, config, moment)
    if isinstance(news, Script):
        news = replace(news, at=moment if at is not None else resolve_at(news.at, config))
        return news, news.at
    return news, moment
