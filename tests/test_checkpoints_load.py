"""Every shipped checkpoint loads in a fresh process that imports only ``nee_lite``.

Which modules a program happened to import must not decide what ``load_model`` can
build:
the card names the class, and ``MODEL_MODULES`` names the module that defines it.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nee_lite import load_model
from nee_lite.core.checkpoints import MODEL_MODULES

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = sorted((ROOT / "data" / "checkpoints").glob("*.pt"))

# Runs in a fresh interpreter: imports nee_lite and nothing else of it, then loads.
LOAD_ALL = """
import json, sys
import nee_lite
loaded = {}
for path in json.loads(sys.argv[1]):
    model = nee_lite.load_model(path)
    loaded[path] = [type(model).__name__, model.training]
print(json.dumps(loaded))
"""


def test_every_shipped_checkpoint_loads_after_importing_only_nee_lite():
    assert len(CHECKPOINTS) >= 12, CHECKPOINTS
    paths = [str(path) for path in CHECKPOINTS]
    done = subprocess.run(
        [sys.executable, "-c", LOAD_ALL, json.dumps(paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    for path in CHECKPOINTS:
        card = json.loads(path.with_suffix(".json").read_text())
        name, training = loaded[str(path)]
        assert name == card["model_class"], (path.name, name)
        assert training is False, f"{path.name} did not load in eval mode"


def test_model_modules_names_every_model_class_of_the_package():
    """Each ``Model`` subclass defined in ``nee_lite`` is listed with its module."""
    defined = {}
    for path in sorted((ROOT / "nee_lite").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                defined[node.name] = (
                    module,
                    [getattr(b, "id", "") for b in node.bases],
                )
    models = {"Model"}
    grew = True
    while grew:  # subclasses of subclasses (MaskedEngine -> SelectionSortNEE)
        found = {name for name, (_, bases) in defined.items() if models & set(bases)}
        grew = not found <= models
        models |= found
    models.discard("Model")
    assert {name: defined[name][0] for name in models} == MODEL_MODULES


def test_an_unknown_class_is_refused_with_its_name(tmp_path):
    card = json.loads(CHECKPOINTS[0].with_suffix(".json").read_text())
    (tmp_path / "odd.json").write_text(
        json.dumps({**card, "model_class": "NoSuchModel"})
    )
    with pytest.raises(ValueError, match="NoSuchModel"):
        load_model(tmp_path / "odd")
