"""The Colab setup cell, played for real: clone, install nee_lite beside the runtime's
torch, run a chapter.

The "Colab runtime" is a fresh virtual environment whose site-packages sees this test's
packages (torch, numpy, matplotlib, ipykernel, ...: the main environment's, through a
``.pth`` line, as Colab ships them) but not nee_lite, with a stand-in ``google.colab``
module imported at start-up as Colab does. The chapter's own first cell runs in it, with
two rewrites and nothing else changed: the clone address (``REPOSITORY_URL``, the one
place it lives) points at a local snapshot of this working tree, committed on branch
``main``, and ``/content`` is a temporary folder. pip runs offline (``--no-index``):
nothing may be downloaded, so a torch that needed replacing would fail the install
instead of going unnoticed. Then the chapter runs from the clone, and the test checks
that torch is the same file and version before and after, that nee_lite was imported
from the clone, and that the chapter read the clone's ``data/``.
"""

import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
import pytest

from nee_lite.project import BRANCH, REPOSITORY_URL, colab_setup_source

ROOT = Path(__file__).resolve().parent.parent
# a short chapter that reads data/ (results.json, checkpoints' cards)
CHAPTER = "book/scorecard.ipynb"
TORCH = "import json, torch; print(json.dumps([torch.__version__, torch.__file__]))"
PROBE = """import json, os, sys, torch, nee_lite
from nee_lite import data_dir
print("COLAB-PROBE " + json.dumps({"torch": [torch.__version__, torch.__file__],
      "nee_lite": nee_lite.__file__, "data": str(data_dir()), "cwd": os.getcwd(),
      "colab": "google.colab" in sys.modules,
      "executable": sys.executable}))"""
RUNNER = """import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], 4)
client = NotebookClient(nb, timeout=int(sys.argv[3]), kernel_name="python3")
client.execute(cwd=sys.argv[2])
nbformat.write(nb, sys.argv[1])"""


def run(*args, **kwargs):
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, **kwargs
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def snapshot_of_this_tree(origin: Path) -> None:
    """A repository on branch main holding this working tree as it is (tracked and new
    files, not ignored ones)."""
    files = run(
        "git",
        "-C",
        ROOT,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ).split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (origin / name).parent.mkdir(parents=True, exist_ok=True)
            (origin / name).write_bytes(source.read_bytes())
    run("git", "-C", origin, "init", "-q", "-b", BRANCH)
    run("git", "-C", origin, "add", "-A")
    run(
        "git",
        "-C",
        origin,
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@localhost",
        "commit",
        "-q",
        "-m",
        "snapshot",
    )


def colab_runtime(runtime: Path) -> Path:
    """A venv that has the main environment's packages (torch among them) but not
    nee_lite, and google.colab."""
    run(sys.executable, "-m", "venv", "--without-pip", runtime)
    python = runtime / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        ).strip()
    )
    # A plain path line: the main site-packages joins sys.path, but its own .pth files
    # (the editable nee_lite of this checkout) are not processed, so nee_lite is not
    # importable until the setup cell installs it.
    (site / "colab_runtime.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (site / "google" / "colab").mkdir(parents=True)
    (site / "google" / "colab" / "__init__.py").write_text(
        '"""Stand-in for Colab\'s google.colab."""\n'
    )
    (site / "sitecustomize.py").write_text(
        "import google.colab  # Colab's kernels have it imported\n"
    )
    kernels = runtime / "share" / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(python),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "Python 3 (Colab stand-in)",
                "language": "python",
            }
        )
    )
    return python


def test_colab_setup_cell_installs_nee_lite_beside_the_runtimes_torch(tmp_path):
    started = time.monotonic()
    chapter = nbformat.read(ROOT / CHAPTER, 4)
    setup = chapter.cells[0].source
    assert (
        setup == colab_setup_source()
        and setup.count(REPOSITORY_URL) == 1
        and setup.count("/content/") >= 2
    )

    origin, content, runtime = (
        tmp_path / "origin",
        tmp_path / "content",
        tmp_path / "colab",
    )
    origin.mkdir(), content.mkdir()
    snapshot_of_this_tree(origin)
    python = colab_runtime(runtime)
    # pip offline: no index, no find-links, no config files; no build isolation (it
    # would download setuptools).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PIP_")
        and key not in {"NEE_LITE_DATA", "PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH"}
    }
    env.update(
        {
            "JUPYTER_PATH": str(runtime / "share" / "jupyter"),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PATH": f"{runtime / 'bin'}:{env.get('PATH', '')}",
        }
    )
    with pytest.raises(
        subprocess.CalledProcessError
    ):  # the runtime does not have nee_lite before the setup cell
        subprocess.run(
            [python, "-c", "import nee_lite"],
            env=env,
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
    torch_before = json.loads(run(python, "-c", TORCH, env=env, cwd=tmp_path))

    chapter.cells[0].source = setup.replace(REPOSITORY_URL, origin.as_uri()).replace(
        "/content/", f"{content}/"
    )
    chapter.cells.append(nbformat.v4.new_code_cell(PROBE))
    executed = tmp_path / "chapter.ipynb"
    nbformat.write(chapter, executed)
    run(
        python,
        "-c",
        RUNNER,
        executed,
        tmp_path,
        300,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )  # the cell moves cwd

    clone = content / "nee-book"
    probe = next(
        json.loads(line.split("COLAB-PROBE ", 1)[1])
        for output in nbformat.read(executed, 4).cells[-1].outputs
        if output.get("name") == "stdout"
        for line in output["text"].splitlines()
        if line.startswith("COLAB-PROBE ")
    )
    torch_after = json.loads(run(python, "-c", TORCH, env=env, cwd=tmp_path))
    assert probe["colab"] and Path(probe["executable"]).parent == runtime / "bin"
    assert probe["torch"] == torch_before == torch_after, (
        torch_before,
        probe["torch"],
        torch_after,
    )
    assert runtime not in Path(probe["torch"][1]).parents, (
        "the chapter imported a torch installed by the setup cell"
    )
    assert Path(probe["nee_lite"]).resolve().is_relative_to(clone.resolve()), probe[
        "nee_lite"
    ]
    assert (
        Path(probe["data"]).resolve() == (clone / "data").resolve()
        and (clone / "data" / "checkpoints").is_dir()
    )
    assert Path(probe["cwd"]).resolve() == (clone / "book").resolve()
    site = Path(
        run(
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            env=env,
            cwd=tmp_path,
        ).strip()
    )
    assert not list(site.glob("torch*")), "pip put a torch into the Colab runtime"
    assert list(site.glob("*nee_lite*")), (
        "the setup cell did not install nee_lite into the runtime"
    )
    print(f"Colab test: {time.monotonic() - started:.1f} s")
