"""Shared plumbing for the benchmark scripts: timing and the results record.

Each benchmark prints its table and, unless run with ``--quick``, writes
``benchmarks/results/<name>.json`` (rows, summary, machine, versions, commit),
which the book's performance page reads.  Ratios are measured within one run,
so they compare like with like on whatever machine ran it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PACKAGES = ("numpy", "scipy", "highspy", "cvxpy", "sympy")


def best_time(fn, repeat: int = 3):
    """Run ``fn()`` ``repeat`` times; return (best wall time in s, last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def machine() -> dict:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=RESULTS.parent,
        ).stdout.strip()
        or "uncommitted"
    )
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    return {
        **_machine_load(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "packages": versions,
        "commit": commit,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def _machine_load() -> dict:
    """CPU model, memory and load average (Linux; empty elsewhere).

    The load average at the end of a run says how busy the machine was while
    it ran: ratios measured in one run stay comparable, absolute times do not.
    """
    out = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                out["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                out["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
                break
        out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return out


def write_results(name: str, rows: list[dict], summary: dict, command: str) -> Path:
    """Write the record the performance page reads."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    record = {
        "benchmark": name,
        "command": command,
        "machine": machine(),
        "rows": rows,
        "summary": summary,
    }
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return path
