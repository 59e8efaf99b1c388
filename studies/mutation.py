"""Mutation testing of the numeric core with cosmic-ray: does the test suite notice a planted bug?

    python studies/mutation.py gandynamics/verdict.py            # the preset's tests and functions
    python studies/mutation.py gandynamics/methods/gd.py --max 40
    python studies/mutation.py gandynamics/field.py --functions _base_source,_digest --tests tests/test_codegen.py
    python studies/mutation.py --list                            # the presets (module -> tests, functions)

Each mutant (one operator applied at one place: ``<`` -> ``<=``, ``+`` -> ``-``, a number changed, ``and`` ->
``or``, ...) is written into a private copy of the repository and the relevant tests run there with ``-x``;
the mutant is *killed* when they fail (or time out), *survives* when they pass.  The score is
killed / (killed + survived).  The survivors are printed with their diffs, and each one is either killed by
a new test or argued equivalent in ``studies/RESULTS_mutation.md``.

Why cosmic-ray and not mutmut: mutmut 3 rewrites every function into a "trampoline" that dispatches to the
mutant chosen by an environment variable, and numba cannot compile those trampolines (they call Python
objects), so every ``@njit`` kernel of the project (the rate fit of ``verdict.py``, the method rules spliced
into the batch driver) would be untestable.  cosmic-ray writes one mutant at a time into the file on disk and
runs an ordinary test command, so the mutated source is what numba compiles: numba's on-disk cache is keyed
on the file's modification time and size (a mutant and its restoration change the time), and the generated
kernel modules are keyed on a hash of their source text, so no stale machine code is reused.

The copy lives under ``--workdir`` (default a temporary folder) with its own ``GANDYNAMICS_CACHE_DIR`` and
``NUMBA_CACHE_DIR`` and ``PYTHONPATH`` pointing at the copy (the editable install's finder comes after it),
so the working tree is never touched and other test runs are unaffected.  Excluded by default, with the
reason: ``core/RemoveDecorator`` (removing ``@njit`` leaves the same Python semantics, only slower, so it
is equivalent; removing ``@dataclass`` breaks imports, which any test catches).  Lines carrying
``# pragma: no mutate`` are skipped.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module -> (test files, functions to mutate (None: the whole module)); the fast relevant subset
PRESETS = {
    "gandynamics/verdict.py": (["tests/test_verdict.py"], ["read_runs", "_slope", "_poly_fit", "_read_rows"]),
    "gandynamics/analysis/rates.py": (
        ["tests/test_rates.py -k 'not measured and not end_to_end and not certified and not table'"], None),
    "gandynamics/methods/tableaux.py": (["tests/test_methods_registry.py -k tableau",
                                         "tests/test_methods.py -k 'rk4 or dop or global_error'"], None),
    "gandynamics/distributions.py": (["tests/test_distributions.py"], None),
    "gandynamics/field.py": (["tests/test_codegen.py -k 'cache_key or differ_anywhere or symbol or nonzero or finite'"],
                             ["_base_source", "_digest"]),
}
# a method's declaration: its theorem bound, iteration matrix and multipliers (its kernel rule is covered by
# the NumPy-reference tests of tests/test_methods.py, minutes per mutant: run them with --tests and --functions)
_METHOD_TESTS = ["tests/test_rates.py -k 'not measured and not end_to_end and not certified and not table'",
                 "tests/test_methods_new.py -k 'declared_iteration_matrix or proximal_rate'"]
for _m in ("gd", "altgd", "eg", "eftp", "ogda", "momentum", "flow", "proximal"):
    PRESETS[f"gandynamics/methods/{_m}.py"] = (_METHOD_TESTS, ["bound", "iteration_matrix", "multipliers"])

EXCLUDED_OPERATORS = ["core/RemoveDecorator"]


def _function_lines(path: Path, names: list[str]) -> list[tuple[int, int]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            out.append((node.lineno, node.end_lineno))
    missing = set(names) - {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if missing == set(names):
        raise SystemExit(f"mutation.py: error: no function {sorted(missing)} in {path}")
    return out


def _docstring_lines(path: Path) -> set[int]:
    """Lines of docstrings (a mutated docstring is not a behaviour change)."""
    tree = ast.parse(path.read_text())
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def _copy_repo(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for f in files:
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("module", nargs="?", help="path of the module to mutate, e.g. gandynamics/verdict.py")
    ap.add_argument("--tests", nargs="+", help="test files (with optional -k expression) to run; default: the preset")
    ap.add_argument("--functions", help="comma-separated functions to mutate (default: the preset, or all)")
    ap.add_argument("--max", type=int, default=0, help="mutate a seeded random sample of at most this many places")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant test run (a timeout kills)")
    ap.add_argument("--workdir", help="where the copy and the session database go (default: a temporary folder)")
    ap.add_argument("--json", help="write the results (counts and survivors with diffs) to this file")
    ap.add_argument("--list", action="store_true", help="list the presets and exit")
    args = ap.parse_args(argv)
    if args.list or not args.module:
        for m, (t, fns) in PRESETS.items():
            print(f"{m:40s} {' '.join(t)}" + (f"   [functions {', '.join(fns)}]" if fns else ""))
        return 0
    module = args.module
    if not (ROOT / module).is_file():
        print(f"mutation.py: error: no module {module!r} (a path relative to {ROOT})", file=sys.stderr)
        return 2
    tests, fns = PRESETS.get(module, (None, None))
    tests = args.tests or tests
    if not tests:
        print(f"mutation.py: error: no preset for {module}; give --tests", file=sys.stderr)
        return 2
    if args.functions:
        fns = args.functions.split(",")

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="gd-mutation-"))
    src = work / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    _copy_repo(src)
    env = dict(os.environ, PYTHONPATH=str(src), GANDYNAMICS_CACHE_DIR=str(work / "gd-cache"),
               NUMBA_CACHE_DIR=str(work / "numba-cache"), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    # every listed command must pass: chain them so that the first failure fails the whole run
    test_cmd = "bash -c " + json.dumps(" && ".join(f"{sys.executable} -m pytest -x -q -n 0 -p no:cacheprovider {t}"
                                                   for t in tests))
    config = work / "cosmic-ray.toml"
    config.write_text(f"""[cosmic-ray]
module-path = "{module}"
timeout = {args.timeout}
excluded-modules = []
test-command = {json.dumps(test_cmd)}

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.operators-filter]
exclude-operators = {json.dumps(EXCLUDED_OPERATORS)}
""")
    db = work / "session.sqlite"
    if db.exists():
        db.unlink()
    run = lambda *cmd: subprocess.run(list(cmd), cwd=src, env=env, check=True)  # noqa: E731
    run("cosmic-ray", "init", str(config), str(db))
    run("cr-filter-operators", str(db), str(config))
    run("cr-filter-pragma", str(db))

    # keep the chosen functions, drop docstrings, sample
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult
    path = src / module
    ranges = _function_lines(path, fns) if fns else None
    doc = _docstring_lines(path)
    with use_db(str(db), WorkDB.Mode.open) as wdb:
        pending = list(wdb.pending_work_items)
        keep, drop = [], []
        for item in pending:
            line = item.mutations[0].start_pos[0]
            inside = ranges is None or any(a <= line <= b for a, b in ranges)
            (keep if inside and line not in doc else drop).append(item.job_id)
        n_candidates = len(keep)
        if args.max and len(keep) > args.max:
            rng = random.Random(args.seed)
            chosen = set(rng.sample(keep, args.max))
            drop += [j for j in keep if j not in chosen]
            keep = [j for j in keep if j in chosen]
        if drop:
            wdb.set_multiple_results(drop, WorkResult(output="not selected", worker_outcome=WorkerOutcome.SKIPPED))
    print(f"{module}: {n_candidates} mutants in scope, running {len(keep)}; tests: {test_cmd}", flush=True)

    t0 = time.time()
    # baseline: the unmutated copy must pass, or every mutant would count as killed
    base = subprocess.run(test_cmd, shell=True, cwd=src, env=env, capture_output=True, text=True)
    if base.returncode != 0:
        print(base.stdout[-3000:], base.stderr[-3000:], sep="\n", file=sys.stderr)
        print("mutation.py: error: the tests fail on the unmutated copy", file=sys.stderr)
        return 2
    run("cosmic-ray", "exec", str(config), str(db))
    elapsed = time.time() - t0

    killed, survived, other = [], [], []
    with use_db(str(db), WorkDB.Mode.open) as wdb:
        for item, res in wdb.completed_work_items:
            if res.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            m = item.mutations[0]
            rec = {"job": item.job_id, "operator": m.operator_name, "line": m.start_pos[0], "diff": res.diff,
                   "outcome": str(res.test_outcome.value if res.test_outcome else res.worker_outcome.value)}
            if res.test_outcome is not None and res.test_outcome.value == "survived":
                survived.append(rec)
            elif res.test_outcome is not None and res.test_outcome.value == "killed":
                killed.append(rec)
            else:
                other.append(rec)
    n = len(killed) + len(survived)
    score = len(killed) / n if n else float("nan")
    print(f"\n{module}: {len(killed)} killed, {len(survived)} survived, {len(other)} incompetent/errors; "
          f"score {100 * score:.1f} % ({elapsed / 60:.1f} min)")
    for s in sorted(survived, key=lambda r: r["line"]):
        print(f"\n--- survivor line {s['line']} {s['operator']}\n{s['diff']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"module": module, "tests": tests, "functions": fns,
                                               "candidates": n_candidates, "run": len(keep), "killed": len(killed),
                                               "survived": survived, "other": other, "score": score,
                                               "minutes": elapsed / 60}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
