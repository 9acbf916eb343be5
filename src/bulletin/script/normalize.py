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
from bulletin.script.acronyms import pronounceable
from bulletin.script.clock import MONTHS
from bulletin.script.lexicon import Lexicon
from bulletin.text.addresses import speak_addresses

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
HUNDRED = 100
LETTER_JOINER = "-"
MONTH = "|".join(MONTHS)
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


PHONE = re.compile(r"(?<![\w.,+-])(?:\+\d{2}[ -]?(?:\(0\))?|0)\d[\d -]{5,14}\d(?![\w-]|[.,]\d)")
NATIONAL_DIGITS = 10  # 020-1234567, 06-12345678
INTERNATIONAL_DIGITS = 11  # +31 20 1234567: country code and nine digits
SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")  # said as "nul achthonderd"
SERVICE_DIGITS = range(8, 12)  # 0800-1234 to 0900-1234567
PAIR = 2
GROUP_MAX_DIGITS = 4
GROUP_PAUSE = ", "


def _digit_groups(group: str) -> list[str]:
    """A long group as a reader splits it: in pairs, a three first when odd (1234567 -> 123 45 67)."""
    if len(group) <= GROUP_MAX_DIGITS:
        return [group]
    head = len(group) % PAIR + PAIR if len(group) % PAIR else PAIR
    return [group[:head], *(group[i : i + PAIR] for i in range(head, len(group), PAIR))]


def phone_numbers(text: str) -> str:
    """020-1234567 -> "nul twee nul, één twee drie, vier vijf, zes zeven": digit by digit, in groups;
    0800-1234 -> "nul achthonderd, één twee drie vier"; +31 -> "plus eenendertig"."""

    def say(m: re.Match[str]) -> str:
        written = m.group(0)
        digits = re.sub(r"\D", "", written)
        international = written.startswith("+")
        service = digits.startswith(SERVICE_PREFIXES) and len(digits) in SERVICE_DIGITS
        wanted = INTERNATIONAL_DIGITS if international else NATIONAL_DIGITS
        if not service and len(digits) != wanted:
            return written  # not a Dutch phone number: left to the number rules
        groups = [g for g in re.split(r"[ ()-]+", written.lstrip("+")) if g]
        said: list[str] = []
        for index, group in enumerate(groups):
            if index == 0 and international:
                said.append("plus " + numbers.cardinal(int(group)))
            elif index == 0 and service:
                said.append(f"{numbers.cardinal(0)} {numbers.cardinal(int(group))}")
            else:
                said.extend(" ".join(numbers.cardinal(int(d)) for d in part) for part in _digit_groups(group))
        return GROUP_PAUSE.join(said)

    return PHONE.sub(say, text)


NUMERIC_DATE = re.compile(r"(?<![\w.,/-])([0-2]?\d|3[01])([-/])(0?[1-9]|1[0-2])\2((?:19|20)\d{2})(?![\w/-])")


def numeric_dates(text: str) -> str:
    """27-11-2026 -> "27 november 2026" (then read as numbers: the day as a cardinal, the year)."""
    return NUMERIC_DATE.sub(lambda m: f"{int(m.group(1))} {MONTHS[int(m.group(3)) - 1]} {m.group(4)}", text)


HOUR = r"(?:[01]?\d|2[0-3])"
MINUTES = r"[0-5]\d"
TIME_END = r"(?![\w]|[.,:]\d)"
# H.MM is a time only when something says so: "uur" after it, or a word before
# it that introduces a time. H:MM always is.
CLOCK_LEAD_WORDS = (
    "om",
    "rond",
    "omstreeks",
    "vanaf",
    "tot",
    "tussen",
    "van",
    "sinds",
    "na",
    "voor",
    "tegen",
    "uiterlijk",
    "vóór",
)
CLOCK_RANGE = re.compile(
    rf"(?<![\w.,:])(?P<h1>{HOUR})[.:](?P<m1>{MINUTES})(?P<join>\s?[-–—]\s?|\s(?:en|tot|à)\s)"
    rf"(?P<h2>{HOUR})[.:](?P<m2>{MINUTES})\s?uur{TIME_END}"
)
CLOCK_LED = re.compile(
    rf"(?<![\w])(?P<lead>(?i:{'|'.join(CLOCK_LEAD_WORDS)})\s)"
    rf"(?P<h>{HOUR})\.(?P<m>{MINUTES})(?:\s?uur)?{TIME_END}"
)
CLOCK = re.compile(rf"(?<![\w.,:])(?P<h>{HOUR})(?::(?P<m1>{MINUTES})(?:\s?uur)?|\.(?P<m2>{MINUTES})\s?uur){TIME_END}")


def _say_clock(hour: str, minute: str) -> str:
    """("8", "30") -> "acht uur dertig"; ("14", "00") -> "veertien uur"."""
    said = f"{numbers.cardinal(int(hour))} uur"
    return said + (f" {numbers.cardinal(int(minute))}" if int(minute) else "")


def clock_times(text: str) -> str:
    """14:05 -> "veertien uur vijf"; 8.30 uur -> "acht uur dertig"; om 12.00 -> "om twaalf uur";
    tussen 8.00 en 9.15 uur -> "tussen acht uur en negen uur vijftien" (the second "uur" counts for both)."""

    def say_range(m: re.Match[str]) -> str:
        join = m.group("join").strip()
        join = "tot" if join in "-–—" else join
        return f"{_say_clock(m.group('h1'), m.group('m1'))} {join} {_say_clock(m.group('h2'), m.group('m2'))}"

    text = CLOCK_RANGE.sub(say_range, text)
    text = CLOCK_LED.sub(lambda m: m.group("lead") + _say_clock(m.group("h"), m.group("m")), text)
    return CLOCK.sub(lambda m: _say_clock(m.group("h"), m.group("m1") or m.group("m2")), text)


DATE_RANGE = re.compile(rf"(?<![\w.,-])([0-2]?\d|3[01])\s?[-–]\s?([0-2]?\d|3[01])(?=\s(?:{MONTH})\b)")


def date_ranges(text: str) -> str:
    """18-19 maart -> "18 en 19 maart"; 18-21 maart -> "18 tot en met 21 maart"."""

    def say(m: re.Match[str]) -> str:
        first, last = int(m.group(1)), int(m.group(2))
        return f"{first} {'en' if last == first + 1 else 'tot en met'} {last}"

    return DATE_RANGE.sub(say, text)


ORDINAL = re.compile(rf"{NUM_BEFORE}(\d+)(?:ste|de|e){WORD_AFTER}(?P<name> [A-ZÀ-Þ])?")


def ordinals(text: str) -> str:
    """2e -> "tweede", 21ste -> "eenentwintigste"; before a name it is part of the name:
    2e Kamer -> "Tweede Kamer"."""

    def say(m: re.Match[str]) -> str:
        said = numbers.ordinal(int(m.group(1)))
        name = m.group("name")
        return said.capitalize() + name if name else said

    return ORDINAL.sub(say, text)


RANGE = re.compile(rf"{NUM_BEFORE}({NUMBER})\s?[–—]\s?({NUMBER}){NUM_AFTER}")
YEAR_RANGE = re.compile(r"(?<![\w.,-])(1\d{3}|20\d{2})-(1\d{3}|20\d{2})(?![\w-])")
# After a hyphenated pair of numbers, these words make it a range, not a score.
RANGE_NOUNS = (
    "procent",
    "graden",
    "jaar",
    "jaren",
    "uur",
    "minuten",
    "seconden",
    "dagen",
    "weken",
    "maanden",
    "kilometer",
    "meter",
    "centimeter",
    "kilo",
    "euro",
    "miljoen",
    "miljard",
    "keer",
)
HYPHEN_RANGE = re.compile(rf"{NUM_BEFORE}({NUMBER})-({NUMBER})(?= (?:{'|'.join(RANGE_NOUNS)})\b)")


def ranges(text: str) -> str:
    """3–5 -> "3 tot 5"; 2024-2025 -> "2024 tot 2025"; 10-15 procent -> "10 tot 15 procent"
    (a score like 3-1 is left alone)."""
    text = RANGE.sub(r"\1 tot \2", text)
    text = HYPHEN_RANGE.sub(r"\1 tot \2", text)
    return YEAR_RANGE.sub(r"\1 tot \2", text)


AGE_PLUS = re.compile(rf"{NUM_BEFORE}(\d+)\+(?P<ers>-?'?ers\b)?(?![\w+])")


def age_plus(text: str) -> str:
    """50+ -> "50-plus" (said as one word, "vijftigplus"); 65+'ers -> "65-plussers"."""
    return AGE_PLUS.sub(lambda m: f"{m.group(1)}-{'plussers' if m.group('ers') else 'plus'}", text)


LONG_DIGITS = re.compile(rf"(?<![\d.,])\d(?:\.?\d){{{numbers.MAX_SAID_DIGITS},}}(?![\d])")


def long_numbers(text: str) -> str:
    """A run of more than MAX_SAID_DIGITS digits (dotted or not) is read digit by digit:
    "123456789012345678" -> "1 2 3 ... 8", which the number rules then read."""
    return LONG_DIGITS.sub(lambda m: " ".join(m.group(0).replace(THOUSANDS_DOT, "")), text)


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
    # 1990 and 1500 are said in hundreds, and so is a round 1.200 ("ruim twaalfhonderd").
    return numbers.cardinal(value, hundreds_form=not grouped or value % HUNDRED == 0)


def expand_numbers(text: str) -> str:
    """2,1 -> "twee komma een"; 44.210 -> "vierenveertigduizend..."; -5 -> "min vijf";
    34-jarige -> "vierendertigjarige" (a number in a compound is said as one word with it)."""

    def say(m: re.Match[str]) -> str:
        words = say_number(m.group("n"))
        return f"min {words}" if m.group("minus") else words

    return NUMBER_TOKEN.sub(say, text)


DOTTED_DIGITS = re.compile(r"\d+(?:\.\d+)+")
DIGITS = re.compile(r"\d+")


def leftover_digits(text: str) -> str:
    """Digits no other rule read: versie 2.15 -> "versie twee punt vijftien"; mp3 -> "mp-drie"."""

    def say(m: re.Match[str]) -> str:
        glued = m.start() > 0 and m.string[m.start() - 1].isalpha()
        return (LETTER_JOINER if glued else "") + numbers.cardinal(int(m.group(0)))

    text = DOTTED_DIGITS.sub(lambda m: " punt ".join(m.group(0).split(".")), text)
    return DIGITS.sub(say, text)


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

    An acronym the lexicon does not list is read as a word when its letters make
    Dutch syllables (BENELUX -> "Benelux") and spelled when they do not (ASML,
    NXP); see :mod:`bulletin.script.acronyms`. One pass, so a replacement
    ("CO-twee") is never rewritten again.
    """
    explicit = _alternation({*words, *spelled})
    generic = r"[A-Z]{2,}[A-Z0-9]*|[A-Z]+\d+[A-Z]*|\d+[A-Z]+"  # EU, CO2, G7, A12, 5G
    body = f"{explicit}|{generic}" if explicit else generic
    pattern = re.compile(rf"{WORD_BEFORE}(?:{body}){WORD_AFTER}")

    def say(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in words:
            return words[token]
        if token in spelled or not pronounceable(token):
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
            ("long numbers", long_numbers),
            ("addresses", speak_addresses),
            ("phones", phone_numbers),
            ("dates", numeric_dates),
            ("units", units_rule(lexicon.units)),
            ("currency", currency_rule(lexicon.currencies, lexicon.currency_fractions)),
            ("abbreviations", abbreviations_rule(lexicon.abbreviations, lexicon.sentence_final_abbreviations)),
            ("clock", clock_times),
            ("date ranges", date_ranges),
            ("ordinals", ordinals),
            ("ranges", ranges),
            ("plus", age_plus),
            ("lexicon", lexicon_rule(lexicon.words, lexicon.spell, lexicon.letters)),
            ("numbers", expand_numbers),
            ("digits", leftover_digits),
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
