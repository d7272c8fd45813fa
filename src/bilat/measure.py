"""What a run costs: seconds per pipeline stage, what the prefilter kept, peak memory.

The pipeline adds to a ``RunStats`` when given one (``bilat bench`` does); worker processes
send theirs back with their results, and the parent adds them up.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

STAGES = ("read", "clean", "prefilter", "annotate", "extract", "resolve", "store")
COUNTS = ("articles", "relevant_articles", "words", "parsed_words", "entity_words",
          "parsed_sentences", "context_sentences")


@dataclass
class RunStats:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    worker_peak_rss: dict[int, int] = field(default_factory=dict)  # pid -> bytes
    cpu_seconds: float = 0.0  # CPU time of the work itself, in every process (no start-up)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def add(self, other: RunStats) -> None:
        for name, seconds in other.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        for name, n in other.counts.items():
            self.count(name, n)
        for pid, peak in other.worker_peak_rss.items():
            self.worker_peak_rss[pid] = max(peak, self.worker_peak_rss.get(pid, 0))
        self.cpu_seconds += other.cpu_seconds

    def shares(self) -> dict[str, float]:
        """Each stage's part of the time spent in stages, 0-1."""
        total = sum(self.seconds.values())
        return {name: (s / total if total else 0.0) for name, s in self.seconds.items()}


def stage(stats: RunStats | None, name: str):
    """``stats.stage(name)``, or nothing when no one is counting."""
    return stats.stage(name) if stats is not None else _nothing()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def peak_rss() -> int:
    """This process's peak resident set size, in bytes."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, kB elsewhere


def machine() -> dict[str, Any]:
    """What a benchmark ran on. Rates move with the CPU, and the ratio to plain spaCy with
    the kernel BLIS picks for it: plain spaCy multiplies with BLIS, bilat's networks with
    numpy's OpenBLAS (``annotate.components.use_numpy_matmul``), and on a CPU BLIS does not
    recognise its generic kernel runs at half speed."""
    import platform
    from importlib import metadata

    cpu: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "cpu family", "model") and \
                        key.strip() not in cpu:
                    cpu[key.strip()] = value.strip()
    except OSError:
        pass
    name = cpu.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in cpu:
        name += f" (family {cpu['cpu family']}, model {cpu.get('model', '?')})"
    return {"cpu": name, "cores": os.cpu_count(), "blis_kernel": _blis_kernel(),
            "openblas_kernel": _openblas_kernel(), "python": platform.python_version(),
            "spacy": metadata.version("spacy")}


def _blis_kernel() -> str | None:
    """The sub-configuration cython-blis selected for this CPU ("zen", "haswell", "generic")."""
    import ctypes

    try:
        import blis.cy

        library = ctypes.CDLL(blis.cy.__file__)
        library.bli_arch_query_id.restype = ctypes.c_int
        library.bli_arch_string.restype = ctypes.c_char_p
        library.bli_arch_string.argtypes = [ctypes.c_int]
        return library.bli_arch_string(library.bli_arch_query_id()).decode()
    except (ImportError, OSError, AttributeError):
        return None


def _openblas_kernel() -> str | None:
    import numpy  # noqa: F401  (loads the OpenBLAS that threadpoolctl reads)
    from threadpoolctl import threadpool_info

    return next((pool.get("architecture") for pool in threadpool_info()
                 if pool.get("internal_api") == "openblas"), None)
