"""How gandynamics' objects show themselves: short text reprs, HTML tables for notebooks, LaTeX for fields.

Every function takes the object and returns a string; the classes call them from one-line methods
(``__repr__``, ``_repr_html_``, ``_repr_latex_``), so the presentation lives here, in one place, and the
classes keep their data.  The functions read attributes by name and tolerate missing ones, so a class that
gains or loses a field keeps a working repr.

Numbers are shown with 6 significant digits (``repr`` of the attribute gives the full value); infinities
as ``inf``; a missing value as ``—``.  The ends of a certified bracket are shown by :func:`bound`: exact
when short, else rounded outward, so that the text is still a bound (never a subnormal's six noisy digits).  Eigenvalues that form a conjugate pair are shown once as
``a ± b i``.  HTML output is escaped and self-contained (no scripts, no external styles).
"""

from __future__ import annotations

import html as _html
import math
import sys
from typing import Any, Iterable

import numpy as np

__all__ = ["num", "bound", "eigenvalue_entries", "eigenvalues_text", "expr_text", "field_latex", "field_text", "spectral_text", "spectral_html",
           "trajectory_text", "trajectory_html", "sweep_text", "sweep_html", "counts_text", "bracket_text", "constants_text",
           "constants_html", "check_text", "check_html", "rate_row_text", "rates_html", "rates_text", "basin_text",
           "basin_html", "classification_text", "classification_html", "cycle_text", "cycle_html", "map_cycle_text",
           "map_cycle_html", "branch_text", "branch_html", "event_text", "curve_text", "region_text", "bound_text",
           "study_text", "study_html", "study_check_text", "text", "html"]

#: fields with more parameters than this, or with a LaTeX form longer than MAX_LATEX, show a summary only
MAX_LATEX_N = 6
MAX_LATEX = 5000
#: rows of a sweep shown in its HTML table
SWEEP_ROWS = 8


# ------------------------------------------------------------------------------------------ numbers
def num(x: Any, digits: int = 6) -> str:
    """A number as short text: ``6`` significant digits, ``inf``/``-inf``/``nan``, ``—`` for None."""
    if x is None:
        return "—"
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (complex, np.complexfloating)):
        z = complex(x)
        if z.imag == 0:
            return num(z.real, digits)
        sign = "-" if z.imag < 0 else "+"
        return f"{num(z.real, digits)} {sign} {num(abs(z.imag), digits)}i"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:z.{digits}g}"


def claim_text(x: float) -> str:
    """A claimed number as typed: the shortest decimal that reads back as the same double (0.2, 1.6180339885)."""
    s = repr(float(x) + 0.0)
    return s[:-2] if s.endswith(".0") else s


def apart(value: float, claim: float, digits: int = 6) -> str:
    """``value`` as text with at least ``digits`` significant digits and as many more as it takes for the text to lie
    on the same side of ``claim`` as ``value`` does, and not to read as ``claim`` itself: a counterexample's
    ||DF|| = 1.61803398874989 beside the claimed 1.6180339885 printed as 1.61803, the claim as typed beside it."""
    v, c = float(value), float(claim)
    if not (math.isfinite(v) and math.isfinite(c)) or v == c:
        return num(v, digits) if v != c else claim_text(v)
    for d in range(digits, 18):
        s = f"{v:z.{d}g}"
        if (float(s) > c) == (v > c) and float(s) != c:
            return s
    return repr(v)


def bracket_ends(name: str, lo, hi) -> list:
    """The two ends of the bracket ``[lo, hi]`` of the constant ``name`` as :func:`rounding_note` takes them."""
    return [(f"{name}'s lower end", lo, "lo"), (f"{name}'s upper end", hi, "hi")]


def rounding_note(ends) -> str:
    """A note for the certified ends that are subnormal doubles (``ends``: ``(name, value, side)`` triples, ``side``
    "lo" for a lower end and "hi" for an upper one, e.g. ``[("mu's lower end", -9.9e-324, "lo")]``,
    :func:`bracket_ends`): such an end is the outward rounding of an exact zero (:func:`bound` shows it as ``-1e-323``,
    which a new user read as a computed value); "" when none is.  Each end is shown as the bracket shows it, rounded
    outward on its own side (a lower end +5e-324 is no upper bound).  Exact zeros and normal doubles need no note."""
    odd = [(n, v, s) for n, v, s in ends if v is not None and v == v and v != 0 and abs(v) < sys.float_info.min]
    if not odd:
        return ""
    what = ", ".join(f"{n} {bound(v, s)}" for n, v, s in odd)
    return (f"note: {what}: zero up to outward rounding (a subnormal double, the interval arithmetic's rounding of an "
            "exact 0); the certificate holds for that end, not for 0 itself")


def box_count(n: int) -> str:
    """``'1 box'``, ``'175 boxes'``."""
    return f"{n} box" if n == 1 else f"{n} boxes"


def bound(x: Any, side: str, digits: int = 6) -> str:
    """A bound as short text that is still a bound: ``side="lo"`` for a lower bound (the text's decimal value is
    ``<= x``, exactly, and so is the text read back as a float), ``"hi"`` for an upper bound (``>= x``).  Brackets of certified constants are shown
    this way, so that a certificate is never shown stronger than what was certified.

    The rule, in order:

    * ``0`` only for an exact zero (either sign); ``inf``, ``-inf``, ``nan`` and ``—`` (None) as in :func:`num`;
    * the shortest decimal of at most ``digits`` significant digits that lies on the bound's side of the double,
      as a real number, and reads back as that same double (rounded outward at 1, 2, ... digits): ``0.5`` for
      0.5, but ``0.299999`` as a lower bound of the double ``0.3`` (``0.29999999999999998890``: the decimal
      0.3 lies above it), ``0.3`` as its upper bound.  This is what shows a subnormal artifact readably: the
      outward rounding of a result at zero, ``-2^-1073 = -9.88131291682493e-324``, is ``-1e-323`` as a lower
      bound and ``-9e-324`` as an upper one (both read back as that very double), not ``-9.88131e-324``, six
      digits of a number that carries one or two significant bits; it is never shown as ``0`` (a lower bound 0
      is more than was certified) nor as ``-0``;
    * otherwise ``digits`` significant digits, rounded to nearest when that decimal still lies on the bound's
      side of the double (compared exactly, as decimals), else rounded outward at the last digit shown: an upper bound 1.000000000000001 is
      ``1.00001``, not ``1``; a lower bound 0.12345678 is ``0.123456``, not ``0.123457``.
    """
    if side not in ("lo", "hi"):
        raise ValueError(f"side must be 'lo' or 'hi', got {side!r}")
    if x is None:
        return "—"
    v = float(x)
    if math.isnan(v) or math.isinf(v) or v == 0:
        return num(v)
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
    exact = Decimal(v)  # the double's exact value
    rounding = ROUND_FLOOR if side == "lo" else ROUND_CEILING

    def outward(n):  # the decimal of n significant digits on the bound's side of the double, nearest to it
        return exact.quantize(Decimal(1).scaleb(exact.adjusted() - (n - 1)), rounding=rounding)
    for n in range(1, digits + 1):  # the shortest such decimal that still reads back as the same double
        d = outward(n)
        if float(d) == v:
            return _decimal_text(d, digits)
    text = num(v, digits)
    if (Decimal(text) <= exact) if side == "lo" else (Decimal(text) >= exact):
        return text
    return _decimal_text(outward(digits), digits)


def _decimal_text(d, digits: int) -> str:
    """A nonzero :class:`decimal.Decimal` of at most ``digits`` significant digits written exactly, the way
    :func:`num` writes a float: whole numbers below 1e15 in full, otherwise as ``format(x, f".{digits}g")``
    (plain from 1e-4 up to 10^digits, else with an exponent of at least two digits)."""
    d = d.normalize()
    if d == d.to_integral_value() and abs(d) < 10 ** 15:
        return str(int(d))
    sign, digs, exp = d.as_tuple()
    s = "".join(map(str, digs))
    e = exp + len(s) - 1  # the exponent of the first digit
    if -4 <= e < digits:
        if e >= 0:
            whole, frac = (s + "0" * (e + 1 - len(s)))[: e + 1], s[e + 1:]
        else:
            whole, frac = "0", "0" * (-e - 1) + s
        body = whole + ("." + frac if frac else "")
    else:
        body = s[0] + ("." + s[1:] if len(s) > 1 else "") + f"e{'-' if e < 0 else '+'}{abs(e):02d}"
    return ("-" if sign else "") + body


def _vec(z, digits: int = 6, limit: int | None = None) -> str:
    """``(a, b, ...)``; with ``limit`` at most that many entries, then ``… (k more)`` (a short repr shows no more
    of a long vector)."""
    if z is None:
        return "—"
    arr = np.atleast_1d(np.asarray(z)).ravel()
    if limit is None:
        return "(" + ", ".join(num(v, digits) for v in arr) + ")"
    return "(" + _items_text([num(v, digits) for v in arr[:limit]], limit, total=arr.size) + ")"


#: entries of a vector, or eigenvalues, shown in a short text repr, and in an HTML table
TEXT_ENTRIES = 6
HTML_ENTRIES = 12


def _items_text(items, limit: int = TEXT_ENTRIES, sep: str = ", ", total: int | None = None) -> str:
    """``a, b, c`` of at most ``limit`` items, then ``… (k more)`` (``total`` the number of items in all when
    ``items`` holds only the first ones): every truncated list of the reprs and tables."""
    items = [str(x) for x in items]
    total = len(items) if total is None else total
    return sep.join(items[:limit] + ([f"… ({total - limit} more)"] if total > limit else []))


#: numbers below this many times the largest of their kind (the Jacobian's entries, the eigenvalues' parts) are
#: rounding noise at double precision (64 eps): the texts show them as 0 (the reports and JSON keep them as computed)
ROUNDING = 64 * 2.0 ** -52


def rounding_zeros(x, scale: float | None = None) -> np.ndarray:
    """``x`` with the entries of magnitude at most :data:`ROUNDING` times ``scale`` (default: the largest finite
    one) set to 0 (a copy, no -0.0); an infinite or NaN entry is left as it is and sets no scale (an infinite scale
    zeroed every finite entry)."""
    x = np.array(x, dtype=float)
    if scale is None:
        finite = np.abs(x[np.isfinite(x)])
        scale = float(finite.max()) if finite.size else 0.0
    if not math.isfinite(scale):
        return x + 0.0
    x[np.abs(x) <= ROUNDING * scale] = 0.0
    return x + 0.0  # (no -0.0)


def eigenvalue_scale(eigs) -> float:
    """The largest finite modulus of ``eigs`` (0 for none): the scale of their rounding (:func:`rounding_zeros`)."""
    m = np.abs(np.asarray(eigs, dtype=complex))
    m = m[np.isfinite(m)]
    return float(m.max()) if m.size else 0.0


def rounded_eigenvalues(eigs) -> np.ndarray:
    """``eigs`` (complex) with each real and imaginary part at rounding level against :func:`eigenvalue_scale` set to 0
    (:func:`rounding_zeros`): what the texts print (the reports keep them as computed)."""
    eigs = np.asarray(eigs, dtype=complex)
    scale = eigenvalue_scale(eigs)
    return rounding_zeros(eigs.real, scale) + 1j * rounding_zeros(eigs.imag, scale)


def eigenvalue_entries(eigs, digits: int = 6, limit: int | None = None, tol: float = 1e-12) -> tuple[list, int]:
    """The eigenvalues ``eigs`` as text entries ordered by real part (largest first): a conjugate pair once as
    ``a ± b i``, a real one plain, a value repeated ``m`` times (to the digits shown) once as ``… (×m)``; parts at
    rounding level against the largest modulus shown as 0 (:func:`rounding_zeros`: the repr of a report printed
    ``4.16334e-17 ± 0.684742i`` where the command line printed ``0 ± 0.684742i``).
    Returns the first ``limit`` entries (all when None) and the number of entries in all; entries past the limit
    are counted, not written (a spectrum of thousands stays fast)."""
    vals = sorted(rounded_eigenvalues(eigs).ravel().tolist(), key=lambda z: (-z.real, -z.imag))
    re, im = np.array([z.real for z in vals]), np.array([z.imag for z in vals])
    out, used = [], np.zeros(len(vals), dtype=bool)  # out: [text, multiplicity]
    count, last = 0, None
    for i, z in enumerate(vals):
        if used[i]:
            continue
        used[i] = True
        scale = max(1.0, abs(z))
        if abs(z.imag) <= tol * scale:
            text = num(z.real, digits)
        else:
            # the partner: the first unused later value with the same real part and the opposite imaginary part
            # (one array test per value: a loop over the later values made a spectrum of 2000 take a second)
            hit = np.flatnonzero(~used[i + 1:] & (np.abs(re[i + 1:] - z.real) <= tol * scale)
                                 & (np.abs(im[i + 1:] + z.imag) <= tol * scale))
            if hit.size:
                used[i + 1 + hit[0]] = True
                text = f"{num(z.real, digits)} ± {num(abs(z.imag), digits)}i"
            else:
                text = num(z, digits)
        if text == last:  # the same value again (sorted: repeats are neighbours)
            if out and out[-1][0] == text:
                out[-1][1] += 1
            continue
        last = text
        count += 1
        if limit is None or count <= limit:
            out.append([text, 1])
    return [t if m == 1 else f"{t} (×{m})" for t, m in out], count


def eigenvalues_text(eigs, digits: int = 6, limit: int = 12, tol: float = 1e-12) -> str:
    """Eigenvalues as ``a ± b i`` (conjugate pairs once), real ones plain, ordered by real part
    (largest first), repeated ones once with their multiplicity; at most ``limit`` entries, then ``…`` with the
    count (:func:`eigenvalue_entries`)."""
    if eigs is None:
        return "—"
    entries, count = eigenvalue_entries(eigs, digits, limit, tol)
    return _items_text(entries, limit, total=count)


# ------------------------------------------------------------------------------------------ HTML bits
def _esc(s: Any) -> str:
    return _html.escape(str(s), quote=True)


def _table(title: str, rows: Iterable[tuple[str, Any]], note: str = "") -> str:
    body = "".join(f"<tr><th style='text-align:left'>{_esc(k)}</th><td style='text-align:left'>{_esc(v)}</td></tr>"
                   for k, v in rows)
    foot = f"<p style='margin:2px 0'><small>{_esc(note)}</small></p>" if note else ""
    return (f"<div class='gandynamics-repr'><strong>{_esc(title)}</strong>"
            f"<table>{body}</table>{foot}</div>")


def _grid(title: str, header: list[str], rows: list[list[Any]], note: str = "") -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    foot = f"<p style='margin:2px 0'><small>{_esc(note)}</small></p>" if note else ""
    return (f"<div class='gandynamics-repr'><strong>{_esc(title)}</strong>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}</div>")


def _text(title: str, rows: Iterable[tuple[str, Any]]) -> str:
    """``<title k=v, ...>``: the keys are attribute names (identifiers); a label with spaces or commas (a
    verdict, a status) is a value, quoted (``verdict='bounded, not converging'``) or a dict key
    (``verdicts={'bounded, not converging': 6}``), never turned into a key."""
    inner = ", ".join(f"{k}={v}" for k, v in rows)
    return f"<{title} {inner}>"


# ------------------------------------------------------------------------------------------ fields
def _tidy(expr):
    """Floats that are short fractions (quadrature weights, 0.5000000000000001) shown as the fraction,
    other floats with 6 significant digits."""
    import sympy as sp

    rep = {}
    for f in expr.atoms(sp.Float):
        r = sp.nsimplify(f, tolerance=1e-12, rational=True)
        rep[f] = r if r.q <= 1000 else sp.Float(f, 6)
    return expr.xreplace(rep)


def field_latex(field) -> str:
    r"""``F``, ``J = Dv = -DF`` and ``J(z*)`` of a :class:`~gandynamics.field.VectorField` as display LaTeX
    (``$$ ... $$``), with the parameters ``z`` and the hyperparameters' defaults.  Formulas longer than
    :data:`MAX_LATEX` characters are left out (with a note); ``J`` in general only when it is short, ``J(z*)``
    when the field knows its equilibrium; fields with more than :data:`MAX_LATEX_N` parameters show their
    size only (the formulas stay available as ``field.F`` and ``field.J``)."""
    import sympy as sp

    name = getattr(field, "name", "") or "field"
    z = list(getattr(field, "z", ()))
    hyper = list(getattr(field, "hyper", ()))
    zs = "(" + ", ".join(sp.latex(s) for s in z) + ")"
    hs = r",\ ".join(f"{sp.latex(h)} = {num(getattr(field, 'defaults', {}).get(h.name))}" for h in hyper)
    lines = [rf"\text{{{_latex_text(name)}}}:\quad z = {zs}" + (rf",\quad {hs}" if hs else "")]
    n = len(z)
    if n > MAX_LATEX_N:
        lines.append(rf"\text{{{n} parameters: the formulas are in field.F and field.J}}")
        return _aligned(lines)
    F = sp.latex(_tidy(field.F))
    lines.append(rf"F(z) = {F}" if len(F) <= MAX_LATEX else r"F(z):\ \text{too long to display (field.F)}")
    try:
        J = field.J
    except Exception:  # pragma: no cover - a field whose Jacobian cannot be derived still displays
        return _aligned(lines)
    Jg = sp.latex(_tidy(J))
    if len(Jg) <= 600:
        lines.append(rf"J = Dv = -DF = {Jg}")
    eq = getattr(field, "equilibrium", None)
    if eq is not None and len(eq) == n and (J.free_symbols & set(z) or len(Jg) > 600):
        pt = [sp.nsimplify(float(v), tolerance=1e-12, rational=True) for v in eq]
        Js = J.xreplace(dict(zip(z, pt)))
        Js = Js.applyfunc(lambda e: sp.simplify(e) if sp.count_ops(e) <= 60 else e)
        Jl = sp.latex(_tidy(Js))
        star = "(" + ", ".join(sp.latex(v) for v in pt) + ")"
        if len(Jl) <= MAX_LATEX:
            lines.append(rf"J(z^*) = {Jl},\quad z^* = {star}")
    return _aligned(lines)


def _aligned(lines) -> str:
    return "$$ \\begin{aligned} " + " \\\\[4pt] ".join("& " + ln for ln in lines) + " \\end{aligned} $$"


def _latex_text(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("&", r"\&"), ("%", r"\%"), ("#", r"\#"),
                 ("{", r"\{"), ("}", r"\}"), ("$", r"\$")):
        s = s.replace(a, b)
    return s


#: a formula of a field shown in text (``analyze``) is cut after about this many characters
FORMULA_CHARS = 240


def _nodes_at_most(expr, cap: int) -> int:
    """The number of nodes of the sympy tree ``expr``, counted up to ``cap + 1`` (a cheap size test: printing a
    formula of tens of thousands of nodes took most of 14 s of an ``analyze`` of a 120-parameter game)."""
    import itertools
    import sympy as sp
    return sum(1 for _ in itertools.islice(sp.preorder_traversal(expr), cap + 1))


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters after its last space or operator there (not inside a name)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    at = max(head.rfind(c) for c in " +-*/(),")
    return head[:at + 1 if at > limit // 2 else limit].rstrip()


class Unprinted(str):
    """The text :func:`expr_text` gives a formula too long to print at all, not even its first term: a ``str`` that
    also holds the formula's size, ``nodes`` (its operations and symbols; None for more than 100,000), so that a
    listing of many such formulas says so in one line (:func:`formula_lines`)."""

    def __new__(cls, text: str, nodes: int | None):
        self = super().__new__(cls, text)
        self.nodes = nodes
        return self


def formula_lines(labels, texts, rows: int, more: str, what: str = "component") -> list[str]:
    """The lines ``label = text`` of a listing of formulas (``analyze``'s field without --full): at most ``rows`` of
    those that print, in order, then one line for all those left out -- the formulas too long to print here
    (:class:`Unprinted`, by their first labels and their size) and those beyond ``rows`` -- ending in ``more`` (how
    to see them).  A game of 1,000 parameters printed a line "… (a formula of about 2,005 operations and symbols, too
    long to print here ...)" for each component shown (a new user's trial)."""
    lines, long, beyond = [], [], 0
    for label, text in zip(labels, texts):
        if isinstance(text, Unprinted):
            long.append((label, text))
        elif len(lines) < rows:
            lines.append(f"{label} = {text}")
        else:
            beyond += 1
    parts = []
    if beyond:
        parts.append(f"{beyond} more {what}{'s' if beyond > 1 else ''}")
    if long:
        k = len(long)
        names = ", ".join(label for label, _ in long[:3]) + (", …" if k > 3 else "")
        sizes = [t.nodes for _, t in long]
        known = [n for n in sizes if n is not None]
        if not known:
            size = "more than 100,000"
        elif min(known) == max(known):
            size = f"about {known[0]:,}" + (" or more than 100,000" if len(known) < k else "")
        else:
            size = f"about {min(known):,} to {max(known):,}" + (" or more than 100,000" if len(known) < k else "")
        each = " each" if k > 1 else ""
        parts.append(f"{'and ' if beyond else ''}{k} {what}{'s' if k > 1 and not beyond else ''} too long to print "
                     f"here ({names}: {size} operations and symbols{each})")
    if parts:
        lines.append(f"… ({', '.join(parts)}; {more})")
    return lines


def expr_text(expr, limit: int = FORMULA_CHARS, more: str = "") -> str:
    """``str(expr)`` when it has at most ``limit`` characters; else its leading terms in the printed order
    (``expr.as_ordered_terms()``, joined with `` + `` / `` - `` as sympy prints a sum) within ``limit``
    characters, then ``+ … (k more terms of n`` and ``more`` (e.g. how to see the whole) ``)``; a first term (or a
    whole expression that is not a sum) longer than that is cut after a space or an operator and ends in ``…``.  A
    term of more than ``4 limit`` tree nodes is not printed at all (printing a formula of tens of thousands took
    most of 14 s of an ``analyze`` of a 120-parameter game): the text then says how many terms and about how many
    operations and symbols the formula has."""
    big = 4 * limit
    small = _nodes_at_most(expr, big) <= big
    if small:
        s = str(expr)
        if len(s) <= limit:
            return s
    terms = list(expr.as_ordered_terms()) if expr.is_Add else [expr]
    out, shown = "", 0
    for t in terms:
        if _nodes_at_most(t, big) > big:
            break
        ts = str(t)
        piece = ts if not out else (" - " + ts[1:] if ts.startswith("-") else " + " + ts)
        if len(out) + len(piece) > limit:
            break
        out, shown = out + piece, shown + 1
    if shown == 0 and small:  # one long term, or not a sum: its printed text, cut
        return f"{_cut(s, limit)} … ({len(s):,} characters in all{more})"
    if shown == 0:
        n = _nodes_at_most(expr, 10 ** 5)  # (a count for the text only: walking a million nodes took seconds)
        size = f"about {n:,}" if n <= 10 ** 5 else "more than 100,000"
        what = f"a sum of {len(terms)} terms" if len(terms) > 1 else "a formula"
        return Unprinted(f"… ({what} of {size} operations and symbols, too long to print here{more})",
                         n if n <= 10 ** 5 else None)
    rest = len(terms) - shown
    return out + f" + … ({rest} more term{'s' if rest > 1 else ''} of {len(terms)}{more})"


def field_text(field, limit: int = 8) -> str:
    z = [str(s) for s in getattr(field, "z", ())]
    if len(z) > limit:  # a field of thousands of parameters keeps a one-line repr
        z = z[: limit // 2] + [f"… ({len(z) - limit + limit // 2} more)"]
    return _text("VectorField", [("name", repr(getattr(field, "name", ""))),
                                 ("z", "(" + ", ".join(z) + ")"),
                                 ("hyperparameters", getattr(field, "defaults", {})),
                                 ("regularizers", [getattr(r, "name", type(r).__name__)
                                                   for r in getattr(field, "regularizers", [])])])


# ------------------------------------------------------------------------------------------ spectra
def _spectral_rows(r) -> list[tuple[str, str]]:
    rows = [("point", _vec(getattr(r, "point", None), limit=HTML_ENTRIES)), ("|F(point)|", num(getattr(r, "residual", None)))]
    if getattr(r, "differentiable", True) is False:
        rows.append(("differentiable", "no: " + _items_text(getattr(r, "nonsmooth", []) or [])))
    else:
        eigs = getattr(r, "eigenvalues", None)
        sa = getattr(r, "spectral_abscissa", None)
        if sa is not None and eigs is not None and np.isfinite(sa):  # (rounding level: 0, as the real parts)
            sa = float(rounding_zeros([sa], eigenvalue_scale(eigs))[0])
        rows += [("eigenvalues of J", eigenvalues_text(eigs)),
                 ("spectral abscissa", num(sa)),
                 ("phase factor", num(getattr(r, "phase_factor", None))),
                 ("conditioning factor", num(getattr(r, "conditioning_factor", None))),
                 ("singular-value condition", num(getattr(r, "singular_condition", None)))]
    rows.append(("verdict", getattr(r, "verdict", "") or "—"))
    return rows


def spectral_text(r) -> str:
    rows = [(k, _vec(getattr(r, "point", None), limit=TEXT_ENTRIES) if k == "point" else
             eigenvalues_text(getattr(r, "eigenvalues", None), limit=TEXT_ENTRIES) if k == "eigenvalues of J" else v)
            for k, v in _spectral_rows(r)]
    keys = {"point": "point", "eigenvalues of J": "eigenvalues", "spectral abscissa": "spectral_abscissa",
            "differentiable": "differentiable", "verdict": "verdict"}  # labels -> the report's attribute names
    return _text("SpectralReport", [(keys[k], repr(v) if k in ("verdict", "differentiable") else v)
                                    for k, v in rows if k in keys])


def spectral_html(r) -> str:
    return _table("Spectrum of J = Dv", _spectral_rows(r),
                  "exponentially stable iff every eigenvalue of J has Re < 0, unstable if one has Re > 0 (docs/mathematics.md §0.1, §0.5)")


# ------------------------------------------------------------------------------------------ trajectories
def _status(t) -> str:
    cls = getattr(t, "verdict", None) or getattr(t, "classification", None) or getattr(t, "status", None)
    if isinstance(cls, str) and cls:
        base = cls
    elif getattr(t, "diverged", False):
        base = "diverged"
    else:
        base = "finite"
    if getattr(t, "diverged", False):
        if getattr(t, "stopped", False):  # the method could not take its next step (Trajectory.stopped)
            base = "stopped"
        return f"{base} at step {getattr(t, 'diverged_at', '?')} ({getattr(t, 'reason', '') or 'unknown'})"
    return base


def _trajectory_rows(t) -> list[tuple[str, str]]:
    step = getattr(t, "step", None)
    if isinstance(step, (tuple, list)) and len(step) == 2 and step[0] == step[1]:
        step = step[0]
    states = getattr(t, "states", None)
    dist = getattr(t, "distance", None)
    start = None if states is None or len(states) == 0 else states[0]
    d0 = None if dist is None or len(dist) == 0 else dist[0]
    rows = [("method", getattr(t, "method", "—")),
            ("step", _vec(step) if isinstance(step, (tuple, list)) else num(step)),
            ("steps", num(getattr(t, "steps", None))),
            ("start", _vec(start, limit=HTML_ENTRIES)), ("final", _vec(getattr(t, "final", None), limit=HTML_ENTRIES)),
            ("equilibrium", _vec(getattr(t, "equilibrium", None), limit=HTML_ENTRIES)),
            ("distance: start → final", f"{num(d0)} → {num(_final_distance(t))}"),
            ("measured rate", num(getattr(t, "rate", None))),
            ("status", _status(t))]
    params = getattr(t, "params", None)
    if params:
        rows.insert(2, ("hyperparameters", ", ".join(f"{k}={num(v)}" for k, v in params.items())))
    return rows


def _final_distance(t):
    try:
        return t.final_distance
    except Exception:
        d = getattr(t, "distance", None)
        return None if d is None or len(d) == 0 else d[-1]


def trajectory_text(t) -> str:
    rows = dict(_trajectory_rows(t))
    return _text("Trajectory", [("method", rows["method"]), ("steps", rows["steps"]), ("step", rows["step"]),
                                ("final_distance", num(_final_distance(t))), ("rate", rows["measured rate"]),
                                ("status", repr(rows["status"]))])


def trajectory_html(t) -> str:
    return _table("Trajectory", _trajectory_rows(t),
                  "rate: least squares of log|z_k - z*| = a + k log(rho) + c log k over [T/4, T]; verdict: "
                  "docs/mathematics.md §5.6")


# ------------------------------------------------------------------------------------------ sweeps
def _col(res, key):
    cols = getattr(res, "columns", {}) or {}
    return cols.get(key)


def _sweep_counts(res) -> dict:
    """The rows' verdicts as ``{label: count}``, the labels as they are (``"bounded, not converging"``, never
    made into an identifier): the result's own ``verdict_counts()``, else counted from a ``verdict`` (or
    ``classification``, ``status``) column; without one, the rows diverged (a stopped run, whose ``diverged``
    flag is set, is not one) and not run."""
    own = getattr(res, "verdict_counts", None)
    if callable(own):
        return dict(own())
    out = {}
    cls = next((c for c in (_col(res, "verdict"), _col(res, "classification"), _col(res, "status")) if c is not None),
               None)
    if cls is not None:
        vals, counts = np.unique(np.asarray(cls, dtype=str), return_counts=True)
        return {str(v): int(c) for v, c in zip(vals, counts)}
    div, fin = _col(res, "diverged"), _col(res, "finished")
    if div is not None:
        out["diverged"] = int(np.sum(np.asarray(div, dtype=bool)))
    if fin is not None:
        out["not run"] = int(len(res) - np.sum(np.asarray(fin, dtype=bool)))
    return out


def counts_text(counts: dict) -> str:
    """``{label: count}`` as ``label: count; ...``: labels may hold commas (``bounded, not converging``), so
    the entries are separated by semicolons."""
    return "; ".join(f"{k}: {v}" for k, v in counts.items()) or "—"


def _dims_text(res) -> str:
    dims = getattr(res, "dims", []) or []
    return " × ".join(f"{n} ({len(np.atleast_1d(v))})" for n, v in dims) or "—"


def sweep_text(res) -> str:
    # the counts as a dict: its keys are the verdict names verbatim (a key=value per verdict made them identifiers:
    # bounded,_not_converging=6)
    return _text("SweepResult", [("dims", _dims_text(res)), ("steps", getattr(res, "steps", "—")), ("rows", len(res)),
                                 ("verdicts", _sweep_counts(res))])


def sweep_html(res) -> str:
    cols = getattr(res, "columns", {}) or {}
    names = list(getattr(res, "names", []) or [])
    show = [k for k in ("method",) if k in cols]
    dims = [n for n, _ in (getattr(res, "dims", []) or []) if n in cols and n not in ("method", "init")]
    show += dims
    show += [f"init_{n}" for n in names if f"init_{n}" in cols and "init" in [d for d, _ in res.dims]]
    show += [k for k in ("distance", "rate", "diverged", "diverged_at", "reason", "classification", "status")
             if k in cols and k not in show]
    n = len(res)
    rows = [[_cell(cols[k][i]) for k in show] for i in range(min(n, SWEEP_ROWS))]
    if n > SWEEP_ROWS:
        rows.append(["…"] * len(show))
    summary = _table("SweepResult", [("dims", _dims_text(res)), ("steps per trajectory", num(getattr(res, "steps", None))),
                                     (f"verdicts of the {n} rows", counts_text(_sweep_counts(res))),
                                     ("columns", ", ".join(cols))])
    return summary + _grid(f"first {min(n, SWEEP_ROWS)} of {n} rows", show, rows,
                           "the whole table: .to_pandas(), .to_xarray(), .save(path)")


def _cell(v) -> str:
    if isinstance(v, (str, np.str_)):
        return str(v)
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return num(v)


# ------------------------------------------------------------------------------------------ constants
def bracket_text(b) -> str:
    """``[lo, hi] (upper bound certified)`` for a :class:`~gandynamics.analysis.constants.Bracket`."""
    return _bracket_text(b)


def _bracket_text(b) -> str:
    if b is None:
        return "—"
    lo, hi = bound(getattr(b, "lo", None), "lo"), bound(getattr(b, "hi", None), "hi")  # outward: still a bracket
    cert = getattr(b, "certified", None)
    mark = {"hi": " (upper bound certified)", "lo": " (lower bound certified)"}.get(cert, "")
    return f"[{lo}, {hi}]{mark}"


def _region_text(reg) -> str:
    if reg is None:
        return "—"
    d = getattr(reg, "describe", None)
    if callable(d):
        try:
            return str(d())
        except Exception:
            pass
    return str(reg)


def constants_rows(rep) -> list[tuple[str, str]]:
    mu, L = getattr(rep, "mu", None), getattr(rep, "lipschitz", None)
    rows = [("region", _region_text(getattr(rep, "region", None))),
            ("mu (strong monotonicity of F)", _bracket_text(mu)),
            ("L (Lipschitz constant of F)", _bracket_text(L))]
    params = getattr(rep, "params", None)
    if params:
        rows.insert(1, ("hyperparameters", ", ".join(f"{k}={num(v)}" for k, v in params.items())))
    boxes, secs = getattr(rep, "boxes", None), getattr(rep, "seconds", None)
    if boxes is not None:
        rows.append(("boxes, seconds", f"{num(boxes)}, {num(secs, 3)}"))
    if getattr(rep, "engine", ""):
        rows.append(("engine", rep.engine))
    conv = [getattr(b, "converged", None) for b in (mu, L) if b is not None]
    if conv and not all(conv):
        rows.append(("note", "budget reached before the requested gap: the bracket is wider, still valid"))
    return rows


def _region_short(reg) -> str:
    """A region in one short phrase (at most a few coordinates of its centre or corners)."""
    if reg is None:
        return "—"
    if getattr(reg, "kind", None) == "ball":
        return f"ball of radius {num(reg.radius)} around {_vec(reg.center, limit=TEXT_ENTRIES)}"
    if getattr(reg, "lo", None) is not None:
        return f"box from {_vec(reg.lo, limit=TEXT_ENTRIES)} to {_vec(reg.hi, limit=TEXT_ENTRIES)}"
    return _region_text(reg)


def constants_text(rep) -> str:
    return _text("ConstantsReport", [("region", _region_short(getattr(rep, "region", None))),
                                     ("mu", _bracket_text(getattr(rep, "mu", None)).split(" (")[0]),
                                     ("L", _bracket_text(getattr(rep, "lipschitz", None)).split(" (")[0])])


def constants_html(rep) -> str:
    return _table("Certified constants", constants_rows(rep),
                  "lo <= constant <= hi; the certified side holds on the whole region (docs/mathematics.md §5.7)")


def check_rows(res) -> list[tuple[str, str]]:
    rows = [("status", getattr(res, "status", "—"))]
    claims = getattr(res, "claims", {}) or {}
    verdicts = getattr(res, "verdicts", {}) or {}
    for k, v in claims.items():
        if v is None:
            continue
        rows.append((f"claim {k}", f"{claim_text(v)}: {verdicts.get(k, verdicts.get('lipschitz' if k == 'L' else k, '—'))}"))
    rows += [("mu bracket", _bracket_text(getattr(res, "mu", None))),
             ("L bracket", _bracket_text(getattr(res, "lipschitz", None)))]
    ces = getattr(res, "counterexamples", None) or {}
    if not ces and getattr(res, "counterexample", None):
        ces = {"": res.counterexample}
    for ce in ces.values():  # (one for every refuted claim)
        value = ce.get("value")
        shown = apart(value, ce["claimed"]) if value is not None and ce.get("claimed") is not None else num(value)
        rows.append(("counterexample", f"{ce.get('quantity', ce.get('claim', ''))} = {shown} "
                                       f"at {_vec(ce.get('point'))}"))
    return rows


def check_text(res) -> str:
    return _text("CheckResult", [("status", repr(getattr(res, "status", "—"))), ("claims", getattr(res, "claims", {}))])


def check_html(res) -> str:
    return _table("Check of claimed constants", check_rows(res),
                  "holds: certified; refuted: a point where the claim fails; undecided: the claim lies in "
                  "the bracket (docs/mathematics.md §5.7)")


# ------------------------------------------------------------------------------------------ rates
_RATE_COLUMNS = [("method", "method"), ("step", "step"), ("local rate", "local_rate"),
                 ("optimal step", "optimal_step"), ("optimal rate", "optimal_rate"),
                 ("largest stable step", "largest_stable_step"), ("measured rate", "measured_rate"),
                 ("theorem bound", "bound")]


def _method_cell(row) -> str:
    """A rate row's method with the momentum coefficient it ran at, where it takes one (``momentum (beta=-0.5)``: a
    row of momentum at 0 is gd's, and the table did not say which it was, a new user's finding)."""
    beta = (getattr(row, "options", None) or {}).get("beta")
    return f"{row.method} (beta={num(beta)})" if beta is not None else str(row.method)


def _rate_cells(row) -> list[str]:
    out = []
    for _, attr in _RATE_COLUMNS:
        v = getattr(row, attr, None)
        out.append(_method_cell(row) if attr == "method" else num(v))
    if getattr(row, "bound", None) is None:
        note = (getattr(row, "bound_info", {}) or {}).get("note")
        if note:
            out[-1] = f"— ({note})"
    return out


def rate_row_text(row) -> str:
    return _text("RateRow", [(attr, c) for (_, attr), c in zip(_RATE_COLUMNS, _rate_cells(row))
                             if attr in ("method", "step", "local_rate", "measured_rate", "bound")])


def rates_html(rows) -> str:
    """An HTML table of a list of rate rows (what :func:`gandynamics.rates` returns first)."""
    rows = list(rows)
    return _grid("Rates per step on |z - z*|", [h for h, _ in _RATE_COLUMNS], [_rate_cells(r) for r in rows],
                 "local rate: spectral radius of the iteration matrix (docs/mathematics.md §5.4); "
                 "bound: the theorem's factor from certified (mu, L) (§5.1–5.3)")


def rates_text(rows) -> str:
    """A plain-text table of a list of rate rows."""
    rows = [_rate_cells(r) for r in rows]
    header = [h for h, _ in _RATE_COLUMNS]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header)] + [line(r) for r in rows])


# ------------------------------------------------------------------------------------------ basins
def _basin_rows(b) -> list[tuple[str, str]]:
    sr = getattr(b, "step_range", None)
    steps = "—"
    if sr is not None and len(sr) == 3:
        steps = f"(0, {num(sr[1])}{']' if sr[2] else ')'}" if sr[1] else "none"
    rows = [("method", getattr(b, "method", "—")), ("equilibrium z*", _vec(getattr(b, "equilibrium", None), limit=HTML_ENTRIES)),
            ("certified", num(getattr(b, "certified", None))),
            ("radius r: every start in B_r converges", num(getattr(b, "radius", None))),
            ("region radius R: (mu, L) certified on B_R", num(getattr(b, "region_radius", None))),
            ("mu, L on B_R", f"{num(getattr(b, 'mu', None))}, {num(getattr(b, 'L', None))}"),
            ("step h", num(getattr(b, "step", None))), ("the theorem's steps", steps),
            ("certified rate per step", num(getattr(b, "rate", None))),
            ("theorem rate", num(getattr(b, "theorem_rate", None))),
            ("invariance", getattr(b, "invariance", "") or "—")]
    if getattr(b, "note", ""):
        rows.append(("note", b.note))
    return rows


def basin_text(b) -> str:
    return _text("BasinReport", [("method", repr(getattr(b, "method", ""))),
                                 ("certified", num(getattr(b, "certified", None))),
                                 ("radius", num(getattr(b, "radius", None))), ("rate", num(getattr(b, "rate", None))),
                                 ("step", num(getattr(b, "step", None))), ("mu", num(getattr(b, "mu", None))),
                                 ("L", num(getattr(b, "L", None)))])


def basin_html(b) -> str:
    return _table("Certified convergence region", _basin_rows(b),
                  "every start within radius r of z* converges at the certified rate (docs/math/basin-and-pep.md)")


# ------------------------------------------------------------------------------------------ solution concepts
_CONCEPTS = [("zero_sum", "zero-sum"), ("local_nash", "local Nash"), ("local_minimax", "local minimax"),
             ("differential_stackelberg", "differential Stackelberg"), ("flow_stable", "stable under the flow"),
             ("spurious", "spurious")]


def _method_verdict(v) -> str:
    if not isinstance(v, dict):
        return str(v)
    if "undefined" in v:
        return f"undefined ({v['undefined']})"
    if "spectral_radius" in v:
        return f"{num(v.get('stable'))} at h = {num(v.get('step'))} (rho = {num(v['spectral_radius'])})"
    return stable_steps_text(v)


def stable_steps_text(v: dict) -> str:
    """The steps a method is stable for at a point, from :func:`gandynamics.classify`'s entry ``v`` of a method
    (``largest_stable_step``, ``smallest_stable_step``, ``stable``, ``unstable_at_every_step``): "for h < b", "for
    h in (a, b)" where the small steps are unstable, "for every step h > 0", or why for none."""
    h = v.get("largest_stable_step")
    if h is None:
        if v.get("stable", False) is None:
            return "for no step with rho < 1 (eigenvalues on the imaginary axis: the linearisation cannot decide)"
        if v.get("unstable_at_every_step"):
            return "for no step (rho > 1 at every step, 1 only in the limit h -> 0: unstable)"
        return "for no step"
    lo = v.get("smallest_stable_step") or 0.0
    if h == math.inf:
        return "for every step h > 0" if lo == 0 else f"for every step h > {num(lo)}"
    return f"for h < {num(h)}" if lo == 0 else f"for h in ({num(lo)}, {num(h)}) (smaller steps are unstable)"


def classification_text(c) -> str:
    return _text("Classification", [("point", _vec(getattr(c, "point", None), limit=TEXT_ENTRIES))]
                 + [(k, num(getattr(c, k, None))) for k, _ in _CONCEPTS])


def classification_html(c) -> str:
    rows = [("point", _vec(getattr(c, "point", None), limit=HTML_ENTRIES)), ("|F(point)|", num(getattr(c, "residual", None)))]
    rows += [(label, num(getattr(c, k, None))) for k, label in _CONCEPTS]
    if getattr(c, "flow_reading", ""):
        rows.append(("flow reading", c.flow_reading))
    rows += [(f"stable under {m}", _method_verdict(v)) for m, v in (getattr(c, "methods", {}) or {}).items()]
    rows += [("note", n) for n in getattr(c, "notes", []) or []]
    return _table("Solution concepts", rows, "yes / no, — where undetermined (docs/math/bifurcations.md §5)")


# ------------------------------------------------------------------------------------------ cycles
def _shape(a) -> str:
    return "—" if a is None else " × ".join(map(str, np.shape(a)))


def cycle_text(c) -> str:
    return _text("Cycle", [("period", num(getattr(c, "period", None))), ("amplitude", num(getattr(c, "amplitude", None))),
                           ("stable", num(getattr(c, "stable", None))), ("isolated", num(getattr(c, "isolated", None))),
                           ("multipliers", eigenvalues_text(getattr(c, "multipliers", None), limit=TEXT_ENTRIES)),
                           ("residual", num(getattr(c, "residual", None)))])


def cycle_html(c) -> str:
    params = getattr(c, "params", None) or {}
    rows = [("period", num(getattr(c, "period", None))), ("amplitude", num(getattr(c, "amplitude", None))),
            ("point on the cycle", _vec(getattr(c, "point", None), limit=HTML_ENTRIES)),
            ("center", _vec(getattr(c, "center", None), limit=HTML_ENTRIES)),
            ("Floquet multipliers", eigenvalues_text(getattr(c, "multipliers", None))),
            ("stable", num(getattr(c, "stable", None))), ("isolated", num(getattr(c, "isolated", None))),
            ("residual |phi_T(x0) - x0|", num(getattr(c, "residual", None))),
            ("orbit samples", _shape(getattr(c, "orbit", None)))]
    if params:
        rows.insert(0, ("hyperparameters", ", ".join(f"{k}={num(v)}" for k, v in params.items())))
    return _table("Limit cycle of the flow", rows, "the orbit itself: .orbit; all of it as JSON: .to_dict() "
                  "(docs/math/bifurcations.md §4)")


def map_cycle_text(c) -> str:
    return _text("MapCycle", [("method", repr(getattr(c, "method", ""))), ("step", num(getattr(c, "step", None))),
                              ("k", num(getattr(c, "k", None))), ("stable", num(getattr(c, "stable", None))),
                              ("multipliers", eigenvalues_text(getattr(c, "multipliers", None), limit=TEXT_ENTRIES)),
                              ("residual", num(getattr(c, "residual", None)))])


def map_cycle_html(c) -> str:
    pts = getattr(c, "points", None)
    rows = [("method", getattr(c, "method", "—")), ("step", num(getattr(c, "step", None))),
            ("period k", num(getattr(c, "k", None))),
            ("points", _items_text([_vec(x, limit=HTML_ENTRIES) for x in (pts[:4] if pts is not None else [])], 4,
                                   sep="; ", total=_size(pts))),
            ("multipliers", eigenvalues_text(getattr(c, "multipliers", None))),
            ("stable", num(getattr(c, "stable", None))), ("residual", num(getattr(c, "residual", None)))]
    return _table("Periodic orbit of a method's map", rows, "docs/math/bifurcations.md §4")


# ------------------------------------------------------------------------------------------ continuation
def _size(x) -> int:
    """How many entries ``x`` has (0 for None; an array is never tested for truth)."""
    return 0 if x is None else len(x)


def _range_text(values) -> str:
    v = np.atleast_1d(np.asarray(values if values is not None else [], dtype=float))
    return "—" if v.size == 0 else f"{num(v[0])} → {num(v[-1])}"


def _events_text(events, limit: int = 4) -> str:
    ev = list(events or [])
    out = [f"{getattr(e, 'type', '?')} at {num(getattr(e, 'value', None))}" for e in ev[:limit]]
    return "[" + _items_text(out, limit, total=len(ev)) + "]"


def branch_text(b) -> str:
    return _text("Branch", [("parameter", repr(getattr(b, "parameter", ""))),
                            ("method", repr(getattr(b, "method", None) or "flow")),
                            ("values", _range_text(getattr(b, "values", None))),
                            ("points", _size(getattr(b, "values", None))),
                            ("events", _events_text(getattr(b, "events", None)))])


def branch_html(b) -> str:
    stable = np.asarray(getattr(b, "stable", None) if _size(getattr(b, "stable", None)) else [], dtype=bool)
    rows = [("parameter", getattr(b, "parameter", "—")), ("method", getattr(b, "method", None) or "flow"),
            ("values", _range_text(getattr(b, "values", None))), ("points", num(len(stable))),
            ("stable points", num(int(stable.sum())))]
    if getattr(b, "step", None) is not None:
        rows.insert(2, ("step", num(b.step)))
    events = list(getattr(b, "events", []) or [])
    head = _table("Continued branch", rows, "")
    grid = [[getattr(e, "type", "?"), num(getattr(e, "value", None)), _vec(getattr(e, "point", None), limit=6),
             ", ".join(f"{k}={num(v) if not isinstance(v, str) else v}" for k, v in (getattr(e, "extra", {}) or {}).items()
                       if not isinstance(v, (list, tuple, dict, np.ndarray)))]
            for e in events[:SWEEP_ROWS]]
    if len(events) > SWEEP_ROWS:
        grid.append(["…"] * 4)
    return head + _grid(f"{len(events)} event{'' if len(events) == 1 else 's'}", ["type", "value", "point", "details"], grid,
                        "the whole branch as JSON: .to_dict() (docs/math/bifurcations.md)")


def event_text(e) -> str:
    return _text("Event", [("type", repr(getattr(e, "type", ""))), ("parameter", repr(getattr(e, "parameter", ""))),
                           ("value", num(getattr(e, "value", None))),
                           ("point", _vec(getattr(e, "point", None), limit=TEXT_ENTRIES))])


def curve_text(c) -> str:
    ob = getattr(c, "on_boundary", None)
    rows = [("kind", repr(getattr(c, "kind", ""))), ("parameters", tuple(getattr(c, "parameters", None) or ())),
            ("method", repr(getattr(c, "method", None) or "flow")), ("points", _size(getattr(c, "a1", None))),
            ("genuine", int(np.sum(np.asarray(getattr(c, "genuine", None) if _size(getattr(c, "genuine", None)) else [],
                                              dtype=bool))))]
    if ob is not None:
        rows.append(("on_boundary", int(np.sum(np.asarray(ob, dtype=bool)))))
    return _text("Curve", rows)


# ------------------------------------------------------------------------------------------ regions, bounds
def region_text(reg) -> str:
    if getattr(reg, "kind", None) == "ball":
        return _text("Region", [("kind", "'ball'"), ("center", _vec(reg.center, limit=TEXT_ENTRIES)),
                                ("radius", num(reg.radius))])
    return _text("Region", [("kind", repr(getattr(reg, "kind", ""))), ("lo", _vec(getattr(reg, "lo", None), limit=TEXT_ENTRIES)),
                            ("hi", _vec(getattr(reg, "hi", None), limit=TEXT_ENTRIES))])


def bound_text(b) -> str:
    rows = [("method", repr(getattr(b, "method", ""))), ("step", num(getattr(b, "step", None))),
            ("factor", num(getattr(b, "factor", None))), ("condition", repr(getattr(b, "condition", "")))]
    if getattr(b, "note", ""):
        rows.append(("note", repr(b.note)))
    return _text("Bound", rows)


# ------------------------------------------------------------------------------------------ studies
def _short(x, width: int = 60) -> str:
    """A value in at most ``width`` characters (a list or an array cut with ``…``)."""
    if isinstance(x, (list, tuple, np.ndarray)):
        arr = np.asarray(x, dtype=object).ravel()
        t = "[" + _items_text([num(v) for v in arr[:4]], 4, total=arr.size) + "]"
    else:
        t = num(x) if not isinstance(x, str) else repr(x)
    return t if len(t) <= width else t[: width - 1] + "…"


def study_check_text(c) -> str:
    return _text("Check", [("what", _short(getattr(c, "what", ""))), ("computed", _short(getattr(c, "computed", None))),
                           ("reference", _short(getattr(c, "reference", None))), ("tol", num(getattr(c, "tol", None))),
                           ("passed", num(getattr(c, "passed", None)))])


def study_text(r) -> str:
    checks = list(getattr(r, "checks", []) or [])
    passed = sum(bool(getattr(c, "passed", False)) for c in checks)
    rows = [("name", repr(getattr(r, "name", ""))), ("ok", num(getattr(r, "ok", None))),
            ("checks", f"{passed}/{len(checks)} passed"), ("images", len(getattr(r, "images", []) or []))]
    for k in ("missing", "error"):
        if getattr(r, k, ""):
            rows.append((k, _short(getattr(r, k))))
    return _text("StudyResult", rows)


def study_html(r) -> str:
    checks = list(getattr(r, "checks", []) or [])
    head = _table(f"Study {getattr(r, 'name', '')}", [("title", getattr(r, "title", "")), ("paper", getattr(r, "paper", "")),
                                                      ("ok", num(getattr(r, "ok", None))),
                                                      ("images", ", ".join(str(i[0]) for i in getattr(r, "images", []) or []) or "—"),
                                                      ("parameters", ", ".join(f"{k}={_short(v, 30)}" for k, v in
                                                                               (getattr(r, "params", {}) or {}).items()) or "—")]
                  + [(k, _short(getattr(r, k), 200)) for k in ("missing", "error") if getattr(r, k, "")])
    grid = [[_short(c.what, 80), _short(c.computed, 30), _short(c.reference, 30), num(c.tol), num(c.passed)]
            for c in checks[:SWEEP_ROWS]]
    if len(checks) > SWEEP_ROWS:
        grid.append(["…"] * 5)
    return head + _grid(f"{len(checks)} checks", ["what", "computed", "reference", "tol", "passed"], grid,
                        "all of it as JSON: .to_dict()")


# ------------------------------------------------------------------------------------------ dispatch
_TEXT = {"VectorField": field_text, "SpectralReport": spectral_text, "Trajectory": trajectory_text,
         "Bracket": lambda b: f"<Bracket {getattr(b, 'name', '')} {bracket_text(b)}>",
         "SweepResult": sweep_text, "ConstantsReport": constants_text, "CheckResult": check_text,
         "RateRow": rate_row_text, "BasinReport": basin_text, "Classification": classification_text,
         "Cycle": cycle_text, "MapCycle": map_cycle_text, "Branch": branch_text, "Event": event_text,
         "Curve": curve_text, "Region": region_text, "Bound": bound_text, "StudyResult": study_text,
         "Check": study_check_text}
_HTML = {"SpectralReport": spectral_html, "Trajectory": trajectory_html, "SweepResult": sweep_html,
         "ConstantsReport": constants_html, "CheckResult": check_html,
         "RateRow": lambda r: rates_html([r]), "BasinReport": basin_html, "Classification": classification_html,
         "Cycle": cycle_html, "MapCycle": map_cycle_html, "Branch": branch_html, "StudyResult": study_html}


def text(obj) -> str:
    """The short repr of a gandynamics object (dispatch on its class name)."""
    for cls in type(obj).__mro__:
        f = _TEXT.get(cls.__name__)
        if f is not None:
            return f(obj)
    return object.__repr__(obj)


def html(obj) -> str:
    """The notebook HTML of a gandynamics object (dispatch on its class name); lists of rate rows too."""
    if isinstance(obj, (list, tuple)) and obj and all(type(r).__name__ == "RateRow" for r in obj):
        return rates_html(obj)
    for cls in type(obj).__mro__:
        f = _HTML.get(cls.__name__)
        if f is not None:
            return f(obj)
    return "<pre>" + _esc(text(obj)) + "</pre>"
