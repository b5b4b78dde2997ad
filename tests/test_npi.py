"""Neural Programmer-Interpreters: the scratchpad and its traces, the batched
interpreter, the shipped NPI, the CLI."""

import json
import random

import pytest
import torch

from nee_lite.ancestors.npi import (
    NPI,
    NPIConfig,
    add_numbers,
    execute,
    python_sum,
    random_operand,
    random_pairs,
    score_additions,
    trace_batch,
)
from nee_lite.ancestors.npi_env import (
    ADD,
    ADD1,
    BLANK,
    CARRY,
    LSHIFT,
    MOVE_PTR,
    RETURN,
    WRITE,
    BatchScratchpad,
    Decision,
    Scratchpad,
    addition_trace,
    describe,
    parse_operand,
)
from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path, load_model


@pytest.fixture(scope="module")
def npi():
    return load_model(checkpoint_path("npi-add"))


def test_traces_reproduce_pythons_addition():
    rng = random.Random(0)
    for _ in range(500):
        a, b = (
            random_operand(rng, rng.randint(1, 40)),
            random_operand(rng, rng.randint(1, 40)),
        )
        assert addition_trace(a, b).pad.result == str(int(a) + int(b))
    assert addition_trace("0", "0").pad.result == "0"
    assert addition_trace("99999", "1").pad.result == "100000"


def test_trace_of_one_column_with_a_carry():
    teacher = addition_trace("7", "5")
    programs = [
        (depth, program, describe(decision))
        for depth, program, _, decision in teacher.steps
    ]
    assert programs[:9] == [
        (0, ADD, "ADD1()"),
        (1, ADD1, "WRITE(OUT, 2)"),
        (1, ADD1, "CARRY()"),
        (2, CARRY, "MOVE_PTR(CARRY, LEFT)"),
        (2, CARRY, "WRITE(CARRY, 1)"),
        (2, CARRY, "MOVE_PTR(CARRY, RIGHT)"),
        (2, CARRY, "RETURN"),
        (1, ADD1, "RETURN"),
        (0, ADD, "LSHIFT()"),
    ]
    assert programs[-1] == (0, ADD, "RETURN")
    assert [call.program for call in teacher.calls] == [
        ADD,
        ADD1,
        CARRY,
        LSHIFT,
        ADD1,
        LSHIFT,
    ]
    assert teacher.calls[0].observations[0] == (7, 5, BLANK, BLANK)


def test_operands_are_checked():
    assert (
        parse_operand("007") == "7"
        and parse_operand("0") == "0"
        and parse_operand("000") == "0"
    )
    for bad in ("", "-3", "+3", " 3", "3 ", "3\n", "1e5", "0x1f", "٣", "²", "3.0"):
        with pytest.raises(ValueError, match="digits 0-9"):
            parse_operand(bad)
    for bad in (3, None, ["3"], True):
        with pytest.raises(ValueError, match="expected a decimal string"):
            parse_operand(bad)


def test_batch_scratchpad_matches_the_single_one():
    pad = BatchScratchpad([("95", "7"), ("1234", "0")])
    assert pad.observe().tolist() == [[5, 7, BLANK, BLANK], [4, 0, BLANK, BLANK]]
    both = torch.tensor([True, True])
    pad.write(both, torch.tensor([3, 3]), torch.tensor([2, 4]))
    pad.move(both, torch.tensor([0, 3]), torch.tensor([0, 0]))
    single = Scratchpad("95", "7")
    single.act(Decision(program=WRITE, row=3, value=2))
    single.act(Decision(program=MOVE_PTR, row=0, value=0))
    assert tuple(pad.observe()[0].tolist()) == single.observe() == (9, 7, BLANK, 2)
    assert pad.results() == ["2", "4"]
    with pytest.raises(ValueError, match="not a primitive"):
        single.act(RETURN)


def test_trace_batch_supervises_every_decision():
    batch = trace_batch([("95", "7")])
    assert batch.keep.sum() == len(addition_trace("95", "7").steps)
    assert batch.returns[batch.keep].sum() == len(
        addition_trace("95", "7").calls
    )  # one return per call
    assert (
        (batch.rows >= 0) == ((batch.called == MOVE_PTR) | (batch.called == WRITE))
    ).all()


def test_untrained_npi_stops_and_is_scored_honestly():
    torch.manual_seed(0)
    pairs = [("12", "30"), ("5", "5")]
    execution = execute(NPI(NPIConfig()), pairs, max_steps=30)
    assert execution.steps <= 30 and len(execution.results) == 2
    score = score_additions(["42", "1"], pairs)
    assert (
        score["exact_match"] == 0.5 and score["per_digit"] == 0.5
    )  # digits compared from the right: " 1" vs "10"


def test_shipped_npi_adds_long_numbers_exactly(npi):
    pairs = random_pairs(3, 200, seed=7) + [
        ("9" * 150, "1"),
        ("0", "0"),
        ("5", "5"),
        ("1" * 40, "8" * 90),
    ]
    execution = execute(npi, pairs, record=False)
    assert all(execution.finished)
    assert execution.results == [python_sum(a, b) for a, b in pairs]
    assert add_numbers(npi, [("123", "989")]) == ["1112"]


def test_record_replays_the_teachers_trace(npi):
    record = execute(npi, [("95", "7")], record=True).record
    teacher = addition_trace("95", "7").steps
    assert [
        (depth, program, decision) for depth, program, _, decision, _, _ in record
    ] == [(depth, program, decision) for depth, program, _, decision in teacher]


def test_cli_runs_the_npi(tmp_path, capsys):
    source = tmp_path / "pairs.json"
    source.write_text(
        json.dumps([["123", "989"], ["0", "0"], ["9" * 120, "1"], ["007", "3"]])
    )
    assert main(["run", "npi-add", "--input", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == ["1112", "0", "1" + "0" * 120, "10"]


def test_training_command_is_reproducible(tmp_path, monkeypatch):
    from dataclasses import replace

    import nee_lite.ancestors.npi
    from nee_lite.tasks.registry import TASKS

    monkeypatch.setattr(
        nee_lite.ancestors.npi, "ADDITION_TESTS", ((5, 20), (12, 5))
    )  # the card's table, made small
    task = TASKS["npi-add"]  # and the traced data
    small = replace(task.recipe, data=replace(task.recipe.data, additions=200))
    monkeypatch.setitem(TASKS, "npi-add", replace(task, recipe=small))
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["train", "npi-add", "--steps", "3", "--out", str(out)]) == 0
    assert (first / "npi-add.pt").read_bytes() == (second / "npi-add.pt").read_bytes()
    card = json.loads((first / "npi-add.json").read_text())
    assert (
        card["steps"] == 3
        and card["data"]["additions"] == 200
        and card["accuracy"][0]["digits"] == 5
    )
