"""The machine a benchmark ran on, as one line for its report."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 2**20:.0f} GB RAM"
    # Another job on the machine slows every figure: the load says so.
    load = os.getloadavg()[0]
    return (
        f"{model}, {os.cpu_count()} CPUs, {memory}, Python {sys.version.split()[0]}, "
        f"load {load:.1f} at start"
    )
