"""`gradkit tour`, the README's main job: every notebook result, then the pictures."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gradkit._tour import tour

SEED_TABLE = """\
         h=0.10000, numerical limit=2.30000
         h=0.01000, numerical limit=2.03000
         h=0.00100, numerical limit=2.00300
         h=0.00010, numerical limit=2.00030
         h=0.00001, numerical limit=2.00003
"""


def test_tour_reproduces_every_notebook_result_and_writes_the_pictures(tmp_path: Path) -> None:
    result = CliRunner().invoke(tour, ["--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "DIFFERS" not in result.output
    assert "14 of 14 results match the notebook." in result.output
    assert SEED_TABLE in result.output
    assert "         [ 0.,  4.,  8., 12.]\n" in result.output
    for name in ("dependency-graph.dot", "sin-and-derivative.svg", "tangent-at-1.svg"):
        path = tmp_path / "out" / name
        assert f"wrote {path}" in result.output
        assert path.stat().st_size > 200
    assert (tmp_path / "out" / "dependency-graph.dot").read_text().startswith("digraph")


def test_tour_without_pictures_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(tour, ["--no-pictures", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Pictures" not in result.output
    assert not (tmp_path / "out").exists()
