"""The shared training loop learns and is repeatable; checkpoints round-trip and refuse
what does not fit."""

import json

import pytest
import torch

from nee_lite import NumberCodec, TrainConfig, load_checkpoint, save_checkpoint, train
from nee_lite.core.device import cpu_kind, device_name, pick_device, seed_everything
from nee_lite.engines.numbers_as_bits import (
    MinOfTwo,
    MinOfTwoConfig,
    PairSampler,
    split_numbers,
)


def train_pairs(model, seen, config, **options):
    """Train a MinOfTwo on pairs of ``seen`` numbers, batches of config.batch_size."""
    return train(
        model,
        PairSampler(seen, config.batch_size),
        lambda m, batch: m.loss(*batch),
        config,
        progress=False,
        **options,
    )


def tiny_run(seed=0, steps=60):
    seen, _ = split_numbers(NumberCodec(4), 0.25, seed=0)
    torch.manual_seed(seed)
    model = MinOfTwo(MinOfTwoConfig(encoding="binary", bits=4, d_embed=4, hidden=16))
    config = TrainConfig(
        steps=steps, batch_size=32, lr=1e-2, warmup_steps=5, seed=seed, log_every=10
    )
    result = train_pairs(model, seen, config)
    return model, result


def test_loss_goes_down_and_history_is_logged():
    _, result = tiny_run(steps=300)
    assert [row["step"] for row in result.history][:3] == [10, 20, 30]
    assert result.history[-1]["loss"] < 0.7 * result.history[0]["loss"]
    assert result.wall_time_s > 0 and 0 < result.cpu_time_s and result.steps == 300


@pytest.mark.parametrize("optimizer", ["adamw", "sgd"])
def test_a_zero_learning_rate_factor_leaves_the_weights_as_they_were(optimizer):
    seen, _ = split_numbers(NumberCodec(4), 0.25, seed=0)
    model = MinOfTwo(MinOfTwoConfig(encoding="binary", bits=4, d_embed=4, hidden=16))
    before = [p.detach().clone() for p in model.parameters()]
    config = TrainConfig(
        steps=3, batch_size=8, lr=0.5, warmup_steps=0, optimizer=optimizer
    )
    train_pairs(model, seen, config, lr_scale=lambda: 0.0)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError, match="optimizer must be one of"):
        TrainConfig(optimizer="adagrad")


def test_cards_that_say_adam_mean_adamw_and_retrain_the_same():
    """The option "adam" is now named for what it is, AdamW; old cards still read."""
    from nee_lite.core.checkpoints import data_dir  # the shipped cards
    from nee_lite.engines.arithmetic import ADD  # its shipped card says "adam"

    card = json.loads((data_dir() / "checkpoints" / "add.json").read_text())
    assert card["train"]["optimizer"] == "adam"
    assert TrainConfig(**card["train"]) == ADD.with_seed(card["seed"]).train
    assert TrainConfig(optimizer="adam").optimizer == "adamw"
    weights = []
    seen, _ = split_numbers(NumberCodec(4), 0.25, seed=0)
    for optimizer in ("adam", "adamw"):
        torch.manual_seed(0)
        shape = MinOfTwoConfig(encoding="binary", bits=4, d_embed=4, hidden=16)
        model = MinOfTwo(shape)
        config = TrainConfig(
            steps=20, batch_size=8, lr=1e-2, warmup_steps=5, optimizer=optimizer
        )
        train_pairs(model, seen, config)
        weights.append([p.detach().clone() for p in model.parameters()])
    assert all(torch.equal(a, b) for a, b in zip(*weights))


def test_same_seed_same_weights_other_seed_other_weights():
    first, _ = tiny_run(seed=3)
    again, _ = tiny_run(seed=3)
    other, _ = tiny_run(seed=4)
    same = [
        torch.equal(a, b)
        for a, b in zip(first.state_dict().values(), again.state_dict().values())
    ]
    differ = [
        torch.equal(a, b)
        for a, b in zip(first.state_dict().values(), other.state_dict().values())
    ]
    assert all(same) and not all(differ)


def test_checkpoint_round_trip_with_card(tmp_path):
    model, result = tiny_run()
    path = save_checkpoint(
        model, tmp_path / "tiny", {"seed": 0, "wall_time_s": result.wall_time_s}
    )
    assert path.suffix == ".pt" and (tmp_path / "tiny.json").is_file()
    card = json.loads((tmp_path / "tiny.json").read_text())
    assert card["model"]["bits"] == 4 and card["parameters"] == sum(
        p.numel() for p in model.parameters()
    )
    fresh = MinOfTwo(model.config)
    assert load_checkpoint(fresh, tmp_path / "tiny")["seed"] == 0
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values()):
        assert torch.equal(a, b)


def test_mismatched_model_is_refused_with_the_difference(tmp_path):
    model, _ = tiny_run()
    save_checkpoint(model, tmp_path / "tiny", {})
    other = MinOfTwo(MinOfTwoConfig(encoding="binary", bits=4, d_embed=4, hidden=32))
    with pytest.raises(ValueError, match=r"hidden=16 \(model has 32\)"):
        load_checkpoint(other, tmp_path / "tiny")


def test_a_card_older_than_a_config_field_loads_with_that_fields_default(tmp_path):
    model, _ = tiny_run()
    save_checkpoint(model, tmp_path / "tiny", {})
    card_path = tmp_path / "tiny.json"
    card = json.loads(card_path.read_text())
    del card["model"][
        "encoding"
    ]  # as if the card was written before the field existed (default "binary")
    card_path.write_text(json.dumps(card))
    assert load_checkpoint(MinOfTwo(model.config), tmp_path / "tiny") is not None
    scalar = MinOfTwo(MinOfTwoConfig(encoding="scalar", bits=4, d_embed=4, hidden=16))
    with pytest.raises(ValueError, match=r"encoding='binary' \(model has 'scalar'\)"):
        load_checkpoint(
            scalar, tmp_path / "tiny"
        )  # a missing field means its default, not "anything"


def test_weights_that_do_not_fit_the_card_are_refused(tmp_path):
    model, _ = tiny_run()
    save_checkpoint(model, tmp_path / "tiny", {})
    torch.save({"something": torch.zeros(2)}, tmp_path / "tiny.pt")
    with pytest.raises(ValueError, match="does not fit MinOfTwo"):
        load_checkpoint(MinOfTwo(model.config), tmp_path / "tiny")


@pytest.mark.parametrize(
    "damage",
    ["garbage weights", "garbage card", "no card", "no weights", "card without model"],
)
def test_damaged_or_missing_files_are_clear_errors(tmp_path, damage):
    model, _ = tiny_run()
    save_checkpoint(model, tmp_path / "tiny", {})
    if damage == "garbage weights":
        (tmp_path / "tiny.pt").write_bytes(b"not a checkpoint")
    elif damage == "garbage card":
        (tmp_path / "tiny.json").write_text("{oops")
    elif damage == "no card":
        (tmp_path / "tiny.json").unlink()
    elif damage == "no weights":
        (tmp_path / "tiny.pt").unlink()
    else:
        (tmp_path / "tiny.json").write_text("[1, 2]")
    with pytest.raises(ValueError):
        load_checkpoint(MinOfTwo(model.config), tmp_path / "tiny")


def test_device_helper_says_what_it_picked(capsys):
    device = pick_device()
    assert device.type in {"cpu", "cuda", "mps"}
    assert "Using" in capsys.readouterr().out
    assert pick_device("cpu", verbose=False).type == "cpu"
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")


def test_seed_everything_returns_a_seeded_generator():
    first = torch.rand(3, generator=seed_everything(5))
    assert torch.equal(first, torch.rand(3, generator=seed_everything(5)))


def test_cpu_kind_names_the_model_and_the_vector_instructions():
    model, instructions = cpu_kind().rsplit(", ", 1)
    assert (
        device_name("cpu").startswith(model)
        and instructions == torch.backends.cpu.get_cpu_capability()
    )
