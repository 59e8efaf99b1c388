"""gandynamics.studies: every figure of the gallery, as saved, walked for defects of a kind (the figure review):
text too small for the canvas's width, a hyphen-minus as a minus sign, ..."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from gandynamics.reproduce import Context  # noqa: E402

pytestmark = pytest.mark.slow  # (every study drawn in full: about 40 s)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """``{stem: {"width": inches, "texts": [(kind, text, points)]}}`` of every figure the studies save."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text
    from gandynamics.cli import main
    from test_plotting import faint_drawn
    seen = {}
    save = Context.save

    def walked(self, fig, stem, caption):
        fig.canvas.draw()
        legends = {id(t) for lg in fig.findobj(Legend) for t in lg.get_texts()}
        seen[stem] = {"width": fig.get_figwidth(),
                      "texts": [("legend" if id(t) in legends else "text", t.get_text(), t.get_fontsize())
                                for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()],
                      "titles": [" ".join(ax.get_title().split()) for ax in fig.axes if ax.get_title().strip()],
                      "faint": faint_drawn(fig)}
        return save(self, fig, stem, caption)

    mp = pytest.MonkeyPatch()
    mp.setattr(Context, "save", walked)
    try:
        assert main(["reproduce", "--out", str(tmp_path_factory.mktemp("gallery")), "--jobs", "1"]) == 0
    finally:
        mp.undo()
    assert len(seen) >= 20, sorted(seen)
    return seen


def test_no_text_is_smaller_than_the_style_scaled_for_its_canvas(gallery):
    # the 14-15 inch figures had 7.5-8 pt text, shown at page width at 3.5 pt
    from gandynamics.plotting import STYLE, text_scale
    smallest = min(STYLE["legend.fontsize"], STYLE["xtick.labelsize"])
    bad = [(stem, text[:40], round(size, 2), round(smallest * text_scale(fig["width"]), 2))
           for stem, fig in gallery.items() for _, text, size in fig["texts"]
           if size < smallest * text_scale(fig["width"]) * (1 - 1e-3)]
    assert not bad, bad


#: a hyphen-minus used as a minus sign: before a digit (or ".5"), at the start or after a space, a bracket, "=", ",",
#: ";", ":", "/" or "≤", or an exponent's sign (1e-05, 2.64E-06; the |z| boxes of M18's Figure 1 wrote "2.64e-06"
#: beside ticks with −, a figure review); not a range 0-1 nor a hyphenated word
_HYPHEN_MINUS = r"(?:^|(?<=[\s(\[=,;:/≤])|(?<=\d[eE]))-(?=\.?\d)"


def test_no_text_writes_a_negative_number_with_a_hyphen(gallery):
    # "γ = -0.005" in hopf-cycle's legend, "β = -0.5" in bilinear-methods' title, "e-06" in m18_fig1's |z| boxes
    # (figure reviews)
    import re
    bad = [(stem, kind, text) for stem, fig in gallery.items() for kind, text, _ in fig["texts"]
           if re.search(_HYPHEN_MINUS, text.replace("$", " "))]
    assert not bad, bad


#: the game each convergence figure is of, as its title names it (plotting.describe's name, or the paper's example)
_CONVERGENCE_GAMES = {"basin_dirac_convergence": "dirac", "bilinear_convergence": "bilinear",
                      "asym_dirac_convergence": "dirac", "asym_lq_wgan_convergence": "lq-wgan",
                      "jare_convergence": "Nie & Patel Gaussian example"}


def test_every_convergence_figure_s_title_names_its_game_and_step(gallery):
    """The figure review: basin_dirac_convergence's title named neither the game nor the steps (each method's step the
    theorem's).  Every convergence figure's title names its game and its step: ``h = <number>`` (plotting.steps_text),
    or the optimal step ``h*`` whose values the key gives."""
    import re
    stems = [stem for stem in gallery if stem.endswith("_convergence")]
    assert set(stems) == set(_CONVERGENCE_GAMES), stems  # (a new convergence figure: name its game here)
    for stem in stems:
        titles = gallery[stem]["titles"]
        assert any(_CONVERGENCE_GAMES[stem] in t and (re.search(r"\bh = \(?\d", t) or "optimal step" in t)
                   for t in titles), (stem, titles)


def test_a_note_names_each_run_as_its_figure_does(gallery):
    """A note on runs leaving the window names them as the figure's key or titles do: bilinear_methods' panel titled
    "simultaneous GD" said "note: gd goes outside the window" (its runs were labelled by their methods' short names,
    a figure review)."""
    import re
    bad = []
    for stem, fig in gallery.items():
        texts = [t for _, t, _ in fig["texts"]]
        for t in texts:
            for who in re.findall(r"(?:note: |; )([^;:\n]+?) (?:goes|go|starts|start) outside the window", t):
                others = [" ".join(x.split()) for x in texts]
                others = [re.sub(r"(?:note: |; )[^;\n]*outside the window[^;\n]*", "", x) for x in others]
                names = [w.strip() for w in re.split(r", | and ", who) if w.strip()]
                bad += [(stem, name) for name in names if not any(name in x for x in others)]
    assert not bad, bad


def test_the_hyphen_rule_tells_minus_signs_from_hyphens():
    import re
    for text in ("β = -0.5", "(-1, 0)", "-3", "x ≤ -.5", "a, -2", "1e-05", "|z| 1.41 → 2.64e-06", "3.0E-7"):
        assert re.search(_HYPHEN_MINUS, text), text
    for text in ("1e−05", "0-1", "R1-locus", "non-saturating", "β = −0.5", "e^(−γt)", "k-th", "one-e-5", "type-2"):
        assert not re.search(_HYPHEN_MINUS, text), text


def test_the_basin_study_names_its_coinciding_certified_rates_in_key_and_caption(tmp_path):
    """The figure review: the basin study's EG and EFTP certified rates (0.9911, 0.9913 from one start) are one line of
    alternating dashes on its convergence figure, and neither its key nor its caption said so.  Both say it now, in the
    plotting code's words (convergence: a key entry for rates drawn as one line, ax.coinciding_rates)."""
    from gandynamics.cli import main
    seen = {}
    save = Context.save

    def walked(self, fig, stem, caption):
        seen[stem] = (caption, [" ".join(t.get_text().split()) for ax in fig.axes if ax.get_legend() is not None
                                for t in ax.get_legend().get_texts()])
        return save(self, fig, stem, caption)

    mp = pytest.MonkeyPatch()
    mp.setattr(Context, "save", walked)
    try:
        assert main(["reproduce", "basin", "--out", str(tmp_path), "--jobs", "1", "-q"]) == 0
    finally:
        mp.undo()
    caption, key = seen["basin_dirac_convergence"]
    words = "EFTP and EG: certified rates 0.9913 and 0.9911, one line at this scale, its dashes alternating"
    assert words in key and caption.endswith("; " + words), (caption, key)


#: how a method is named in a figure, short or long: a key's run named so is named so in its title too
_METHOD_WORDS = ("GD", "EG", "EFTP", "OGDA", "extragradient", "momentum")


def test_a_convergence_figure_names_its_methods_in_title_and_key_alike(gallery):
    """bilinear_convergence's title said "GD, alt. GD, EG" where its key said "simultaneous GD", "alternating GD",
    "extragradient" (a figure review): in every convergence figure, each run of a method its key names (the entry's
    words before its step, start or rate) is named so in the title."""
    import re
    bad = []
    for stem in (s for s in gallery if s.endswith("_convergence")):
        title = " ".join(gallery[stem]["titles"])
        keys = [t for kind, t, _ in gallery[stem]["texts"] if kind == "legend"]
        for key in (k for k in keys if "one line" not in k):  # (not the key's entry of rates drawn as one line)
            name = re.split(r",? h = |, start|: | \(|, measured", " ".join(key.split()), maxsplit=1)[0].strip()
            if any(w in name for w in _METHOD_WORDS) and name not in title:
                bad.append((stem, name))
    # (jare_convergence's key named its unregularized curve "SimGD (none)", as nie_patel's panels and data do, under a
    # title of "simultaneous GD": no exception now)
    assert not bad, bad


def test_every_text_spaces_its_relations(gallery):
    """A key read "certified ρ≤ 0.9975" (a figure review): every text of every figure spaces its relations (=, ≤, ≥,
    <, >) on both sides as drawn (test_plotting.relations_spaced)."""
    from test_plotting import relations_spaced
    bad = [(stem, text) for stem, fig in gallery.items() for _, text, _ in fig["texts"]
           if not all(relations_spaced(line) for line in text.split("\n"))]
    assert not bad, bad


def test_every_line_and_marker_of_every_figure_has_3_to_1_on_white(gallery):
    """The kind of the figure review's faint lines: Okabe and Ito's orange (2.25:1) drew the asym figures' "Tikhonov
    only", JARE's consensus, NK17's second flow, the fold curves and R1's closed forms (a band at alpha 0.4, 1.4:1);
    rate_maps' closed form was tab:cyan (2.26:1), the Hopf cycles and R1's spectra viridis' green and yellow, the
    zero lines a grey of 2.85:1.  Every line and marker every figure draws is at least 3:1 on white
    (test_plotting.faint_drawn: WCAG 2's non-text contrast), streamlines and white halos aside."""
    bad = {stem: fig["faint"] for stem, fig in gallery.items() if fig["faint"]}
    assert not bad, bad
