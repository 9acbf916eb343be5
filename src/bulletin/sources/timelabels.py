"""Relative time labels left on a page by scraping: "2 uur geleden", "14:05"."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

LABEL = re.compile(
    r"""(?ix)
    (?:
        zojuist | net | vandaag | gisteren | eergisteren
      | (?P<count>\d+|een|één) \s+ (?P<unit>seconden?|minuut|minuten|uur|dag|dagen|week|weken) \s+ geleden
      | (?P<hour>[01]?\d|2[0-3]) [:.] (?P<minute>[0-5]\d)
    )
    """
)

UNITS = {
    "seconde": timedelta(seconds=1),
    "seconden": timedelta(seconds=1),
    "minuut": timedelta(minutes=1),
    "minuten": timedelta(minutes=1),
    "uur": timedelta(hours=1),
    "dag": timedelta(days=1),
    "dagen": timedelta(days=1),
    "week": timedelta(weeks=1),
    "weken": timedelta(weeks=1),
}
# "N dagen geleden" further back than this is read as this far back: no page means more,
# and a huge N must not overflow the date.
LONGEST_AGO = timedelta(days=10 * 366)
DAYS_BACK = {"vandaag": 0, "gisteren": 1, "eergisteren": 2}
JUST_NOW = {"zojuist", "net"}


def match_label(text: str) -> re.Match[str] | None:
    """A time label at the very start of ``text``, if there is one."""
    return LABEL.match(text)


def resolve_label(label: str, at: datetime) -> datetime:
    """The moment a label refers to, seen from ``at`` (a timezone-aware time).

    Day words ("gisteren") resolve to the start of that day, so they sort
    before every "N uur geleden" of the same page. A moment before the year 1
    (``at`` at the very start of the calendar) is the earliest one there is.
    """
    m = LABEL.fullmatch(label.strip())
    if m is None:
        raise ValueError(f"not a time label: {label!r}")
    try:
        return _resolve(m, at)
    except OverflowError:
        return datetime.min.replace(tzinfo=at.tzinfo)


def _resolve(m: re.Match[str], at: datetime) -> datetime:
    word = m.group(0).lower()
    if word in JUST_NOW:
        return at
    if word in DAYS_BACK:
        day = (at - timedelta(days=DAYS_BACK[word])).date()
        return datetime.combine(day, time(0, 0), tzinfo=at.tzinfo)
    if m.group("unit"):
        count_text = m.group("count").lower()
        count = 1 if count_text in ("een", "één") else int(count_text)
        unit = UNITS[m.group("unit").lower()]
        return at - min(count, LONGEST_AGO // unit) * unit
    clock = time(int(m.group("hour")), int(m.group("minute")))
    stamp = datetime.combine(at.date(), clock, tzinfo=at.tzinfo)
    # A clock time later than now was yesterday's.
    return stamp if stamp <= at else stamp - timedelta(days=1)
