"""The offline engine, through the registry, on this machine (no system packages)."""

from __future__ import annotations

import re

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


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"voice": "xx-nope"}, "espeak-ng has no voice 'xx-nope'"),
        ({"rate": 5}, "rate must be at least 80"),
    ],
)
def test_impossible_options_are_configuration_mistakes(options, says):
    """Found when the engine is made, before anything is spoken: never a reason to fall back."""
    with pytest.raises(ConfigError, match=re.escape(says)) as raised:
        create_engine("espeak", options)
    assert not isinstance(raised.value, EngineError)


def test_empty_text_gives_empty_speech():
    assert create_engine("espeak", {}).synthesize("").seconds < 0.5
