"""Adversarial generator of bad arguments to the public functions: each parameter of each function with values of
every bad kind, in-process with a time limit; prints every outcome that is not a GandynamicsError (EXC: another
exception, TIMEOUT, OK: accepted; judge the OKs: many values are valid).

    python studies/fuzz_api_bad_input.py [FUNCTION ...]

The kinds it found are tests in tests/test_api_bad_input.py; the CLI counterpart is studies/fuzz_bad_input.py.
"""
import signal, traceback, inspect, math
import numpy as np
import gandynamics as gd
from gandynamics import VectorField, games, R1, GandynamicsError
fld = VectorField(games.dirac(), [R1(gamma=0.3)])
BAD = ["abc", float("nan"), float("inf"), -1, 0, 1e308, 10**30, "", "1,,2", None, True, [1, 2, 3], {"a": 1}, 2.5, -0.0]
# the call of each public function with valid arguments, kept with the generated tests (tests/test_api_bad_input.py)
import os  # noqa: E402
import sys  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))
from test_api_bad_input import _calls  # noqa: E402

CALLS = _calls(fld)
class TO(Exception): pass
def h(*a): raise TO()
signal.signal(signal.SIGALRM, h)
def run(name, f, args, kw):
    signal.alarm(15)
    try:
        f(*args, **kw); return "OK"
    except GandynamicsError as e: return "ERR " + str(e)[:150]
    except TO: return "TIMEOUT"
    except Exception as e: return "EXC " + type(e).__name__ + ": " + str(e)[:200] + " @ " + traceback.extract_tb(e.__traceback__)[-1].filename.split('/')[-1] + ":" + str(traceback.extract_tb(e.__traceback__)[-1].lineno)
    finally: signal.alarm(0)
import sys
only = sys.argv[1:] 
for name, (f, args, kw) in CALLS.items():
    if only and name not in only: continue
    sig = inspect.signature(f)
    params = list(sig.parameters.values())
    for i, p in enumerate(params):
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL): continue
        for b in BAD:
            a2, k2 = list(args), dict(kw)
            if i < len(args): a2[i] = b
            else: k2[p.name] = b
            r = run(name, f, a2, k2)
            if not r.startswith("ERR"):
                print(f"{name}({p.name}={b!r}): {r}", flush=True)
    print(name, "done", flush=True)
