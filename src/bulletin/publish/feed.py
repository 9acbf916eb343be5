"""The podcast feed: RSS 2.0 with Apple's ``itunes`` and the Podcast Index
``podcast`` namespaces, built with feedgen (lxml escapes every text)."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin

from bulletin import __version__
from bulletin.publish.episode import Episode
from bulletin.publish.mediatypes import CHAPTERS_TYPE

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The Podcast Index namespace's own UUID, for podcast:guid (UUIDv5 of the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
MAX_DESCRIPTION_BYTES = 4000  # Apple's limit for the channel description
# Characters XML 1.0 does not allow (C0 controls but tab, newline, return; and
# the two non-characters); news pages do contain them.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TRANSCRIPT_TYPES = (("webvtt", "text/vtt"), ("srt", "application/x-subrip"))


def xml_text(text: str) -> str:
    """Text that XML can carry: control characters out (escaping is lxml's job)."""
    return XML_INVALID.sub("", text)


def html_text(text: str) -> str:
    """Plain text as the HTML an item's description is read as: each line a paragraph, ``&`` and
    ``<`` escaped for HTML (then, by lxml, for XML), so readers show ``AT&T <b>`` as written."""
    lines = (line.strip() for line in xml_text(text).splitlines())
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", feed_url.strip(), flags=re.IGNORECASE).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def absolute(base_url: str, relative: str) -> str:
    """An absolute, ASCII URL for a file in the output folder."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", quote(relative))


@dataclass(frozen=True)
class Show:
    """The channel's settings."""

    title: str
    description: str
    author: str
    language: str
    link: str
    base_url: str
    category: str
    subcategory: str
    explicit: bool
    owner_name: str
    owner_email: str
    locked: bool
    cover: str  # relative path of the channel's cover
    guid: str  # podcast:guid as kept for the show; empty: made from the feed's address
    new_feed_url: str  # where the feed moved to (itunes:new-feed-url); empty: it has not

    @property
    def podcast_guid(self) -> str:
        """The show's podcast:guid: the one kept, else the feed URL's."""
        return self.guid or podcast_guid(self.feed_url)

    @property
    def feed_url(self) -> str:
        """Where the feed itself will be."""
        return absolute(self.base_url, "feed.xml")


class PodcastIndexExtension:
    """Channel elements feedgen lacks: podcast:guid/locked/medium, and itunes:explicit
    with Apple's current values (feedgen knows only yes/no/clean)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss: Any) -> Any:
        from lxml import etree

        channel = rss[0]
        explicit = etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit")
        explicit.text = "true" if self.values["explicit"] else "false"
        etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = self.values["guid"]
        locked = etree.SubElement(channel, f"{{{PODCAST_NS}}}locked")
        locked.text = "yes" if self.values["locked"] else "no"
        if self.values.get("owner"):
            locked.set("owner", self.values["owner"])
        etree.SubElement(channel, f"{{{PODCAST_NS}}}medium").text = "podcast"
        return rss


class PodcastIndexEntryExtension:
    """Item elements: podcast:transcript (one per format) and podcast:chapters."""

    def __init__(self) -> None:
        self.transcripts: list[dict[str, str]] = []
        self.chapters: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item: Any) -> Any:
        from lxml import etree

        for attributes in self.transcripts:
            etree.SubElement(item, f"{{{PODCAST_NS}}}transcript", attrib=attributes)
        if self.chapters:
            etree.SubElement(item, f"{{{PODCAST_NS}}}chapters", url=self.chapters, type=CHAPTERS_TYPE)
        return item


def _rfc2822_source(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clip_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    return text if len(encoded) <= limit else encoded[: limit - 3].decode("utf-8", "ignore") + "..."


def render_feed(show: Show, episodes: Sequence[Episode], sizes: dict[str, int]) -> bytes:
    """The feed's XML; ``sizes`` maps each episode's audio path to its enclosure's byte size."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False)
    fg.title(xml_text(show.title))
    fg.description(xml_text(_clip_bytes(show.description, MAX_DESCRIPTION_BYTES)))
    fg.link(href=show.feed_url, rel="self")
    fg.link(href=show.link or show.base_url, rel="alternate")  # feedgen takes the last link for RSS
    fg.language(show.language)
    fg.generator(f"bulletin {__version__}")
    fg.image(absolute(show.base_url, show.cover), title=xml_text(show.title), link=show.link or show.base_url)
    fg.podcast.itunes_author(xml_text(show.author))
    fg.podcast.itunes_image(absolute(show.base_url, show.cover))
    fg.podcast.itunes_category(show.category, show.subcategory)
    fg.podcast.itunes_type("episodic")
    fg.podcast.itunes_summary(xml_text(_clip_bytes(show.description, MAX_DESCRIPTION_BYTES)))
    if show.owner_email:
        fg.podcast.itunes_owner(name=xml_text(show.owner_name or show.author), email=show.owner_email)
    fg.podcastindex.values.update(
        explicit=show.explicit, guid=show.podcast_guid, locked=show.locked, owner=show.owner_email
    )
    if show.new_feed_url:
        fg.podcast.itunes_new_feed_url(show.new_feed_url)
    if episodes:
        fg.lastBuildDate(max(_rfc2822_source(e.published) for e in episodes))

    for episode in episodes:  # newest first, as given
        entry = fg.add_entry(order="append")
        entry.guid(episode.guid, permalink=False)
        entry.title(xml_text(episode.title))
        entry.description(html_text(episode.description))
        entry.link(href=absolute(show.base_url, episode.enclosure))
        entry.enclosure(absolute(show.base_url, episode.enclosure), str(sizes[episode.audio]), episode.enclosure_type)
        entry.pubDate(_rfc2822_source(episode.published))
        entry.podcast.itunes_duration(str(round(episode.duration)))
        entry.podcast.itunes_episode_type("full")
        if episode.cover:
            entry.podcast.itunes_image(absolute(show.base_url, episode.cover))
        entry.podcastindex.transcripts = [
            {
                "url": absolute(show.base_url, path),
                "type": kind,
                "language": episode.language,
                **({"rel": "captions"} if name == "webvtt" else {}),
            }
            for name, kind in TRANSCRIPT_TYPES
            if (path := getattr(episode, name))
        ]
        entry.podcastindex.chapters = absolute(show.base_url, episode.chapters) if episode.chapters else None
    return bytes(fg.rss_str(pretty=True))
