"""Selection-sort NEE (chapter "Conditional masking"): the cost of exp() on very negative log-weights, as
attention_exp.py measures it for the seq2seq baseline. usage: attention_exp_nee.py STEPS"""
import sys

from attention_exp import compare
from nee_lite.nee import NEEConfig, train_selection_sort_nee
from nee_lite.training import TrainConfig

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 600
budget = TrainConfig(steps=steps, batch_size=64, lr=1e-2, warmup_steps=100, min_lr_ratio=0.0, grad_clip=None, seed=0)
compare(lambda: train_selection_sort_nee(NEEConfig(), budget, progress=False)[0], f"selection-sort NEE {steps} steps")
