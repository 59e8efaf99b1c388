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
CALLS = {
 "spectrum": (gd.spectrum, (fld,), {}),
 "find_equilibrium": (gd.find_equilibrium, (fld,), {}),
 "estimate_constants": (gd.estimate_constants, (fld, "ball:1"), {"samples": 50}),
 "certify_constants": (gd.certify_constants, (fld, "ball:1"), {"max_seconds": 2}),
 "check_constants": (gd.check_constants, (fld, "ball:1"), {"mu": 0.1, "max_seconds": 2}),
 "rates": (gd.rates, (fld,), {"methods": "gd", "measure": False}),
 "simulate": (gd.simulate, (fld, "gd", (1, 1), 10, 0.1), {}),
 "sweep": (gd.sweep, (fld, "gd"), {"inits": np.ones((1, 2)), "steps": 10, "step": 0.1, "progress": False}),
 "classify": (gd.classify, (fld,), {}),
 "basin": (gd.basin, (fld,), {"max_seconds": 1}),
 "continuation": (gd.continuation, (fld, "gamma", 0.5, -0.5), {"max_points": 20}),
 "limit_cycle": (gd.limit_cycle, (VectorField(games.make_game("hopf")), (0.5, 0), 6.0), {"params": {"beta": 0.2}}),
}
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
