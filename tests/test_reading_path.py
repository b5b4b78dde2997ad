"""The reading path stays a book, not a lab notebook.

The reading path is every part of ``_toc.yml`` but the appendix and the reference. On
it, checks run in cells the rendered page removes (tag ``remove-cell`` or
``remove-input``); an ``assert`` stays visible only where it is the lesson, at most
``MAX_VISIBLE_ASSERTS`` in all. Each chapter has at most ``MAX_CHAPTER_WORDS`` words of
prose (its markdown), the path at most ``MAX_PATH_WORDS``. Run this file as a script for
the counts.
"""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OFF_PATH = {"Appendix", "Reference"}
HIDDEN_TAGS = {"remove-cell", "remove-input"}
MAX_VISIBLE_ASSERTS = 40
MAX_CHAPTER_WORDS = 3_000
# Learning arithmetic keeps its ideas in fewer words (its recipe search: the appendix).
MAX_WORDS = {"arithmetic.ipynb": 2_200}
MAX_PATH_WORDS = 28_000
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def reading_path() -> list[Path]:
    """The files of the reading path, in the order of the table of contents."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        if part["caption"] not in OFF_PATH:
            for chapter in part["chapters"]:
                files += [
                    chapter["file"],
                    *(s["file"] for s in chapter.get("sections", [])),
                ]
    return [
        next(p for p in (ROOT / f"{f}.ipynb", ROOT / f"{f}.md") if p.exists())
        for f in files
    ]


def prose_and_visible_asserts(path: Path) -> tuple[int, int]:
    """Words of prose (markdown) and ``assert`` lines the rendered page shows."""
    if path.suffix == ".md":
        return len(WORD.findall(path.read_text())), 0
    words = asserts = 0
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += len(WORD.findall(source))
        elif not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            asserts += sum(
                line.lstrip().startswith("assert") for line in source.splitlines()
            )
    return words, asserts


def counts() -> dict[str, tuple[int, int]]:
    return {path.name: prose_and_visible_asserts(path) for path in reading_path()}


def test_each_chapter_of_the_reading_path_is_short_enough():
    long = {
        name: words
        for name, (words, _) in counts().items()
        if words > MAX_WORDS.get(name, MAX_CHAPTER_WORDS)
    }
    assert not long, f"chapters over their budget of prose: {long}"


def test_the_reading_path_is_short_enough():
    total = sum(words for words, _ in counts().values())
    assert total <= MAX_PATH_WORDS, f"{total} words of prose on the reading path"


def test_checks_are_out_of_the_readers_way():
    visible = {name: asserts for name, (_, asserts) in counts().items() if asserts}
    assert sum(visible.values()) <= MAX_VISIBLE_ASSERTS, (
        f"visible assert lines: {visible}"
    )


if __name__ == "__main__":
    table = counts()
    for name, (words, asserts) in table.items():
        print(f"{name:32s} {words:6,d} words {asserts:4d} visible asserts")
    print(
        f"{'reading path':32s} {sum(w for w, _ in table.values()):6,d} words "
        f"{sum(a for _, a in table.values()):4d} visible asserts"
    )
