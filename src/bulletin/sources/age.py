"""Old items are not news: a source's stories published (or, without that, updated) longer
than its ``max_age`` before the bulletin's time are left out and reported as dropped text,
the reason in their rule. A story without a time is kept: there is nothing to judge it by
(it is counted, so a source that gives no times shows up in ``-v``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from bulletin.core.errors import InputError
from bulletin.core.model import DroppedText, Page, Story

log = logging.getLogger(__name__)

TOO_OLD = "too old"  # the rule of a story left out for its age: "too old: max_age 36h"
MIDNIGHT = time(0, 0)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class MaxAge:
    """How old a source's items may be."""

    limit: timedelta | None  # None: no limit
    written: str  # as the configuration says it ("36h"), for the report


def _too_old(story: Story, oldest: datetime) -> bool:
    if story.published is None:
        return False
    # A time of midnight sharp is a day, not a moment: a page's "gisteren", a feed's date without a
    # time. The story may be from any moment of that day, so it is as old as the day's end says.
    day_only = story.published.time() == MIDNIGHT
    return story.published + (ONE_DAY if day_only else timedelta(0)) < oldest


def drop_old(page: Page, at: datetime, max_age: MaxAge, source: str) -> Page:
    """``page`` without the stories older than ``max_age`` before ``at``, each added to
    ``page.dropped_text``. A page with nothing new left is an InputError that says so."""
    undated = sum(story.published is None for story in (page.lead, *page.briefs))
    if undated:
        items = "item has" if undated == 1 else "items have"
        log.info("%s: %d %s no time; kept, as their age is not known.", source, undated, items)
    if max_age.limit is None:
        return page
    oldest = at - max_age.limit
    rule = f"{TOO_OLD}: max_age {max_age.written}"
    gone = [story for story in (page.lead, *page.briefs) if _too_old(story, oldest)]
    if not gone:
        return page
    dropped = tuple(DroppedText(source, story.label, story.text, rule) for story in gone)
    sections = [replace(sec, briefs=tuple(b for b in sec.briefs if not _too_old(b, oldest))) for sec in page.sections]
    lead: Story | None = None if _too_old(page.lead, oldest) else page.lead
    if lead is None:  # the first story left takes the lead's place, as when boilerplate empties a lead
        first = next((sec for sec in sections if sec.briefs), None)
        if first is None:
            newest = max(s.published for s in gone if s.published is not None)
            raise InputError(
                f"{source}: every item is older than max_age {max_age.written} (the newest is from "
                f"{newest:%Y-%m-%d %H:%M}); nothing to read. Is the source still updated? Else raise its max_age."
            )
        lead = first.briefs[0]
        sections = [replace(sec, briefs=sec.briefs[1:]) if sec is first else sec for sec in sections]
    return Page(lead=lead, sections=tuple(sections), dropped_text=(*page.dropped_text, *dropped))
