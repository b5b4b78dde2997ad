"""Pieces several test modules share."""

import json

import pytest

from nee_lite import NumberCodec
from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path, load_model

#: The codec of the 8-bit engines: numbers 0-255, and 256 (the end token, infinity).
CODEC = NumberCodec(8)


def shipped_model(task: str):
    """A module-scoped fixture: ``task``'s shipped checkpoint, loaded once per module
    (``adder = shipped_model("add")`` makes the fixture ``adder``)."""

    @pytest.fixture(scope="module")
    def model():
        return load_model(checkpoint_path(task))

    return model


def train_and_evaluate_with_cli(task: str, steps: int, tmp_path, capsys) -> str:
    """``nee-lite train TASK --steps STEPS --out tmp_path`` must write a card that says
    the steps and the command, and ``nee-lite evaluate TASK`` (the shipped checkpoint)
    must succeed: returns what the evaluation printed."""
    assert main(["train", task, "--steps", str(steps), "--out", str(tmp_path)]) == 0
    card = json.loads((tmp_path / f"{task}.json").read_text())
    assert card["steps"] == steps
    assert card["command"] == f"nee-lite train {task} --seed 0 --steps {steps}"
    capsys.readouterr()
    assert main(["evaluate", task]) == 0
    return capsys.readouterr().out
