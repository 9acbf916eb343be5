"""Reading JSON that comes from outside (files, caches, buckets, catalogues, requests)."""

from __future__ import annotations

import json
from typing import Any


def loads(text: str | bytes) -> Any:
    """:func:`json.loads`, where a document nested too deeply for the parser (100,000 ``[``) is a
    ValueError like any other malformed JSON, not a RecursionError that no reader expects."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
