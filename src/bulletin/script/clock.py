"""Dates and times spoken the way a Dutch newsreader says them."""

from __future__ import annotations

from datetime import date, time

from bulletin.script.numbers import cardinal

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
HOURS_ON_DIAL = 12
QUARTER = 15
HALF = 30
# Minutes that fall on the five-minute grid are said relative to the hour or
# the half hour ("tien voor half negen"); others as "acht uur zeventien".
GRID = 5
# Greetings by hour of the day: (from hour, greeting).
GREETINGS = ((0, "Goedenacht"), (6, "Goedemorgen"), (12, "Goedemiddag"), (18, "Goedenavond"))


def _dial(hour: int) -> str:
    """The hour as said on a 12-hour dial: 0 and 12 -> "twaalf", 14 -> "twee"."""
    return cardinal(hour % HOURS_ON_DIAL or HOURS_ON_DIAL)


def spoken_time(t: time) -> str:
    """08:15 -> "kwart over acht"; 14:00 -> "twee uur"; 08:17 -> "acht uur zeventien"."""
    h, m = t.hour, t.minute
    this, next_ = _dial(h), _dial(h + 1)
    if m == 0:
        return f"{this} uur"
    if m % GRID:
        return f"{this} uur {cardinal(m)}"
    if m == QUARTER:
        return f"kwart over {this}"
    if m == HALF:
        return f"half {next_}"
    if m == HALF + QUARTER:
        return f"kwart voor {next_}"
    if m < QUARTER:
        return f"{cardinal(m)} over {this}"
    if m < HALF:
        return f"{cardinal(HALF - m)} voor half {next_}"
    if m < HALF + QUARTER:
        return f"{cardinal(m - HALF)} over half {next_}"
    return f"{cardinal(60 - m)} voor {next_}"


def spoken_date(d: date) -> str:
    """2026-11-27 -> "vrijdag zevenentwintig november"."""
    return f"{WEEKDAYS[d.weekday()]} {cardinal(d.day)} {MONTHS[d.month - 1]}"


def written_date(d: date) -> str:
    """2026-11-27 -> "vrijdag 27 november 2026", for titles."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def greeting(t: time) -> str:
    """The greeting for the time of day: "Goedemorgen" at 08:15."""
    return next(word for start, word in reversed(GREETINGS) if t.hour >= start)
