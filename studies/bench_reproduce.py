"""`gandynamics reproduce` with empty caches: wall time and seconds per study, side by side with a reference.

Each run is a fresh ``python -m gandynamics reproduce --jobs N --out DIR`` with empty ``GANDYNAMICS_CACHE_DIR``
and ``NUMBA_CACHE_DIR`` (temporary folders, removed afterwards) and an output folder outside the repository (the
git tree is not touched).  Per-study seconds come from the run's own log (``DIR/.run-log.json``).  ``--warm``
adds a second run on the same caches; ``--before REV`` runs the code of a git revision (exported with
``git archive`` to a temporary folder, imported through ``PYTHONPATH``) first, in the same invocation, so both
numbers share the machine's load.  The machine, its CPU count and the load average before and after each run
are printed.

Target (issue 16): under 60 s wall on two idle cores, not more than 3 minutes under a load of two busy processes.

Usage: ``python studies/bench_reproduce.py [--jobs 2] [--before REV] [--warm] [NAME ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return "(" + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + ")"


def run_once(label: str, names, jobs: int, caches: Path, code: Path | None) -> dict:
    """One ``gandynamics reproduce`` run; returns wall seconds, exit status and seconds per study."""
    out = caches / f"figures-{label.split()[0]}"
    out.mkdir(exist_ok=True)
    log0 = ROOT / "figures" / ".run-log.json"  # the study times of the last real run: the same scheduling order
    if log0.exists() and not (out / ".run-log.json").exists():
        (out / ".run-log.json").write_text(log0.read_text())
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=str(caches / "gd"), NUMBA_CACHE_DIR=str(caches / "nb"),
               MPLBACKEND="Agg")
    if code is not None:
        env["PYTHONPATH"] = str(code) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "gandynamics", "reproduce", *names, "--jobs", str(jobs), "--out", str(out)]
    load0 = _load()
    t = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(code or ROOT))
    wall = time.perf_counter() - t
    try:
        log = json.loads((out / ".run-log.json").read_text())
    except (OSError, ValueError):
        log = {}
    per = {}
    for name, rec in (log.items() if isinstance(log, dict) else []):
        if isinstance(rec, dict) and "seconds" in rec:
            per[name] = rec["seconds"]
    checks = [ln for ln in r.stdout.splitlines() if "checks pass" in ln]
    return {"label": label, "wall": wall, "rc": r.returncode, "per": per, "checks": checks[-1] if checks else "",
            "load": f"{load0} -> {_load()}", "stderr": r.stderr.strip().splitlines()[-1:] if r.returncode else []}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="studies (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the studies (reproduce --jobs; default 2)")
    ap.add_argument("--before", metavar="REV", help="also run this git revision first (e.g. a commit before a change)")
    ap.add_argument("--warm", action="store_true", help="also run again on the filled caches")
    a = ap.parse_args(argv)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}; "
          f"load average {_load()}", flush=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="gd-bench-reproduce-") as tmp:
        tmp = Path(tmp)
        if a.before:
            code = tmp / "before-src"
            code.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.before], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
            (tmp / "before").mkdir()
            runs.append(run_once(f"before ({a.before}), cold", a.names, a.jobs, tmp / "before", code))
            print(f"  {runs[-1]['label']}: {runs[-1]['wall']:.1f} s", flush=True)
        (tmp / "after").mkdir()
        runs.append(run_once("this tree, cold", a.names, a.jobs, tmp / "after", None))
        print(f"  {runs[-1]['label']}: {runs[-1]['wall']:.1f} s", flush=True)
        if a.warm:
            runs.append(run_once("this tree, warm", a.names, a.jobs, tmp / "after", None))
            print(f"  {runs[-1]['label']}: {runs[-1]['wall']:.1f} s", flush=True)
    studies = sorted({s for r in runs for s in r["per"]}, key=lambda s: -max(r["per"].get(s, 0) for r in runs))
    print(f"\ngandynamics reproduce --jobs {a.jobs}, empty caches: seconds (wall; per study from .run-log.json)")
    print(f"{'study':<20}" + "".join(f"{r['label'][:26]:>28}" for r in runs))
    for s in studies:
        print(f"{s:<20}" + "".join(f"{r['per'].get(s, float('nan')):>28.1f}" for r in runs))
    print(f"{'WALL':<20}" + "".join(f"{r['wall']:>28.1f}" for r in runs))
    for r in runs:
        print(f"{r['label']}: exit {r['rc']}, {r['checks']}; load average {r['load']}"
              + (f"; {r['stderr'][0]}" if r["stderr"] else ""))
    return 0 if all(r["rc"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
