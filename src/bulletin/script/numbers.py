"""Dutch number words, as a newsreader says them."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from functools import cache
from typing import Any

PACKAGE = "num2words"
DUTCH = "num2words.lang_NL"  # its Dutch converter, Num2Word_NL
ONE_STRESSED = "één"  # num2words writes "one" with accents, but "een miljoen" without
ONE = "een"
# Whole numbers written without a thousands dot in this range are said in
# hundreds, years and counts alike: 1990 -> "negentienhonderdnegentig".
HUNDREDS_FORM = range(1100, 2000)
# Fractions up to this many digits are read as a number ("komma vijfendertig");
# longer ones digit by digit.
FRACTION_AS_NUMBER_DIGITS = 2
# Longer runs of digits are read digit by digit: an account or a serial number, not an amount
# (and no newsreader says "biljard"); num2words cannot say the very long ones at all.
MAX_SAID_DIGITS = 15


@cache
def _dutch() -> Any:
    """num2words' Dutch converter (what ``num2words(n, lang="nl")`` uses), loaded on its own.

    ``import num2words`` runs the package's ``__init__``, which imports every one of its fifty-odd
    languages; a build needs one. The Dutch module is imported under the bare package (its
    ``__init__`` not run), which is then forgotten, so a later ``import num2words`` anywhere in the
    process still gets the whole package (and this same Dutch module).
    """
    if PACKAGE in sys.modules:  # the whole package is loaded already
        return importlib.import_module(DUTCH).Num2Word_NL()
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {PACKAGE!r}", name=PACKAGE)
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)
    try:
        return importlib.import_module(DUTCH).Num2Word_NL()
    finally:
        del sys.modules[PACKAGE]


def cardinal(n: int, *, hundreds_form: bool = False) -> str:
    """413 -> "vierhonderddertien"; with ``hundreds_form``, 1990 -> "negentienhonderdnegentig"."""
    if n < 0:
        return "min " + cardinal(-n, hundreds_form=hundreds_form)
    if hundreds_form and n in HUNDREDS_FORM:
        hundreds, rest = divmod(n, 100)
        return cardinal(hundreds) + "honderd" + (cardinal(rest) if rest else "")
    words = str(_dutch().to_cardinal(n)).split(" ")
    # A "one" that is a word of its own is stressed ("één miljoen", "honderd miljoen één");
    # in a compound it is plain ("eenentwintig", "honderdeen").
    return " ".join(ONE_STRESSED if w in (ONE, ONE_STRESSED) else w.replace(ONE_STRESSED, ONE) for w in words)


def ordinal(n: int) -> str:
    """3 -> "derde", 21 -> "eenentwintigste"."""
    return str(_dutch().to_ordinal(n))


def decimal(whole: int, fraction: str) -> str:
    """The Dutch decimal comma: (2, "1") -> "twee komma een"; (2, "05") -> "twee komma nul vijf"."""
    if len(fraction) <= FRACTION_AS_NUMBER_DIGITS and not fraction.startswith("0"):
        tail = cardinal(int(fraction))
    else:
        tail = " ".join(cardinal(int(digit)) for digit in fraction)
    return f"{cardinal(whole)} komma {tail}"


def digits(text: str) -> str:
    """Read a digit string as one number: "44210" -> "vierenveertigduizend..."."""
    return cardinal(int(text))
