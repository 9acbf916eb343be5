"""A plain preview page for the output folder: every bulletin with a player."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as html_escape

from bulletin.core.plaintext import printable
from bulletin.publish.episode import Episode


def escape(text: str) -> str:
    """Text for HTML: markup escaped, control characters out."""
    return html_escape(printable(text))


def index_html(title: str, episodes: Sequence[Episode], icon: str | None = None) -> str:
    """``index.html`` with relative links, so the folder previews anywhere; ``icon``: the show's
    cover as the page's icon (a browser asks for one, and logs a 404 without it)."""
    rows = []
    for episode in episodes:
        extras = " · ".join(
            f'<a href="{escape(path)}">{label}</a>'
            for label, path in (
                ("transcript", episode.webvtt),
                ("chapters", episode.chapters),
                ("Alexa", episode.alexa_mp3),
            )
            if path
        )
        rows.append(
            f"<article><h2>{escape(episode.title)}</h2>"
            f'<audio controls preload="metadata" src="{escape(episode.audio)}"></audio>'
            f"<p>{escape(episode.description)}</p><p>{extras}</p></article>"
        )
    return (
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<link rel="alternate" type="application/rss+xml" href="feed.xml">'
        + (f'<link rel="icon" type="image/jpeg" href="{escape(icon)}">' if icon else "")
        + "</head>\n"
        f'<body><h1>{escape(title)}</h1><p><a href="feed.xml">podcast feed</a></p>\n'
        + "\n".join(rows)
        + "\n</body></html>\n"
    )
