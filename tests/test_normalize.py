"""Dutch text preparation: one table per rule, then the whole chain."""

from __future__ import annotations

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script import normalize as n
from bulletin.script.lexicon import Lexicon, load_lexicon
from bulletin.script.rules import Change, word_changes


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
        ("1 min. voorsprong", "1 minuut voorsprong"),  # the singular after one
        ("21 min. later", "21 minuten later"),
        ("in 12 min. Daarna", "in 12 minuten. Daarna"),
        ("32 cent per kWh", "32 cent per kilowattuur"),  # after "per"
        ("80 slagen per min.", "80 slagen per minuut."),  # one of it: the singular
        ("per m is", "per m is"),  # a single letter only after a number
        ("7.400 m³", "7.400 kubieke meter"),
    ],
)
def test_units(lexicon, text, out):
    assert n.units_rule(lexicon.units, lexicon.singular)(text) == out


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
        ("€ 28 à 30 miljard", "28 à 30 miljard euro"),  # a range says its currency once
        ("€ 5 tot € 10 per", "5 tot 10 euro per"),
        ("€ 5-10", "5 tot 10 euro"),
        ("€ 2,50 tot € 3,50", "2 euro 50 tot 3 euro 50"),  # with cents: each amount whole
        ("£ 300", "300 pond"),
        ("30 euro per maand", "30 euro per maand"),
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
        ("om 12.00 thuis", "om twaalf uur thuis"),  # "om" says a time follows
        ("Rond 6.15 ging", "Rond zes uur vijftien ging"),
        ("tussen 8.00 en 9.15 uur", "tussen acht uur en negen uur vijftien"),  # one "uur" for both
        ("van 7.30 tot 10.00 uur", "van zeven uur dertig tot tien uur"),
        ("19.30-23.00 uur", "negentien uur dertig tot drieëntwintig uur"),
        ("van 7:30 tot 10:00", "van zeven uur dertig tot tien uur"),
        ("om 8:45", "om acht uur vijfenveertig"),
        ("versie 2.15 is uit", "versie 2.15 is uit"),  # dot without "uur" is not a time
        ("met 2.15 en 3.20 punten", "met 2.15 en 3.20 punten"),
        ("44.210", "44.210"),
        ("om 24.00 uur", "om 24.00 uur"),  # no such hour
        ("om 14u30 in Brussel", "om veertien uur dertig in Brussel"),  # Flemish and shorthand
        ("om 9u open", "om negen uur open"),
        ("om 13.00u.", "om dertien uur."),
        ("om 14h30", "om veertien uur dertig"),
        ("van 10u-12u", "van tien uur tot twaalf uur"),
        ("tussen 8.00 à 9.00 uur", "tussen acht uur a negen uur"),
        ("CO2u", "CO2u"),
        ("9uur", "9uur"),
        ("25u30", "25u30"),  # no such hour
    ],
)
def test_clock_times(text, out):
    assert n.clock_times(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Bel 020-1234567.", "Bel nul twee nul, één twee drie, vier vijf, zes zeven."),
        ("06-12345678", "nul zes, één twee, drie vier, vijf zes, zeven acht"),
        ("088 123 45 67", "nul acht acht, één twee drie, vier vijf, zes zeven"),
        ("0800-0432", "nul achthonderd, nul vier drie twee"),
        ("+31 20 1234567", "plus eenendertig, twee nul, één twee drie, vier vijf, zes zeven"),
        ("in 2026 en 1990", "in 2026 en 1990"),  # not a phone number
        ("020-12345", "020-12345"),  # too short: left to the number rules
    ],
)
def test_phone_numbers(text, out):
    assert n.phone_numbers(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("op 27-11-2026", "op 27 november 2026"), ("1/3/2025", "1 maart 2025"), ("32-11-2026", "32-11-2026")],
)
def test_numeric_dates(text, out):
    assert n.numeric_dates(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("18-19 maart", "18 en 19 maart"),
        ("3/4 april", "3 en 4 april"),  # a slash between two days: "and"
        ("10/12 juni", "10 en 12 juni"),
        ("12-15 augustus", "12 tot en met 15 augustus"),
        ("18 en 19 maart", "18 en 19 maart"),
        ("uitslag 3-1 in maart", "uitslag 3-1 in maart"),  # no month right after: a score
    ],
)
def test_date_ranges(text, out):
    assert n.date_ranges(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("voor 50+ is", "voor 50-plus is"), ("65+'ers", "65-plussers"), ("50+ers", "50-plussers"), ("5+5", "5+5")],
)
def test_age_plus(text, out):
    assert n.age_plus(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("rekening 123456789012345678", "rekening 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8"),
        ("12.345.678.901.234.567 euro", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 euro"),
        ("999.999.999.999.999 euro", "999.999.999.999.999 euro"),  # fifteen digits: still an amount
        ("3,1415926535897932384", "3,1415926535897932384"),  # a fraction is read digit by digit anyway
        ("geen cijfers", "geen cijfers"),
    ],
)
def test_long_numbers(text, out):
    assert n.long_numbers(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [("versie 2.15", "versie twee punt vijftien"), ("een mp3", "een mp-drie"), ("geen cijfers", "geen cijfers")],
)
def test_leftover_digits(text, out):
    assert n.leftover_digits(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("de 2e ronde", "de tweede ronde"),
        ("de 21ste eeuw", "de eenentwintigste eeuw"),
        ("3de", "derde"),
        ("2en", "2en"),
        ("de 2e Kamer", "de Tweede Kamer"),
    ],
)
def test_ordinals(text, out):
    assert n.ordinals(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("3–5 jaar", "3 tot 5 jaar"),
        ("2024-2025", "2024 tot 2025"),
        ("uitslag 3-1", "uitslag 3-1"),
        ("10-15 procent", "10 tot 15 procent"),
        ("3-1 voor Ajax", "3-1 voor Ajax"),
        ("28 à 30 miljard", "28 a 30 miljard"),  # the "à" of a range is said "a"
        ("3 stuks à 2 euro", "3 stuks a 2 euro"),  # and so is a price's
        ("à la carte", "à la carte"),
    ],
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
        ("ASML en NXP", "aa-es-em-el en en-iks-pee"),  # no Dutch syllables: spelled
        ("de BENELUX", "de Benelux"),
        ("het 5G-netwerk", "het vijf-gee-netwerk"),
        ("COVID-19", "Covid-19"),  # the number is left to the number rule
        ("D66 en PvdA", "dee-zesenzestig en pee-vee-dee-aa"),
        ("de G7", "de gee-zeven"),
        ("KLM'ers", "kaa-el-em'ers"),
        ("Europese Unie", "Europese Unie"),
        ("JA21 en BIJ1", "Ja-eenentwintig en Bij-één"),  # names of capitals and digits, part by part
        ("50PLUS", "Vijftigplus"),
        ("omroep MAX", "omroep Max"),  # a short word in capitals is a word
        ("het mbo en de Wmo", "het em-bee-oo en de wee-em-oo"),  # small letters: spelled when listed
        ("Hbo-studenten", "haa-bee-oo-studenten"),  # with a capital first letter too (tidy puts it back)
        ("de havo", "de havo"),
        ("CD&V en H&M", "cee-dee-en-vee en haa-en-em"),  # acronyms joined by "&"
        ("de N-VA", "de en-vee-aa"),  # a letter joined to an acronym
        ("de UGent", "de uu-Gent"),  # a letter before a name
        ("het VUmc", "het vee-uu-em-cee"),  # unless the lexicon spells the whole
        ("in IJmuiden", "in IJmuiden"),  # IJ is one letter
        ("de VN-Veiligheidsraad", "de vee-en-Veiligheidsraad"),  # a multi-word reading in a compound
        ("de VN", "de Verenigde Naties"),
    ],
)
def test_lexicon_and_acronyms(lexicon, text, out):
    assert n.lexicon_rule(lexicon.words, lexicon.spell, lexicon.letters, lexicon.symbols)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("2,1 procent", "twee komma één procent"),
        ("44.210,35", "vierenveertigduizendtweehonderdtien komma vijfendertig"),
        ("in 1990", "in negentienhonderdnegentig"),
        ("in 2040 90 procent", "in tweeduizendveertig negentig procent"),
        ("1.500 of 1500", "vijftienhonderd of vijftienhonderd"),  # round hundreds: "ruim twaalfhonderd"
        ("1.234", "duizendtweehonderdvierendertig"),
        ("1.000", "duizend"),
        ("-5 graden", "min vijf graden"),
        ("een 34-jarige", "een vierendertigjarige"),
        ("de F-16", "de F-zestien"),
        ("CO2", "CO2"),  # glued to letters: left to the lexicon
        ("413 leden, 226 tegen.", "vierhonderddertien leden, tweehonderdzesentwintig tegen."),
        ("een 1-1-stand", "een één-één-stand"),  # a score keeps its hyphen before a noun
        ("1.254.000 kiezers", "één miljoen tweehonderdvierenvijftigduizend kiezers"),
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


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("een <b>vette</b> kop", "een  vette  kop"),
        ("<script>alert(1)</script> weg", " alert(1)  weg"),
        ('zie <a href="x">hier</a>', "zie  hier "),
        ("kinderen < 12 jaar", "kinderen < 12 jaar"),  # a comparison, not a tag
    ],
)
def test_markup(text, out):
    assert n.markup(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("A & B", "A  en  B"),
        ("5 + 5", "5  plus  5"),
        ("#tag", "  tag"),
        ("kinderen < twaalf jaar", "kinderen  minder dan  twaalf jaar"),
        ("≥ vijf procent", " minstens  vijf procent"),
    ],
)
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
        ("J. de Vries zei", "J. de Vries zei"),  # an initial ends no sentence
        ("J.P. de Vries", "J.P. de Vries"),
        ("zei hij. de rest", "Zei hij. De rest"),
    ],
)
def test_tidy(text, out):
    assert n.tidy(text) == out


def test_a_lexicon_file_overrides_the_acronym_rule(tmp_path):
    own = tmp_path / "lexicon-eigen.toml"
    own.write_text('[words]\nASML = "Asml"\n\n[spell]\nacronyms = ["HEMA"]\n', "utf-8")
    base = builtin_voices_dir() / "lexicon-nl.toml"
    default = n.Preparer(load_lexicon([base]))
    layered = n.Preparer(load_lexicon([base, own]))
    assert default("ASML en HEMA") == "Aa-es-em-el en Hema"  # the rule: spelled, read
    assert layered("ASML en HEMA") == "Asml en haa-ee-em-aa"  # the file: the other way round


def test_whole_chain(lexicon):
    prepare = n.Preparer(lexicon)
    text = "De EU wil in 2040 ca. 90% minder CO2 uitstoten dan in 1990 (o.a. via de NAVO)."
    assert prepare(text) == (
        "De ee-uu wil in tweeduizendveertig circa negentig procent minder CO-twee uitstoten "
        "dan in negentienhonderdnegentig, onder andere via de Navo."
    )


def test_explain_names_the_rule_of_each_changed_word(lexicon):
    prepare = n.Preparer(lexicon)
    changes = prepare.explain("Lodewijk XIV kwam om 14u30")
    assert [(c.rule, c.before, c.after) for c in changes] == [
        ("clock", "14u30", "veertien uur dertig"),
        ("regnal numerals", "XIV", "de Veertiende"),
    ]


def test_explain_runs_the_same_table_as_preparing(lexicon):
    """Explaining a reading runs the rules that prepare it: the last change of every word is what is
    said, and a text no rule changes has no changes."""
    prepare = n.Preparer(lexicon)
    text = "De EU wil in 2040 ca. 90% minder CO2 (o.a. via de NAVO)."
    spoken = text
    for rule in prepare.rules:
        spoken = rule(spoken)
    assert spoken == prepare(text)
    assert {c.rule for c in prepare.explain(text)} >= {"units", "abbreviations", "lexicon", "numbers", "quotes"}
    assert prepare.explain("Dat is alles.") == []


def test_word_changes_are_runs_of_words():
    assert word_changes("r", "om 14u30 in Gent", "om veertien uur dertig in Gent") == [
        Change("r", "14u30", "veertien uur dertig")
    ]
    assert word_changes("r", "a  b", "a b") == []  # spaces alone change no word
    assert word_changes("r", "€ 2,5 miljoen.", "2,5 miljoen euro.") == [
        Change("r", "€ 2,5 miljoen.", "2,5 miljoen euro.")
    ]
    assert word_changes("r", "Keir zei tegen Sky", "Kier zei tegen Skai") == [
        Change("r", "Keir", "Kier"),
        Change("r", "Sky", "Skai"),
    ]
