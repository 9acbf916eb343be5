"""The network bench (bench/network.py) runs, and its figures agree with each other and with what
the shared cache is for: two stations, one worker, each run a real `bulletin daily` process
against the bench's own S3 server. How fast is not asserted: speed lives in bench/."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
STATIONS = 2
NEW_STORIES_NEXT_HOUR = 1  # the bench's next hour brings one new local story per station


@pytest.fixture(scope="module")
def network() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    return importlib.import_module("network")


def spoken(runs: list[dict]) -> set[str]:
    return {text for run in runs for text in run["spoken"]}


@pytest.mark.slow
def test_two_stations_speak_the_national_news_once_and_the_figures_agree(network, tmp_path):
    results = network.scenario(tmp_path, stations=STATIONS, workers=1)
    assert list(results) == ["baseline", "sequential-cold", "sequential-warm"]  # one worker: nothing concurrent
    for configuration in results.values():
        for run in configuration["runs"]:
            assert run["exit"] == 0, run["stderr"]
            assert len(run["spoken"]) == run["log"]["synthesised"]  # the engine's count is the log's
            assert run["log"]["segments"] == run["segments_expected"]  # every story on the page was read
            assert run["cpu_s"] > 0 and run["wall_s"] > 0
            assert run["requests"][network.LEASE] > 0 and run["requests"][network.STATE] > 0
            assert run["requests"][network.STATION] > 0

    frame, local = network.SCRIPT_FRAME, len(network.LOCAL_BRIEFS)
    for run in results["baseline"]["runs"]:  # no shared cache: each station speaks all of its bulletin
        assert len(run["spoken"]) == run["log"]["segments"] and run["requests"][network.CACHE] == 0

    first, second = results["sequential-cold"]["runs"]
    assert len(first["spoken"]) == first["log"]["segments"]  # the first station finds the cache empty
    assert len(second["spoken"]) == local + frame < len(first["spoken"])  # its own stories, time check, sign-off
    assert set(second["spoken"]).isdisjoint(first["spoken"])  # the national stories were not spoken again
    assert second["log"]["shared"] == second["log"]["segments"] - len(second["spoken"])
    assert first["requests"][network.CACHE] > 0 and second["requests"][network.CACHE] > 0

    for run in results["sequential-warm"]["runs"]:  # the next hour: the new story, the time check, the sign-off
        assert len(run["spoken"]) == NEW_STORIES_NEXT_HOUR + frame
        assert run["log"]["shared"] == run["log"]["segments"] - len(run["spoken"])
    assert spoken(results["sequential-warm"]["runs"]).isdisjoint(spoken(results["sequential-cold"]["runs"]))

    summaries = {key: network.summarise(configuration) for key, configuration in results.items()}
    assumptions = network.Assumptions(gtts_call_s=0.6, gtts_in_flight=6, piper_rtf=0.1, window_min=5)
    rows = {(row["engine"], row["case"]): row for row in network.derive(results, summaries, assumptions)["rows"]}
    for key, summary in summaries.items():
        espeak = rows[("espeak", key)]
        assert espeak["cpu_s"] == summary["cpu_per_station_s"]
        assert espeak["stations_per_hour_per_core"] == pytest.approx(3600 / espeak["cpu_s"], abs=0.1)
    # Less speech to make, less for Piper to do and fewer requests to Google.
    assert rows[("piper", "sequential-warm")]["cpu_s"] < rows[("piper", "baseline")]["cpu_s"]
    assert rows[("gtts", "sequential-warm")]["requests"] < rows[("gtts", "baseline")]["requests"]
