"""The package's import graph: no cycle, no upward edge (data flow one way: game -> field -> compiled module
-> methods -> runs -> analysis -> figures and CLI), the library never imports the CLI.

Module-level and function-level imports alike; a name imported from a package resolves to the submodule when
one exists, else to the package's ``__init__``.
"""

import ast
import functools
import os

import gandynamics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gandynamics.__file__)))

#: layers, lowest first: a module may import only from its own layer or lower ones (matched by prefix;
#: the longest matching prefix wins)
LAYERS = [
    ["gandynamics.errors", "gandynamics._numeric", "gandynamics.eigbounds", "gandynamics._equality", "gandynamics._bisect", "gandynamics._fpenv", "gandynamics.jsonio", "gandynamics.validate", "gandynamics.io",
     "gandynamics.log",
     "gandynamics.limits", "gandynamics._interpreted", "gandynamics._display", "gandynamics._version",
     "gandynamics._palette"],
    ["gandynamics.losses", "gandynamics.distributions", "gandynamics.symdiff", "gandynamics._jvp", "gandynamics._cse",
     "gandynamics.codegen"],
    ["gandynamics.game", "gandynamics.regularizers", "gandynamics.field", "gandynamics.games",
     "gandynamics.userload", "gandynamics.provenance"],
    ["gandynamics.equilibrium", "gandynamics.kernels"],
    ["gandynamics.methods"],
    ["gandynamics.verdict", "gandynamics.runs", "gandynamics.simulate", "gandynamics.distributed",
     "gandynamics._dask_plugins"],
    ["gandynamics.analysis"],
    ["gandynamics.plotting", "gandynamics.interact", "gandynamics.studies", "gandynamics.reproduce"],
    ["gandynamics"],  # the public facade (re-exports), used by the CLI
    ["gandynamics.cli", "gandynamics.__main__"],
]


def modules():
    out = {}
    for d, _, files in os.walk(os.path.join(ROOT, "gandynamics")):
        for f in files:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(d, f), ROOT)[:-3].replace(os.sep, ".")
                out[rel[: -len(".__init__")] if rel.endswith(".__init__") else rel] = os.path.join(d, f)
    return out


def edges(mods):
    E = {m: set() for m in mods}
    for m, path in mods.items():
        is_pkg = path.endswith("__init__.py")
        with open(path) as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = m.split(".") if is_pkg else m.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                for a in node.names:
                    full = f"{mod}.{a.name}"
                    targets.append(full if full in mods else mod)
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in
                  ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)):
                targets = [node.args[0].value]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != m:
                    E[m].add(t)
    return E


@functools.lru_cache(maxsize=1)
def package_edges():
    """``edges(modules())``, parsed once for the tests of this module (every module of the package: about 1.5 s)."""
    return edges(modules())


def cycles(E):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = i[0]
        i[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(E[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(E):
        if v not in index:
            visit(v)
    return out


def layer(mod):
    best, idx = -1, None
    for k, names in enumerate(LAYERS):
        for p in names:
            if (mod == p or mod.startswith(p + ".")) and len(p) > best:
                best, idx = len(p), k
    return idx


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    assert cycles(package_edges()) == []


def test_every_module_has_a_layer():
    assert [m for m in modules() if layer(m) is None] == []


def test_no_upward_edge_and_library_never_imports_cli():
    E = package_edges()
    up = sorted((m, t) for m, ts in E.items() for t in ts if layer(t) > layer(m))
    assert up == []
    lib_to_cli = sorted((m, t) for m, ts in E.items() for t in ts
                        if t.startswith("gandynamics.cli") and not m.startswith("gandynamics.cli")
                        and m not in ("gandynamics.__main__",))
    assert lib_to_cli == []
