"""HTML fragments from feeds (RSS and Atom content, JSON Feed's ``content_html``) as
paragraphs of clean text, each with what the markup says about it: captions, embeds,
paragraphs that are only a link, image alt texts and closing notes in italics are not
the story and are set aside under a rule of their own, to be reported, not read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"]
)
SILENT_TAGS = frozenset(["script", "style", "template"])  # code, not text: nothing to report
# Markup that says "not the story": its text is set aside under this rule.
SET_ASIDE_TAGS = {
    "figure": "html-caption",
    "figcaption": "html-caption",
    "picture": "html-caption",
    "iframe": "html-embed",
    "noscript": "html-embed",
}
EMBED_CLASS = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|embed", re.IGNORECASE)
LINK_TAGS = frozenset({"a"})
EMPHASIS_TAGS = frozenset(["em", "i", "small"])
# A closing paragraph all in italics this short is an editor's note or a credit.
NOTE_MAX_WORDS = 30


@dataclass(frozen=True)
class Block:
    """A paragraph of an HTML fragment and the markup rule that sets it aside (None: read it)."""

    text: str
    rule: str | None = None
    emphasised: bool = False  # all of its text in <em>, <i> or <small>


class _Blocks(HTMLParser):
    """Paragraphs from HTML, with what the markup says about each: a caption,
    an embed, a paragraph that is only a link, an image's alt text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.chunks: list[tuple[str, bool, bool]] = []  # (text, in a link, emphasised)
        self.silent = self.links = self.emphasis = 0
        self.aside: list[list[Any]] = []  # [tag, rule, same tags nested inside] of open set-aside elements
        self.list_item = False

    def _flush(self) -> None:
        text = " ".join("".join(c[0] for c in self.chunks).split())
        words = [c for c in self.chunks if re.search(r"\w", c[0])]
        self.chunks = []
        if not text:
            return
        if self.aside:
            rule: str | None = self.aside[-1][1]
        elif words and all(c[1] for c in words):
            rule = "html-link-list" if self.list_item else "html-link"
        else:
            rule = None
        self.blocks.append(Block(text, rule, bool(words) and all(c[2] for c in words)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in SILENT_TAGS:
            self.silent += 1
        elif self.aside and tag == self.aside[-1][0]:
            self.aside[-1][2] += 1
        elif tag in SET_ASIDE_TAGS or (tag in ("blockquote", "div") and EMBED_CLASS.search(found.get("class") or "")):
            self._flush()
            self.aside.append([tag, SET_ASIDE_TAGS.get(tag, "html-embed"), 0])
        if tag == "img" and (found.get("alt") or "").strip():
            self.blocks.append(Block(" ".join((found["alt"] or "").split()), "html-image"))
        elif tag in LINK_TAGS:
            self.links += 1
        elif tag in EMPHASIS_TAGS:
            self.emphasis += 1
        if tag in BLOCK_TAGS:
            self._flush()
            self.list_item = tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_TAGS:
            self.silent = max(0, self.silent - 1)
        elif self.aside and tag == self.aside[-1][0]:
            if self.aside[-1][2]:
                self.aside[-1][2] -= 1
            else:
                self._flush()
                self.aside.pop()
        elif tag in LINK_TAGS:
            self.links = max(0, self.links - 1)
        elif tag in EMPHASIS_TAGS:
            self.emphasis = max(0, self.emphasis - 1)
        if tag in BLOCK_TAGS:
            self._flush()
            self.list_item = False

    def handle_data(self, data: str) -> None:
        if not self.silent:  # line breaks in the source are just spaces in HTML
            self.chunks.append((data.replace("\n", " "), self.links > 0, self.emphasis > 0))


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of an HTML fragment, each with the markup rule that sets it aside, if any.

    Set aside: captions (``<figure>``, ``<figcaption>``), embeds (tweets, iframes),
    paragraphs and list items that are only a link, ``<img alt>`` texts, and
    closing paragraphs all in italics (credits and editors' notes).
    """
    reader = _Blocks()
    reader.feed(html)
    reader.close()
    reader._flush()
    blocks = reader.blocks
    read = [i for i, b in enumerate(blocks) if b.rule is None]
    # Closing italic paragraphs, never all of the text.
    while len(read) > 1 and blocks[read[-1]].emphasised and len(blocks[read[-1]].text.split()) <= NOTE_MAX_WORDS:
        last = read.pop()
        blocks[last] = Block(blocks[last].text, "html-note", True)
    return blocks


def html_paragraphs(html: str) -> list[str]:
    """Paragraphs of plain text from an HTML fragment (without what the markup sets aside)."""
    return [b.text for b in html_blocks(html) if b.rule is None]


def text_blocks(text: str) -> list[Block]:
    """The paragraphs of a plain-text body (JSON Feed's ``content_text``): one a line, nothing set aside."""
    return [Block(" ".join(line.split())) for line in text.splitlines() if line.strip()]
