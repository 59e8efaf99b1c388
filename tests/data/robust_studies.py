"""Studies for tests/test_reproduce.py's interrupt test: one quick, two that wait (imported by the workers)."""
import os
import time
from pathlib import Path

from gandynamics.reproduce import Study


def quick(ctx):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    ctx.save(fig, "quick", "a quick figure")
    ctx.check("one", 1.0, 1.0, "identity", tol=0)


def slow(ctx):
    Path(ctx.out).mkdir(parents=True, exist_ok=True)
    Path(ctx.out, f"pid-{os.getpid()}").write_text("")
    time.sleep(600)


STUDIES = [Study("quick", "q", "p", quick), Study("slow-a", "s", "p", slow), Study("slow-b", "s", "p", slow),
           Study("slow-c", "s", "p", slow)]
