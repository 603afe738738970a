"""Figures: the run figure, and figures written whole."""

import matplotlib.pyplot as plt

import abm
from abm.experiments.figures import run_figure, save_figure


def test_the_run_figure_has_four_panels_and_says_what_run_it_is(tmp_path):
    figure = run_figure(abm.run("alliance", steps=4, seed=2))
    assert len(figure.axes) == 4
    assert "alliance: one run (seed 2), 4 cycles" in figure.get_suptitle()
    save_figure(figure, tmp_path / "run.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pdf", "run.png"]
    assert (tmp_path / "run.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "run.pdf").read_bytes()[:5] == b"%PDF-"
    assert not plt.fignum_exists(figure.number)
