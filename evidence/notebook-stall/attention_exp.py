"""Attention collapse's training: how much time the exp() of very negative log-weights costs (issue #20, part 4).

Variant "softmax": weights from F.softmax(logits) instead of F.log_softmax(logits).exp() (log-weights still
returned). Same steps, same seed; prints seconds per variant and whether the trained weights are bit-identical."""
import sys
import time

import torch
import torch.nn.functional as F

from nee_lite import transformer
from nee_lite.device import tune_cpu
from nee_lite.seq2seq import Seq2SeqConfig, train_seq2seq_sorter
from nee_lite.training import TrainConfig

cls = transformer.Attention


def softmax_forward(self, queries, keys_values, hide=None, causal=False):
    import math
    logits = self.query(queries) @ self.key(keys_values).transpose(1, 2)
    if self.score == "scaled":
        logits = logits / math.sqrt(self.d_model)
    elif self.score == "learned-temperature":
        logits = logits * (self.log_temperature.exp() / math.sqrt(self.d_model))
    if hide is not None:
        logits = logits.masked_fill(hide[:, None, :], float("-inf"))
    if causal:
        steps, keys = logits.shape[1:]
        future = torch.ones(steps, keys, dtype=torch.bool, device=logits.device).triu(1)
        logits = logits.masked_fill(future, float("-inf"))
    return self.out(F.softmax(logits, dim=-1) @ self.value(keys_values)), F.log_softmax(logits, dim=-1)


def compare(train, label):
    """Train twice with each variant (interleaved); print wall and CPU seconds, and whether the weights agree."""
    tune_cpu(threads=1)
    keep = cls.forward
    results = {}
    for variant in ("log_softmax.exp", "softmax", "log_softmax.exp", "softmax"):
        cls.forward = keep if variant == "log_softmax.exp" else softmax_forward
        start, cpu = time.perf_counter(), time.process_time()
        model = train()
        print(f"{label} {variant:16} {time.perf_counter() - start:6.1f} s wall, {time.process_time() - cpu:6.1f} s CPU",
              flush=True)
        results.setdefault(variant, model.state_dict())
    cls.forward = keep
    print("bit-identical weights:", all(torch.equal(a, b) for a, b in zip(*(r.values() for r in results.values()))))


if __name__ == "__main__":
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    budget = TrainConfig(steps=steps, batch_size=64, lr=3e-3, warmup_steps=100, min_lr_ratio=0.0, grad_clip=None,
                         seed=0)
    compare(lambda: train_seq2seq_sorter(Seq2SeqConfig(), budget, max_length=8, min_length=4, progress=False)[0],
            f"seq2seq {steps} steps")
