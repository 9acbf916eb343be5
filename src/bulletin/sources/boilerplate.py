"""Web boilerplate out of the news before it reaches the voice.

Feeds are written for a screen: link prompts ("Lees ook: ..."), calls to follow,
subscribe, tip, share or watch ("Blijf op de hoogte via ons liveblog", "Heb jij iets
gezien? Tip de redactie"), photo credits ("Foto: ANP / Robin Utrecht"), embed and
advertisement leftovers, share bars. This stage drops them, sentence by sentence,
with a small pipeline of named rules built from word lists (``boilerplate-nl.toml``,
which a user's file extends) plus a source's own ``drop`` patterns; tags inside a
sentence or headline ("(video)", "(Foto: ANP)") are cut out of it. Calls are
recognised by what they say (a command or a question to the reader, about us or what
we offer), not by their first words, so a sentence that merely mentions such a word
("De politie vraagt getuigen zich te melden", "Daaruit volgt ...") is news and stays.
Everything dropped is kept on the page as :class:`DroppedText`, with the rule that
dropped it. Feed briefs are cut to their first sentences only after this, so
boilerplate never takes a news sentence's place, and what the cut leaves out is
reported too (``cut: brief length``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError, InputError
from bulletin.core.model import DroppedText, Page, Section, Story
from bulletin.text import sentences
from bulletin.text.addresses import ADDRESS

DATA_FILE = "boilerplate-nl.toml"
# What may stand before a prompt or credit: arrows, bullets, dashes, brackets
# (not quotation marks: a quote that starts with "Kijk" is someone speaking).
LEAD_IN = r"[\s»›>→▶►•·*|(\[\-–—]*"
WORD_END = r"(?![\w-])"
# Name particles that may stand lower case in a credit line: "Robin van Lonkhuijsen".
NAME_PARTICLES = frozenset(
    ["van", "de", "der", "den", "ten", "ter", "het", "'t", "op", "in", "la", "le", "du", "da", "von", "zu"]
)
PARENTHESIS = re.compile(r"\s*\(([^()]{1,80})\)")
LEADING_ASIDE = re.compile(r"\s*\((?!c\))[^()]*\)\s*\w")  # "(Foto: ANP) Het dier ..." goes on after it
DROP_RULE_PREFIX = "drop: "
HANDLE = r"[@#][\w.]+"  # an account or a tag on a social network: "@omroepwest", "#brand"
CALL_RULE = "call"
CUT_BRIEF_LENGTH = "cut: brief length"
# A "*" in a phrase of the word lists stands for up to this many words ("laat * weten").
GAP_WORDS = 3
# Quotation marks: a sentence that opens with one is someone speaking, and what is quoted
# inside a sentence is theirs, not a call of ours.
QUOTED = re.compile(r"[\"“”„«»][^\"“”„«»]*[\"“”„«»]")  # not ’: it is the apostrophe of "foto’s" too
QUOTE_OPENERS = '"“”„«»‘‚'
QUESTION_END = re.compile(r"\?[\"'”’)\]]*$")
# Rules whose sentence takes a question right before it along: "Iets gezien? Mail ons."
QUESTION_JOINS = frozenset({CALL_RULE, "prompt", "note", "share"})
# A feed item tagged with what one of these rules drops ("Advertorial") is not news at all.
ITEM_TAG_RULES = ("advert",)

SentenceRule = Callable[[str], bool]
PieceRule = Callable[[str], tuple[str, list[str]]]  # text -> (text without the pieces, pieces)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, by the one sentence splitter."""
    return sentences.split(text.strip())


def _phrase(phrase: str) -> str:
    """One phrase as a regex: spaces match any spacing, "*" up to GAP_WORDS words."""
    pattern = ""
    for word in phrase.split():
        if word == "*":
            pattern += rf"(?:\s+\S+){{0,{GAP_WORDS}}}?"
        else:
            pattern += (r"\s+" if pattern else "") + re.escape(word)
    return pattern


def _phrases(words: Iterable[str]) -> str:
    """A regex alternation of words and phrases, longest first."""
    ordered = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    return "|".join(_phrase(w) for w in ordered)


def _anywhere(words: Sequence[str]) -> re.Pattern[str]:
    """Any of ``words`` as whole words, anywhere in a sentence, in any case."""
    return re.compile(rf"(?<![\w-])(?:{_phrases(words)}){WORD_END}", re.IGNORECASE)


def _words(text: str) -> int:
    return len(text.split())


# --- rules built from the word lists ------------------------------------------------


def opener_rule(openers: Sequence[str]) -> SentenceRule:
    """A sentence that begins with one of ``openers`` ("Lees ook: ...", "» Bekijk de video")."""
    pattern = re.compile(rf"^{LEAD_IN}(?:{_phrases(openers)}){WORD_END}", re.IGNORECASE)
    return lambda sentence: bool(pattern.match(sentence))


class Credits:
    """Credit lines: "Foto: Regio15", "Beeld ANP", "© Omroep West", "ANP / Hollandse Hoogte / Jan Smit"."""

    def __init__(self, labels: Sequence[str], agencies: Sequence[str], max_words: int) -> None:
        label = f"(?:{_phrases(labels)})"
        agency = _phrases(agencies)
        self.max_words = max_words
        self.labelled = re.compile(
            rf"^{LEAD_IN}{label}(?:\s*(?:,|/|&|\+|\ben\b)\s*{label})*\s*(?::|\||[-–—]\s)"
            rf"|^{LEAD_IN}{label}\s+(?-i:{agency}){WORD_END}"
            rf"|^{LEAD_IN}(?:©|\(c\)|copyright{WORD_END})",
            re.IGNORECASE,
        )
        self.agency = re.compile(rf"(?<![\w-])(?:{agency}){WORD_END}")

    def __call__(self, sentence: str) -> bool:
        """True for a credit line (not for "(Foto: ANP) Het dier ...": that credit is a piece)."""
        if _words(sentence) > self.max_words or LEADING_ASIDE.match(sentence):
            return False
        return bool(self.labelled.match(sentence)) or self.names_only(sentence)

    def names_only(self, sentence: str) -> bool:
        """Agency and personal names only, e.g. "ANP / Robin van Lonkhuijsen" or "(Reuters)"."""
        text = sentence.strip().strip("().[] ")
        if not self.agency.search(text):
            return False
        rest = self.agency.sub(" ", text)
        tokens = [t for t in re.split(r"[\s/|,;&+·•-]+", rest) if t]
        return all(t[:1].isupper() or t.isdigit() or t.lower() in NAME_PARTICLES for t in tokens)

    def pieces(self, text: str) -> tuple[str, list[str]]:
        """Credits in parentheses inside a sentence: "De brand (Foto: ANP) woedde." -> "De brand woedde."."""
        found: list[str] = []

        def cut(m: re.Match[str]) -> str:
            if self(m.group(1)) or self(f"({m.group(1)})"):
                found.append(m.group(0).strip())
                return ""
            return m.group(0)

        return PARENTHESIS.sub(cut, text), found


def layout_rule(places: Sequence[str], things: Sequence[str]) -> SentenceRule:
    """A sentence pointing at the screen: a place word ("hieronder") and a thing shown ("video")."""
    place = re.compile(rf"(?<![\w-])(?:{_phrases(places)}){WORD_END}", re.IGNORECASE)
    thing = re.compile(rf"(?<![\w-])(?:{_phrases(things)}){WORD_END}", re.IGNORECASE)
    return lambda sentence: bool(place.search(sentence) and thing.search(sentence))


def social_rule(networks: Sequence[str]) -> SentenceRule:
    """Nothing but network names, @handles and #tags: a share bar or a social box."""
    names = re.compile(rf"(?<![\w-])(?:{_phrases(networks)}){WORD_END}|{HANDLE}", re.IGNORECASE)

    def rule(sentence: str) -> bool:
        rest = names.sub("", sentence)
        return rest != sentence and not re.search(r"\w", rest)

    return rule


class Calls:
    """Calls to the reader to follow, subscribe, tip, share or watch, by what they say
    (``[calls]`` of the word lists). Outside quotation marks, a sentence is a call when it

    1. opens with a command (``commands``) about something of ours (``ours``, or an @account:
       "Blijf op de hoogte via ons liveblog", "Download de app", "Tip de redactie");
    2. speaks to the ``reader`` about doing one of ``verbs`` with ``us`` ("Via onze app
       blijf je op de hoogte", "Je kunt ons ook tippen");
    3. is a question to the ``reader`` that ``asks`` for a tip or a follow ("Heb jij iets
       gezien of heb je een tip?", "Wil je niets missen?").
    4. says where else the source is (``promotes``) on something of ours: "Omroep Oost zit
       ook op TikTok", "Omroep Gelderland is ook te volgen op Facebook en Instagram".

    News that only mentions such words has no command, no reader or nothing of ours:
    "De politie vraagt getuigen zich te melden", "Met de app van de gemeente kun je afval
    melden", "Uit het onderzoek volgt dat ...".
    """

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self.command = re.compile(rf"^{LEAD_IN}(?:{_phrases(table['commands'])}){WORD_END}", re.IGNORECASE)
        ours = _anywhere([*table["ours"], *table["us"]])
        self.ours = re.compile(f"{ours.pattern}|{HANDLE}", re.IGNORECASE)  # "Volg @omroepwest"
        self.us = _anywhere(table["us"])
        self.reader = _anywhere(table["reader"])
        self.verb = _anywhere(table["verbs"])
        self.asks = _anywhere(table["asks"])
        self.promotes = _anywhere(table["promotes"])

    def __call__(self, sentence: str) -> bool:
        """True for a call to the reader."""
        if sentence.lstrip()[:1] in QUOTE_OPENERS:
            return False
        own = QUOTED.sub(" ", sentence)  # what the sentence says itself, not what it quotes
        if (self.command.match(own) or self.promotes.search(own)) and self.ours.search(own):
            return True
        if not self.reader.search(own):
            return False
        if self.verb.search(own) and self.us.search(own):
            return True
        return bool(QUESTION_END.search(own.rstrip()) and self.asks.search(own))


def address_only(sentence: str) -> bool:
    """Nothing but web or e-mail addresses: "www.omroepwest.nl"."""
    rest = ADDRESS.sub("", sentence)
    return rest != sentence and not re.search(r"\w", rest)


def media_tag_rule(words: Sequence[str]) -> PieceRule:
    """Tags in headlines and sentences: "Brand in Westland (video)", "VIDEO | Brand", "LIVE: Brand"."""
    tags = _phrases(words)
    tagged = re.compile(rf"\s*[(\[]\s*(?:{tags})\s*[)\]]|^{LEAD_IN}(?:{tags})\s*\|\s*", re.IGNORECASE)
    # "VIDEO: Brand in Westland" in capitals is a tag; "Video: brandweer ..." is a caption (a credit).
    shouted = re.compile(rf"^{LEAD_IN}(?:{_phrases(w.upper() for w in words)}):\s+")

    def rule(text: str) -> tuple[str, list[str]]:
        found = [m.group(0).strip() for p in (tagged, shouted) for m in p.finditer(text)]
        if not found:
            return text, []
        return shouted.sub("", tagged.sub("", text)).strip(), found

    return rule


def pattern_rule(pattern: re.Pattern[str]) -> SentenceRule:
    """A source's own ``drop`` pattern: a sentence it is found in is dropped."""
    return lambda sentence: bool(pattern.search(sentence))


def compile_drop(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """A source's ``drop`` patterns, compiled (case is ignored); ``re.error`` for a bad one."""
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


# --- the rule set -------------------------------------------------------------------


@dataclass(frozen=True)
class Boilerplate:
    """The rules, in order: tags cut out of a sentence ("VIDEO | ..."), sentences
    dropped whole, then pieces cut out of a sentence that stays ("(Foto: ANP)")."""

    tags: tuple[tuple[str, PieceRule], ...]
    sentences: tuple[tuple[str, SentenceRule], ...]
    pieces: tuple[tuple[str, PieceRule], ...]

    def with_drop(self, patterns: Sequence[str]) -> Boilerplate:
        """These rules plus a source's ``drop`` patterns (each its own rule, named after it)."""
        extra = tuple((f"{DROP_RULE_PREFIX}{p.pattern}", pattern_rule(p)) for p in compile_drop(patterns))
        return replace(self, sentences=self.sentences + extra)

    def sentence_rule(self, sentence: str) -> str | None:
        """The name of the first rule that drops ``sentence``, or None when it is read."""
        return next((name for name, rule in self.sentences if rule(sentence)), None)

    def tag_rule(self, tags: Sequence[str]) -> str | None:
        """Why an item with these tags is no news at all ("advert: tag 'Advertorial'"), or None."""
        return next(
            (
                f"{name}: tag {tag!r}"
                for name, rule in self.sentences
                if name in ITEM_TAG_RULES
                for tag in tags
                if rule(tag)
            ),
            None,
        )

    def cut_pieces(self, text: str, *, tags: bool = False) -> tuple[str, list[tuple[str, str]]]:
        """``text`` without the pieces (or the tags) in it, and the ``(piece, rule)`` cut out."""
        cut: list[tuple[str, str]] = []
        for name, rule in self.tags if tags else self.pieces:
            text, found = rule(text)
            cut += [(piece, name) for piece in found]
        return " ".join(text.split()) if cut else text, cut


def _merge(base: dict[str, Any], extra: Mapping[str, Any], where: str) -> None:
    for table, values in extra.items():
        if not isinstance(values, dict) or (table not in base):
            raise ConfigError(f"{where}: unknown table [{table}]; known: {', '.join(f'[{t}]' for t in base)}.")
        for key, value in values.items():
            if table != "openers" and key not in base[table]:
                raise ConfigError(f"{where}: unknown key {key!r} in [{table}]; known: {', '.join(base[table])}.")
            current = base[table].get(key, [])
            if isinstance(current, list):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"{where}: [{table}] {key} must be a list of words in quotes.")
                base[table][key] = [*current, *value]
            elif not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{where}: [{table}] {key} must be a whole number.")
            else:
                base[table][key] = value


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


@cache
def load_boilerplate(user_file: Path | None = None) -> Boilerplate:
    """The shipped word lists, extended by ``user_file`` (same tables) when given."""
    data = _read_toml(resources.files(__package__).joinpath(DATA_FILE).read_text("utf-8"), DATA_FILE)
    if user_file is not None:
        try:
            text = user_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"boilerplate word list {user_file} cannot be read ({exc}).") from None
        _merge(data, _read_toml(text, str(user_file)), str(user_file))
    credits = data["credits"]
    credit = Credits(credits["labels"], credits["agencies"], credits["max_words"])
    openers = [(name, opener_rule(words)) for name, words in data["openers"].items() if words]
    return Boilerplate(
        tags=(("media-tag", media_tag_rule(data["media_tags"]["words"])),),
        pieces=(("credit", credit.pieces),),
        sentences=(
            *openers,
            ("credit", credit),
            ("layout", layout_rule(data["layout"]["places"], data["layout"]["things"])),
            (CALL_RULE, Calls(data["calls"])),
            ("social", social_rule(data["social"]["networks"])),
            ("address", address_only),
        ),
    )


# --- the stage ----------------------------------------------------------------------


@dataclass
class _Sentence:
    """A sentence of a story as the rules left it: its text and the rule that drops it (None: read)."""

    paragraph: int
    text: str
    rule: str | None


class _Cleaner:
    def __init__(self, rules: Boilerplate, source: str) -> None:
        self.rules, self.source = rules, source
        self.dropped: list[DroppedText] = []

    def _drop(self, label: str, text: str, rule: str) -> None:
        self.dropped.append(DroppedText(self.source, label, text, rule))

    def _cut(self, text: str, label: str, *, tags: bool = False) -> str:
        text, cut = self.rules.cut_pieces(text, tags=tags)
        for piece, rule in cut:
            self._drop(label, piece, rule)
        return text if re.search(r"\w", text) else ""  # "(Foto: ANP)." leaves only "."

    def _sentence(self, sentence: str, label: str) -> tuple[str, str | None]:
        """The sentence as read and the rule that drops it whole (None: it is read). Whole-sentence
        rules go before pieces, so "(c) ANP" is dropped as one credit rather than cut in two."""
        text = self._cut(sentence, label, tags=True)
        rule = self.rules.sentence_rule(text) if text else None
        if rule is None and text:
            text = self._cut(text, label)
            rule = self.rules.sentence_rule(text) if text else None
        return text, rule

    def _paragraphs(self, story: Story, label: str) -> list[str]:
        """The story's paragraphs without the sentences the rules drop (a paragraph left whole is
        kept as written). A question right before a call goes with it: "Iets gezien? Mail ons."."""
        written = [split_sentences(p) for p in story.paragraphs]
        found = [
            _Sentence(index, *self._sentence(sentence, label))
            for index, paragraph in enumerate(written)
            for sentence in paragraph
        ]
        for before, after in reversed(list(pairwise(found))):
            joins = before.rule is None and before.text and QUESTION_END.search(before.text)
            if joins and after.rule in QUESTION_JOINS:
                before.rule = after.rule
        for item in found:
            if item.rule is not None and item.text:
                self._drop(label, item.text, item.rule)
        paragraphs = []
        for index, sentences_written in enumerate(written):
            kept = [item.text for item in found if item.paragraph == index and item.rule is None and item.text]
            if kept:
                paragraphs.append(story.paragraphs[index] if kept == sentences_written else " ".join(kept))
        return paragraphs

    def story(self, story: Story) -> Story | None:
        label = story.label
        tagged = self.rules.tag_rule(story.tags)
        if tagged is not None:  # the whole item is not news ("Advertorial")
            self._drop(label, story.text, tagged)
            return None
        headline = story.headline
        if headline:
            headline = self._cut(self._cut(headline, label, tags=True), label)
        paragraphs = self._paragraphs(story, label)
        if story.max_sentences and paragraphs:  # a brief is brief: its first news sentences; the rest is reported
            said = split_sentences(" ".join(paragraphs))
            for sentence in said[story.max_sentences :]:
                self._drop(label, sentence, CUT_BRIEF_LENGTH)
            paragraphs = [" ".join(said[: story.max_sentences])]
        if not paragraphs:
            if not headline:
                return None
            paragraphs, headline = [headline], None  # as a feed entry with a title only
        return replace(story, headline=headline or None, paragraphs=tuple(paragraphs))


def drop_boilerplate(page: Page, rules: Boilerplate, source: str) -> Page:
    """``page`` without web boilerplate; what was dropped is added to ``page.dropped_text``.
    A story with nothing else left is left out."""
    cleaner = _Cleaner(rules, source)
    lead = cleaner.story(page.lead)
    sections = [
        Section(tuple(s for b in sec.briefs if (s := cleaner.story(b))), sec.name, sec.announcement)
        for sec in page.sections
    ]
    if lead is None:
        first = next((sec for sec in sections if sec.briefs), None)
        if first is None:
            raise InputError(  # the page was read: it is the page that has no news (exit 1, not 4)
                f"{source}: nothing is left to read once web boilerplate is dropped (see `bulletin script -v`)."
            )
        lead = first.briefs[0]
        sections = [replace(sec, briefs=sec.briefs[1:]) if sec is first else sec for sec in sections]
    return Page(lead=lead, sections=tuple(sections), dropped_text=(*page.dropped_text, *cleaner.dropped))
