"""The package's layout: one dependency direction, short modules, and chapters that
never import the command line."""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nee_lite"
# Each subpackage (or top-level module) may import only those before it (and itself).
LAYERS = (
    "core",
    "engines",
    "graphs",
    "ancestors",
    "inputs",
    "pictures",
    "onnx_engines",
    "results",
    "tasks",
    "cli",
)


def _modules():
    return sorted(path for path in PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, int]]:
    """The ``nee_lite`` modules ``path`` imports, as dotted names, with their line
    numbers."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return [
        (name, line)
        for name, line in found
        if name == "nee_lite" or name.startswith("nee_lite.")
    ]


def _layer(dotted: str) -> int | None:
    parts = dotted.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_upward(path):
    own = _layer(".".join(path.relative_to(ROOT).with_suffix("").parts))
    if own is None:
        return  # nee_lite/__init__.py and project.py stand outside the layers
    upward = [
        f"line {line}: {name}"
        for name, line in _imports(path)
        if (_layer(name) or 0) > own
    ]
    assert not upward, f"{path.name} imports from a later layer: {upward}"


def test_modules_are_short():
    # 450 lines when the code was laid out at 120 columns; at 88 (ruff format) the same
    # code takes about a third more lines.
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text().splitlines())
        for path in _modules()
    }
    assert max(lengths.values()) <= 700, sorted(
        lengths.items(), key=lambda item: -item[1]
    )[:3]
    assert lengths["tasks/registry.py"] < 500


def test_only_the_command_line_and_its_tests_import_it():
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        assert "nee_lite.cli" not in path.read_text(), f"{path.name} imports the cli"
    for path in _modules():
        if "cli" not in path.relative_to(PACKAGE).parts:
            imports = [name for name, _ in _imports(path)]
            assert not any(name.startswith("nee_lite.cli") for name in imports), path


def test_chapters_never_import_the_command_line():
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        code = "\n".join(
            "".join(cell["source"])
            for cell in json.loads(notebook.read_text())["cells"]
            if cell["cell_type"] == "code"
        )
        for word in ("nee_lite.cli", "nee_lite.tasks", "from nee_lite import cli"):
            assert word not in code, f"{notebook.name} imports {word}"


def test_local_imports_say_why():
    """A function-local import needs a reason on its line (a comment)."""
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        line = path.read_text().splitlines()[inner.lineno - 1]
                        assert "#" in line, (
                            f"{path.name}:{inner.lineno} imports inside a function "
                            "without a reason"
                        )
