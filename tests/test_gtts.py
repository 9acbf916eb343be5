"""The gtts engine against Google faked at the HTTP layer: gTTS's own code sends and parses."""

from __future__ import annotations

import pytest
import requests

from bulletin.core.errors import EngineError
from conftest import built_engine
from fake_google import make_mp3

LEAD = (
    "Het kabinet trekt de komende vijf jaar extra geld uit voor de versterking van dijken langs de grote "
    "rivieren. Het gaat om circa één komma twee miljard euro, bovenop de bestaande afspraken met de "
    "waterschappen. Volgens de minister zijn de hoogwaters van de afgelopen winters een waarschuwing."
)


def engine(**section):
    return built_engine("gtts", {}, backoff=0.01, **section)


def test_requests_stay_under_100_characters_and_cover_the_text(google):
    speech = engine().synthesize(LEAD)
    assert len(google.texts) >= 3
    assert all(len(t) <= 100 for t in google.texts)
    assert sorted(" ".join(google.texts).split()) == sorted(LEAD.split())
    assert speech.sample_rate == 24000 and speech.seconds > 1.0


def test_order_is_kept_while_requests_overlap(google):
    google.audio = lambda text: make_mp3(0.02 * len(text))  # longer text, longer audio
    google.gather(3)  # all three are answered only once all three are in flight
    texts = ["Kort.", "Een wat langere zin met meer woorden.", "Middellang bericht hier."]
    speeches = engine(concurrent=3, requests_per_second=1000).synthesize_many(texts)
    lengths = [s.seconds for s in speeches]
    assert lengths[0] < lengths[2] < lengths[1]
    assert google.most_in_flight == 3


def test_concurrency_bound_holds(google):
    google.gather(3)  # the bound is reached for certain ...
    engine(concurrent=3, requests_per_second=1000).synthesize_many([LEAD, LEAD, LEAD])
    assert len(google.texts) >= 9 and google.most_in_flight == 3  # ... and never passed


def test_progress_reports_each_finished_text(google):
    done = []
    engine().synthesize_many(["Eén.", "Twee.", "Drie."], lambda index, speech: done.append(index))
    assert sorted(done) == [0, 1, 2]


@pytest.mark.parametrize(
    "failures",
    [(429, 429), (503,), (500, 502), (requests.exceptions.ReadTimeout("slow"),)],
)
def test_transient_failures_are_retried(google, failures):
    google.fail_next(*failures)
    speech = engine().synthesize("Goedemorgen.")
    assert speech.seconds > 0.1
    assert len(google.texts) == len(failures) + 1


def test_throttling_that_does_not_stop_gives_up_after_the_tries(google):
    google.fail_always(429)
    with pytest.raises(EngineError, match=r"kept failing \(throttled by Google \(HTTP 429\)\) after 3 tries"):
        engine(tries=3).synthesize("Goedemorgen.")
    assert len(google.texts) == 3


@pytest.mark.parametrize(
    ("outcome", "says"),
    [
        (requests.exceptions.ConnectionError("no route"), "cannot reach translate.google.com"),
        (requests.exceptions.ConnectTimeout("firewalled"), "cannot reach translate.google.com"),
        (403, r"refused the request \(HTTP 403\).*endpoint changed"),
        (404, "endpoint changed"),
        (200, "answered without audio.*endpoint changed"),
    ],
)
def test_permanent_failures_name_the_cause_and_are_not_retried(google, outcome, says):
    google.fail_always(outcome)
    with pytest.raises(EngineError, match=says) as caught:
        engine().synthesize("Goedemorgen.")
    assert caught.value.hint == "Try --engine espeak."
    assert len(google.texts) == 1


def test_a_failure_stops_the_other_requests(google):
    google.latency = 0.02
    google.fail_next(403)
    with pytest.raises(EngineError):
        engine(concurrent=2).synthesize_many([LEAD] * 5)
    assert len(google.texts) < 5 * 3  # not every chunk was still fetched
