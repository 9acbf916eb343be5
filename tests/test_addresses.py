"""Web and e-mail addresses in speech: one table for the rule, then the whole preparation."""

from __future__ import annotations

import pytest

from bulletin.core.paths import builtin_voices_dir
from bulletin.script import Preparer, load_lexicon
from bulletin.text.addresses import speak_addresses


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # a URL is read as its bare domain: no scheme, no www, no path, query or port
        ("Kijk op https://www.htm.nl/reizen/storingen?id=3.", "Kijk op HTM punt NL."),
        ("via http://omroepwest.nl/", "via omroepwest punt NL"),
        ("HTTPS://WWW.HTM.NL/X", "HTM punt NL"),
        ("zie www.rijksoverheid.nl/onderwerpen/belastingen, daar", "zie rijksoverheid punt NL, daar"),
        ("op https://data.rivm.nl:8443/covid#grafiek", "op data punt rivm punt NL"),
        ("op mijn.overheid.nl/berichtenbox", "op mijn punt overheid punt NL"),
        ("meldt nu.nl vandaag", "meldt nu punt NL vandaag"),
        ("Bol.com groeit", "bol punt com groeit"),
        ("op example.org/beurs", "op example punt org"),
        ("het Belgische www.vrt.be", "het Belgische VRT punt BE"),
        ("op omroep-west.nl.", "op omroep-west punt NL."),
        # platforms by their names
        ("Beelden op https://www.facebook.com/politie.", "Beelden op Facebook."),
        ("schreef hij op x.com/gemeente", "schreef hij op X"),
        ("op youtube.com/watch?v=abc", "op YouTube"),
        # e-mail addresses
        ("Tips kunnen naar tips@example.org.", "Tips kunnen naar tips apenstaartje example punt org."),
        ("Mail redactie.west@Omroep-West.nl!", "Mail redactie punt west apenstaartje omroep-west punt NL!"),
        # an address in parentheses after the site was named is not said twice
        ("op de website van HTM (https://htm.nl/a).", "op de website van HTM."),
        ("Het formulier staat online (www.gemeente.nl/meldpunt).", "Het formulier staat online."),
        ("De gemeente (www.gemeente.nl) opent een meldpunt.", "De gemeente (gemeente punt NL) opent een meldpunt."),
        # not addresses
        ("Hij woont in Hoorn.Het was 2.5 graden.", "Hij woont in Hoorn.Het was 2.5 graden."),
        ("o.a. in Den Haag", "o.a. in Den Haag"),
        ("het bestand rapport.pdf", "het bestand rapport.pdf"),
        ("om 14.05 uur", "om 14.05 uur"),
        ("De NS.Nu rijden er bussen.", "De NS.Nu rijden er bussen."),
    ],
)
def test_address_table(text, spoken):
    assert speak_addresses(text) == spoken


@pytest.fixture(scope="module")
def prepare() -> Preparer:
    return Preparer(load_lexicon([builtin_voices_dir() / "lexicon-nl.toml"]))


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "Reizigers kunnen kijken op https://www.htm.nl/reizen/storingen.",
            "Reizigers kunnen kijken op haa-tee-em punt en-el.",
        ),
        ("Tips kunnen naar tips@omroepwest.nl.", "Tips kunnen naar tips apenstaartje omroepwest punt en-el."),
        ("De cijfers staan op www.cbs.nl/inflatie.", "De cijfers staan op cee-bee-es punt en-el."),
    ],
)
def test_addresses_through_the_whole_preparation(prepare, text, spoken):
    said = prepare(text)
    assert said == spoken
    assert not any(mark in said for mark in ("://", "/", "@", "www", " at "))
