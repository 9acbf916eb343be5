"""The Alexa Flash Briefing feed: JSON, newest first, one to five audio items."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC

from bulletin.audio.profiles import ALEXA
from bulletin.publish.episode import Episode

log = logging.getLogger(__name__)

MAX_ITEMS = 5
FORMAT = "mp3"  # Amazon plays Flash Briefing audio as MP3 only


def plays(base_url: str) -> bool:
    """True if Alexa can play audio served from ``base_url``: Alexa plays HTTPS audio only."""
    return base_url.lower().startswith("https://")


def _within(seconds: float) -> bool:
    """Within Amazon's length limits (the Alexa profile's)."""
    low, high = ALEXA.min_seconds or 0.0, ALEXA.max_seconds or float("inf")
    return low <= seconds <= high


def flash_briefing(episodes: Sequence[Episode], base_url: str, link: str) -> list[dict[str, str]]:
    """The feed's items, newest first; none when no episode may be in it (Alexa needs HTTPS)."""
    from bulletin.publish.feed import absolute, xml_text  # the podcast feed's module: not for a build

    if not plays(base_url):
        log.warning("no Alexa feed: Alexa plays only HTTPS audio and base_url is %s.", base_url or "not set")
        return []
    items = []
    for episode in episodes:
        if episode.alexa_mp3 is None or episode.alexa_duration is None:
            continue
        if not _within(episode.alexa_duration):
            log.warning(
                "%s left out of the Alexa feed: %.0f s is outside Amazon's 10 s to 10 min.",
                episode.title,
                episode.alexa_duration,
            )
            continue
        items.append(
            {
                "uid": episode.guid,
                "updateDate": episode.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0Z"),
                "titleText": xml_text(episode.title),
                "mainText": "",
                "streamUrl": absolute(base_url, episode.alexa_mp3),
                "redirectionUrl": link or base_url,
            }
        )
        if len(items) == MAX_ITEMS:
            break
    if not items:
        log.warning("no Alexa feed: no bulletin has an Alexa rendition within Amazon's rules.")
    return items
