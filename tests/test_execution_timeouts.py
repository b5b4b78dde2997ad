"""Fail fast: a cell that hangs fails the test run and the book build within the
per-cell timeout, naming the cell.

A build once sat idle for 900 s (the old per-cell timeout) in one chapter. The timeout
is now sized from the measured cell times (``SLOWEST_CELL_SECONDS``), the same for
nbmake and the book build, and these tests execute a small notebook (made here, not part
of the book) whose cell sleeps past a short timeout, through both paths.
"""

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SHORT = 5  # seconds: the timeout the hang tests run under
MARKER = "the_cell_that_hangs_20"

# The slowest cell of any chapter, measured on a 2-core CPU through the book build's
# execution path (cell metadata shell.execute_reply - iopub.execute_input of the
# executed notebooks): a cell that trains an engine live took up to about 120 s with
# other kernels running (2026-12-01: arithmetic's adder, 80-117 s; since then no
# chapter's cell trains longer, and no chapter takes longer than 2 minutes in all). The
# timeout allows four times that.
SLOWEST_CELL_SECONDS = 120
TIMEOUT_FACTOR = 4


def configured_timeouts() -> tuple[int, int]:
    addopts = shlex.split(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
            "ini_options"
        ]["addopts"]
    )
    nbmake = int(
        next(a.split("=", 1)[1] for a in addopts if a.startswith("--nbmake-timeout="))
    )
    book = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    return nbmake, book


def hanging_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A cell that hangs"),
        nbformat.v4.new_code_cell("print('first cell ran')"),
        nbformat.v4.new_code_cell(f"import time\n{MARKER} = 1\ntime.sleep(600)"),
        nbformat.v4.new_code_cell("print('never reached')"),
    ]
    path = folder / "hang.ipynb"
    nbformat.write(notebook, path)
    return path


def timed_run(command: list[str], cwd: Path, timeout: int) -> tuple[int, str, float]:
    """Run ``command`` in ``cwd``: its exit status, its stdout and stderr together, and
    the seconds it took."""
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def test_timeouts_are_sized_from_the_slowest_cell_and_agree():
    nbmake, book = configured_timeouts()
    assert nbmake == book == SLOWEST_CELL_SECONDS * TIMEOUT_FACTOR, (nbmake, book)
    assert nbmake <= 600, "a stall must fail within minutes, not after 15"


def test_nbmake_fails_a_hanging_cell_within_the_timeout_and_names_it(tmp_path):
    path = hanging_notebook(tmp_path)
    returncode, output, elapsed = timed_run(
        [
            str(BIN / "pytest"),
            "--nbmake",
            f"--nbmake-timeout={SHORT}",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(path),
        ],
        tmp_path,
        timeout=120,
    )
    assert returncode == 1, output
    assert (
        "hang.ipynb" in output
        and "timed out" in output
        and f"after {SHORT} seconds" in output
    ), output
    assert MARKER in output and "never reached" not in output, (
        output
    )  # the failure shows the cell that hung
    assert elapsed < SHORT + 60, (
        f"took {elapsed:.0f} s"
    )  # kernel start-up and pytest, not the 600 s sleep


def test_book_build_fails_a_hanging_cell_within_the_timeout_and_names_it(tmp_path):
    """The book's own execution path: jupyter-book -> myst-nb -> jupyter-cache ->
    nbclient, force mode."""
    hanging_notebook(tmp_path)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    execute = {**config["execute"], "timeout": SHORT}
    (tmp_path / "_config.yml").write_text(
        yaml.safe_dump(
            {"title": "hang", "execute": execute, "only_build_toc_files": True}
        )
    )
    (tmp_path / "_toc.yml").write_text(
        yaml.safe_dump({"format": "jb-book", "root": "hang"})
    )
    returncode, output, elapsed = timed_run(
        [str(BIN / "jupyter-book"), "build", str(tmp_path), "-W", "--keep-going"],
        tmp_path,
        timeout=180,
    )
    assert returncode != 0, output
    assert "hang.ipynb" in output and "CellTimeoutError" in output, output
    assert MARKER in output, output
    assert elapsed < SHORT + 90, f"took {elapsed:.0f} s"
