"""`gradkit tour`, the README's main job: every notebook result, then the pictures."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from click.testing import CliRunner

from gradkit._tour import tour

SEED_TABLE = """\
         h=0.10000, numerical limit=2.30000
         h=0.01000, numerical limit=2.03000
         h=0.00100, numerical limit=2.00300
         h=0.00010, numerical limit=2.00030
         h=0.00001, numerical limit=2.00003
"""


@pytest.fixture
def no_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_tour_reproduces_every_notebook_result_and_writes_the_pictures(
    tmp_path: Path, no_graphviz: None
) -> None:
    result = CliRunner().invoke(tour, ["--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "DIFFERS" not in result.output
    assert "14 of 14 results match the notebook." in result.output
    assert SEED_TABLE in result.output
    assert "         [ 0.,  4.,  8., 12.]\n" in result.output
    pictures = ("sin-and-derivative", "tangent-at-1", "dependency-graph")
    names = [f"{p}.{suffix}" for p in pictures for suffix in ("png", "svg")]
    for name in ["dependency-graph.dot", *names]:
        path = tmp_path / "out" / name
        assert f"wrote {path}" in result.output
        assert path.stat().st_size > 200
    assert sorted(os.listdir(tmp_path / "out")) == sorted(["dependency-graph.dot", *names])
    for picture in pictures:  # a learner can open them: real PNGs with something drawn
        pixels = matplotlib.image.imread(tmp_path / "out" / f"{picture}.png")[..., :3]
        assert np.any(pixels < 0.5, axis=-1).sum() > 2000, picture
    dot = (tmp_path / "out" / "dependency-graph.dot").read_text()
    assert dot.startswith("digraph") and '"x²"' in dot and "numerator" in dot
    assert "f64" not in dot and "f32" not in dot  # dtypes only with --detail
    assert "The graph was drawn with matplotlib, as Graphviz's `dot` program" in result.output


def test_tour_detail_labels_the_graph_with_primitives_in_float64(tmp_path: Path) -> None:
    result = CliRunner().invoke(tour, ["--detail", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    dot = (tmp_path / "out" / "dependency-graph.dot").read_text()
    assert "integer_pow y=2\\nf64[]" in dot  # the same precision as the command line


def test_tour_without_pictures_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(tour, ["--no-pictures", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Pictures" not in result.output
    assert not (tmp_path / "out").exists()
