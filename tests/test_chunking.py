"""Cutting Dutch text for Google's 100-character limit: where the cuts fall."""

from __future__ import annotations

import pytest

from bulletin.tts.chunking import GOOGLE_MAX_CHARS, Cut, pack, phrase_words

LONG = (
    "Om het energienetwerk echt te beschermen, moet de EU zorgen voor meer luchtafweer en raketten. "
    "Dat zei Eurocommissaris Marta Kos (Uitbreiding van de EU) dinsdag in het Europees Parlement. "
    "De inflatie steeg o.a. door energie met 2,1 procent tot 44.210,35 euro per huishouden, zei dhr. J.P. de Vries."
)


@pytest.mark.parametrize(
    ("text", "chunks"),
    [
        # Short text: one request, untouched.
        ("Goedemorgen, dit is het nieuws.", ["Goedemorgen, dit is het nieuws."]),
        # Short sentences are packed together up to the limit.
        ("Het regent. Het waait. Het is koud.", ["Het regent. Het waait. Het is koud."]),
        # Over the limit: the cut goes at the sentence end, not mid-sentence.
        (
            "Het kabinet heeft vandaag besloten om extra geld uit te trekken voor de dijken. "
            "De waterschappen zijn blij met dat besluit.",
            [
                "Het kabinet heeft vandaag besloten om extra geld uit te trekken voor de dijken.",
                "De waterschappen zijn blij met dat besluit.",
            ],
        ),
        # One long sentence: the cut goes at the comma.
        (
            "Volgens de minister van Infrastructuur en Waterstaat zijn de hoogwaters van de afgelopen jaren, "
            "die overal schade aanrichtten, een duidelijke waarschuwing.",
            [
                "Volgens de minister van Infrastructuur en Waterstaat zijn de hoogwaters van de afgelopen jaren,",
                "die overal schade aanrichtten, een duidelijke waarschuwing.",
            ],
        ),
        # No punctuation at all: the cut goes before a conjunction, not just anywhere.
        (
            "Gemeenteraadsleden stemden gisteravond unaniem ingrijpende nieuwbouwplannen goed "
            "omdat wachtlijsten steeds langer worden",
            [
                "Gemeenteraadsleden stemden gisteravond unaniem ingrijpende nieuwbouwplannen goed",
                "omdat wachtlijsten steeds langer worden.",
            ],
        ),
        # ... or before a preposition phrase; between several, the most even split.
        (
            "De gemeenteraad van Groningen stemde gisteravond in met het plan voor duizenden nieuwe woningen "
            "omdat de wachtlijsten in de stad steeds langer worden",
            [
                "De gemeenteraad van Groningen stemde gisteravond in met het plan",
                "voor duizenden nieuwe woningen omdat de wachtlijsten in de stad steeds langer worden.",
            ],
        ),
        # Never after an article or a preposition: the page's own sentence.
        (
            "De Russische president Vladimir Poetin en zijn Iraanse ambtgenoot Masoud Pezeshkian tekenden in de "
            "Russische hoofdstad Moskou een partnerschapsovereenkomst voor twintig jaar.",
            [
                "De Russische president Vladimir Poetin en zijn Iraanse ambtgenoot Masoud Pezeshkian tekenden",
                "in de Russische hoofdstad Moskou een partnerschapsovereenkomst voor twintig jaar.",
            ],
        ),
        # No phrase boundary at all: two even halves, not a full piece and a stub.
        (
            "Boze Groningse melkveehouders blokkeerden gisteravond urenlang belangrijke snelwegen richting "
            "Zwolle Assen Leeuwarden Emmen Hoogeveen Meppel",
            [
                "Boze Groningse melkveehouders blokkeerden gisteravond urenlang belangrijke",
                "snelwegen richting Zwolle Assen Leeuwarden Emmen Hoogeveen Meppel.",
            ],
        ),
    ],
)
def test_split_points(text, chunks):
    assert [c.text for c in pack(text)] == chunks


def test_never_after_an_abbreviation_or_inside_a_number():
    chunks = [c.text for c in pack(LONG)]
    assert all(len(c) <= GOOGLE_MAX_CHARS for c in chunks)
    assert " ".join(chunks) == LONG  # nothing lost, nothing added
    for chunk in chunks:
        assert not chunk.endswith(("o.a.", "dhr.", "J.P.")), chunk
    assert any("2,1 procent" in c for c in chunks) and any("44.210,35" in c for c in chunks)


@pytest.mark.parametrize("abbreviation", ["o.a.", "bijv.", "ca.", "nr.", "mevr.", "prof."])
def test_abbreviation_dot_is_not_a_sentence_end(abbreviation):
    filler = "Dit is een zin die bijna de hele ruimte van een verzoek aan Google inneemt en dan komt er"
    chunks = pack(f"{filler} {abbreviation} Jansen aan het woord.")
    assert all(not c.text.endswith(abbreviation) for c in chunks)


def test_paragraph_breaks_are_sentence_cuts():
    chunks = pack("Kop zonder punt\nTweede alinea.")
    assert [c.text for c in chunks] == ["Kop zonder punt. Tweede alinea."]  # one request, still a stop
    first = "Eerste alinea met een kop zonder punt aan het eind en nog wat woorden"
    second = "Tweede alinea met nog wat meer tekst erin."
    chunks = pack(f"{first}\n{second}")
    assert [(c.text, c.ends) for c in chunks] == [(first + ".", Cut.SENTENCE), (second, Cut.SENTENCE)]


def test_a_word_longer_than_the_limit_is_cut_hard():
    word = "x" * 250
    chunks = [c.text for c in pack(f"Zie {word} hier.")]
    assert all(len(c) <= GOOGLE_MAX_CHARS for c in chunks)
    assert "".join(chunks).replace(" ", "") == f"Zie{word}hier."


def test_empty_text_has_no_chunks():
    assert pack("") == [] and pack("   \n ") == []


def _phrase_words() -> list[str]:
    return sorted(phrase_words().bound)


def _two_full_pieces(word: str) -> tuple[str, int]:
    """Text of two pieces that each fill the limit, the first ending on ``word``:
    the only way to send it in two requests is to cut right after ``word``."""
    first = "Kabinetsbesluit " * 5 + word
    second = "Noodfonds " * (len(first) // len("Noodfonds ")) + "Nood"
    second = second[: len(first) - 1].rstrip().ljust(len(first) - 1, "x") + "."
    return f"{first} {second}", len(first)


@pytest.mark.parametrize("word", _phrase_words())
def test_never_cut_after_a_phrase_word(word):
    text, limit = _two_full_pieces(word)
    chunks = [c.text for c in pack(text, limit)]
    assert len(chunks) == 3  # one request more rather than a cut inside the phrase
    assert all(chunk.split()[-1].lower() != word for chunk in chunks[:-1]), chunks


@pytest.mark.parametrize("opener", ["in", "met", "omdat", "en", "voor"])
def test_a_cut_falls_before_a_preposition_or_conjunction(opener):
    left = "Kabinetsbesluit " * 5
    chunks = pack(f"{left}{opener} Tegenvaller " + "Noodfonds " * 8, len(left) + len(opener))
    assert chunks[0].ends is Cut.CONJUNCTION and chunks[1].text.startswith(opener), chunks


def test_phrase_words_are_lower_case_words_from_the_data_file():
    words = phrase_words()
    assert {
        "de",
        "het",
        "een",
        "in",
        "op",
        "van",
        "met",
        "voor",
        "aan",
        "bij",
        "naar",
        "uit",
        "om",
        "tot",
        "en",
        "of",
        "dat",
        "die",
        "zijn",
        "te",
    } <= words.bound
    assert words.openers <= words.bound and "de" not in words.openers and "omdat" in words.openers
    assert all(w == w.lower() and " " not in w for w in words.bound)


@pytest.mark.parametrize("abbreviation", ["o.a.", "dhr.", "J.P.", "ca."])
def test_no_cut_after_an_abbreviation_even_where_it_would_fit(abbreviation):
    text, limit = _two_full_pieces(abbreviation)
    chunks = pack(text, limit)
    assert not any(c.text.endswith(abbreviation) for c in chunks), chunks
