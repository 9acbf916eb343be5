"""The offline engine, through the registry, on this machine (no system packages)."""

from __future__ import annotations

import numpy as np
import pytest

from bulletin.core.errors import ConfigError, EngineError
from bulletin.tts import ENGINES, create_engine


def test_registry_lists_and_rejects_names():
    assert "espeak" in ENGINES.names()
    with pytest.raises(ConfigError, match=f"choose one of: {', '.join(ENGINES.names())}"):
        ENGINES.get("festival")


def test_unknown_option_names_the_one_meant():
    with pytest.raises(ConfigError, match="unknown key 'rat' in \\[options\\]; did you mean 'rate'"):
        create_engine("espeak", {"rat": 2})


def test_espeak_speaks_dutch():
    engine = create_engine("espeak", {"voice": "nl", "rate": 165, "pitch": 45})
    speech = engine.synthesize("Goedemorgen, dit is het nieuws.")
    assert speech.samples.dtype == np.int16 and speech.sample_rate == 22050
    assert 1.0 < speech.seconds < 5.0
    assert np.sqrt(np.mean(speech.samples.astype(float) ** 2)) > 500  # not silence
    assert engine.version.count(".") >= 1
    assert engine.settings == {"voice": "nl", "rate": 165, "pitch": 45}


def test_faster_rate_is_shorter():
    text = "De minister van Financiën presenteert vandaag de begroting voor volgend jaar."
    slow = create_engine("espeak", {"rate": 120}).synthesize(text)
    fast = create_engine("espeak", {"rate": 240}).synthesize(text)
    assert fast.seconds < 0.7 * slow.seconds


def test_engine_errors_say_what_to_change():
    with pytest.raises(EngineError, match="no voice 'xx-nope'"):
        create_engine("espeak", {"voice": "xx-nope"}).synthesize("Hallo.")
    with pytest.raises(ConfigError, match="rate must be at least 80"):  # a configuration mistake, not a failing engine
        create_engine("espeak", {"rate": 5})


def test_empty_text_gives_empty_speech():
    assert create_engine("espeak", {}).synthesize("").seconds < 0.5
