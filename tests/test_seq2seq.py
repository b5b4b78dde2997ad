"""The collapsing baseline: teacher forcing, greedy decoding, the shipped checkpoint's
recorded collapse; the one-hot and no-encoder-position variants and their experiment
over seeds."""

import json

import pytest
import torch

from nee_lite import NumberCodec
from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.core.transformer import attention_entropy
from nee_lite.engines.lists import paper_test_lists
from nee_lite.engines.seq2seq import (
    BASELINE_VARIANTS,
    NUMBERS,
    SORT_BASELINE,
    VARIANT_LENGTHS,
    VARIANT_SEEDS,
    Seq2SeqConfig,
    Seq2SeqSorter,
    baseline_table,
    greedy_sort,
    summarize_variants,
    teacher_forcing_batch,
)
from nee_lite.results.store import read_results, schema_rows
from nee_lite.tasks.experiments import seq2seq_baselines_table
from nee_lite.tasks.registry import TASKS, evaluate_task
from nee_lite.tasks.runs import ReproduceOptions


def test_teacher_forcing_batch_shifts_the_sorted_list():
    codec = NumberCodec(8)
    source, hide, decoder_input, target, keep = teacher_forcing_batch(
        [torch.tensor([7, 3, 250])], 4, codec
    )
    assert codec.decode(decoder_input[0]).tolist() == [0, 3, 7, 250, 0]
    assert codec.decode(target[0]).tolist() == [3, 7, 250, 256, 256]
    assert keep[0].tolist() == [True, True, True, True, False] and hide[0].tolist() == [
        False
    ] * 3 + [True]


def test_greedy_sort_shapes_and_attention_rows_sum_to_one():
    torch.manual_seed(0)
    model = Seq2SeqSorter(
        Seq2SeqConfig(d_model=8, encoder_layers=1, decoder_layers=1, ff=16)
    ).eval()
    outputs, attention = greedy_sort(model, torch.randint(256, (3, 6)))
    assert outputs.shape == (3, 6) and attention.shape == (3, 6, 6)
    assert torch.allclose(attention.sum(-1), torch.ones(3, 6), atol=1e-5)
    assert (
        abs(attention_entropy(torch.full((4,), 0.25)).item() - 1.3862943611198906)
        < 1e-9
    )  # log 4


def test_shipped_baseline_sorts_short_lists_and_collapses_on_long_ones():
    card = json.loads(checkpoint_path("sort-baseline").with_suffix(".json").read_text())
    rows = {
        row["length"]: row
        for row in evaluate_task(
            TASKS["sort-baseline"], checkpoint_path("sort-baseline")
        )
    }
    assert rows == {row["length"]: row for row in card["accuracy"]}
    assert rows[8]["exact_match"] >= 0.9 and rows[100]["exact_match"] <= 0.1
    assert rows[100]["attention_entropy"] > 2 * rows[8]["attention_entropy"]
    assert load_model(checkpoint_path("sort-baseline")).config == Seq2SeqConfig()


def test_one_hot_numbers_are_tokens_in_and_out():
    torch.manual_seed(0)
    model = Seq2SeqSorter(Seq2SeqConfig(numbers="one-hot")).eval()
    assert sum(p.numel() for p in model.parameters()) == 59_457
    codec = model.codec
    source, hide, decoder_input, _, _ = teacher_forcing_batch(
        [torch.tensor([7, 3, 250])], 3, codec
    )
    logits, _ = model(source, hide, decoder_input)
    assert logits.shape == (1, 4, 257)
    assert codec.decode(model.next_input(logits)).tolist() == logits.argmax(-1).tolist()
    outputs, attention = greedy_sort(model, torch.randint(256, (2, 5)))
    assert outputs.shape == (2, 5) and attention.shape == (2, 5, 5)
    with pytest.raises(ValueError, match="unknown numbers"):
        Seq2SeqConfig(numbers="scalar")


@pytest.mark.parametrize("numbers", NUMBERS)
def test_without_encoder_positions_the_order_of_the_input_does_not_matter(numbers):
    codec = NumberCodec(8)
    lists = torch.tensor([[7, 3, 250, 3, 100]])
    shuffled = lists[:, [4, 2, 0, 3, 1]]
    decoder = codec.encode(torch.tensor([[0, 3, 3]]))
    hide = torch.zeros(1, 5, dtype=torch.bool)
    for positions in (False, True):
        torch.manual_seed(0)
        model = Seq2SeqSorter(
            Seq2SeqConfig(numbers=numbers, encoder_positions=positions)
        ).eval()
        with torch.no_grad():
            first, _ = model(codec.encode(lists), hide, decoder)
            second, _ = model(codec.encode(shuffled), hide, decoder)
        assert torch.allclose(first, second, atol=1e-5) == (not positions)


def test_summarize_variants_gives_mean_and_minimum_over_seeds():
    runs = [
        {
            "variant": "v",
            "length": 8,
            "seed": seed,
            "per_element": pe,
            "exact_match": em,
            "attention_entropy": h,
        }
        for seed, pe, em, h in ((0, 1.0, 0.9, 0.5), (1, 0.5, 0.3, 1.5))
    ]
    (row,) = summarize_variants(runs)
    assert row == {
        "variant": "v",
        "length": 8,
        "seeds": 2,
        "per_element": 0.75,
        "min_per_element": 0.5,
        "exact_match": 0.6,
        "min_exact_match": 0.3,
        "attention_entropy": 1.0,
    }


def test_quick_experiment_trains_every_variant_and_tests_the_same_lengths(tmp_path):
    options = ReproduceOptions(checkpoints=tmp_path, quick=True, progress=False)
    entry = seq2seq_baselines_table(options)
    assert (
        entry["models"] == len(BASELINE_VARIANTS)
        and entry["seeds"] == [0]
        and entry["train"]["steps"] == 20
    )
    rows = schema_rows(entry["rows"])  # as reproduce writes them into the results file
    assert {(row["variant"], row["size"]) for row in rows} == {
        (variant, length) for variant in BASELINE_VARIANTS for length in (8, 16)
    }
    assert all(row["lists"] == 100 for row in entry["runs"])
    assert all(
        0 <= row["first_output_min"] <= row["first_output_mean"] <= 1 for row in rows
    )


def test_first_output_and_seen_steps_count_right_numbers():
    model = load_model(checkpoint_path("sort-baseline"))
    (at_8,) = baseline_table(model, (8,), seen_steps=8)
    assert (
        at_8["seen_steps_per_element"] == at_8["per_element"]
        and at_8["first_output"] == 1.0
    )
    (row,) = baseline_table(model, (16,), seen_steps=2)
    lists = paper_test_lists(16, seed=0)
    right = (greedy_sort(model, lists)[0] == torch.sort(lists, 1).values).float()
    assert (
        row["first_output"] == round(right[:, 0].mean().item(), 6) == 0.75
    )  # measured on this checkpoint
    assert (
        row["seen_steps_per_element"]
        == round(right[:, :2].mean().item(), 6)
        > row["per_element"]
    )
    assert "first_output" not in baseline_table(model, (8,))[0]


def test_committed_baseline_variants_cover_every_seed_and_match_their_summary():
    entry = read_results()["entries"]["seq2seq-baselines"]
    assert (
        entry["status"] == "measured"
        and not entry["quick"]
        and len(entry["seeds"]) == len(VARIANT_SEEDS)
    )
    assert entry["rows"] == schema_rows(summarize_variants(entry["runs"]))
    assert {(r["variant"], r["seed"], r["length"]) for r in entry["runs"]} == {
        (v, s, n)
        for v in BASELINE_VARIANTS
        for s in entry["seeds"]
        for n in VARIANT_LENGTHS
    }
    assert entry["train"]["steps"] == SORT_BASELINE.train.steps
