"""Dutch text prepared for speech: data from the lexicon plus small rules.

Each rule is a plain ``str -> str`` function with a name (a :class:`~bulletin.script.rules.Rule`);
rules that need word lists are built from a :class:`~bulletin.script.lexicon.Lexicon` (or the
class data of :mod:`bulletin.script.readings`) by a ``*_rule`` factory. :meth:`Preparer.table`
is the one place that says which rules run and in which order; preparing a text and explaining
its reading (:meth:`Preparer.explain`) both run that table. Every pattern is anchored on
word boundaries so that, say, the "ca." rule leaves "Costa Rica." alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping

from bulletin.script import numbers, readings
from bulletin.script.acronyms import pronounceable, read_mixed, spell
from bulletin.script.clock import MONTHS
from bulletin.script.lexicon import Lexicon
from bulletin.script.rules import Change, Rewrite, Rule, alternation, full_stop_if_final, word_changes
from bulletin.text.addresses import speak_addresses
from bulletin.text.sentences import is_abbreviation

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
RANGE_A = "a"  # the "à" of a range or a price ("28 à 30", "à € 2") is said "a"

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
SPACES = re.compile(r"[\u00a0\u2007\u2009\u202f\t ]+")


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


NUMERIC_DATE = re.compile(r"(?<![\w.,/-])([0-2]?\d|3[01])([-/])(0?[1-9]|1[0-2])\2(1\d{3}|20\d{2})(?![\w/-])")


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
# Flemish and shorthand times: 14u30, 9u, 13.00u, 14h30 (the "u" or "h" says it is a time).
HOUR_MARK = r"[uh]"
SHORT_TIME = rf"(?P<h{{n}}>{HOUR})(?:{HOUR_MARK}(?P<a{{n}}>{MINUTES})?|[.:](?P<b{{n}}>{MINUTES}){HOUR_MARK})"
CLOCK_SHORT = re.compile(rf"(?<![\w.,:]){SHORT_TIME.format(n=1)}(?:\s?[-–]\s?{SHORT_TIME.format(n=2)})?{TIME_END}")


def _say_clock(hour: str, minute: str | None) -> str:
    """("8", "30") -> "acht uur dertig"; ("14", "00") -> "veertien uur"."""
    said = f"{numbers.cardinal(int(hour))} uur"
    return said + (f" {numbers.cardinal(int(minute))}" if minute and int(minute) else "")


def clock_times(text: str) -> str:
    """14:05 -> "veertien uur vijf"; 8.30 uur -> "acht uur dertig"; om 12.00 -> "om twaalf uur";
    tussen 8.00 en 9.15 uur -> "tussen acht uur en negen uur vijftien" (the second "uur" counts for both);
    14u30 -> "veertien uur dertig", 9u -> "negen uur", 13.00u -> "dertien uur", 9u-17u -> "negen uur tot
    zeventien uur"."""

    def say_range(m: re.Match[str]) -> str:
        join = m.group("join").strip()
        join = "tot" if join in "-–—" else RANGE_A if join == "à" else join
        return f"{_say_clock(m.group('h1'), m.group('m1'))} {join} {_say_clock(m.group('h2'), m.group('m2'))}"

    def say_short(m: re.Match[str]) -> str:
        said = _say_clock(m.group("h1"), m.group("a1") or m.group("b1"))
        if m.group("h2"):
            said += " tot " + _say_clock(m.group("h2"), m.group("a2") or m.group("b2"))
        return said

    text = CLOCK_SHORT.sub(say_short, text)
    text = CLOCK_RANGE.sub(say_range, text)
    text = CLOCK_LED.sub(lambda m: m.group("lead") + _say_clock(m.group("h"), m.group("m")), text)
    return CLOCK.sub(lambda m: _say_clock(m.group("h"), m.group("m1") or m.group("m2")), text)


DATE_RANGE = re.compile(rf"(?<![\w.,/-])([0-2]?\d|3[01])\s?([-–/])\s?([0-2]?\d|3[01])(?=\s(?:{MONTH})\b)")


def date_ranges(text: str) -> str:
    """18-19 maart -> "18 en 19 maart"; 18-21 maart -> "18 tot en met 21 maart"; 3/4 april (two
    days, a slash between) -> "3 en 4 april"."""

    def say(m: re.Match[str]) -> str:
        first, slash, last = int(m.group(1)), m.group(2) == "/", int(m.group(3))
        return f"{first} {'en' if slash or last == first + 1 else 'tot en met'} {last}"

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


# The "à" of a range or a price: before a number or a currency sign ("28 à 30", "à € 2"),
# never in "à la carte".
A_GRAVE = re.compile(r"(?<!\w)à(?=\s?[\d€$£¥])")


def ranges(text: str) -> str:
    """3–5 -> "3 tot 5"; 1940-1945 -> "1940 tot 1945"; 10-15 procent -> "10 tot 15 procent";
    28 à 30 -> "28 a 30" (a score like 3-1 is left alone)."""
    text = RANGE.sub(r"\1 tot \2", text)
    text = HYPHEN_RANGE.sub(r"\1 tot \2", text)
    text = A_GRAVE.sub(RANGE_A, text)
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
    34-jarige -> "vierendertigjarige" (a number in a compound is said as one word with it),
    but a score keeps its hyphen: 1-1-stand -> "één-één-stand"."""

    def say(m: re.Match[str]) -> str:
        words = say_number(m.group("n"))
        start = m.start("n")
        score = m.group("compound") and start > 1 and text[start - 1] == "-" and text[start - 2].isdigit()
        words += LETTER_JOINER if score else ""
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
    return SENTENCE_START.sub(_capital, text).strip()


# A letter that opens a line or follows a full stop, question or exclamation mark.
SENTENCE_START = re.compile(r"(?m)(?:^|(?<=[.!?]\s))([^\W\d_])")


def _capital(m: re.Match[str]) -> str:
    """The letter as a sentence starts it: a capital, unless the word before is an initial or an
    abbreviation that never ends a sentence ("J. de Vries" keeps its small "de")."""
    start = m.start()
    if start and m.string[start - 1] == " ":
        word = m.string[m.string.rfind(" ", 0, start - 1) + 1 : start - 1]
        if is_abbreviation(word):
            return m.group(1)
    return m.group(1).upper()


# --- rules built from the lexicon ---------------------------------------------


ONE_BEFORE = re.compile(r"(?<![\d.,])1\s?$")  # the number just before a unit is exactly one
ONE_WINDOW = 3  # characters before a unit that hold that number: a space, the 1 and what precedes it


def units_rule(units: Mapping[str, str], singular: Mapping[str, str]) -> Rewrite:
    """120 km/u -> "120 kilometer per uur"; 2,1% -> "2,1 procent" (after a number); 1 min. ->
    "1 minuut" (the singular after one, where the lexicon has one); 32 cent per kWh -> "32 cent
    per kilowattuur", 80 slagen per min. -> "per minuut" (a unit of two letters or more after
    "per", in the singular)."""
    if not units:
        return _never
    after_number = re.compile(rf"(?<=\d)[ ]?({alternation(units)})(?![\w/²³])")
    after_per = re.compile(rf"(?<=\bper )({alternation(u for u in units if len(u) > 1)})(?![\w/²³])")

    def say(m: re.Match[str], *, one: bool = False) -> str:
        unit = m.group(1)
        stop = full_stop_if_final(m) if unit.endswith(".") else ""
        said = units[unit]
        if one or ONE_BEFORE.search(m.string, max(0, m.start() - ONE_WINDOW), m.start()):
            said = singular.get(said, said)
        return f" {said}{stop}"

    # After "per" a unit is one of it: "per min." -> "per minuut".
    return lambda text: after_per.sub(lambda m: say(m, one=True).lstrip(), after_number.sub(say, text))


CURRENCY_JOINS = r"\s?[-–]\s?|\s(?:à|tot)\s"  # € 28 à 30 miljard, € 5-10, € 5 tot € 10


def currency_rule(currencies: Mapping[str, str], fractions: Mapping[str, str]) -> Rewrite:
    """€ 2,5 miljoen -> "2,5 miljoen euro"; € 2,50 -> "2 euro 50"; € 0,50 -> "50 cent";
    € 28 à 30 miljard -> "28 à 30 miljard euro" (a range says its currency once, at the end,
    unless it has cents: € 2,50 tot € 3,50 -> "2 euro 50 tot 3 euro 50")."""
    if not currencies:
        return _never
    signs = alternation(currencies)
    pattern = re.compile(
        rf"(?P<sign>{signs})\s?(?P<n>{NUMBER}){NUM_AFTER}(?:,-)?"
        rf"(?:(?P<join>{CURRENCY_JOINS})(?:{signs})?\s?(?P<n2>{NUMBER}){NUM_AFTER}(?:,-)?)?"
        rf"(?:\s(?P<scale>{'|'.join(SCALE_WORDS)}){WORD_AFTER})?"
    )

    def amount(sign: str, written: str) -> str:
        unit = currencies[sign]
        whole, _, cents = written.partition(DECIMAL_COMMA)
        cents = cents.ljust(CENTS_DIGITS, "0")[:CENTS_DIGITS]
        if not cents.strip("0"):
            return f"{whole} {unit}"
        if whole == "0" and sign in fractions:
            return f"{int(cents)} {fractions[sign]}"
        return f"{whole} {unit} {int(cents)}"

    def say(m: re.Match[str]) -> str:
        sign, first, second, scale = m.group("sign"), m.group("n"), m.group("n2"), m.group("scale")
        unit = currencies[sign]
        join = m.group("join") or ""
        join = " tot " if join.strip() in ("-", "–") else join
        if scale:
            return f"{first}{join}{second or ''} {scale} {unit}"
        if second is None:
            return amount(sign, first)
        if DECIMAL_COMMA in first + second:
            return f"{amount(sign, first)}{join}{amount(sign, second)}"
        return f"{first}{join}{second} {unit}"

    return lambda text: pattern.sub(say, text)


def abbreviations_rule(plain: Mapping[str, str], final: Mapping[str, str]) -> Rewrite:
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
    pattern = re.compile(rf"(?<![\w.]){'(?:' + alternation(table) + ')'}(?![\w])")

    def say(m: re.Match[str]) -> str:
        spoken, may_end = table[m.group(0)]
        return spoken + (full_stop_if_final(m) if may_end else "")

    return lambda text: pattern.sub(say, text)


# Acronyms joined to letters: CD&V, H&M (spelled around "en"); N-VA (a letter and an acronym,
# spelled); UGent (a letter before a name: "uu-Gent"; not IJ, one Dutch letter: IJmuiden).
JOINED_ACRONYM = r"[A-Z]{1,4}&[A-Z]{1,4}|[A-Z]-[A-Z]{2,}|(?!IJ)[A-Z][A-Z][a-zà-ÿ]{2,}"
AMPERSAND = "&"


def lexicon_rule(
    words: Mapping[str, str], spelled: frozenset[str], letters: Mapping[str, str], symbols: Mapping[str, str]
) -> Rewrite:
    """Whole-word lexicon entries, then acronyms: NAVO -> "Navo", EU -> "ee-uu", CO2 -> "CO-twee".

    An acronym the lexicon does not list is read as a word when its letters make
    Dutch syllables (BENELUX -> "Benelux") and spelled when they do not (ASML,
    NXP); see :mod:`bulletin.script.acronyms`. A name of capitals and digits is read
    part by part (JA21 -> "Ja-eenentwintig", G7 -> "gee-zeven"); acronyms joined by
    "&" or a hyphen to a letter are spelled (CD&V -> "cee-dee-en-vee", N-VA -> "en-vee-aa"),
    and a letter before a name is spelled on its own (UGent -> "uu-Gent"). An entry said
    in words of its own ("VN" = "Verenigde Naties") is spelled in a compound
    (VN-Veiligheidsraad -> "vee-en-Veiligheidsraad"). A spelled entry in small letters is
    spelled with a capital first letter too (mbo, Mbo). One pass, so a replacement
    ("CO-twee") is never rewritten again.
    """
    spelled = spelled | {word.capitalize() for word in spelled if word.islower()}
    explicit = alternation({*words, *spelled})
    generic = rf"{JOINED_ACRONYM}|[A-Z]{{2,}}[A-Z0-9]*|[A-Z]+\d+[A-Z]*|\d+[A-Z]+"  # EU, CO2, G7, A12, 5G
    body = f"{explicit}|{generic}" if explicit else generic
    pattern = re.compile(rf"{WORD_BEFORE}(?:{body}){WORD_AFTER}")
    and_word = symbols.get(AMPERSAND, AMPERSAND)

    def joined(token: str) -> str:
        if AMPERSAND in token:
            left, right = token.split(AMPERSAND)
            return LETTER_JOINER.join((spell(left, letters), and_word, spell(right, letters)))
        if token[1] == LETTER_JOINER:
            return LETTER_JOINER.join(spell(part, letters) for part in token.split(LETTER_JOINER))
        return f"{spell(token[0], letters)}{LETTER_JOINER}{token[1:]}"

    def say(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in words:
            in_compound = m.string[m.end() : m.end() + 1] == LETTER_JOINER
            return spell(token, letters) if in_compound and " " in words[token] else words[token]
        if token in spelled:
            return spell(token, letters)
        if re.fullmatch(JOINED_ACRONYM, token):
            return joined(token)
        if not token.isalpha():
            return read_mixed(token, letters)
        if not pronounceable(token):
            return spell(token, letters)
        return token.capitalize()  # a pronounceable acronym is read as a word

    return lambda text: pattern.sub(say, text)


# An HTML tag left in a plain page ("<b>", "</script>", "<a href=...>"): said, it is "minder dan
# b meer dan". A "<" with a space or a digit after it is a comparison, for the symbols rule.
MARKUP_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")


def markup(text: str) -> str:
    """``<b>vet</b>`` -> "vet": tags out, their text kept; "< 12 jaar" is left to the symbols."""
    return MARKUP_TAG.sub(" ", text)


def symbols_rule(symbols: Mapping[str, str]) -> Rewrite:
    """& -> "en", + -> "plus"; a symbol mapped to "" is dropped."""
    if not symbols:
        return _never
    pattern = re.compile(alternation(symbols))
    return lambda text: pattern.sub(lambda m: f" {symbols[m.group(0)]} ", text)


# --- the whole preparation ----------------------------------------------------


def table(lexicon: Lexicon, data: readings.Readings | None = None) -> tuple[Rule, ...]:
    """The rules in the order they run, built from one lexicon (and the class data of
    ``readings-nl.toml``): the one place that says what runs before what. Early rules read
    the shapes that later ones would take apart (a phone number before its digits are a
    number, a fraction before its slash is a pause); the lexicon reads acronyms before the
    number rules say what digits are left; tidying comes last."""
    data = data or readings.dutch()
    return (
        Rule("unicode", clean_unicode),
        Rule("markup", markup),
        Rule("long numbers", long_numbers),
        Rule("addresses", speak_addresses),
        Rule("phone numbers", phone_numbers),
        Rule("service numbers", readings.service_numbers_rule(data)),
        Rule("days", readings.days_rule(data)),
        Rule("dates", numeric_dates),
        Rule("short dates", readings.short_dates_rule(data)),
        Rule("fractions", readings.fractions_rule(data)),
        Rule("months", readings.months_rule(data)),
        Rule("models", readings.models_rule(data, lexicon.letters)),
        Rule("units", units_rule(lexicon.units, lexicon.singular)),
        Rule("currency", currency_rule(lexicon.currencies, lexicon.currency_fractions)),
        Rule("abbreviations", abbreviations_rule(lexicon.abbreviations, lexicon.sentence_final_abbreviations)),
        Rule("clock", clock_times),
        Rule("date ranges", date_ranges),
        Rule("ordinals", ordinals),
        Rule("year pairs", readings.year_pairs),
        Rule("ranges", ranges),
        Rule("plus", age_plus),
        Rule("regnal numerals", readings.regnal_rule(data)),
        Rule("roman names", readings.roman_names_rule(data)),
        Rule("roman numerals", readings.roman_numbers_rule(data)),
        Rule("house numbers", readings.house_numbers),
        Rule("lexicon", lexicon_rule(lexicon.words, lexicon.spell, lexicon.letters, lexicon.symbols)),
        Rule("numbers", expand_numbers),
        Rule("digits", leftover_digits),
        Rule("quotes", quotes_and_parentheses),
        Rule("symbols", symbols_rule(lexicon.symbols)),
        Rule("tidy", tidy),
    )


class Preparer:
    """Prepare Dutch text for a speech engine with one lexicon; results are memoised."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.rules = table(lexicon)
        self._memo: dict[str, str] = {}

    def _steps(self, text: str) -> Iterator[tuple[Rule, str, str]]:
        """Each rule of the table in turn, with the text before and after it."""
        for rule in self.rules:
            before, text = text, rule(text)
            yield rule, before, text

    def __call__(self, text: str) -> str:
        """The spoken form of ``text``."""
        spoken = self._memo.get(text)
        if spoken is None:
            spoken = text
            for _rule, _before, after in self._steps(text):
                spoken = after
            self._memo[text] = spoken
        return spoken

    def explain(self, text: str) -> list[Change]:
        """How ``text`` becomes its spoken form: the words each rule changed, in the order the
        rules ran (the same table, so the last change's words are what is spoken)."""
        return [
            change
            for rule, before, after in self._steps(text)
            if after != before
            for change in word_changes(rule.name, before, after)
        ]
