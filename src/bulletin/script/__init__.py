"""Script: from a parsed page to the text a newsreader speaks."""

from __future__ import annotations

from bulletin.script.assemble import Reader, ScriptSettings, Voicing, assemble
from bulletin.script.estimate import Pacing
from bulletin.script.lexicon import Lexicon, load_lexicon
from bulletin.script.normalize import Preparer

__all__ = ["Lexicon", "Pacing", "Preparer", "Reader", "ScriptSettings", "Voicing", "assemble", "load_lexicon"]
