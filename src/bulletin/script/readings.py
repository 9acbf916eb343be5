"""Reading rules for classes of tokens that the number and acronym rules would misread:
fractions, Roman numerals, model numbers, house numbers, year pairs, and abbreviated days
and months.

Which names, makers and words each class covers is data (``readings-nl.toml``); the rules
only know the shapes: a Roman numeral after a name from the list of rulers, a model number
after a maker's name, a fraction whose denominator has a word. Each rule is ``str -> str``,
anchored on word boundaries, and leaves alone what it is not sure of.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bulletin.script import numbers
from bulletin.script.acronyms import spell
from bulletin.script.assemble import stopwords
from bulletin.script.clock import MONTHS
from bulletin.script.rules import Rewrite, alternation, full_stop_if_final

DATA_FILE = "readings-nl.toml"
JOINER = "-"


@dataclass(frozen=True)
class Readings:
    """The word lists of ``readings-nl.toml``; see that file for their meaning."""

    regnal: frozenset[str]
    titles: frozenset[str]
    cardinal_after: frozenset[str]
    roman_names: Mapping[str, str]
    digit_makers: frozenset[str]
    digit_models: frozenset[str]
    model_names: frozenset[str]
    number_makers: frozenset[str]
    service_numbers: frozenset[str]
    call_words: frozenset[str]
    fractions: Mapping[int, str]
    rounds: Mapping[int, str]
    date_words: frozenset[str]
    days: Mapping[str, str]
    months: Mapping[str, str]


@cache
def dutch() -> Readings:
    """The Dutch data shipped with bulletin."""
    raw = tomllib.loads(resources.files(__package__).joinpath(DATA_FILE).read_text("utf-8"))
    roman, models, fractions = raw["roman"], raw["models"], dict(raw["fractions"])
    rounds = fractions.pop("rounds")
    return Readings(
        regnal=frozenset(roman["regnal"]),
        titles=frozenset(roman["titles"]),
        cardinal_after=frozenset(roman["cardinal_after"]),
        roman_names=dict(roman["names"]),
        digit_makers=frozenset(models["digits"]),
        digit_models=frozenset(models["digit_models"]),
        model_names=frozenset(models["names"]),
        number_makers=frozenset(models["number"]),
        service_numbers=frozenset(raw["service_numbers"]["numbers"]),
        call_words=frozenset(raw["service_numbers"]["call_words"]),
        fractions={int(k): v for k, v in fractions.items()},
        rounds={int(k): v for k, v in rounds.items()},
        date_words=frozenset(raw["dates"]["lead_words"]),
        days=dict(raw["days"]),
        months=dict(raw["months"]),
    )


def _with_capital(table: Mapping[str, str]) -> dict[str, str]:
    """``table`` with each key also written with a capital first letter, read with one ("Ma" -> "Maandag")."""
    return {**{key[:1].upper() + key[1:]: value[:1].upper() + value[1:] for key, value in table.items()}, **table}


# --- Roman numerals -----------------------------------------------------------------------

ROMAN = (("C", 100), ("XC", 90), ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
ROMAN_LETTERS = "IVXLC"  # D and M are left out: "DC", "MD" and "CD" are far more often not numerals
SMALL_ROMAN = "IVX"  # after any capitalised word only these: "Ajax II", "Rocky IV"
ARTICLE = "de "


def roman_value(token: str) -> int | None:
    """The value of a Roman numeral written the standard way ("XIV" -> 14), else None ("IIII", "VX")."""
    if not token or any(ch not in ROMAN_LETTERS for ch in token):
        return None
    value, rest = 0, token
    for letters, worth in ROMAN:
        while rest.startswith(letters):
            value, rest = value + worth, rest[len(letters) :]
    return value if not rest and _roman(value) == token else None


def _roman(value: int) -> str:
    out = []
    for letters, worth in ROMAN:
        count, value = divmod(value, worth)
        out.append(letters * count)
    return "".join(out)


def regnal_rule(data: Readings) -> Rewrite:
    """Karel V -> "Karel de Vijfde", paus Leo XIV -> "paus Leo de Veertiende"; a name that is also a
    fixed name ("Willem II", the club) is read as that unless a title says it is the ruler. A
    single I or V with a full stop that does not end the sentence is an initial ("Peter V. (34)",
    "Willem V. werd"), unless a title comes before the name."""
    names = alternation(data.regnal)
    titles = alternation(data.titles)
    pattern = re.compile(
        rf"(?<![\w-])(?P<title>(?i:{titles})\s+)?(?P<name>{names})\s(?P<numeral>[{ROMAN_LETTERS}]+)"
        rf"(?P<dot>\.)?(?![\w'])"
    )

    def say(m: re.Match[str]) -> str:
        title, name, numeral, dot = m.group("title") or "", m.group("name"), m.group("numeral"), m.group("dot") or ""
        value = roman_value(numeral)
        initial = len(numeral) == 1 and bool(dot) and not title and not full_stop_if_final(m)
        if value is None or initial:
            return m.group(0)
        fixed = data.roman_names.get(f"{name} {numeral}")
        if fixed and not title:
            return f"{fixed}{dot}"
        return f"{title}{name} de {numbers.ordinal(value).capitalize()}{dot}"

    return lambda text: pattern.sub(say, text)


def roman_names_rule(data: Readings) -> Rewrite:
    """WO II -> "de Tweede Wereldoorlog" (after a written "de": "de WO II" -> "de Tweede Wereldoorlog")."""
    if not data.roman_names:
        return lambda text: text
    pattern = re.compile(rf"(?<![\w-])(?P<article>(?i:de)\s)?(?P<name>{alternation(data.roman_names)})(?![\w'])")

    def say(m: re.Match[str]) -> str:
        reading, article = data.roman_names[m.group("name")], m.group("article")
        if article and reading.startswith(ARTICLE):
            return article + reading[len(ARTICLE) :]
        return (article or "") + reading

    return lambda text: pattern.sub(say, text)


def roman_numbers_rule(data: Readings) -> Rewrite:
    """deel II -> "deel twee", Vaticanum II -> "Vaticanum twee", Ajax II -> "Ajax twee": a numeral
    after a listed word (or the word with a capital), or of two or more of I, V and X after another
    capitalised word (not a function word such as "In"), is a cardinal."""
    listed = alternation({*data.cardinal_after, *(word[:1].upper() + word[1:] for word in data.cardinal_after)})
    pattern = re.compile(
        rf"(?<!\w)(?:(?P<listed>{listed})\s(?P<any>[{ROMAN_LETTERS}]+)"
        rf"|(?P<name>[A-ZÀ-Þ][a-zß-ÿ]+)\s(?P<small>[{SMALL_ROMAN}]{{2,}}))(?![\w'])"
    )

    def say(m: re.Match[str]) -> str:
        word = m.group("listed") or m.group("name")
        numeral = m.group("any") or m.group("small")
        value = roman_value(numeral)
        if value is None or word.lower() in stopwords():
            return m.group(0)
        return f"{word} {numbers.cardinal(value)}"

    return lambda text: pattern.sub(say, text)


# --- model numbers and house numbers ----------------------------------------------------------


SPELLED_SUFFIX_LETTERS = 2  # a model's suffix this short is spelled ("16e"), a longer one said ("neo")
# A model named by capitals, a dot and a number: ID.3 -> "ID 3" (then "ie-dee drie").
DOTTED_MODEL = re.compile(r"(?<![\w.])([A-Z]{2,3})\.(\d{1,2})(?![\w.,])")


def models_rule(data: Readings, letters: Mapping[str, str]) -> Rewrite:
    """Boeing 737 MAX -> "Boeing zeven-drie-zeven MAX" (the MAX is the acronym rule's), Boeing
    737-800 -> "Boeing zeven-drie-zeven-achthonderd", de 737 MAX -> "de zeven-drie-zeven MAX";
    Airbus A320neo -> "Airbus aa-driehonderdtwintig-neo"; iPhone 16 stays for the number rule
    ("zestien"); ID.3 -> "ID 3"."""
    digit_makers = alternation(data.digit_makers)
    number_makers = alternation(data.number_makers)
    by_digit = re.compile(
        rf"(?<![\w-])(?P<maker>{digit_makers})\s(?P<model>\d{{2,4}})(?:-(?P<variant>\d{{1,4}}))?"
        rf"(?P<glued>[A-Z]{{1,3}})?(?![\w])"
    )
    by_number = re.compile(
        rf"(?<![\w-])(?P<maker>{number_makers})\s(?P<letters>[A-Z]{{1,3}})?(?P<model>\d{{1,4}})"
        rf"(?P<suffix>[a-z]{{1,4}})?(?![\w])"
    )

    def say_digits(m: re.Match[str]) -> str:
        parts = [JOINER.join(numbers.cardinal(int(d)) for d in m.group("model"))]
        if m.group("variant"):
            parts.append(numbers.cardinal(int(m.group("variant"))))
        if m.group("glued"):
            parts.append(spell(m.group("glued"), letters))
        return f"{m.group('maker')} {JOINER.join(parts)}"

    def say_number(m: re.Match[str]) -> str:
        if not m.group("letters") and not m.group("suffix"):
            return m.group(0)  # a plain number: the number rule says it
        parts = [spell(m.group("letters"), letters)] if m.group("letters") else []
        parts.append(numbers.cardinal(int(m.group("model"))))
        suffix = m.group("suffix")
        if suffix:  # "neo" is said as a word, a letter or two ("e") spelled
            parts.append(suffix if len(suffix) > SPELLED_SUFFIX_LETTERS else spell(suffix, letters))
        return f"{m.group('maker')} {JOINER.join(parts)}"

    # A maker's model said on its own: after an article or before a model name ("de 737 MAX").
    models = alternation(data.digit_models)
    alone = re.compile(
        rf"(?<![\w-])(?:(?P<article>(?i:de|het|een|die|deze)\s)(?P<model>{models})"
        rf"|(?P<named>{models})(?=\s(?:{alternation(data.model_names)})\b))(?![\w])"
    )

    def say_alone(m: re.Match[str]) -> str:
        said = JOINER.join(numbers.cardinal(int(d)) for d in m.group("model") or m.group("named"))
        return (m.group("article") or "") + said

    def rewrite(text: str) -> str:
        text = DOTTED_MODEL.sub(r"\1 \2", text)
        text = by_digit.sub(say_digits, text) if digit_makers else text
        text = alone.sub(say_alone, text) if data.digit_models else text
        return by_number.sub(say_number, text) if number_makers else text

    return rewrite


# A house number with a letter: 12a, 7-b is not one (a score or a range), nor 2e (an ordinal).
HOUSE_NUMBER = re.compile(r"(?<![\w.,-])(\d{1,4})([a-d])(?![\w-])")


def house_numbers(text: str) -> str:
    """12a -> "12 a" (then "twaalf a")."""
    return HOUSE_NUMBER.sub(r"\1 \2", text)


# --- service numbers ----------------------------------------------------------------------


def service_numbers_rule(data: Readings) -> Rewrite:
    """bel 112 -> "bel één één twee", belt u 112, een 112-melding -> "een één-één-twee-melding": a
    listed short number, after a word that calls it (and a "u" or "je") or in a compound, is said
    digit by digit; "112 meldingen" is a count."""
    listed = alternation(data.service_numbers)
    pattern = re.compile(
        rf"(?<![\w-])(?:(?P<call>(?i:{alternation(data.call_words)})\s(?:(?i:u|je|jij|men)\s)?)"
        rf"(?P<called>{listed})(?![\w-]|[.,]\d)"
        rf"|(?P<compound>{listed})(?=-[^\W\d_]))"
    )

    def say(m: re.Match[str]) -> str:
        if m.group("called"):
            return m.group("call") + " ".join(numbers.cardinal(int(d)) for d in m.group("called"))
        return JOINER.join(numbers.cardinal(int(d)) for d in m.group("compound"))

    return lambda text: pattern.sub(say, text)


# --- year pairs ------------------------------------------------------------------------------

YEAR = r"1[5-9]\d\d|20\d\d"
YEAR_PAIR = re.compile(rf"(?<![\w.,/-])(?P<first>{YEAR})(?P<sep>[/-])(?P<second>{YEAR}|\d\d)(?![\w/-]|[.,]\d)")
CENTURY = 100
TWO_DIGIT_TAIL = 10  # 2024-25: the second year by its last two digits, if they are two (not 2009-10)


def year_pairs(text: str) -> str:
    """2024/2025, 2024-2025, 2024/25 -> "tweeduizendvierentwintig-vijfentwintig" (a season, a school
    year); 1999/2000 -> "negentienhonderdnegenennegentig-tweeduizend". A hyphen between years
    further apart is a range, left to the range rule ("1940-1945": "... tot ...")."""

    def say(m: re.Match[str]) -> str:
        first, written = int(m.group("first")), m.group("second")
        second = first - first % CENTURY + int(written) if len(written) == 2 else int(written)
        consecutive = second == first + 1
        if second <= first or (m.group("sep") == "-" and not consecutive) or (len(written) == 2 and not consecutive):
            return m.group(0)
        said = numbers.cardinal(first, hundreds_form=True)
        short = first // CENTURY == second // CENTURY and min(first, second) % CENTURY >= TWO_DIGIT_TAIL
        tail = numbers.cardinal(second % CENTURY) if short else numbers.cardinal(second, hundreds_form=True)
        return f"{said}{JOINER}{tail}"

    return YEAR_PAIR.sub(say, text)


# --- fractions and short dates ---------------------------------------------------------------

VULGAR = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅕": "1/5", "⅛": "1/8"}
VULGAR_GLUED = re.compile(rf"(\d)([{''.join(VULGAR)}])")
FRACTION_FOLLOWERS = r"van|deel|procent"  # "3/4 van de leden": a fraction, whatever comes before
ROUND_WORDS = r"finales?"
HALF = 2
QUARTER = 4
MONTH_NAMES = "|".join(MONTHS)


def short_dates_rule(data: Readings) -> Rewrite:
    """op 3/4 -> "op 3 april"; vrijdag 3/4 -> "vrijdag 3 april": a day and a month with a slash
    after a word that introduces a date (not before "van": "op 3/4 van de scholen")."""
    leads = alternation({*data.date_words, *data.days.values()})
    day_month = r"(?P<day>[0-2]?\d|3[01])/(?P<month>0?[1-9]|1[0-2])"
    not_after = rf"(?![\w/]|[.,]\d|\s(?:{FRACTION_FOLLOWERS}|{MONTH_NAMES})\b)"  # "3/4 april": two days
    pattern = re.compile(rf"(?<![\w])(?P<lead>(?i:{leads})\s){day_month}{not_after}")
    # "van 3/4 tot 5/4", "3/4 t/m 7/4": two of them around "tot" are dates, whatever comes before
    pair = re.compile(
        rf"(?<![\w.,/-]){day_month}(?P<join>\s(?:tot en met|t/m|tot)\s)"
        rf"(?P<day2>[0-2]?\d|3[01])/(?P<month2>0?[1-9]|1[0-2]){not_after}"
    )

    def date(day: str, month: str) -> str:
        return f"{int(day)} {MONTHS[int(month) - 1]}"

    def rewrite(text: str) -> str:
        text = pair.sub(lambda m: date(m["day"], m["month"]) + m["join"] + date(m["day2"], m["month2"]), text)
        return pattern.sub(lambda m: m["lead"] + date(m["day"], m["month"]), text)

    return rewrite


def fractions_rule(data: Readings) -> Rewrite:
    """1/2 -> "een half", 3/4 -> "driekwart", 2/3 -> "twee derde", 2½ -> "tweeënhalf",
    1 1/2 -> "anderhalf", 1/8 finale -> "achtste finale". Only a denominator with a word in the
    data makes a fraction, and only below one: 24/7 and 9/11 are left alone."""
    pattern = re.compile(
        r"(?<![\w.,/-])(?:(?P<whole>\d{1,3}) )?(?P<num>\d{1,3})/(?P<den>\d{1,4})(?![\w/-]|[.,]\d)"
        rf"(?!\s(?:{MONTH_NAMES})\b)"  # "4/5 mei": two days (normalize's date ranges), no fraction
        rf"(?P<round>\s(?:{ROUND_WORDS})\b)?"
    )

    def part(num: int, den: int) -> str:
        word = data.fractions[den]
        if num == 1:
            return f"{numbers.ONE} {word}"  # unstressed: "een derde"
        return f"{numbers.cardinal(num)}{word}" if den == QUARTER else f"{numbers.cardinal(num)} {word}"

    def say(m: re.Match[str]) -> str:
        num, den = int(m.group("num")), int(m.group("den"))
        if den not in data.fractions or not 0 < num < den:
            return m.group(0)
        whole, round_ = m.group("whole"), m.group("round") or ""
        if round_ and num == 1 and not whole:
            return data.rounds.get(den, data.fractions[den]) + round_
        if not whole:
            return part(num, den) + round_
        if (num, den) != (1, HALF):
            return f"{numbers.cardinal(int(whole))} en {part(num, den)}{round_}"
        if int(whole) == 1:
            return "anderhalf" + round_
        said = numbers.cardinal(int(whole))
        return f"{said}{'ën' if said.endswith('e') else 'en'}half{round_}"

    def rewrite(text: str) -> str:
        text = VULGAR_GLUED.sub(lambda m: f"{m.group(1)} {VULGAR[m.group(2)]}", text)
        text = re.sub(f"[{''.join(VULGAR)}]", lambda m: VULGAR[m.group(0)], text)
        return pattern.sub(say, text)

    return rewrite


# --- abbreviated days and months -------------------------------------------------------------

DAY_JOINS = r"\s*(?:,|-|–|/|t/m|tot en met|tot)\s*|\s(?:en|of)\s"


def days_rule(data: Readings) -> Rewrite:
    """ma t/m vr -> "maandag t/m vrijdag", za en zo -> "zaterdag en zondag", za 12 april ->
    "zaterdag 12 april", za 5 t/m ma 7 april -> "zaterdag 5 t/m maandag 7 april"; a lone "zo"
    or "do" (a word) is left alone, and so is "zo en zo"."""
    table = _with_capital(data.days)
    day = rf"(?:{alternation(table)})\.?"
    sequence = re.compile(rf"(?<![\w]){day}(?:(?:{DAY_JOINS}){day})+(?![\w])")
    months = alternation({*MONTHS, *data.months})
    day_number = r"(?:[0-2]?\d|3[01])"
    before_date = re.compile(
        rf"(?<![\w]){day}(?=\s{day_number}(?:\s(?:{months})\b|/\d|(?:{DAY_JOINS})(?:{day}\s)?{day_number}\b))"
    )
    one = re.compile(rf"(?<![\w]){day}(?![\w])")

    def full(m: re.Match[str]) -> str:
        return table[m.group(0).rstrip(".")]

    def say_sequence(m: re.Match[str]) -> str:
        said = [table[d.group(0).rstrip(".")] for d in one.finditer(m.group(0))]
        if len(set(said)) < len(said):
            return m.group(0)  # "zo en zo": words, not days
        stop = full_stop_if_final(m) if m.group(0).endswith(".") else ""
        return one.sub(full, m.group(0)) + stop

    return lambda text: before_date.sub(full, sequence.sub(say_sequence, text))


def months_rule(data: Readings) -> Rewrite:
    """31 dec. -> "31 december", 1 jan 2026 -> "1 januari 2026", 18-19 sept. -> "18-19 september":
    only after a day number. A dot that also closed the sentence stays."""
    pattern = re.compile(
        rf"(?<![\w.,])(?P<days>(?:[0-2]?\d|3[01])(?:\s?[-–]\s?(?:[0-2]?\d|3[01]))?)\s"
        rf"(?P<month>{alternation(data.months)})(?P<dot>\.)?(?![\w])"
    )

    def say(m: re.Match[str]) -> str:
        stop = full_stop_if_final(m) if m.group("dot") else ""
        return f"{m.group('days')} {data.months[m.group('month')]}{stop}"

    return lambda text: pattern.sub(say, text)
