"""Run a command and measure its wall time and its own peak RSS (shared by the benchmarks)."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sample:
    """One run: wall seconds, peak RSS in MiB (the child's own `ru_maxrss`), exit code, output, timed out."""

    seconds: float
    rss_mib: float
    code: int
    output: str
    timed_out: bool = False


TIME = Path("/usr/bin/time")


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None) -> Sample:
    """Run `cmd` and measure its wall time and its own peak RSS.

    The RSS comes from GNU time (`/usr/bin/time -f %M`) when it is installed, else from `os.wait4`. Not from
    `wait4` alone: a child forked from a large parent (a benchmark holding a 50x package in memory) starts
    with the parent's pages mapped, and its `ru_maxrss` counts them before `exec` replaces them.
    With `timeout`, the command's process group is killed when it runs longer; the sample is marked `timed_out`.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss_file:
        wrapped = [str(TIME), "-f", "%M", "-o", rss_file.name, *cmd] if TIME.exists() else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        killed = threading.Event()

        def _kill() -> None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, _kill) if timeout else None
        if timer is not None:
            timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        rss_kib = float(usage.ru_maxrss)  # KiB on Linux
        if TIME.exists():
            lines = [line for line in rss_file.read().splitlines() if line.strip().isdigit()]
            rss_kib = float(lines[-1]) if lines else float("nan")
    return Sample(elapsed, rss_kib / 1024, code, text, killed.is_set())


def summary(samples: list[Sample]) -> dict:
    """Median and minimum wall time, largest peak RSS, exit codes."""
    times = [s.seconds for s in samples]
    return {"runs": len(samples), "median_s": statistics.median(times), "min_s": min(times),
            "peak_rss_mib": max(s.rss_mib for s in samples), "exit_codes": sorted({s.code for s in samples}),
            "timed_out": any(s.timed_out for s in samples)}
