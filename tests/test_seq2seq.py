"""The collapsing baseline: teacher forcing, greedy decoding, the shipped checkpoint's recorded collapse."""

import json

import torch

from nee_lite import NumberCodec
from nee_lite.core.checkpoints import checkpoint_path
from nee_lite.core.transformer import attention_entropy
from nee_lite.engines.seq2seq import Seq2SeqConfig, Seq2SeqSorter, greedy_sort, teacher_forcing_batch
from nee_lite.cli.registry import TASKS, evaluate_task
from nee_lite.core.checkpoints import load_model


def test_teacher_forcing_batch_shifts_the_sorted_list():
    codec = NumberCodec(8)
    source, hide, decoder_input, target, keep = teacher_forcing_batch([torch.tensor([7, 3, 250])], 4, codec)
    assert codec.decode(decoder_input[0]).tolist() == [0, 3, 7, 250, 0]
    assert codec.decode(target[0]).tolist() == [3, 7, 250, 256, 256]
    assert keep[0].tolist() == [True, True, True, True, False] and hide[0].tolist() == [False] * 3 + [True]


def test_greedy_sort_shapes_and_attention_rows_sum_to_one():
    torch.manual_seed(0)
    model = Seq2SeqSorter(Seq2SeqConfig(d_model=8, encoder_layers=1, decoder_layers=1, ff=16)).eval()
    outputs, attention = greedy_sort(model, torch.randint(256, (3, 6)))
    assert outputs.shape == (3, 6) and attention.shape == (3, 6, 6)
    assert torch.allclose(attention.sum(-1), torch.ones(3, 6), atol=1e-5)
    assert abs(attention_entropy(torch.full((4,), 0.25)).item() - 1.3862943611198906) < 1e-9  # log 4


def test_shipped_baseline_sorts_short_lists_and_collapses_on_long_ones():
    card = json.loads(checkpoint_path("sort-baseline").with_suffix(".json").read_text())
    rows = {row["length"]: row for row in evaluate_task(TASKS["sort-baseline"], checkpoint_path("sort-baseline"))}
    assert rows == {row["length"]: row for row in card["accuracy"]}
    assert rows[8]["exact_match"] >= 0.9 and rows[100]["exact_match"] <= 0.1
    assert rows[100]["attention_entropy"] > 2 * rows[8]["attention_entropy"]
    assert load_model(checkpoint_path("sort-baseline")).config == Seq2SeqConfig()
