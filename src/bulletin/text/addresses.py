"""Web and e-mail addresses said the way a newsreader says them.

A listener can type a domain but not a path, so an address is read as its
bare domain with "punt", never as scheme, slashes or query:

=====================================================  ==========================================
written                                                 spoken (before the lexicon)
=====================================================  ==========================================
``https://www.htm.nl/reizen/storingen?id=3``            ``HTM punt NL`` ("haa-tee-em punt en-el")
``www.omroepwest.nl``, ``omroepwest.nl/``               ``omroepwest punt NL``
``mijn.overheid.nl/berichtenbox``                       ``mijn punt overheid punt NL``
``https://www.facebook.com/politie``, ``x.com/abc``     ``Facebook``, ``X`` (a platform by its name)
``tips@omroepwest.nl``                                  ``tips apenstaartje omroepwest punt NL``
``op de website van HTM (https://htm.nl/a)``            ``op de website van HTM`` (already said)
=====================================================  ==========================================

A label without a vowel (htm, rtl) and a two-letter country domain (nl, be)
are written in capitals so that the lexicon spells them; other labels are
read as words. Without a scheme or "www." a domain is only taken as one when
it is written in lower case (a capital may start it: "Bol.com") and ends in a
known top-level domain, so "Hoorn.Het" or "2.5" are left alone.
"""

from __future__ import annotations

import re

# Top-level domains recognised in a bare domain such as "htm.nl".
TOP_LEVEL_DOMAINS = (
    "nl",
    "be",
    "eu",
    "com",
    "org",
    "net",
    "info",
    "nu",
    "de",
    "fr",
    "uk",
    "io",
    "tv",
    "frl",
    "amsterdam",
    "nieuws",
    "app",
    "online",
    "site",
    "gov",
    "edu",
)
# Host prefixes nobody says.
SILENT_PREFIXES = ("www.", "m.", "mobile.")
# Platforms are named, not spelled out: "op Facebook", not "op facebook punt com".
PLATFORMS = {
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "instagram.com": "Instagram",
    "x.com": "X",
    "twitter.com": "X",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "tiktok.com": "TikTok",
    "linkedin.com": "LinkedIn",
    "threads.net": "Threads",
    "bsky.app": "Bluesky",
}
DOT_WORD = "punt"
AT_WORD = "apenstaartje"
VOWELS = frozenset("aeiouy")
COUNTRY_CODE_LETTERS = 2
# A parenthesised address right after one of these words repeats what was said.
ALREADY_SAID = re.compile(
    r"\b(?:website|webpagina|site|pagina|formulier|webformulier|online|internet)\b", re.IGNORECASE
)
ALREADY_SAID_WINDOW = 60  # characters before the parenthesis that are searched

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_TAIL = r"[^\s<>\"'()\[\]]*"  # path, query and fragment: anything up to a space or bracket
_TLD = "|".join(sorted(TOP_LEVEL_DOMAINS, key=len, reverse=True))
EMAIL = r"[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
URL = (
    rf"(?i:https?://|www\.){_TAIL}"  # with a scheme or www.: anything that follows
    # a bare domain: lower case but for a capital that starts it (Bol.com), a known top-level domain
    rf"|(?<![\w@./-])[A-Za-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?:{_LABEL}\.)*(?:{_TLD})(?![\w-])(?:/{_TAIL})?"
)
ADDRESS = re.compile(rf"(?P<email>{EMAIL})|(?P<url>{URL})")
PARENTHESISED = re.compile(rf"\s*\(\s*(?:{EMAIL}|{URL})\s*\)")
# Trailing punctuation belongs to the sentence, not to the address.
TRAILING = re.compile(r"[.,;:!?]+$")


def _label(label: str, *, last: bool) -> str:
    if not VOWELS & set(label) or (last and len(label) == COUNTRY_CODE_LETTERS and label.isalpha()):
        return label.upper()
    return label


def spoken_domain(host: str) -> str:
    """ "www.htm.nl" -> "HTM punt NL"; a known platform by its name."""
    host = host.lower().split(":", 1)[0].rstrip(".")
    for prefix in SILENT_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    if host in PLATFORMS:
        return PLATFORMS[host]
    labels = host.split(".")
    return f" {DOT_WORD} ".join(_label(part, last=i == len(labels) - 1) for i, part in enumerate(labels))


def _host(url: str) -> str:
    rest = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    return re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]


def spoken_email(address: str) -> str:
    """ "tips@omroepwest.nl" -> "tips apenstaartje omroepwest punt NL"."""
    local, _, domain = address.rpartition("@")
    return f"{f' {DOT_WORD} '.join(local.lower().split('.'))} {AT_WORD} {spoken_domain(domain)}"


def _drop_repeated(text: str) -> str:
    def repeat(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - ALREADY_SAID_WINDOW) : m.start()]
        return "" if ALREADY_SAID.search(before) else m.group(0)

    return PARENTHESISED.sub(repeat, text)


def speak_addresses(text: str) -> str:
    """Every URL and e-mail address in ``text`` as a newsreader says it (see the table above)."""
    text = _drop_repeated(text)

    def say(m: re.Match[str]) -> str:
        if m.group("email"):
            return spoken_email(m.group("email"))
        url = m.group("url")
        trailing = TRAILING.search(url)
        end = trailing.group(0) if trailing else ""
        return spoken_domain(_host(url[: len(url) - len(end)])) + end

    return ADDRESS.sub(say, text)
