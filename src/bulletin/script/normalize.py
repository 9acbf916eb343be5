"""Dutch text prepared for speech: data from the lexicon plus small rules.

Each rule is a plain ``str -> str`` function; rules that need word lists are
built from a :class:`~bulletin.script.lexicon.Lexicon` by a ``*_rule`` factory.
:class:`Preparer` applies them in a fixed order. Every pattern is anchored on
word boundaries so that, say, the "ca." rule leaves "Costa Rica." alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from bulletin.script import numbers
from bulletin.script.addresses import speak_addresses
from bulletin.script.lexicon import Lexicon

Rule = Callable[[str], str]

# A number as Dutch writes it: 44.210,35 / 2,1 / 1990.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# A number standing on its own: not glued to letters (CO2, G7) or to more digits.
NUM_BEFORE = r"(?<![\w.,])"
NUM_AFTER = r"(?![\w]|[.,]\d)"
WORD_BEFORE = r"(?<![\w])"
WORD_AFTER = r"(?![\w])"
THOUSANDS_DOT = "."
DECIMAL_COMMA = ","
SCALE_WORDS = ("duizend", "miljoen", "miljard", "biljoen")
CENTS_DIGITS = 2
VOWELS = frozenset("AEIOUY")
# Unknown all-capital words this short are spelled (KLM); longer ones are read (AMRO).
SPELL_MAX_LETTERS = 3
LETTER_JOINER = "-"
# After an abbreviation that may close a sentence: a capital or the end means it did.
SENTENCE_ENDS_HERE = re.compile(r"\s*$|\s+[A-ZÀ-Þ]")

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
SPACES = re.compile(r"[\u00a0\u2007\u2009\u202f\t ]+")


def _alternation(keys: Iterable[str]) -> str:
    """A regex alternation of literal keys, longest first so "km/u" beats "km"."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def _never(text: str) -> str:
    return text


# --- rules without data -------------------------------------------------------


def clean_unicode(text: str) -> str:
    """NFC, plain spaces, no zero-width or control characters, ASCII apostrophes in words."""
    text = unicodedata.normalize("NFC", text).translate(ZERO_WIDTH)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    text = re.sub(r"(?<=\w)[’‘](?=\w)", "'", text)  # auto’s -> auto's
    text = text.replace("…", "...")
    return SPACES.sub(" ", text)


CLOCK = re.compile(
    r"(?<![\w.,:])(?P<h>[01]?\d|2[0-3])"
    r"(?::(?P<m1>[0-5]\d)(?:\s?uur)?|\.(?P<m2>[0-5]\d)\s?uur)"
    r"(?![\w]|[.,:]\d)"
)


def clock_times(text: str) -> str:
    """14:05 -> "veertien uur vijf"; 8.30 uur -> "acht uur dertig"; 14.00 uur -> "veertien uur"."""

    def say(m: re.Match[str]) -> str:
        hour = numbers.cardinal(int(m.group("h")))
        minute = int(m.group("m1") or m.group("m2"))
        return f"{hour} uur" + (f" {numbers.cardinal(minute)}" if minute else "")

    return CLOCK.sub(say, text)


ORDINAL = re.compile(rf"{NUM_BEFORE}(\d+)(?:ste|de|e){WORD_AFTER}")


def ordinals(text: str) -> str:
    """2e -> "tweede", 21ste -> "eenentwintigste"."""
    return ORDINAL.sub(lambda m: numbers.ordinal(int(m.group(1))), text)


RANGE = re.compile(rf"{NUM_BEFORE}({NUMBER})\s?[–—]\s?({NUMBER}){NUM_AFTER}")
YEAR_RANGE = re.compile(r"(?<![\w.,-])(1\d{3}|20\d{2})-(1\d{3}|20\d{2})(?![\w-])")


def ranges(text: str) -> str:
    """3–5 -> "3 tot 5"; 2024-2025 -> "2024 tot 2025" (a score like 3-1 is left alone)."""
    text = RANGE.sub(r"\1 tot \2", text)
    return YEAR_RANGE.sub(r"\1 tot \2", text)


NUMBER_TOKEN = re.compile(
    rf"(?P<minus>(?<![\w.,)\]-])-)?{NUM_BEFORE}(?P<n>{NUMBER})(?:(?P<compound>-(?=[^\W\d_]))|{NUM_AFTER})"
)


def say_number(written: str) -> str:
    """One written Dutch number in words: "44.210,35", "2,1", "1990"."""
    whole, _, fraction = written.partition(DECIMAL_COMMA)
    grouped = THOUSANDS_DOT in whole
    value = int(whole.replace(THOUSANDS_DOT, ""))
    if fraction:
        return numbers.decimal(value, fraction)
    return numbers.cardinal(value, hundreds_form=not grouped)


def expand_numbers(text: str) -> str:
    """2,1 -> "twee komma een"; 44.210 -> "vierenveertigduizend..."; -5 -> "min vijf";
    34-jarige -> "vierendertigjarige" (a number in a compound is said as one word with it)."""

    def say(m: re.Match[str]) -> str:
        words = say_number(m.group("n"))
        return f"min {words}" if m.group("minus") else words

    return NUMBER_TOKEN.sub(say, text)


DOUBLE_QUOTES = re.compile(r"[\"“”„«»]")
# Single quotes used as quotation marks; apostrophes in auto's, 's-Hertogenbosch stay.
SINGLE_QUOTES = re.compile(r"(?<!\w)['‘’](?!(?:s|t|n)\b)|(?<=\w)['’‘](?!\w)")
OPEN_ASIDE = re.compile(r"\s*[(\[]\s*")
CLOSE_ASIDE = re.compile(r"\s*[)\]]")
SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def quotes_and_parentheses(text: str) -> str:
    """Quotation marks are not read; an aside in parentheses or dashes becomes a comma pause."""
    text = DOUBLE_QUOTES.sub("", text)
    text = SINGLE_QUOTES.sub("", text)
    text = OPEN_ASIDE.sub(", ", text)
    text = CLOSE_ASIDE.sub(",", text)
    return SPACED_DASH.sub(", ", text)


def tidy(text: str) -> str:
    """Even spacing and punctuation after the other rules; sentences start with a capital."""
    text = SPACES.sub(" ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r" +([,.;:!?])", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",\s*([.!?;:])", r"\1", text)
    text = re.sub(r"([.!?;:])\s*,", r"\1", text)
    text = re.sub(r"([!?])\.", r"\1", text)
    text = re.sub(r"(?m)^[ ,]+", "", text)
    text = re.sub(r"(?m)(?:^|(?<=[.!?]\s))([^\W\d_])", lambda m: m.group(1).upper(), text)
    return text.strip()


# --- rules built from the lexicon ---------------------------------------------


def _full_stop_if_final(m: re.Match[str]) -> str:
    """A "." to put back when an abbreviation's dot also closed the sentence."""
    return "." if SENTENCE_ENDS_HERE.match(m.string, m.end()) else ""


def units_rule(units: Mapping[str, str]) -> Rule:
    """120 km/u -> "120 kilometer per uur"; 2,1% -> "2,1 procent" (only after a number)."""
    if not units:
        return _never
    pattern = re.compile(rf"(?<=\d)[ ]?({_alternation(units)})(?![\w/²])")

    def say(m: re.Match[str]) -> str:
        unit = m.group(1)
        stop = _full_stop_if_final(m) if unit.endswith(".") else ""
        return f" {units[unit]}{stop}"

    return lambda text: pattern.sub(say, text)


def currency_rule(currencies: Mapping[str, str], fractions: Mapping[str, str]) -> Rule:
    """€ 2,5 miljoen -> "2,5 miljoen euro"; € 2,50 -> "2 euro 50"; € 0,50 -> "50 cent"."""
    if not currencies:
        return _never
    pattern = re.compile(
        rf"(?P<sign>{_alternation(currencies)})\s?(?P<n>{NUMBER}){NUM_AFTER}(?:,-)?"
        rf"(?:\s(?P<scale>{'|'.join(SCALE_WORDS)}){WORD_AFTER})?"
    )

    def say(m: re.Match[str]) -> str:
        sign, amount, scale = m.group("sign"), m.group("n"), m.group("scale")
        unit = currencies[sign]
        if scale:
            return f"{amount} {scale} {unit}"
        whole, _, cents = amount.partition(DECIMAL_COMMA)
        cents = cents.ljust(CENTS_DIGITS, "0")[:CENTS_DIGITS]
        if not cents.strip("0"):
            return f"{whole} {unit}"
        if whole == "0" and sign in fractions:
            return f"{int(cents)} {fractions[sign]}"
        return f"{whole} {unit} {int(cents)}"

    return lambda text: pattern.sub(say, text)


def abbreviations_rule(plain: Mapping[str, str], final: Mapping[str, str]) -> Rule:
    """o.a. -> "onder andere"; "enz." before a capital or at the end keeps its full stop.

    An entry matches as written or with a capital first letter, which the
    expansion then gets too; "ING." (the bank) is not "ing." (ingenieur).
    """
    table: dict[str, tuple[str, bool]] = {}
    for source, may_end in ((plain, False), (final, True)):
        for written, spoken in source.items():
            table[written] = (spoken, may_end)
            table.setdefault(written[:1].upper() + written[1:], (spoken[:1].upper() + spoken[1:], may_end))
    if not table:
        return _never
    pattern = re.compile(rf"(?<![\w.]){'(?:' + _alternation(table) + ')'}(?![\w])")

    def say(m: re.Match[str]) -> str:
        spoken, may_end = table[m.group(0)]
        return spoken + (_full_stop_if_final(m) if may_end else "")

    return lambda text: pattern.sub(say, text)


def spell(token: str, letters: Mapping[str, str]) -> str:
    """Spell an acronym letter by letter; digits in it are read as a number: D66 -> "dee-zesenzestig"."""
    parts = re.findall(r"\d+|\D", token)
    said = [numbers.digits(p) if p.isdigit() else letters.get(p.upper(), p) for p in parts]
    return LETTER_JOINER.join(said)


def lexicon_rule(words: Mapping[str, str], spelled: frozenset[str], letters: Mapping[str, str]) -> Rule:
    """Whole-word lexicon entries, then acronyms: NAVO -> "Navo", EU -> "ee-uu", CO2 -> "CO-twee".

    One pass, so a replacement ("CO-twee") is never rewritten again.
    """
    explicit = _alternation({*words, *spelled})
    generic = r"[A-Z]{2,}[A-Z0-9]*|[A-Z]+\d+[A-Z]*"  # EU, CO2, G7, A12
    body = f"{explicit}|{generic}" if explicit else generic
    pattern = re.compile(rf"{WORD_BEFORE}(?:{body}){WORD_AFTER}")

    def say(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in words:
            return words[token]
        letters_only = re.sub(r"\d", "", token)
        if token in spelled or len(letters_only) <= SPELL_MAX_LETTERS or not VOWELS & set(letters_only):
            return spell(token, letters)
        return token.capitalize()  # a pronounceable acronym is read as a word

    return lambda text: pattern.sub(say, text)


def symbols_rule(symbols: Mapping[str, str]) -> Rule:
    """& -> "en", + -> "plus"; a symbol mapped to "" is dropped."""
    if not symbols:
        return _never
    pattern = re.compile(_alternation(symbols))
    return lambda text: pattern.sub(lambda m: f" {symbols[m.group(0)]} ", text)


# --- the whole preparation ----------------------------------------------------


class Preparer:
    """Prepare Dutch text for a speech engine with one lexicon; results are memoised."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.rules: tuple[tuple[str, Rule], ...] = (
            ("unicode", clean_unicode),
            ("addresses", speak_addresses),
            ("units", units_rule(lexicon.units)),
            ("currency", currency_rule(lexicon.currencies, lexicon.currency_fractions)),
            ("abbreviations", abbreviations_rule(lexicon.abbreviations, lexicon.sentence_final_abbreviations)),
            ("clock", clock_times),
            ("ordinals", ordinals),
            ("ranges", ranges),
            ("lexicon", lexicon_rule(lexicon.words, lexicon.spell, lexicon.letters)),
            ("numbers", expand_numbers),
            ("quotes", quotes_and_parentheses),
            ("symbols", symbols_rule(lexicon.symbols)),
            ("tidy", tidy),
        )
        self._memo: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        """The spoken form of ``text``."""
        spoken = self._memo.get(text)
        if spoken is None:
            spoken = text
            for _name, rule in self.rules:
                spoken = rule(spoken)
            self._memo[text] = spoken
        return spoken
