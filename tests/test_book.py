"""Static checks of the book: toc and notebooks agree, notebooks are committed clean,
Colab setup is in place."""

import json
import re
import subprocess
from pathlib import Path

import tomllib
import yaml

from nee_lite.project import BRANCH, COLAB_SETUP_TAG, REPOSITORY_URL, colab_setup_source

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def toc_files(entries) -> list[str]:
    files = []
    for entry in entries:
        if "file" in entry:
            files.append(entry["file"])
        for key in ("parts", "chapters", "sections"):
            files += toc_files(entry.get(key, []))
    return files


def test_toc_and_book_folder_list_the_same_notebooks():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {
        f
        for f in [toc["root"], *toc_files(toc.get("parts", []))]
        if (ROOT / f"{f}.ipynb").exists()
    }
    missing = [
        f
        for f in [toc["root"], *toc_files(toc.get("parts", []))]
        if not (ROOT / f"{f}.ipynb").exists() and not (ROOT / f"{f}.md").exists()
    ]
    assert not missing, f"toc entries without a file: {missing}"
    assert listed == {str(p.relative_to(ROOT).with_suffix("")) for p in NOTEBOOKS}
    assert NOTEBOOKS, "the book has no chapters"


def committed_text(path: Path) -> str:
    """The notebook as git's index holds it (what a commit would record). Read from git,
    not from the working file: the suite's own ``pytest --overwrite`` fills the working
    files with outputs while this test runs beside it (``pytest -n``). Outside a git
    checkout (an unpacked archive) the working file is all there is."""
    relative = path.relative_to(ROOT).as_posix()
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f":{relative}"], capture_output=True, text=True
    )
    return shown.stdout if shown.returncode == 0 else path.read_text()


def test_committed_notebooks_carry_no_outputs():
    for path in NOTEBOOKS:
        for cell in json.loads(committed_text(path))["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, (
                    f"{path.name} has outputs"
                )


def test_every_notebook_starts_with_the_colab_setup_cell():
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text())
        first = notebook["cells"][0]
        assert first["cell_type"] == "code", path.name
        assert "".join(first["source"]) == colab_setup_source(), (
            f"{path.name}: run python -m nee_lite.project"
        )
        assert (
            COLAB_SETUP_TAG in first["metadata"]["tags"]
            and "remove-cell" in first["metadata"]["tags"]
        )
        assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def test_colab_cell_does_nothing_outside_colab():
    source = colab_setup_source()
    assert 'if "google.colab" in sys.modules:' in source
    body = source.split('if "google.colab" in sys.modules:')[1]
    assert all(
        line.startswith("    ") or not line.strip() for line in body.splitlines()[1:]
    )


def test_repository_address_lives_in_one_place():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == REPOSITORY_URL
    assert config["repository"]["branch"] == BRANCH == "main"
    assert config["execute"]["raise_on_error"] is True
    assert "intersphinx" not in (ROOT / "_config.yml").read_text()


def test_requirements_pin_exact_versions_and_the_package_does_not():
    lines = [
        line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
    ]
    pins = [line for line in lines if line and not line.startswith(("#", "-"))]
    assert pins and all(
        re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=\s]+", p) for p in pins
    ), pins
    assert "torch==2.13.0" in pins
    assert any(p.startswith("jupyter-book==1.") for p in pins)
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert not [d for d in dependencies if "==" in d], (
        "the package keeps loose ranges for Colab"
    )


def test_bibliography_has_the_seed_papers():
    bib = (ROOT / "references.bib").read_text()
    for key in (
        "yan2020nee",
        "zaremba2014learning",
        "reed2016npi",
        "velickovic2022clrs",
        "cormen2009clrs",
    ):
        assert f"{{{key}," in bib


def test_pages_load_their_scripts_from_the_book_not_a_cdn():
    """Widgets and math need require.js, the widget manager and MathJax; the book serves
    them itself.

    scripts/install_static_assets.sh puts them in _vendor/ (see tests/test_browser.py
    for the pages in a browser).
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    scripts = [*config["nb_ipywidgets_js"], config["mathjax_path"]]
    assert not [s for s in scripts if "://" in s or s.startswith("//")], (
        "a script would come from the web"
    )
    assert "_vendor" in config["html_static_path"]
    assert not (ROOT / "_static").exists(), (
        "Jupyter Book would load every .js under _vendor/ on every page"
    )


def test_every_chapter_has_objectives_time_summary_and_exercises_with_solutions():
    """Chapters have the book's shape; the appendix's recipe notes (``recipes_*``) are
    records, not lessons, and the first page (``intro``, a notebook or not) is a map of
    the book."""
    for path in NOTEBOOKS:
        if path.name.startswith("recipes_") or path.stem == "intro":
            continue
        text = "\n".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"
        )
        for needle in (
            "In this chapter",
            "**Prerequisites:**",
            "**Time:**",
            "## Summary",
            "## Exercises",
            ":class: dropdown",
            "{cite}`",
        ):
            assert needle in text, f"{path.name} lacks {needle!r}"
