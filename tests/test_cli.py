"""The nee-lite command: training reproduces checkpoints, and every user error is one
line with exit code 2."""

import json
import shutil
import subprocess
import sys

import pytest

from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path
from nee_lite.core.device import cpu_kind


def run_cli(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory):
    """A min-of-two checkpoint trained for a few steps (fast); shape-compatible with the
    shipped one."""
    out = tmp_path_factory.mktemp("ck")
    assert main(["train", "min-of-two", "--steps", "30", "--out", str(out)]) == 0
    return out / "min-of-two"


def test_console_script_help_lists_commands_and_tasks():
    exe = shutil.which("nee-lite")
    command = [exe] if exe else [sys.executable, "-m", "nee_lite.cli.main"]
    result = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, check=True
    )
    for word in ("train", "evaluate", "run", "min-of-two"):
        assert word in result.stdout


def test_train_is_reproducible(tmp_path, small_checkpoint):
    assert main(["train", "min-of-two", "--steps", "30", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "min-of-two.pt").read_bytes() == small_checkpoint.with_suffix(
        ".pt"
    ).read_bytes()
    card = json.loads((tmp_path / "min-of-two.json").read_text())
    for key in (
        "model",
        "train",
        "seed",
        "steps",
        "wall_time_s",
        "cpu_time_s",
        "device",
        "accuracy",
        "command",
    ):
        assert key in card
    assert card["cpu_kind"] == cpu_kind()  # the kind of CPU on which these bits repeat


def test_run_uses_the_network(tmp_path, capsys):
    pairs = [[3, 7], [200, 199], [0, 255], [255, "inf"], ["inf", "inf"], [128, 128]]
    source = tmp_path / "pairs.json"
    source.write_text(json.dumps(pairs))
    code, out, err = run_cli(capsys, "run", "min-of-two", "--input", str(source))
    assert code == 0, err
    assert json.loads(out) == [3, 199, 0, 255, "inf", 128]


def test_run_reads_standard_input(capsys, monkeypatch):
    code, out, _ = run_cli(
        capsys,
        "run",
        "min-of-two",
        "--input",
        "-",
        stdin="[[9, 4]]",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and json.loads(out) == [4]


def test_evaluate_prints_the_table(capsys):
    code, out, _ = run_cli(capsys, "evaluate", "min-of-two")
    assert code == 0 and "held-out numbers" in out and "exact_match" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], None),
        (["train"], "required"),
        (["train", "teleport"], "invalid choice"),
        (["run", "min-of-two"], "--input"),
        (["run", "min-of-two", "--input", "/no/such/file.json"], "cannot read input"),
        (
            ["evaluate", "min-of-two", "--checkpoint", "/no/such/checkpoint"],
            "no checkpoint card",
        ),
        (["train", "min-of-two", "--steps", "0"], "--steps must be at least 1"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, message):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    if message:
        assert err.count("\n") == 1 and message in err


def test_mismatched_checkpoint_is_refused(tmp_path, capsys, small_checkpoint):
    card = json.loads(small_checkpoint.with_suffix(".json").read_text())
    card["model"]["hidden"] = 64
    shutil.copy(small_checkpoint.with_suffix(".pt"), tmp_path / "bad.pt")
    (tmp_path / "bad.json").write_text(json.dumps(card))
    code, _, err = run_cli(
        capsys, "evaluate", "min-of-two", "--checkpoint", str(tmp_path / "bad")
    )
    assert code == 2 and "does not fit MinOfTwo" in err


def test_shipped_checkpoint_card_matches_a_fresh_evaluation():
    card = json.loads(checkpoint_path("min-of-two").with_suffix(".json").read_text())
    from nee_lite.tasks.registry import TASKS, evaluate_task

    assert (
        evaluate_task(TASKS["min-of-two"], checkpoint_path("min-of-two"))
        == card["accuracy"]
    )
    assert card["accuracy"][1]["exact_match"] >= 0.99
