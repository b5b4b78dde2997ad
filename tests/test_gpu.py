"""Chapter "Preparing to train on a GPU": batches drawn on the device are the book's
batches, and every switch runs."""

import pytest
import torch

from nee_lite.core.encoding import NumberCodec
from nee_lite.core.training import Recipe, TrainConfig
from nee_lite.engines.gpu_training import (
    SortingTest,
    device_batches,
    host_batches,
    run_sorting,
    sorting_lists,
    sorting_states,
    training_throughput,
    with_autocast,
)
from nee_lite.engines.lists import SortData
from nee_lite.engines.nee import NEE, NEEConfig, engine_loss
from nee_lite.engines.selection_sort import selection_states


@pytest.mark.parametrize("bits", [8, 12])
def test_device_states_are_the_states_of_selection_sort(bits):
    codec = NumberCodec(bits)
    values, lengths = sorting_lists(
        300, 8, codec.end, torch.Generator().manual_seed(bits)
    )
    lists = [values[i, : lengths[i]].numpy() for i in range(len(values))]
    expected, states = (
        selection_states(lists, 8, codec),
        sorting_states(values, lengths, codec),
    )
    for name in ("bits", "hide", "target", "pointer"):
        assert torch.equal(getattr(expected, name), getattr(states, name)), name


def test_device_lists_have_the_three_kinds_and_end_padding():
    values, lengths = sorting_lists(
        2000, 8, 4096, torch.Generator().manual_seed(0), min_length=2
    )
    assert lengths.min() == 2 and lengths.max() == 8
    inside = torch.arange(8)[None] < lengths[:, None]
    assert (values[~inside] == 4096).all() and (values[inside] < 4096).all()
    full = values[lengths == 8]
    spread = full.max(1).values - full.min(1).values
    steps = full.sort(1).values.diff(1)
    assert (
        spread <= 7
    ).float().mean() > 0.15  # duplicate pools: every number within 8 of the others
    assert (
        (steps == steps[:, :1]).all(1) & (steps[:, 0] > 0)
    ).float().mean() > 0.15  # progressions
    assert (spread > 1000).float().mean() > 0.3  # uniform random lists


def test_every_training_switch_runs_and_measures():
    for data_on in ("host", "device"):
        result = training_throughput(8, "cpu", steps=2, warmup=1, data_on=data_on)
        assert result["lists_per_s"] > 0 and result["ms_per_step"] > 0
    assert training_throughput(8, "cpu", steps=1, warmup=1, bf16=True)["bf16"] is True
    with pytest.raises(ValueError, match="data_on"):
        training_throughput(8, "cpu", steps=1, data_on="disk")


def test_bf16_autocast_gives_a_float32_loss_close_to_float32():
    torch.manual_seed(0)
    engine = NEE(NEEConfig())
    batch = device_batches(16, SortData(), "cpu")(None, "cpu")
    full, _ = engine_loss(engine, batch)
    low, _ = with_autocast(engine_loss, "cpu")(engine, batch)
    assert (
        low.dtype == torch.float32
        and abs(low.item() - full.item()) < 0.05 * full.item()
    )


def test_host_batches_are_the_usual_loop():
    batch = host_batches(4, SortData(max_length=5), "cpu")(
        torch.Generator().manual_seed(0), "cpu"
    )
    assert batch.bits.shape == (4 * 6, 6, 9)


def test_a_tiny_run_trains_and_tests_closed_loop():
    recipe = Recipe(
        model=NEEConfig(bits=10),
        train=TrainConfig(steps=3, batch_size=8, warmup_steps=1),
        data=SortData(),
        mask_steps=2,
    )
    result = run_sorting(recipe, SortingTest(lengths=(5,), lists=4), progress=False)
    assert (
        result["rows"][0]["length"] == 5
        and result["rows"][0]["lists"] == 4
        and result["bits"] == 10
    )
    assert result["model"].codec.bits == 10 and result["lists_per_s"] > 0


def test_recorded_benchmarks_are_read_and_the_best_setting_found(tmp_path):
    import json

    from nee_lite.engines.gpu_training import benchmark_record, best_throughput

    assert (
        benchmark_record("training", "cuda", folder=tmp_path) is None
    )  # nobody measured on a GPU here
    rows = [
        {
            "batch_size": b,
            "data_on": "device",
            "bf16": False,
            "compile": False,
            "lists_per_s": b * 10.0,
        }
        for b in (64, 4096)
    ] + [
        {
            "batch_size": 4096,
            "data_on": "host",
            "bf16": False,
            "compile": False,
            "lists_per_s": 1e9,
        }
    ]
    (tmp_path / "training_cuda.json").write_text(
        json.dumps({"device_name": "A GPU", "throughput": rows})
    )
    record = benchmark_record("training", "cuda", folder=tmp_path)
    assert best_throughput(record, data_on="device", bf16=False)["batch_size"] == 4096
    with pytest.raises(ValueError, match="no throughput row"):
        best_throughput(record, data_on="disk")


def test_pointer_scores_need_an_engine_without_encoder_layers():
    from nee_lite.engines.nee import pointer_scores

    scores = pointer_scores(NEE(NEEConfig(bits=4, encoder_layers=0)))
    assert scores.shape == (17,) and scores.max() == 0
    with pytest.raises(ValueError, match="depends on the other numbers"):
        pointer_scores(NEE(NEEConfig(bits=4)))
