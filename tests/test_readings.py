"""The reading classes of bulletin/script/readings.py, one table per rule: fractions, Roman
numerals, model and house numbers, year pairs, abbreviated days and months. Each table holds
what the rule must read and, as much, what it must leave alone."""

from __future__ import annotations

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script import readings as r
from bulletin.script.lexicon import load_lexicon


@pytest.fixture(scope="module")
def data() -> r.Readings:
    return r.dutch()


@pytest.fixture(scope="module")
def letters() -> dict[str, str]:
    return dict(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]).letters)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("I", 1),
        ("IV", 4),
        ("XIV", 14),
        ("XVI", 16),
        ("LIX", 59),
        ("IIII", None),
        ("VX", None),
        ("IC", None),
        ("", None),
    ],
)
def test_roman_value(token, value):
    assert r.roman_value(token) == value


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Karel V regeerde", "Karel de Vijfde regeerde"),
        ("Lodewijk XIV liet", "Lodewijk de Veertiende liet"),
        ("paus Benedictus XVI", "paus Benedictus de Zestiende"),
        ("Johannes Paulus II kwam", "Johannes Paulus de Tweede kwam"),
        ("Willem I werd koning", "Willem de Eerste werd koning"),
        ("van Karel V.", "van Karel de Vijfde."),  # the sentence ends: a numeral
        ("Peter V. (34) zweeg", "Peter V. (34) zweeg"),  # an initial before the sentence goes on
        ("keizer Karel V. (1500-1558)", "keizer Karel de Vijfde. (1500-1558)"),  # a title says it is the ruler
        ("Willem II won", "Willem Twee won"),  # the club: a fixed name
        ("koning Willem II regeerde", "koning Willem de Tweede regeerde"),  # the title says the king
        ("zei ik I", "zei ik I"),  # no ruler's name before it
        ("Karel VX", "Karel VX"),  # no numeral
        ("Karel Vos", "Karel Vos"),
    ],
)
def test_regnal_numerals(data, text, out):
    assert r.regnal_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Na WO II werd", "Na de Tweede Wereldoorlog werd"),
        ("in de WO I", "in de Eerste Wereldoorlog"),  # the written "de" is the reading's
        ("De WOII", "De Tweede Wereldoorlog"),
        ("WO IIb", "WO IIb"),
    ],
)
def test_roman_names(data, text, out):
    assert r.roman_names_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("deel II van", "deel twee van"),
        ("Vaticanum II", "Vaticanum twee"),
        ("fase I", "fase één"),  # after a listed word even a lone I
        ("Ajax II speelt", "Ajax twee speelt"),  # II and up after any capitalised word
        ("het kabinet-Rutte IV", "het kabinet-Rutte vier"),
        ("Deel III", "Deel drie"),  # a listed word with a capital
        ("Ajax I speelt", "Ajax I speelt"),  # a lone letter after a name is no numeral
        ("In II gevallen", "In II gevallen"),  # a function word
        ("Washington DC", "Washington DC"),  # D is left out
        ("Super Bowl LIX", "Super Bowl negenenvijftig"),
    ],
)
def test_roman_numbers(data, text, out):
    assert r.roman_numbers_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("De Boeing 737 MAX", "De Boeing zeven-drie-zeven MAX"),
        ("een Boeing 747-400", "een Boeing zeven-vier-zeven-vierhonderd"),
        ("de Boeing 777X", "de Boeing zeven-zeven-zeven-iks"),
        ("de Boeing 737's", "de Boeing zeven-drie-zeven's"),
        ("Airbus A320 landt", "Airbus aa-driehonderdtwintig landt"),
        ("de Airbus A321neo", "de Airbus aa-driehonderdeenentwintig-neo"),
        ("de iPhone 16e", "de iPhone zestien-ee"),
        ("de iPhone 16", "de iPhone 16"),  # a plain number: the number rule's
        ("Peugeot 208", "Peugeot twee-nul-acht"),
        ("Boeingen 737", "Boeingen 737"),
        ("levert de 737 MAX uit", "levert de zeven-drie-zeven MAX uit"),  # a model on its own
        ("door de 777.", "door de zeven-zeven-zeven."),
        ("er zaten 737 mensen", "er zaten 737 mensen"),  # a count
        ("de Volkswagen ID.3", "de Volkswagen ID 3"),
        ("versie 2.15", "versie 2.15"),
    ],
)
def test_models(data, letters, text, out):
    assert r.models_rule(data, letters)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Kerkstraat 12a", "Kerkstraat 12 a"),
        ("artikel 7b.", "artikel 7 b."),
        ("de 2e", "de 2e"),  # an ordinal
        ("3d-printer", "3d-printer"),
        ("5G", "5G"),
        ("A12a", "A12a"),
    ],
)
def test_house_numbers(text, out):
    assert r.house_numbers(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("seizoen 2024/2025", "seizoen tweeduizendvierentwintig-vijfentwintig"),
        ("seizoen 2024-2025", "seizoen tweeduizendvierentwintig-vijfentwintig"),
        ("begroting 2024/25", "begroting tweeduizendvierentwintig-vijfentwintig"),
        ("1999/2000", "negentienhonderdnegenennegentig-tweeduizend"),
        ("2009/2010", "tweeduizendnegen-tweeduizendtien"),
        ("1940-1945", "1940-1945"),  # a range: the range rule's
        ("2025/2024", "2025/2024"),
        ("2024/26", "2024/26"),
    ],
)
def test_year_pairs(text, out):
    assert r.year_pairs(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("1/2", "een half"),
        ("3/4 van de scholen", "driekwart van de scholen"),
        ("2/3 van de", "twee derde van de"),
        ("1/3 van de jongeren", "een derde van de jongeren"),
        ("1/4", "een kwart"),
        ("3/5", "drie vijfde"),
        ("2 1/2 jaar", "tweeënhalf jaar"),
        ("1 1/2 jaar", "anderhalf jaar"),
        ("4 1/2 jaar", "vierenhalf jaar"),
        ("2 1/3 liter", "twee en een derde liter"),
        ("1½ miljoen", "anderhalf miljoen"),
        ("½ uur", "een half uur"),
        ("de 1/8 finale", "de achtste finale"),
        ("de 1/2 finales", "de halve finales"),
        ("24/7", "24/7"),  # no fraction: more than one
        ("9/11", "9/11"),  # no word for eleventh parts
        ("1/3/2025", "1/3/2025"),  # a date
        ("km/u", "km/u"),
        ("3/4 april", "3/4 april"),  # two days of a month: the date ranges' (normalize), not a fraction
        ("het is 4/5 mei", "het is 4/5 mei"),
    ],
)
def test_fractions(data, text, out):
    assert r.fractions_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("op 3/4 is", "op 3 april is"),
        ("vrijdag 1/3 tot", "vrijdag 1 maart tot"),
        ("Vanaf 1/12", "Vanaf 1 december"),
        ("op 3/4 van de scholen", "op 3/4 van de scholen"),  # "van": a fraction
        ("ongeveer 3/4", "ongeveer 3/4"),  # nothing says a date
        ("op 32/4", "op 32/4"),
        ("op 3/4 april", "op 3/4 april"),  # two days of April, not the third of April April
        ("Van 3/4 tot 5/4 is", "Van 3 april tot 5 april is"),  # two around "tot": dates
        ("3/4 t/m 7/4", "3 april t/m 7 april"),
    ],
)
def test_short_dates(data, text, out):
    assert r.short_dates_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("open van ma t/m vr", "open van maandag t/m vrijdag"),
        ("open ma-vr", "open maandag-vrijdag"),
        ("op za en zo dicht", "op zaterdag en zondag dicht"),
        ("Ma t/m vr.", "Maandag t/m vrijdag."),
        ("van ma. t/m vr. open", "van maandag t/m vrijdag open"),
        ("za 12 april", "zaterdag 12 april"),
        ("vr 3/4", "vrijdag 3/4"),
        ("za 5 t/m ma 7 april", "zaterdag 5 t/m maandag 7 april"),  # a range of dates
        ("vr 28 nov. t/m zo 4 jan.", "vrijdag 28 nov. t/m zondag 4 jan."),
        ("zo gaat het", "zo gaat het"),  # a word
        ("zo en zo", "zo en zo"),
        ("do 12 mensen", "do 12 mensen"),
    ],
)
def test_days(data, text, out):
    assert r.days_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("op 31 dec.", "op 31 december."),
        ("op 31 dec. om", "op 31 december om"),
        ("tot 1 jan. 2027", "tot 1 januari 2027"),
        ("1 jan 2026", "1 januari 2026"),
        ("18-19 sept. in", "18-19 september in"),
        ("in dec. komt", "in dec. komt"),  # no day number
        ("31 december", "31 december"),
    ],
)
def test_months(data, text, out):
    assert r.months_rule(data)(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Bel 112.", "Bel één één twee."),
        ("belt u 112", "belt u één één twee"),
        ("bellen met 113 of", "bellen met één één drie of"),
        ("een 112-melding", "een één-één-twee-melding"),
        ("Er kwamen 112 meldingen", "Er kwamen 112 meldingen"),  # a count
        ("aangenomen met 112 stemmen", "aangenomen met 112 stemmen"),  # "met" alone calls nothing
        ("via 112", "via één één twee"),
        ("bel 1120", "bel 1120"),
    ],
)
def test_service_numbers(data, text, out):
    assert r.service_numbers_rule(data)(text) == out


def test_the_data_loads():
    data = r.dutch()
    assert {"Karel", "Lodewijk", "Willem", "Benedictus"} <= data.regnal
    assert data.fractions[3] == "derde" and data.rounds[2] == "halve"
    assert data.days["ma"] == "maandag" and data.months["dec"] == "december"
    assert "Boeing" in data.digit_makers and "Airbus" in data.number_makers
