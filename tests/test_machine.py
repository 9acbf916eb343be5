"""How many cores a run may use: its affinity, capped by a container's CPU limit (cgroup v2)."""

from __future__ import annotations

import os

import pytest

from bulletin.core.machine import usable_cores

AFFINITY = len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", AFFINITY),  # no limit
        ("100000 100000\n", 1),  # --cpus 1
        ("150000 100000\n", min(AFFINITY, 2)),  # 1.5 CPUs: two pools of work fit, rounded up
        ("50000 100000\n", 1),  # half a CPU still runs one
        (f"{(AFFINITY + 4) * 100000} 100000\n", AFFINITY),  # a limit above the machine: the machine's
        ("not a quota\n", AFFINITY),  # another shape: no limit known
        (None, AFFINITY),  # no cgroup v2 file at all
    ],
)
def test_usable_cores(tmp_path, cpu_max, expected):
    path = tmp_path / "cpu.max"
    if cpu_max is not None:
        path.write_text(cpu_max, "ascii")
    assert usable_cores(path) == expected


def test_the_machine_s_own_limit_is_read():
    """On this machine: never more than the affinity, at least one."""
    assert 1 <= usable_cores() <= AFFINITY
