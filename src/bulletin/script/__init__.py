"""Script: from a parsed page to the text a newsreader speaks."""

from __future__ import annotations

from bulletin.script.assemble import ScriptSettings, assemble
from bulletin.script.estimate import Pacing
from bulletin.script.lexicon import Lexicon, load_lexicon
from bulletin.script.normalize import Preparer

__all__ = ["Lexicon", "Pacing", "Preparer", "ScriptSettings", "assemble", "load_lexicon"]
