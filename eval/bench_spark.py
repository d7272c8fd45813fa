"""Spark benchmark (not a test): the archive job in local[1] and local[2] against one process.

    .venv/bin/python eval/bench_spark.py --size 20000 [--shared ../shared] [--only spark]

Builds a seeded corpus of ``--size`` documents: the demo corpus (defence news, rich in events
that several outlets report) and the shared BBC news set (general news, few events), cycled,
each copy with its own id, URL and closing line so no two texts are equal. Then times, each
in a fresh process:

- ``extract``: ``bilat extract corpus.jsonl`` (one process, extraction only);
- ``ingest``: ``bilat ingest corpus.jsonl`` (one process, extraction and the store's merge);
- ``local[1]``, ``local[2]``: ``bilat spark-extract`` (extraction and the merge stage).

Prints a Markdown table: wall time, documents per second, CPU seconds of each run's whole
process tree (the JVM and Spark's Python workers included; the steadier figure on a shared
machine), and local[1]'s overhead over the single-process extraction.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bilat.evaluation import demo_dir, find_shared
from bilat.ingest import read_inputs
from bilat.records import Document

BILAT = str(Path(sys.executable).with_name("bilat"))
FIELDS = ("id", "text", "title", "date", "url", "outlet")


def build_corpus(size: int, shared: Path, path: Path, seed: int = 7) -> None:
    demo = [{k: getattr(d, k) for k in FIELDS if getattr(d, k) is not None}
            for d in read_inputs([str(demo_dir() / "articles")]) if isinstance(d, Document)]
    with open(shared / "datasets" / "bbc_news.jsonl", encoding="utf-8") as handle:
        bbc = [json.loads(line) for line in handle if line.strip()]
    originals = demo + [{k: r[k] for k in FIELDS if r.get(k)} for r in bbc]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for number in range(size):
            record = dict(rng.choice(originals))
            record["id"] = f"{record['id']}~{number}"
            record["url"] = f"https://bench.example/{number}/{record['id']}"
            record["text"] += f"\n\n(Archive copy {number}.)"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record the CPU seconds so far of ``root`` and every process below it (the JVM and
    Spark's Python workers are not waited for, so rusage misses them)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    for pid, cpu in times.items():
        ancestor = pid
        while ancestor not in (0, 1, root):
            ancestor = parents.get(ancestor, 0)
        if ancestor == root:
            seen[pid] = max(seen.get(pid, 0.0), cpu)


def timed(command: list[str], log: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the whole process tree sampled twice a second (on a
    shared machine the steadier figure; a process's last half second before it exits is
    missed), and the command's last line on stderr (spark-extract's summary)."""
    seen: dict[int, float] = {}
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        while process.poll() is None:
            _tree_cpu(process.pid, seen)
            time.sleep(0.5)
    wall = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return wall, sum(seen.values()), lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--only", choices=["all", "single", "spark"], default="all")
    args = parser.parse_args()
    shared = args.shared or find_shared()
    with tempfile.TemporaryDirectory(prefix="bilat-bench-spark-") as folder:
        work = Path(folder)
        corpus = work / "corpus.jsonl"
        build_corpus(args.size, shared, corpus)
        runs: dict[str, list[str]] = {}
        if args.only in ("all", "single"):
            runs["extract (1 process)"] = [BILAT, "extract", str(corpus), "--format", "jsonl",
                                           "--no-progress"]
            runs["ingest (1 process, SQLite)"] = [BILAT, "ingest", str(corpus), "--db",
                                                  str(work / "bench.db")]
        if args.only in ("all", "spark"):
            for cores in (1, 2):
                runs[f"spark-extract local[{cores}]"] = [
                    BILAT, "spark-extract", "--input", str(corpus), "--output",
                    str(work / f"out{cores}"), "--master", f"local[{cores}]"]
        seconds, cpu = {}, {}
        for name, command in runs.items():
            seconds[name], cpu[name], last = timed(command, work / "stderr.txt")
            print(f"{name}: {seconds[name]:.1f} s wall, {cpu[name]:.1f} s CPU, load average "
                  f"{os.getloadavg()[0]:.1f}; {last}", file=sys.stderr, flush=True)
    print(f"\n{args.size} documents\n")
    print("| run | wall s | docs/s | CPU s |")
    print("|---|---|---|---|")
    for name, value in seconds.items():
        print(f"| {name} | {value:.1f} | {args.size / value:.1f} | {cpu[name]:.1f} |")
    one, two = seconds.get("spark-extract local[1]"), seconds.get("spark-extract local[2]")
    if one and two:
        print(f"\nlocal[2] vs local[1]: {one / two:.2f}x")
    single = seconds.get("extract (1 process)")
    if one and single:
        print(f"local[1] over one process: {one - single:+.1f} s wall ({one / single:.2f}x), "
              f"{cpu['spark-extract local[1]'] - cpu['extract (1 process)']:+.1f} s CPU")


if __name__ == "__main__":
    main()
