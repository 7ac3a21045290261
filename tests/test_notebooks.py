"""The notebooks: paired .py/.ipynb in sync, figures drawn in the notebook (not PNG files read back), and (slow tier,
run by .ci/run) each executes without error and shows a figure inline (nbclient, quick scale)."""

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0*.py"))


def test_there_are_five_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_are_drawn_not_read_back(path):
    assert "Image(filename" not in path.read_text() and "savefig" not in path.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_in_sync(path):
    """The .ipynb holds the same cells as its .py (run `jupytext --sync notebooks/*.py` after editing)."""
    paired = path.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} is missing"
    ours = [c.source for c in jupytext.read(path).cells]
    theirs = [c.source for c in nbformat.read(paired, as_version=4).cells]
    assert ours == theirs


@pytest.mark.slow  # a Jupyter kernel per notebook: in the full tier, which .ci/run runs too
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path):
    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure drawn inline"
