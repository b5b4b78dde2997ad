"""Arithmetic NEEs: pairs and splits, range checks, the shipped addition and
multiplication engines, their CLI."""

import json

import pytest
import torch
from helpers import CODEC, shipped_model, train_and_evaluate_with_cli

from nee_lite import NumberCodec, TrainConfig
from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path
from nee_lite.core.training import Recipe
from nee_lite.engines.arithmetic import (
    ArithmeticConfig,
    ArithmeticNEE,
    allowed_numbers,
    evaluate_pairs,
    heldout_split,
    seeds_experiment,
    summarize_heldout,
    table_2_experiment,
    train_arithmetic,
    valid_pairs,
    validation_split,
)

adder = shipped_model("add")
multiplier = shipped_model("multiply")


def test_valid_pairs_keep_results_in_range_and_inf_absorbs():
    numbers = torch.tensor([0, 100, 200, 256])
    pairs = valid_pairs(numbers, numbers, "add", CODEC).tolist()
    assert (
        [100, 100] in pairs
        and [200, 100] not in pairs
        and [256, 200] in pairs
        and [256, 256] in pairs
    )
    assert (
        len(
            valid_pairs(
                torch.arange(4096), torch.arange(4096), "multiply", NumberCodec(12)
            )
        )
        > 30000
    )


def test_heldout_split_never_trains_on_heldout_numbers():
    allowed, heldout = allowed_numbers(64, CODEC, seed=3)
    assert (
        len(allowed) == 64
        and len(heldout) == 192
        and not set(allowed.tolist()) & set(heldout.tolist())
    )
    split = heldout_split("add", CODEC, count=64, seed=3)
    assert not torch.isin(split.train, split.heldout).any()
    assert (
        torch.isin(split.test, split.heldout).sum(1) == 1
    ).all()  # exactly one held-out operand per pair
    full = heldout_split("add", CODEC, seed=0)
    assert len(full.train) + len(full.test) == len(
        valid_pairs(torch.arange(257), torch.arange(257), "add", CODEC)
    )
    assert not set(map(tuple, full.train.tolist())) & set(
        map(tuple, full.test.tolist())
    )
    with pytest.raises(ValueError, match="count must be"):
        allowed_numbers(0, CODEC)


def test_config_and_range_errors():
    with pytest.raises(ValueError, match="unknown operation"):
        ArithmeticConfig(operation="divide")
    model = ArithmeticNEE(ArithmeticConfig())
    with pytest.raises(ValueError, match="200 \\+ 100 = 300 is out of range"):
        model.predict(torch.tensor([200]), torch.tensor([100]))
    times = ArithmeticNEE(ArithmeticConfig(operation="multiply", bits=12))
    with pytest.raises(ValueError, match="from 0 to 4095"):
        times.predict(torch.tensor([4096]), torch.tensor([1]))
    with pytest.raises(ValueError, match="100 \\* 100 = 10000 is out of range"):
        times.predict(torch.tensor([100]), torch.tensor([100]))


def test_a_few_training_steps_run_and_lower_the_loss():
    split = heldout_split("add", CODEC, count=128, seed=0)
    _, result = train_arithmetic(
        ArithmeticConfig(d_model=16, ff=64),
        split.train,
        TrainConfig(steps=40, batch_size=64, lr=3e-3, warmup_steps=5, log_every=10),
    )
    assert result.history[-1]["loss"] < result.history[0]["loss"]


def test_table_2_experiment_trains_one_single_engine_per_count_and_seed():
    config, budget = (
        ArithmeticConfig(d_model=16, ff=64),
        TrainConfig(steps=5, batch_size=32, warmup_steps=1),
    )
    rows = table_2_experiment(config, budget, counts=(128, 64), seeds=(0, 1))
    assert [(row["count"], row["seed"]) for row in rows] == [
        (128, 0),
        (128, 1),
        (64, 0),
        (64, 1),
    ]
    assert all(0.0 <= row["exact_match"] <= row["bit_accuracy"] <= 1.0 for row in rows)
    assert all(
        0.0 <= row["train_exact_match"] <= 1.0 and row["train_seconds"] > 0
        for row in rows
    )
    assert rows[0]["test_pairs"] == len(
        heldout_split("add", CODEC, count=128, seed=0).test
    )


def test_summarize_heldout_gives_mean_and_minimum_over_seeds_beside_the_paper():
    rows = [
        {
            "count": 64,
            "seed": seed,
            "exact_match": exact,
            "bit_accuracy": bit,
            "train_exact_match": fit,
            "train_seconds": 10.0 * (seed + 1),
        }
        for seed, (exact, bit, fit) in enumerate(
            [(0.9, 0.99, 1.0), (1.0, 1.0, 0.5), (0.8, 0.98, 1.0)]
        )
    ]
    [row] = summarize_heldout(rows)
    assert (
        row["seeds"] == 3
        and row["mean"] == pytest.approx(0.9)
        and row["min"] == 0.8
        and row["max"] == 1.0
    )
    assert (
        row["bit_min"] == 0.98
        and row["bit_mean"] == pytest.approx(0.99)
        and row["train_min"] == 0.5
    )
    assert (
        row["train_seconds_mean"] == 20.0
        and row["paper"] == 0.9653
        and "weight_decay" not in row
    )


def test_validation_split_uses_only_training_numbers_and_pairs():
    split = heldout_split("add", CODEC, count=89, seed=2)
    inner = validation_split(split, "add", CODEC, seed=2)
    assert (
        len(inner.heldout) == 9 and len(inner.allowed) == 80
    )  # 10 % of the 89 allowed are validation numbers
    assert set(inner.heldout.tolist()) <= set(
        split.allowed.tolist()
    )  # never a test (held-out) number
    every = torch.cat([inner.train, inner.test])
    assert not torch.isin(every, split.heldout).any()
    assert not torch.isin(inner.train, inner.heldout).any()
    assert (torch.isin(inner.test, inner.heldout).sum(1) == 1).all()
    full = heldout_split("add", CODEC, seed=0)
    inner = validation_split(full, "add", CODEC, seed=0)
    assert (
        len(inner.train) + len(inner.test) == len(full.train)
        and 0.08 < len(inner.test) / len(full.train) < 0.12
    )
    unordered = lambda pairs: set(map(tuple, pairs.sort(1).values.tolist()))  # noqa: E731
    assert not unordered(inner.train) & unordered(
        inner.test
    )  # a + b and b + a go together


def test_seeds_experiment_trains_each_seed_on_its_own_split():
    recipe = Recipe(
        model=ArithmeticConfig(d_model=16, ff=64),
        train=TrainConfig(steps=3, batch_size=32, warmup_steps=1),
    )
    rows = seeds_experiment(recipe, seeds=(0, 1))
    assert [row["seed"] for row in rows] == [0, 1] and all(
        row["operation"] == "add" for row in rows
    )
    assert rows[0]["test_pairs"] == len(heldout_split("add", CODEC, seed=0).test)
    assert all(0.0 <= row["exact_match"] <= row["bit_accuracy"] <= 1.0 for row in rows)
    assert all(
        0.0 <= row["train_exact_match"] <= row["train_bit_accuracy"] <= 1.0
        for row in rows
    )


class _OffByOne:
    """A stand-in engine whose every sum has its lowest bit flipped: exact match 0, per
    bit 8 of 9 right."""

    config, codec = ArithmeticConfig(), CODEC

    def predict(self, a, b):
        return (a + b) ^ 1


def test_evaluate_pairs_reports_per_bit_accuracy_beside_exact_match(adder):
    pairs = torch.tensor([[3, 4], [100, 27], [0, 0]])
    wrong = evaluate_pairs(_OffByOne(), pairs)
    assert wrong["accuracy"] == 0.0 and wrong["bit_accuracy"] == pytest.approx(8 / 9)
    assert wrong["wrong"] == [(3, 4, 6), (100, 27, 126), (0, 0, 1)]
    right = evaluate_pairs(
        adder, torch.tensor([[3, 4], [CODEC.end, 0], [CODEC.end, CODEC.end]])
    )  # inf included
    assert right["accuracy"] == 1.0 and right["bit_accuracy"] == 1.0


def test_shipped_adder_is_exact_on_every_valid_pair_and_inf(adder):
    split = heldout_split("add", CODEC, seed=0)
    assert evaluate_pairs(adder, split.test)["accuracy"] == 1.0
    every = valid_pairs(torch.arange(257), torch.arange(257), "add", CODEC)
    assert len(every) == 33409 and evaluate_pairs(adder, every)["accuracy"] == 1.0
    assert adder.predict(
        torch.tensor([256, 5, 256]), torch.tensor([7, 256, 256])
    ).tolist() == [256, 256, 256]


def test_shipped_multiplier_on_heldout_pairs_matches_its_card(multiplier):
    split = heldout_split("multiply", multiplier.codec, seed=0)
    result = evaluate_pairs(multiplier, split.test)
    card = json.loads(checkpoint_path("multiply").with_suffix(".json").read_text())
    assert result["accuracy"] == 1.0 and card["accuracy"][1]["exact_match"] == 1.0


def test_shipped_cards_record_time_and_accuracy():
    for name in ("add", "multiply"):
        card = json.loads(checkpoint_path(name).with_suffix(".json").read_text())
        assert (
            card["task"] == name
            and card["cpu_time_s"] < 300
            and card["wall_time_s"] > 0
        )
        assert (
            card["accuracy"][0]["test"] == "training pairs"
            and card["accuracy"][0]["exact_match"] == 1.0
        )
    assert (
        json.loads(checkpoint_path("add").with_suffix(".json").read_text())["accuracy"][
            1
        ]["exact_match"]
        == 1.0
    )


def test_cli_runs_both_engines(tmp_path, capsys):
    source = tmp_path / "pairs.json"
    source.write_text(
        json.dumps([[3, 4], [255, 0], ["inf", 7], [100, "inf"], [128, 127]])
    )
    assert main(["run", "add", "--input", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == [7, 255, "inf", "inf", 255]
    source.write_text(json.dumps([[3, 4], [4095, 1], [64, 63], [0, 4095]]))
    assert main(["run", "multiply", "--input", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == [12, 4095, 4032, 0]


def test_cli_train_and_evaluate(tmp_path, capsys):
    out = train_and_evaluate_with_cli("add", 3, tmp_path, capsys)
    assert "held-out pairs" in out


def test_cli_refuses_the_wrong_checkpoint(tmp_path, cli_refuses):
    add, merge = str(checkpoint_path("add")), str(checkpoint_path("merge-sort"))
    cli_refuses(
        ["run", "multiply", "--checkpoint", add],
        "holds the add engine, not the multiply engine",
        "[[2, 3]]",
    )
    cli_refuses(
        ["run", "add", "--checkpoint", merge],
        "was saved from MergeNEE, not ArithmeticNEE",
        "[[2, 3]]",
    )
    cli_refuses(
        ["evaluate", "multiply", "--checkpoint", str(tmp_path / "none")],
        "no checkpoint card",
    )
