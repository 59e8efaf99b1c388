"""The documentation: every code block runs, every citation of the mathematics chapter resolves, nothing
cites a file outside the project, and the built site renders formulas and figures offline.

* ``test_code_blocks`` runs, page by page and in order in one namespace per page, every ```` ```python ````
  block of the Markdown pages under ``docs/`` and every ``{code-cell}`` of the tutorial notebooks (the docs
  build executes the notebooks too; this runs them without Sphinx, so a broken example fails the tests).
* ``test_cited_sections_exist`` greps the repository for "docs/mathematics.md §x.y" and checks that the
  chapter has each section as a heading (with a ``(math-x.y)=`` label); ``test_no_outside_theory_file``
  checks that nothing cites the outside reference file the chapter replaces.
* ``test_built_site_in_browser`` opens the built front page, the mathematics chapter and a tutorial in
  headless Chromium and checks the rendered DOM: MathJax output elements, local images that decode, and no
  script or stylesheet fetched from the network.  It is skipped when Chromium or the built site is missing,
  unless ``GANDYNAMICS_REQUIRE_DOCS_BROWSER=1`` (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHAPTER = DOCS / "mathematics.md"
HTML_DIR = Path(os.environ.get("GANDYNAMICS_DOCS_HTML", DOCS / "_build" / "html"))
REQUIRE_BROWSER = os.environ.get("GANDYNAMICS_REQUIRE_DOCS_BROWSER", "") not in ("", "0")

SKIP_DIRS = {".git", "_build", "_generated", "jupyter_execute", ".ci-venv", ".ci-cache", "build", "dist",
             "__pycache__", ".pytest_cache", ".hypothesis", ".venv", "node_modules"}
TEXT_SUFFIXES = {".py", ".md", ".txt", ".rst", ".toml", ".cfg", ".json", ".cff", ".in", ".yml", ".yaml", ""}


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if not (set(p.relative_to(DOCS).parts) & SKIP_DIRS))


def _is_notebook(text: str) -> bool:
    if not text.startswith("---"):
        return False
    front = text[3:].split("\n---", 1)[0]
    return "kernelspec:" in front


_FENCE = re.compile(r"^(`{3,})\s*(\{code-cell\}[^\n]*|python)\s*\n(.*?)^\1\s*$", re.S | re.M)


def code_blocks(text: str) -> list[str]:
    """The runnable blocks of a page: ``{code-cell}`` cells of a notebook, else ```` ```python ```` blocks."""
    nb = _is_notebook(text)
    out = []
    for m in _FENCE.finditer(text):
        kind, body = m.group(2), m.group(3)
        if nb == kind.startswith("{code-cell}"):
            # drop cell options (":tags: [...]" lines at the top of a cell)
            lines = body.splitlines()
            while lines and lines[0].startswith(":"):
                lines.pop(0)
            out.append("\n".join(lines))
    return out


def test_code_block_extraction():
    page = "text\n```python\nx = 1\n```\n```text\nnot run\n```\n````python\ny = 2\n````\n"
    assert code_blocks(page) == ["x = 1", "y = 2"]
    nb = "---\nkernelspec:\n  name: python3\n---\n```{code-cell} ipython3\n:tags: [hide-input]\nz = 3\n```\n```python\nw\n```\n"
    assert code_blocks(nb) == ["z = 3"]


PAGES = [p for p in _pages() if code_blocks(p.read_text(encoding="utf-8"))]
#: pages whose code takes 1.4 s or more with warm caches on the 2-core CI machine (whole studies: half a minute or
#: more with cold caches; a new game's derivations): marked slow, run by ``python -m pytest -m slow`` (and by CI);
#: the docs build executes the tutorials as well
SLOW_PAGES = {"tutorials/03-m18-figure1.md", "explore.md", "tutorials/04-checking-constants.md",
              "tutorials/02-your-own-game.md",  # (3.8 s with warm caches on the 2-core CI machine)
              # (1.2-2.0 s each in a cold run, 2026-12-01: their sweeps' tables and Dask cluster)
              "tutorials/05-sweeps-pandas-xarray.md", "tutorials/06-sweeps-on-dask.md"}


@pytest.mark.parametrize("page", [pytest.param(p, id=str(p.relative_to(DOCS)),
                                               marks=[pytest.mark.slow] if str(p.relative_to(DOCS)) in SLOW_PAGES else [])
                                  for p in PAGES])
def test_code_blocks(page, tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    try:
        for i, block in enumerate(code_blocks(page.read_text(encoding="utf-8"))):
            code = compile(block, f"{page.relative_to(ROOT)}[block {i + 1}]", "exec")
            exec(code, namespace)
    finally:
        plt.close("all")
        client = namespace.get("client")
        if client is not None and hasattr(client, "close"):
            client.close()


def test_every_page_is_in_a_toctree_or_generated():
    """Sphinx warns about orphan pages (and CI builds with -W); this names the page directly."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in _pages())
    for p in _pages():
        rel = p.relative_to(DOCS).with_suffix("").as_posix()
        if rel in ("index", "README") or rel.startswith("math/"):
            continue
        name = p.stem
        assert re.search(rf"(^|\n|/){re.escape(name)}\s*$", text, re.M), f"{rel} is in no toctree"


# ------------------------------------------------------------------------------------------ citations
_CITATION = re.compile(r"docs/mathematics\.md\s*((?:§\s*\d+(?:\.\d+)?(?:\s*[–-]\s*\d+(?:\.\d+)?)?"
                       r"(?:\s*\([^)]*\))?(?:\s*(?:,|and)\s*(?=§))?)+)")
_SECTION = re.compile(r"§\s*(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?")
_HEADING = re.compile(r"^(#{1,6})\s+(\d+)(?:\.(\d+))?\.?\s", re.M)
_LABEL = re.compile(r"^\(math-([0-9.]+)\)=\s*\n+#{1,6}\s+(\d+(?:\.\d+)?)\.?\s", re.M)


def _repo_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for f in filenames:
            p = Path(dirpath) / f
            if p.suffix in TEXT_SUFFIXES and p.stat().st_size < 5_000_000:
                try:
                    yield p, p.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError):
                    continue


def cited_sections(text: str) -> set[str]:
    out = set()
    for m in _CITATION.finditer(text):
        for s in _SECTION.finditer(m.group(1)):
            out.add(s.group(1))
            if s.group(2):
                out.add(s.group(2))
    return out


def chapter_sections() -> set[str]:
    text = CHAPTER.read_text(encoding="utf-8")
    return {m.group(2) + (f".{m.group(3)}" if m.group(3) else "") for m in _HEADING.finditer(text)}


def test_citation_parser():
    s = "see docs/mathematics.md §1.10 (Dirac table), §2.3, §3.2–3.4 and §5; not M18 §2.1"
    assert cited_sections(s) == {"1.10", "2.3", "3.2", "3.4", "5"}
    assert cited_sections("(docs/mathematics.md §0.1, §0.5)") == {"0.1", "0.5"}


def test_cited_sections_exist():
    have = chapter_sections()
    assert {"0.1", "1.7", "5.4", "6.2"} <= have, "the chapter lost its numbered headings"
    missing = {}
    for path, text in _repo_files():
        for sec in cited_sections(text):
            if sec not in have:
                missing.setdefault(sec, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"cited sections with no heading in docs/mathematics.md: {missing}"


def test_every_numbered_section_has_a_label():
    """Pages link sections as {ref}`§x.y <math-x.y>`; each numbered heading carries that label."""
    text = CHAPTER.read_text(encoding="utf-8")
    labelled = {m.group(1) for m in _LABEL.finditer(text) if m.group(1) == m.group(2)}
    assert labelled == chapter_sections()


def test_cited_math_files_exist():
    pat = re.compile(r"docs/math/([A-Za-z0-9_.-]+\.md)")
    missing = {m.group(1) for _, text in _repo_files() for m in pat.finditer(text)
               if not (DOCS / "math" / m.group(1)).exists()}
    assert not missing, f"cited but absent: {sorted(missing)}"


_MATH_CITATION = re.compile(r"docs/math/([A-Za-z0-9_.-]+\.md)((?:[\s,]*(?:and\s+)?§\s*\d+(?:\.\d+)*"
                            r"(?:\s*[–-]\s*§?\s*\d+(?:\.\d+)*)?)+)")
_MATH_SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?\s*(\d+(?:\.\d+)*))?")
_MATH_HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.M)


def test_cited_sections_of_the_math_pages_exist():
    """"docs/math/basin-and-pep.md §1.4" (docstrings, --help, output, the gallery) names a numbered heading of
    that page, as the chapter's citations do (test_cited_sections_exist)."""
    have = {p.name: {m.group(1) for m in _MATH_HEADING.finditer(p.read_text(encoding="utf-8"))}
            for p in (DOCS / "math").glob("*.md")}
    cited = [(m.group(1), x) for _, text in _repo_files() for m in _MATH_CITATION.finditer(text)
             for sec in _MATH_SECTION.finditer(m.group(2)) for x in sec.groups() if x]
    missing = sorted({c for c in cited if c[1] not in have.get(c[0], set())})
    assert not missing, f"cited sections with no numbered heading in their page: {missing}"
    assert ("basin-and-pep.md", "1.4") in cited


def test_no_outside_theory_file():
    outside = "theory" + ".md"      # spelled so that this file does not cite it
    hits = [str(p.relative_to(ROOT)) for p, text in _repo_files() if outside in text]
    assert not hits, f"files citing a file outside the project ({outside}): {hits}"


def test_no_reference_to_the_development_issue_tracker():
    """Users read the package (docstrings, `gandynamics list`, CLI help and output), the documentation and the
    figures gallery; none of them can open the project's internal issues, so "issue 5" there cites something
    outside the project (the mlp game's source line did).  The lead's notes in studies/ and the tests may."""
    pat = re.compile(r"\bissues? ?#?\d+", re.I)
    user_facing = ("gandynamics", "docs", "figures", "README.md", "CITATION.cff", "pyproject.toml")
    hits = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p, text in _repo_files()
            if p.relative_to(ROOT).parts[0] in user_facing for m in pat.finditer(text)]
    assert not hits, hits
    from gandynamics.games import GAMES
    for name, entry in GAMES.items():
        assert not pat.search(str(entry)), (name, entry)


def test_readme_command_summary_names_every_required_option():
    """The README's summary of the command line ("## The command line") is what a new user types first: each
    command's line names every option its parser requires (sweep's lacked --steps K, so the line as shown was
    refused), and every command is there."""
    import argparse
    from gandynamics.cli import build_parser
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## The command line", 1)[1].split("```", 2)[1]
    lines: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        m = re.match(r"gandynamics (\w+)", line)
        if m:
            current = m.group(1)
            lines.setdefault(current, "")
        if current:
            lines[current] += " " + line
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(sub) <= set(lines), f"commands missing from the README's summary: {sorted(set(sub) - set(lines))}"
    for name, p in sub.items():
        required = [a.option_strings[0] for a in p._actions if a.required and a.option_strings]
        groups = [[a.option_strings[0] for a in g._group_actions] for g in p._mutually_exclusive_groups if g.required]
        missing = [f for f in required if f not in lines[name]] + [g for g in groups if not any(f in lines[name] for f in g)]
        assert not missing, f"README: `gandynamics {name}` is shown without {missing}"


_SHOWN = re.compile(r"^print\((?P<expr>.*)\)\s+#\s*(?P<shown>.*?)\s*$")
_PAIR = re.compile(r"^(?P<re>-?\d+(?:\.\d+)?) ± (?P<im>\d+(?:\.\d+)?)i$")
_VERDICTS = ("converging", "bounded, not converging", "diverged", "stopped", "locally asymptotically stable")


def shown_values(block: str) -> list[tuple[str, str]]:
    """``(expression, shown)`` for the lines ``print(expression)  # shown`` of a block whose comment is a value:
    a complex pair ``a ± bi`` or a verdict (after an optional ``description:``)."""
    out = []
    for line in block.splitlines():
        m = _SHOWN.match(line.strip())
        if not m:
            continue
        shown = m.group("shown").split(": ")[-1]
        if _PAIR.match(shown) or shown in _VERDICTS:
            out.append((m.group("expr"), shown))
    return out


def test_shown_values_parser():
    block = "x = 1\nprint(f(x))   # -0.15 ± 0.477i\nprint(g)  # an orbit: bounded, not converging\nprint(h)  # a note"
    assert shown_values(block) == [("f(x)", "-0.15 ± 0.477i"), ("g", "bounded, not converging")]


@pytest.mark.parametrize("page", ["docs/index.md", "docs/howto/verdicts.md"])  # README: tests/test_readme.py
def test_values_shown_in_comments_are_what_the_code_prints(page, tmp_path, monkeypatch):
    """`print(...)  # -0.15 ± 0.477i` on a page is a claim about the output: run the page's python blocks and
    compare each such comment, to the digits it shows, with the value."""
    import numpy as np
    monkeypatch.chdir(tmp_path)
    text = (ROOT / page).read_text(encoding="utf-8")
    namespace = {"__name__": "__main__"}
    checked = 0
    for block in code_blocks(text):
        exec(compile(block, page, "exec"), namespace)
        for expr, shown in shown_values(block):
            value = eval(expr, namespace)
            pair = _PAIR.match(shown)
            if pair:
                eig = np.sort_complex(np.asarray(value, dtype=complex))
                re_s, im_s = pair.group("re"), pair.group("im")
                digits = lambda t: len(t.split(".")[1]) if "." in t else 0  # noqa: E731
                assert eig.shape == (2,), (page, expr, value)
                assert np.allclose(eig.real, float(re_s), rtol=0, atol=0.5 * 10.0 ** -digits(re_s) + 1e-12), (page, expr, value, shown)
                assert np.allclose(np.abs(eig.imag), float(im_s), rtol=0, atol=0.5 * 10.0 ** -digits(im_s) + 1e-12), (page, expr, value, shown)
                assert eig[0].imag == -eig[1].imag, (page, expr, value)
            else:
                assert str(value) == shown, (page, expr, value, shown)
            checked += 1
    assert checked, f"{page}: no value shown in a comment (the list of pages is out of date)"


# ------------------------------------------------------------------------------------------ browser
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _skip(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (GANDYNAMICS_REQUIRE_DOCS_BROWSER is set)")
    pytest.skip(reason)


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.images: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.merror = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if tag == "link" and a.get("rel") and "stylesheet" in a.get("rel", "") and a.get("href"):
            self.styles.append(a["href"])
        if tag == "mjx-merror":
            self.merror += 1


def _render(chromium: str, page: Path, tmp: Path) -> str:
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
           "--virtual-time-budget=20000", "--dump-dom", page.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, f"chromium failed on {page}: {res.stderr[-2000:]}"
    return res.stdout


BROWSER_PAGES = [("index.html", 1, 1), ("mathematics.html", 100, 0), ("tutorials/01-first-analysis.html", 5, 3)]


@pytest.mark.parametrize("rel, min_math, min_images", BROWSER_PAGES, ids=[p[0] for p in BROWSER_PAGES])
def test_built_site_in_browser(rel, min_math, min_images, tmp_path):
    chromium = _chromium()
    if chromium is None:
        _skip("no chromium executable (Debian: apt-get install chromium)")
    page = HTML_DIR / rel
    if not page.exists():
        _skip(f"the docs are not built ({page} missing): python -m sphinx -W -b html docs docs/_build/html")
    dom = _Dom()
    dom.feed(_render(chromium, page, tmp_path))
    n_math = dom.tags.get("mjx-container", 0)
    assert n_math >= min_math, f"{rel}: {n_math} typeset formulas (MathJax output), expected >= {min_math}"
    assert dom.merror == 0, f"{rel}: MathJax reported {dom.merror} errors"
    remote = [u for u in dom.scripts + dom.styles if urlparse(u).scheme in ("http", "https")]
    assert not remote, f"{rel}: fetches from the network: {remote}"
    images = [u for u in dom.images if not u.startswith("data:")]
    assert len(images) >= min_images, f"{rel}: {len(images)} images, expected >= {min_images}"
    import matplotlib.image as mpimg
    for src in images:
        assert urlparse(src).scheme in ("", "file"), f"{rel}: remote image {src}"
        path = (page.parent / unquote(urlparse(src).path)).resolve()
        assert path.exists(), f"{rel}: image {src} is not in the built site"
        if path.suffix.lower() == ".png":
            arr = mpimg.imread(path)
            assert arr.shape[0] > 10 and arr.shape[1] > 10, f"{rel}: image {src} is empty"


def test_installed_package_under_test():
    """CI runs the suite against the wheel: with GANDYNAMICS_TEST_INSTALLED=1 the imported package must be
    the installed one, not a source tree."""
    if os.environ.get("GANDYNAMICS_TEST_INSTALLED", "") in ("", "0"):
        pytest.skip("not a test of the installed wheel (GANDYNAMICS_TEST_INSTALLED unset)")
    import gandynamics
    assert "site-packages" in gandynamics.__file__, gandynamics.__file__
    assert (Path(gandynamics.__file__).parent / "py.typed").exists()


# ------------------------------------------------------------------------------------------ generated pages
def _gd_docs():
    import importlib.util
    spec = importlib.util.spec_from_file_location("gd_docs", DOCS / "_ext" / "gd_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_api_page_documents_every_public_name():
    import gandynamics as gd
    page = _gd_docs().api_page()
    for name in gd.__all__:
        assert re.search(rf"(autoclass|autofunction|automodule|py:data)::\s+gandynamics\.(games|{re.escape(name)})\b",
                         page), name
    assert "automodule:: gandynamics.plotting" in page


def test_api_page_documents_the_plotting_data_of_its_modules():
    """``gandynamics.plotting`` is a package whose ``__init__`` re-exports the names of its private modules; autodoc
    reads a datum's ``#:`` comment in the documented module's own source only, and Sphinx 9 leaves a datum without
    one out of the page (``STYLE``, ``METHOD_COLORS``, ... vanished when plotting.py was split): the docs' extension
    gives the package's analysis the comment of every datum of ``__all__`` that its modules define."""
    pytest.importorskip("sphinx")
    import gandynamics.plotting as P
    from sphinx.pycode import ModuleAnalyzer
    _gd_docs().plotting_attr_docs()
    docs = ModuleAnalyzer.for_module("gandynamics.plotting").find_attr_docs()
    data = [n for n in P.__all__ if not callable(getattr(P, n)) and n not in ("OKABE_ITO",)]  # (OKABE_ITO: _palette's)
    assert len(data) >= 9 and all(("", n) in docs and any(docs["", n]) for n in data), (data, sorted(docs))
    assert docs["", "STYLE"][0].startswith("rcParams used by every figure")


def test_cli_page_is_the_parser_help():
    from gandynamics.cli import COMMANDS, build_parser
    page = _gd_docs().cli_page()
    parser = build_parser()
    assert parser.format_help().rstrip() in page
    for name in COMMANDS:
        assert f"## gandynamics {name}\n" in page


# ------------------------------------------------------------------------------------------ numbers in prose
@pytest.mark.slow  # 4.9 s with warm caches on the 2-core CI machine
def test_m18_tutorial_counts_the_studys_checks(tmp_path):
    # docs/tutorials/03-m18-figure1.md says how many numeric checks `gandynamics reproduce m18-fig1` makes;
    # run the study (about 5 s) and count them
    from gandynamics import reproduce as R

    text = " ".join((DOCS / "tutorials" / "03-m18-figure1.md").read_text(encoding="utf-8").split())
    m = re.search(r"`gandynamics reproduce m18-fig1` draws this figure \(and its simultaneous-GD version\) with (\d+) "
                  r"numeric checks", text)
    assert m, "the tutorial's sentence on the study's checks was not found"
    res = R.run_study(R.studies()["m18-fig1"], tmp_path)
    assert res.ok, res.error
    assert int(m.group(1)) == len(res.checks)


def test_pages_list_the_stop_reasons_under_stopped_not_diverged():
    # a run that ends because its method cannot take the next step reads "stopped" (runs.ratefit.mark_stopped,
    # reasons kernels.STOPS); the pages that describe the verdicts must list those reasons under "stopped" and
    # not under "diverged".  Independently of the pages: FTR on the bilinear game (DF_psipsi = 0) stops with "solve"
    import gandynamics as gd
    from gandynamics.kernels import STOPS

    t = gd.simulate(gd.VectorField(gd.games.bilinear()), "ftr", [1.0, 0.5], 50, 0.1)
    assert (t.verdict, t.reason) == ("stopped", "solve")
    pages = {"mathematics.md": DOCS / "mathematics.md", "math/runs.md": DOCS / "math" / "runs.md",
             "howto/verdicts.md": DOCS / "howto" / "verdicts.md"}
    for name, path in pages.items():
        text = path.read_text(encoding="utf-8")
        # the bullets / table rows that describe one verdict: from its label to the next verdict's label
        items = re.findall(r"^(?:\* \*\*`?|\| `)(diverged|stopped|converging|bounded, not converging)`?\*?\*?(.*?)(?=^\* \*\*|^\| `|^\s*$)",
                           text, re.S | re.M)
        diverged = [body for label, body in items if label == "diverged"]
        stopped = [body for label, body in items if label == "stopped"]
        assert diverged and stopped, f"{name}: no diverged/stopped description found"
        for body in diverged:
            assert not [r for r in STOPS if f"`{r}`" in body], f"{name}: a stop reason listed under diverged: {body}"
        for r in STOPS:
            assert any(f"`{r}`" in body for body in stopped), f"{name}: `{r}` is not listed under stopped"


# ------------------------------------------------------------------------------------------ command lines in the docs
def _doc_texts() -> list[tuple[str, str]]:
    """``(name, text)`` of README.md and every page under docs/ (the generated pages are the parser's own help)."""
    return [("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))] + \
        [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in _pages()]


def _subcommands() -> dict:
    import argparse
    from gandynamics.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    top = {o for a in parser._actions for o in a.option_strings}
    return {name: {o for a in p._actions for o in a.option_strings} | top for name, p in sub.items()}


_COMMAND = re.compile(r"gandynamics +([a-z][a-z-]*)\b([^`\n]*)")
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
_INLINE = re.compile(r"(?<!`)`(--[a-z][^`\n]*)`(?!`)")


def unknown_options(text: str, commands: dict) -> list[str]:
    """The options a page names that the command line does not have: on a line ``gandynamics CMD ...`` (in a
    code block or an inline code span) each ``--flag`` must be one of CMD's options; an inline code span that is
    an option (`` `--frames` ``, `` `--rtol 0` ``) must be an option of some command."""
    bad = []
    for m in _COMMAND.finditer(text):
        cmd, rest = m.group(1), m.group(2).split("#", 1)[0]
        if cmd not in commands:
            continue
        bad += [f"gandynamics {cmd} {f}" for f in _FLAG.findall(rest) if f not in commands[cmd]]
    every = set().union(*commands.values())
    bad += [m.group(1).split()[0] for m in _INLINE.finditer(text) if m.group(1).split()[0] not in every]
    return bad


def test_unknown_options_finds_a_misspelt_flag():
    commands = {"analyze": {"--reg", "--at"}, "check": {"--mu"}}
    assert unknown_options("`gandynamics analyze dirac --reg r1 --at 0,0`, `--mu`", commands) == []
    assert unknown_options("$ gandynamics analyze dirac --regs r1   # comment --ignored\n", commands) == \
        ["gandynamics analyze --regs"]
    assert unknown_options("give `--lipschitz 2`", commands) == ["--lipschitz"]


def test_every_option_the_docs_name_exists():
    """A renamed or removed option leaves command lines in the pages that the parser refuses (or, inline, names an
    option a reader looks for in vain): every ``--flag`` on a ``gandynamics CMD`` line of README.md and docs/ is
    one of CMD's options, and every option written alone in code (`` `--fps` ``) is one of some command's."""
    commands = _subcommands()
    bad = {name: found for name, text in _doc_texts() if (found := unknown_options(text, commands))}
    assert not bad, f"options named in the docs that the command line does not have: {bad}"


_BLOCK = re.compile(r"^(`{3,})[a-z]*\s*\n(.*?)^\1\s*$", re.S | re.M)


def shown_outputs(text: str) -> list[tuple[str, list[str]]]:
    """``(command, shown lines)`` for each ``$ gandynamics ...`` line of a code block that is followed by its
    output (lines not starting with ``$``) in the same block."""
    out = []
    for m in _BLOCK.finditer(text):
        cmd, lines = None, []
        for line in m.group(2).splitlines() + ["$"]:
            if line.startswith("$"):
                if cmd and any(s.strip() for s in lines):
                    out.append((cmd, lines))
                cmd = line[1:].split("#", 1)[0].strip() if line.startswith("$ gandynamics ") else None
                lines = []
            elif cmd:
                lines.append(line)
    return out


def test_shown_outputs_parser():
    page = "```text\n$ gandynamics analyze dirac   # a note\nverdict  stable\n$ gandynamics list\n```\n"
    assert shown_outputs(page) == [("gandynamics analyze dirac", ["verdict  stable"])]


def test_command_outputs_shown_in_the_docs_are_what_the_commands_print(tmp_path, monkeypatch, capsys):
    """A page that shows a command with its output claims what the command prints: run it and find every line
    shown, in order, among the lines printed (a page may show an excerpt; blank lines are skipped)."""
    import shlex
    from gandynamics.cli import main
    monkeypatch.chdir(tmp_path)
    shown = [(name, cmd, lines) for name, text in _doc_texts() for cmd, lines in shown_outputs(text)]
    assert any(name == "docs/getting-started.md" for name, _, _ in shown), "the getting-started page shows no output"
    printed: dict[str, list[str]] = {}
    for name, cmd, lines in shown:
        if cmd not in printed:
            capsys.readouterr()
            assert main(shlex.split(cmd)[1:]) == 0, cmd
            printed[cmd] = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
        rest = iter(printed[cmd])
        missing = [line for line in (s.rstrip() for s in lines if s.strip()) if line not in rest]
        assert not missing, f"{name}: `{cmd}` no longer prints {missing} (in that order); it prints:\n" + \
            "\n".join(printed[cmd])


_REF = re.compile(r"\{ref\}`§\s*([^<`]*?)\s*<math-([0-9.]+)>`")


def test_section_links_point_at_the_section_they_show():
    """{ref}`§1.7 <math-1.7>`: the number a reader sees is the section the link opens (getting-started showed §0.1
    and opened §0); a range shows its first section (`§5.1–5.3 <math-5>` opens the chapter's §5), and a link may
    open a labelled paragraph inside the section shown (`§0.5 <math-0.5.1>`)."""
    def ok(shown: str, label: str) -> bool:
        first = re.match(r"[0-9.]*[0-9]", shown).group(0)
        ranged = bool(re.search(r"[–-]", shown))
        return label == first or label.startswith(first + ".") or (ranged and first.startswith(label + "."))
    assert ok("1.7", "1.7") and ok("5.1–5.3", "5") and ok("0.5", "0.5.1") and not ok("0.1", "0")
    bad = [f"{name}: §{m.group(1)} -> math-{m.group(2)}" for name, text in _doc_texts() for m in _REF.finditer(text)
           if not ok(m.group(1), m.group(2))]
    assert not bad, bad


_REPO_PATH = re.compile(r"(?<![\w/.-])((?:gandynamics|tests|studies|figures|docs)/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.(?:py|md|json|png|toml))")


def missing_repo_paths(text: str) -> list[str]:
    """Files of the repository a page names (``tests/test_x.py``, ``gandynamics/methods/eg.py``) that do not exist,
    from the root or, as the README's table of modules writes them, from the package (``studies/base.py``);
    placeholders in capitals (``docs/tutorials/NAME.md``) are not names."""
    return [p for p in _REPO_PATH.findall(text)
            if not re.search(r"/[A-Z_]+\.\w+$", p) and not (ROOT / p).exists() and not (ROOT / "gandynamics" / p).exists()]


def test_files_the_docs_name_exist():
    assert missing_repo_paths("see `tests/test_docs.py` and studies/base.py, docs/tutorials/NAME.md") == []
    assert missing_repo_paths("see tests/test_no_such_file.py") == ["tests/test_no_such_file.py"]
    bad = {name: found for name, text in _doc_texts() if (found := missing_repo_paths(text))}
    assert not bad, f"files named in the docs that the repository does not have: {bad}"
