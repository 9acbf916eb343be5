"""What this machine lets a run use."""

from __future__ import annotations

import math
import os
from pathlib import Path

# cgroup v2's CPU limit ("QUOTA PERIOD" in microseconds, or "max PERIOD"): where a container's
# --cpus or a Kubernetes CPU limit ends up, which os.cpu_count() does not see.
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The cores this process may use: its CPU affinity, capped by its cgroup's CPU quota (rounded
    up), so that pools sized by it fit a container's share rather than the whole machine."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = cpu_max.read_text("ascii").split()
        if quota != "max":
            cores = min(cores, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no cgroup v2 here, or a file of another shape: no limit known
        pass
    return max(1, cores)
