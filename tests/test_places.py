"""Place names from datelines, cased for speech (a table of real Dutch and foreign names)."""

from __future__ import annotations

import pytest

from bulletin.sources.places import case_place

CASES = [
    ("MOSKOU", "Moskou"),
    ("OSLO", "Oslo"),
    ("STRAATSBURG", "Straatsburg"),
    ("DEN HAAG", "Den Haag"),
    ("'S-HERTOGENBOSCH", "'s-Hertogenbosch"),
    ("'S-GRAVENHAGE", "'s-Gravenhage"),
    ("IJMUIDEN", "IJmuiden"),
    ("IJSSELSTEIN", "IJsselstein"),
    ("NEW YORK", "New York"),
    ("RIO DE JANEIRO", "Rio de Janeiro"),
    ("ALPHEN AAN DEN RIJN", "Alphen aan den Rijn"),
    ("BERGEN OP ZOOM", "Bergen op Zoom"),
    ("PORT-AU-PRINCE", "Port-au-Prince"),
    ("SAINT-ÉTIENNE", "Saint-Étienne"),
    ("L'AQUILA", "L'Aquila"),
    ("DAR ES SALAAM", "Dar es Salaam"),
    ("LOS ANGELES", "Los Angeles"),
    ("WASHINGTON D.C.", "Washington D.C."),
    ("Den Haag", "Den Haag"),  # already cased: kept
    ("  NEW   YORK ", "New York"),
]


@pytest.mark.parametrize(("dateline", "spoken"), CASES)
def test_place_casing(dateline, spoken):
    assert case_place(dateline) == spoken
