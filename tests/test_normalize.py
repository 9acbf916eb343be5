"""Dutch text preparation: one table per rule, then the whole chain."""

from __future__ import annotations

import pytest

from bulletin.script import normalize as n
from bulletin.script.lexicon import Lexicon, load_lexicon
from bulletin.voices import builtin_voices_dir


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"])


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("auto’s\u00a0en   fietsen", "auto's en fietsen"),
        ("zero\u200bwidth", "zerowidth"),
        ("en…", "en..."),
    ],
)
def test_clean_unicode(text, out):
    assert n.clean_unicode(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("120 km/u", "120 kilometer per uur"),
        ("2,1% meer", "2,1 procent meer"),
        ("het is 12 °C", "het is 12 graden Celsius"),
        ("150 mm regen", "150 millimeter regen"),
        ("2 miljoen", "2 miljoen"),  # "m" only as a unit of its own
        ("5 mln. Daarna", "5 miljoen. Daarna"),
        ("de km telt", "de km telt"),  # no number, no unit
    ],
)
def test_units(lexicon, text, out):
    assert n.units_rule(lexicon.units)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("€ 2,5 miljoen", "2,5 miljoen euro"),
        ("€2,50", "2 euro 50"),
        ("€ 2,5", "2 euro 50"),
        ("€ 0,50", "50 cent"),
        ("€ 44.210,35", "44.210 euro 35"),
        ("€ 5,-", "5 euro"),
        ("$ 3 miljard", "3 miljard dollar"),
    ],
)
def test_currency(lexicon, text, out):
    assert n.currency_rule(lexicon.currencies, lexicon.currency_fractions)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("o.a. Rusland", "onder andere Rusland"),
        ("bijv. dit", "bijvoorbeeld dit"),
        ("Bijv. dit", "Bijvoorbeeld dit"),
        ("dhr. Jansen en mevr. De Vries", "de heer Jansen en mevrouw De Vries"),
        ("ca. 300 mensen", "circa 300 mensen"),
        ("nr. 5", "nummer 5"),
        ("t/m vrijdag", "tot en met vrijdag"),
        ("in Costa Rica.", "in Costa Rica."),  # "ca." inside a word is not an abbreviation
        ("de ING.", "de ING."),  # "ing." (ingenieur) is lower case only
        ("fietsen enz. De politie", "fietsen enzovoort. De politie"),
        ("fietsen enz.", "fietsen enzovoort."),
        ("fietsen enz. en meer", "fietsen enzovoort en meer"),
    ],
)
def test_abbreviations(lexicon, text, out):
    assert n.abbreviations_rule(lexicon.abbreviations, lexicon.sentence_final_abbreviations)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("om 14:05 begint", "om veertien uur vijf begint"),
        ("om 8.30 uur", "om acht uur dertig"),
        ("om 14.00 uur", "om veertien uur"),
        ("versie 2.15 is uit", "versie 2.15 is uit"),  # dot without "uur" is not a time
        ("44.210", "44.210"),
    ],
)
def test_clock_times(text, out):
    assert n.clock_times(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("de 2e ronde", "de tweede ronde"), ("de 21ste eeuw", "de eenentwintigste eeuw"), ("3de", "derde"),
     ("2en", "2en")],
)
def test_ordinals(text, out):
    assert n.ordinals(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("3–5 jaar", "3 tot 5 jaar"), ("2024-2025", "2024 tot 2025"), ("uitslag 3-1", "uitslag 3-1")],
)
def test_ranges(text, out):
    assert n.ranges(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("de EU", "de ee-uu"),
        ("de FSB", "de ef-es-bee"),
        ("de EVP", "de ee-vee-pee"),
        ("de NAVO-top", "de Navo-top"),
        ("minder CO2 uit", "minder CO-twee uit"),
        ("bij KLM en PSV", "bij kaa-el-em en pee-es-vee"),  # short: spelled
        ("ABN AMRO", "aa-bee-en Amro"),  # pronounceable: read as a word
        ("D66 en PvdA", "dee-zesenzestig en pee-vee-dee-aa"),
        ("de G7", "de gee-zeven"),
        ("KLM'ers", "kaa-el-em'ers"),
        ("Europese Unie", "Europese Unie"),
    ],
)
def test_lexicon_and_acronyms(lexicon, text, out):
    assert n.lexicon_rule(lexicon.words, lexicon.spell, lexicon.letters)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("2,1 procent", "twee komma één procent"),
        ("44.210,35", "vierenveertigduizendtweehonderdtien komma vijfendertig"),
        ("in 1990", "in negentienhonderdnegentig"),
        ("in 2040 90 procent", "in tweeduizendveertig negentig procent"),
        ("1.500 of 1500", "duizendvijfhonderd of vijftienhonderd"),
        ("-5 graden", "min vijf graden"),
        ("een 34-jarige", "een vierendertigjarige"),
        ("de F-16", "de F-zestien"),
        ("CO2", "CO2"),  # glued to letters: left to the lexicon
        ("413 leden, 226 tegen.", "vierhonderddertien leden, tweehonderdzesentwintig tegen."),
    ],
)
def test_numbers(text, out):
    assert n.expand_numbers(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ('zei "uitstel van executie" gisteren', "zei uitstel van executie gisteren"),
        ("Kos (Uitbreiding) zei", "Kos, Uitbreiding, zei"),
        ("iets – zo zei hij – anders", "iets, zo zei hij, anders"),
        ("auto's in 's-Hertogenbosch", "auto's in 's-Hertogenbosch"),
        ("het ‘snelle’ plan", "het snelle plan"),
    ],
)
def test_quotes_and_parentheses(text, out):
    assert n.quotes_and_parentheses(text) == out


@pytest.mark.parametrize(("text", "out"), [("A & B", "A  en  B"), ("5 + 5", "5  plus  5"), ("#tag", "  tag")])
def test_symbols(lexicon, text, out):
    assert n.symbols_rule(lexicon.symbols)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("A  ,  b", "A, b"),
        ("Kos, , zei", "Kos, zei"),
        ("Einde,.", "Einde."),
        ("Hoe?.", "Hoe?"),
        ("één. twee", "Één. Twee"),
        (", begin", "Begin"),
        ("regel\n  tweede", "Regel\nTweede"),
    ],
)
def test_tidy(text, out):
    assert n.tidy(text) == out


def test_whole_chain(lexicon):
    prepare = n.Preparer(lexicon)
    text = 'De EU wil in 2040 ca. 90% minder CO2 uitstoten dan in 1990 (o.a. via de NAVO).'
    assert prepare(text) == (
        "De ee-uu wil in tweeduizendveertig circa negentig procent minder CO-twee uitstoten "
        "dan in negentienhonderdnegentig, onder andere via de Navo."
    )
