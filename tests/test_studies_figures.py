"""gandynamics.studies: every figure of the gallery, as saved, walked for defects of a kind (the figure review):
text too small for the canvas's width, ..."""

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
    seen = {}
    save = Context.save

    def walked(self, fig, stem, caption):
        fig.canvas.draw()
        legends = {id(t) for lg in fig.findobj(Legend) for t in lg.get_texts()}
        seen[stem] = {"width": fig.get_figwidth(),
                      "texts": [("legend" if id(t) in legends else "text", t.get_text(), t.get_fontsize())
                                for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]}
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
