"""Relative time labels resolved against the bulletin's time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bulletin.sources.timelabels import match_label, resolve_label

AT = datetime.fromisoformat("2026-11-27T08:15:00+01:00")

CASES = [
    ("zojuist", AT),
    ("net", AT),
    ("1 minuut geleden", AT - timedelta(minutes=1)),
    ("10 minuten geleden", AT - timedelta(minutes=10)),
    ("1 uur geleden", AT - timedelta(hours=1)),
    ("een uur geleden", AT - timedelta(hours=1)),
    ("2 uur geleden", AT - timedelta(hours=2)),
    ("3 dagen geleden", AT - timedelta(days=3)),
    ("1 week geleden", AT - timedelta(weeks=1)),
    ("gisteren", datetime.fromisoformat("2026-11-26T00:00:00+01:00")),
    ("eergisteren", datetime.fromisoformat("2026-11-25T00:00:00+01:00")),
    ("07:40", datetime.fromisoformat("2026-11-27T07:40:00+01:00")),
    ("14:05", datetime.fromisoformat("2026-11-26T14:05:00+01:00")),  # later than now: yesterday
]


@pytest.mark.parametrize(("label", "moment"), CASES)
def test_resolve(label, moment):
    assert resolve_label(label, AT) == moment


@pytest.mark.parametrize("text", ["2 uur geledenMOSKOU (ANP) - x", "zojuist", "14:05BERLIJN"])
def test_match_at_start(text):
    assert match_label(text) is not None


def test_not_a_label():
    with pytest.raises(ValueError):
        resolve_label("morgen", AT)


FIRST_DAY = datetime.fromisoformat("0001-01-01T00:00:00+00:00")
EARLIEST = datetime.min.replace(tzinfo=FIRST_DAY.tzinfo)


@pytest.mark.parametrize(
    ("label", "at", "moment"),
    [
        # At the start of the calendar there is no yesterday: the earliest moment, not an OverflowError.
        ("gisteren", FIRST_DAY, EARLIEST),
        ("2 uur geleden", FIRST_DAY, EARLIEST),
        ("14:05", FIRST_DAY, EARLIEST),
        # A count no page means is read as ten years back, however large.
        ("99999999999 dagen geleden", AT, AT - timedelta(days=3660)),
        ("99999999999 weken geleden", AT, AT - timedelta(weeks=3660 // 7)),
    ],
)
def test_labels_at_the_edges_of_the_calendar(label, at, moment):
    assert resolve_label(label, at) == moment
