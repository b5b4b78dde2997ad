"""Where the book lives, and the Colab setup cell every chapter starts with.

The repository address is written here and in ``_config.yml`` (which Jupyter Book reads
for its launch buttons); a test checks that the two agree and that every notebook starts
with exactly :func:`colab_setup_source`. To move the repository, change both and run
``python -m nee_lite.project`` to rewrite the setup cell of every chapter.
"""

from __future__ import annotations

import json
from pathlib import Path

REPOSITORY_URL = "https://github.com/nee-lite/nee-book"
BRANCH = "main"
COLAB_SETUP_TAG = "colab-setup"


def colab_setup_source() -> str:
    """The first code cell of every chapter: in Colab, clone the repository and install
    nee_lite.

    Outside Colab it does nothing. The clone brings ``data/`` (checkpoints and test
    sets) along; the package is installed in editable mode so it finds ``data/`` beside
    it, and put on ``sys.path`` at once because an editable install is only seen by
    kernels started after it.
    """
    return f'''\
# Colab setup: fetch the book's repository (code and data/) and install nee_lite.
# Does nothing elsewhere.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    if not os.path.isdir("/content/nee-book"):
        subprocess.run(
            [
                "git",
                "clone",
                "--depth",
                "1",
                "--branch",
                "{BRANCH}",
                "{REPOSITORY_URL}",
                "/content/nee-book",
            ],
            check=True,
        )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "-e", "/content/nee-book"],
        check=True,
    )
    sys.path.insert(0, "/content/nee-book")
    os.chdir("/content/nee-book/book")'''


def write_setup_cells(book: Path) -> list[Path]:
    """Make the first cell of every notebook under ``book`` the current setup cell;
    return those changed."""
    changed = []
    for path in sorted(book.glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": "colab-setup",
            "metadata": {"tags": ["remove-cell", COLAB_SETUP_TAG]},
            "outputs": [],
            "source": colab_setup_source().splitlines(keepends=True),
        }
        cells = notebook["cells"]
        if cells and COLAB_SETUP_TAG in cells[0].get("metadata", {}).get("tags", []):
            if cells[0] == cell:
                continue
            cells[0] = cell
        else:
            cells.insert(0, cell)
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        changed.append(path)
    return changed


if __name__ == "__main__":
    for changed_path in write_setup_cells(
        Path(__file__).resolve().parent.parent / "book"
    ):
        print(f"updated {changed_path}")
